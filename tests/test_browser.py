"""The editors' page in a real browser: Debian's Chromium, headless, driven by Playwright.

Index the Reuters seed and a few corpus originals, paste the content-farm copy, check
it, see the Reuters story matched as spun, open the side-by-side view and find the
swapped words marked in both columns. A screenshot goes to tests/artifacts/web_check.png.

CI installs Chromium with scripts/install_browser.sh; without /usr/bin/chromium the
test is skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

from detector.archive.store import Archive
from detector.web.app import create_app, serve_in_background

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"{CHROMIUM} is missing: run scripts/install_browser.sh (apt-get install chromium)",
    ),
]

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "corpus" / "seeds"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("web") / "archive.db"
    rows = [
        json.loads(line)
        for line in (REPO / "corpus" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    originals = [r for r in rows if r["kind"] == "original" and r["id"] != "seed-000"][:6]
    with Archive(db) as archive:
        archive.add_text(
            "seed-000",
            (SEEDS / "000_6938627cd5ef1f07.txt").read_text(encoding="utf-8"),
            title="Twitter seeks talks with India's technology minister",
            date="2021-02-08",
            source="Reuters",
        )
        for r in originals:
            archive.add_text(
                r["id"],
                r["text"],
                title=r["text"].split("\n", 1)[0],
                date=r["published"],
                source=r["source"],
            )
    with serve_in_background(create_app(db), max_seconds=180) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            yield b
        finally:
            b.close()


def test_check_and_side_by_side_in_chromium(server: str, browser: Any) -> None:
    suspect = (SEEDS / "001_7281db72b9a8aca8.txt").read_text(encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.set_default_timeout(30_000)

    page.goto(server + "/")
    assert "archive: 7 articles" in page.inner_text("nav")
    page.fill("textarea#text", suspect)
    page.click("text=Check against the archive")
    page.wait_for_selector("#results")

    match = page.locator('li.match[data-id="seed-000"]')
    assert match.count() == 1
    assert match.locator(".badge").get_attribute("data-verdict") == "spun"
    assert match.locator(".badge").inner_text() == "Spun copy"
    assert "Twitter seeks talks" in match.inner_text()
    assert "2021-02-08" in match.inner_text()
    assert page.input_value("textarea#text") == suspect.replace("\r\n", "\n")

    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#results").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "web_results.png"))

    match.locator("a").click()
    page.wait_for_selector("#text-a")
    assert "/view/seed-000?s=" in page.url
    assert page.locator(".badge").first.get_attribute("data-verdict") == "spun"

    suspect_subs = page.locator("#text-a [data-sub]")
    reuters_subs = page.locator("#text-b [data-sub]")
    assert suspect_subs.count() > 5 and reuters_subs.count() > 5
    expertise = page.locator("#text-a [data-sub]", has_text="expertise").first
    technology = page.locator("#text-b [data-sub]", has_text="technology").first
    assert expertise.get_attribute("data-sub") == technology.get_attribute("data-sub")
    assert "expertise → technology" in (expertise.get_attribute("title") or "")
    # The swap is marked visibly: bold and coloured, unlike the words around it.
    weight = expertise.evaluate("el => getComputedStyle(el).fontWeight")
    assert int(weight) >= 700

    # Hovering one side lights up its counterpart.
    expertise.hover()
    assert "hl" in (technology.get_attribute("class") or "")

    # The screenshot: the verdict line, then the two columns with the swaps marked.
    shot = ARTIFACTS / "web_check.png"
    page.mouse.move(0, 0)
    page.locator(".legend").evaluate(
        "el => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 48)"
    )
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    assert errors == []
    page.close()


def test_paragraphs_and_lines_shown_once_in_chromium(server: str, browser: Any) -> None:
    """Each paragraph is a block and each line break shows once: the newline, not its <br> too."""
    a = (
        "Council approves harbour budget\n\n"
        "The city council approved the harbour budget on Monday.\n"
        "The vote was 9 to 2.\n\n"
        "Work starts in May, the mayor said."
    )
    b = a.replace("approved", "passed")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(30_000)
    page.goto(server + "/compare")
    page.fill("textarea#a", a)
    page.fill("textarea#b", b)
    page.click("#compare")
    page.wait_for_selector("#text-a")
    for side, text in (("a", a), ("b", b)):
        shown = page.locator(f"#text-{side} p")
        assert shown.count() == 3
        assert [shown.nth(i).inner_text() for i in range(3)] == text.split("\n\n")
    assert page.locator("h1").inner_text().startswith("Comparison: Council approves harbour budget")
    page.close()
