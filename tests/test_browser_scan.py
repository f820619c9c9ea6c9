"""The scan browser and the API docs in a real browser: Debian's Chromium, driven by Playwright.

The bundled corpus is scanned into a temporary folder and served (``serve --scan``, two
worker processes). In Chromium: the cluster list, filtered to spun pairs and paged to
the cluster holding the seed pair; its pair list; the seed pair side by side with the
verdict ``spun`` and the swapped words marked; the way back; the served scan report's
cluster links. Then ``/docs``: Swagger UI renders with every request answered by the
server itself. Screenshots of the cluster list and the pair go to
``tests/artifacts/scan_clusters.png`` and ``tests/artifacts/scan_pair.png`` (this test
writes them on every run).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_browser import ARGS, ARTIFACTS, CHROMIUM, sync_api

pytest.importorskip("fastapi", reason="the web extra is not installed")

from detector.inputs.fields import FieldMap
from detector.scan.options import ScanOptions
from detector.scan.pipeline import scan
from detector.web.app import create_app, serve_in_background

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"{CHROMIUM} is missing: run scripts/install_browser.sh (apt-get install chromium)",
    ),
]

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("scan") / "out"
    options = ScanOptions(fields=FieldMap(date="published"))
    scan([REPO / "corpus" / "articles.jsonl"], out, options=options)
    with serve_in_background(create_app(scan=out, workers=2), max_seconds=240) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            yield b
        finally:
            b.close()


def _page(browser: Any, errors: list[str]) -> Any:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.set_default_timeout(30_000)
    return page


def test_browse_a_scan_to_the_seed_pair(server: str, browser: Any) -> None:
    errors: list[str] = []
    page = _page(browser, errors)
    page.goto(server + "/")
    assert page.url == server + "/scan"
    assert "61 clusters" in page.inner_text("nav")
    sizes = [int(s.split()[0]) for s in page.locator("li.cluster .meta").all_inner_texts()]
    assert len(sizes) == 50 and sizes == sorted(sizes, reverse=True)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "scan_clusters.png"))

    page.select_option("select#verdict", "spun")
    page.click("button#filter")
    page.wait_for_url("**/scan?verdict=spun*")
    assert page.locator("select#verdict").input_value() == "spun"
    for _ in range(5):  # page on to the cluster holding the seed pair
        seed = page.locator("li.cluster", has_text="seed-001")
        if seed.count():
            break
        page.click("a[rel=next]")
        page.wait_for_load_state()
    assert seed.count() == 1
    seed.locator("a").click()
    page.wait_for_url("**/scan/clusters/*")
    cluster_url = page.url.split("?", 1)[0]

    pair = page.locator('li.pair[data-a="seed-000"][data-b="seed-001"]')
    assert pair.locator(".badge").get_attribute("data-verdict") == "spun"
    assert "Reuters" in page.locator('tr[data-id="seed-000"]').inner_text()
    pair.locator("a").click()
    page.wait_for_selector("#text-a")
    assert "/scan/pair?a=seed-000&b=seed-001" in page.url
    assert page.locator(".badge").first.get_attribute("data-verdict") == "spun"
    assert page.locator(".badge").first.inner_text() == "Spun copy"
    technology = page.locator("#text-a [data-sub]", has_text="technology").first
    expertise = page.locator("#text-b [data-sub]", has_text="expertise").first
    assert technology.get_attribute("data-sub") == expertise.get_attribute("data-sub")
    assert page.locator("#substitutions tbody tr").count() > 10
    technology.hover()
    assert "hl" in (expertise.get_attribute("class") or "")
    page.mouse.move(0, 0)
    page.locator(".legend").evaluate(
        "el => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 48)"
    )
    shot = ARTIFACTS / "scan_pair.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000

    page.click("nav.backbar a")
    page.wait_for_url(cluster_url)

    page.goto(server + "/scan/report")
    row = page.locator("tr[data-cluster]").first
    number = row.get_attribute("data-cluster")
    row.locator("a").first.click()
    page.wait_for_url(f"**/scan/clusters/{number}")
    assert page.locator("h1").inner_text().startswith(f"Cluster {number}:")
    assert errors == []
    page.close()


def test_docs_render_offline(server: str, browser: Any) -> None:
    errors: list[str] = []
    page = _page(browser, errors)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(server + "/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "detector" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector('.opblock-summary-path[data-path="/api/compare"]')
    assert requested and all(url.startswith(server + "/") for url in requested), requested
    assert errors == []
    page.close()
