"""The HTML templates (detector.report.templates): one stylesheet, shipped, escaped.

The comparison report, the scan report and the web pages all extend ``base.html``, which
inlines ``detector.css``; each page must carry that one file as it is.
"""

from __future__ import annotations

import json
import re
import tomllib
import warnings
from fnmatch import fnmatch
from pathlib import Path

import pytest

from detector import compare
from detector.report.comparison import comparison_html
from detector.report.scan import histogram, write_report
from detector.report.templates import STYLESHEET, render

PACKAGE = Path(__file__).resolve().parent.parent / "detector"
CSS = (PACKAGE / "report" / "templates" / STYLESHEET).read_text(encoding="utf-8")


def _styles(page: str) -> list[str]:
    return re.findall(r"<style>\n?(.*?)</style>", page, re.S)


def _summary() -> dict[str, object]:
    return {
        "records_read": 1234,
        "records_scanned": 1200,
        "records_rejected": 34,
        "duplicate_ids": {"count": 2},
        "candidates": 40,
        "pairs": 12,
        "clusters": 1,
        "pairs_by_verdict": {"spun": 5, "duplicate": 7},
        "score_histogram": [0, 1, 2, 9],
        "seconds": {"read_and_fingerprint": 1.234},
    }


@pytest.fixture()
def scan_page(tmp_path: Path) -> str:
    cluster = {
        "cluster": 1,
        "members": ["<b>orig</b>", *(f"copy-{i}" for i in range(14))],
        "original": "<b>orig</b>",
        "why": 'wire source ("A & B")',
    }
    (tmp_path / "clusters.jsonl").write_text(json.dumps(cluster) + "\n", encoding="utf-8")
    write_report(tmp_path / "report.html", _summary(), tmp_path)
    return (tmp_path / "report.html").read_text(encoding="utf-8")


def test_every_page_inlines_the_one_stylesheet(scan_page: str, tmp_path: Path) -> None:
    a, b = "The council approved the budget.", "The council passed the budget."
    pages = {
        "comparison": comparison_html(compare(a, b), a, b),
        "scan": scan_page,
        "base": render("base.html", {"title": "t"}),
    }
    try:
        with warnings.catch_warnings():  # starlette's note about httpx2; httpx is what we have
            warnings.simplefilter("ignore")
            from fastapi.testclient import TestClient
        from detector.web.app import create_app
    except ImportError:  # the web extra is not installed
        pass
    else:
        with TestClient(create_app(tmp_path / "archive.db")) as client:
            pages["web"] = client.get("/").text
    for name, page in pages.items():
        assert _styles(page) == [CSS], name


def test_scan_report_escapes_and_shows_the_summary(scan_page: str) -> None:
    page = scan_page
    assert page.startswith("<!DOCTYPE html>") and '<body class="scan">' in page
    assert "<b>orig" not in page and "&lt;b&gt;orig&lt;/b&gt;" in page
    assert "wire source (&#34;A &amp; B&#34;)" in page
    assert "1,234" in page and "<td>read and fingerprint</td>" in page and "1.23" in page
    assert "copy-10 … (+3)" in page  # twelve members shown of fifteen
    assert page.index("<td>duplicate</td>") < page.index("<td>spun</td>")
    assert page.count("<rect ") == 4 and ">1.0</text>" in page
    assert "http" not in page and "src=" not in page


def test_histogram_bars_fill_the_plot() -> None:
    chart = histogram([2, 0, 4], width=100, height=60, pad=10)
    bars = chart["bars"]
    assert [b["count"] for b in bars] == [2, 0, 4]
    assert bars[2]["height"] == pytest.approx(40) and bars[1]["height"] == 0
    assert bars[0]["y"] + bars[0]["height"] == pytest.approx(50)
    assert bars[-1]["x"] + bars[-1]["width"] + 2 == pytest.approx(90)
    assert histogram([])["bars"] == []


def test_lone_surrogates_never_reach_the_page() -> None:
    page = render("base.html", {"title": "x \ud800 y"})
    assert "x \ufffd y" in page
    page.encode("utf-8")


def test_templates_are_package_data() -> None:
    """Every template and the stylesheet match a package-data pattern, so wheels ship them."""
    pyproject = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["detector"]
    files = [
        p.relative_to(PACKAGE).as_posix()
        for folder in (PACKAGE / "report" / "templates", PACKAGE / "web" / "templates")
        for p in folder.iterdir()
        if p.suffix in (".html", ".css")
    ]
    assert STYLESHEET in {Path(f).name for f in files}
    missing = [f for f in files if not any(fnmatch(f, pattern) for pattern in patterns)]
    assert not missing, f"not shipped: {missing}"
