"""Documents shown as written: paragraphs and lines kept, texts named, the numbers explained.

Before: every page put a text in one ``<div>`` and left its paragraphs to the
stylesheet's ``white-space: pre-wrap``, so a reader without the stylesheet (a text
browser, a mail client, a copy of the page) showed the Reuters story as one run-on block
starting "date 2021-02-08"; the compare page was headed "Text a vs Text b"; and
"score 1.00" sat next to "p=0.82" with no word on what either is.

The pages are read here as a browser reads them without any stylesheet: block elements
start paragraphs, ``<br>`` starts a line, any other run of white space is one space.
"""

from __future__ import annotations

import json
import re
import sqlite3
import warnings
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detector import Comparison, compare
from detector.archive.store import Archive
from detector.cli import app
from detector.report.comparison import comparison_html
from detector.report.scan import write_report

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "corpus" / "seeds"
REUTERS = (SEEDS / "000_6938627cd5ef1f07.txt").read_text(encoding="utf-8")
SPUN = (SEEDS / "001_7281db72b9a8aca8.txt").read_text(encoding="utf-8")
#: A text with a headline, a paragraph of two lines (as a text file may hold) and one more.
LINES = (
    "Council approves harbour budget\n\n"
    "The city council approved the harbour budget on Monday.\n"
    "The vote was 9 to 2.\n\n"
    "Work starts in May, the mayor said."
)
runner = CliRunner()

BLOCKS = frozenset({"p", "div", "section", "main", "h1", "h2", "h3", "li", "ul", "ol", "dl"})


class Unstyled(HTMLParser):
    """The text of the two columns (``#text-a``, ``#text-b``) as an unstyled browser lays it out:
    each column a list of paragraphs, each paragraph a list of lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth: list[str] = []
        self.side: str | None = None
        self.out: dict[str, list[str]] = {"a": [], "b": []}
        self.headings: list[str] = []
        self._heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        amap = dict(attrs)
        if amap.get("id") in ("text-a", "text-b"):
            self.side = str(amap["id"])[-1]
            self.depth = []
        if tag in ("h1", "h2"):
            self._heading = []
        if self.side is None:
            return
        if tag != "br":
            self.depth.append(tag)
        if tag in BLOCKS:
            self.out[self.side].append("\x00")
        elif tag == "br":
            self.out[self.side].append("\x01")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "h2") and self._heading is not None:
            self.headings.append(" ".join("".join(self._heading).split()))
            self._heading = None
        if self.side is None:
            return
        if tag in BLOCKS:
            self.out[self.side].append("\x00")
        if self.depth:
            self.depth.pop()
        if not self.depth:
            self.side = None

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading.append(data)
        if self.side is not None:
            self.out[self.side].append(data)

    def column(self, side: str) -> list[list[str]]:
        raw = "".join(self.out[side])
        shown = []
        for block in raw.split("\x00"):
            lines = [" ".join(line.split()) for line in block.split("\x01")]
            lines = [line for line in lines if line]
            if lines:
                shown.append(lines)
        return shown


def read(page: str) -> Unstyled:
    reader = Unstyled()
    reader.feed(page)
    reader.close()
    return reader


def as_written(text: str) -> list[list[str]]:
    """The paragraphs (between blank lines) and lines of ``text``, white space folded:
    what a page must show."""
    unix = text.replace("\r\n", "\n").replace("\r", "\n")
    shown = []
    for block in re.split(r"\n[^\S\n]*\n", unix):
        lines = [" ".join(line.split()) for line in block.split("\n")]
        if any(lines):
            shown.append([line for line in lines if line])
    return shown


# ----------------------------------------------------------------------------- the report


def test_paragraphs_split_at_blank_lines_only() -> None:
    from detector.report.comparison import paragraphs

    for text in (LINES, REUTERS, SPUN, "\n\n  \n one \r\n\r\n two\r\nthree \n\n", " \n", ""):
        spans = paragraphs(text)
        assert as_written(text) == [
            [" ".join(line.split()) for line in text[s:e].splitlines() if line.strip()]
            for s, e in spans
        ]
        # between the paragraphs there is only white space
        gaps = zip([0, *(e for _, e in spans)], [*(s for s, _ in spans), len(text)], strict=True)
        assert all(not text[s:e].strip() for s, e in gaps)
    assert as_written(LINES) == [
        ["Council approves harbour budget"],
        ["The city council approved the harbour budget on Monday.", "The vote was 9 to 2."],
        ["Work starts in May, the mayor said."],
    ]
    assert as_written("\n\n  \n one \r\n\r\n two\r\nthree \n\n") == [["one"], ["two", "three"]]


def test_report_shows_paragraphs_and_lines_without_a_stylesheet() -> None:
    other = LINES.replace("approved", "passed").replace("Work starts", "Building begins")
    page = comparison_html(compare(LINES, other), LINES, other)
    shown = read(page)
    assert shown.column("a") == as_written(LINES)
    assert shown.column("b") == as_written(other)


def test_reuters_story_is_not_one_run_on_block() -> None:
    page = comparison_html(compare(REUTERS, SPUN), REUTERS, SPUN)
    shown = read(page)
    assert shown.column("a")[0] == ["date 2021-02-08"]
    assert shown.column("a")[1][0].startswith("NEW DELHI (Reuters) – Twitter said Monday")
    assert shown.column("a") == as_written(REUTERS)
    assert shown.column("b") == as_written(SPUN) and len(as_written(SPUN)) > 5


def test_marks_crossing_paragraphs_still_nest_and_keep_every_character() -> None:
    a = "One two three four five.\n\nSix seven eight nine ten."
    result = compare(a, a.replace("\n\n", " "))
    page = comparison_html(result, a, a.replace("\n\n", " "))
    text_a = page.split('id="text-a">', 1)[1].split("</div>", 1)[0]
    assert text_a.count("<p>") == text_a.count("</p>") == 2
    assert text_a.count("<span") == text_a.count("</span>")


def test_cli_compare_html_keeps_paragraphs_and_names_standard_input(tmp_path: Path) -> None:
    a = tmp_path / "harbour.txt"
    a.write_text(LINES, encoding="utf-8")
    out = tmp_path / "report.html"
    other = LINES.replace("approved", "passed")
    result = runner.invoke(app, ["compare", str(a), "-", "--html", str(out)], input=other)
    assert result.exit_code == 0, result.output
    shown = read(out.read_text(encoding="utf-8"))
    assert shown.column("a") == as_written(LINES) and shown.column("b") == as_written(other)
    assert shown.headings[0] == f"Comparison: {a} vs standard input"


# ----------------------------------------------------------------------------- legends

SCORE = "the probability, from 0 to 1, that one text was made from the other"
SIMILARITY = "how alike the two texts are in content"
P = "the verdict model's probability for the kind of copy it names"


def test_report_says_what_score_similarity_and_p_are() -> None:
    result = compare(REUTERS, SPUN)
    page = comparison_html(result, REUTERS, SPUN)
    assert SCORE in page and SIMILARITY in page
    assert (P in page) == any(r.startswith("Model:") for r in result.reasons)
    with_p = Comparison(
        "spun", 0.99, "a", {}, [], [], ["Model: spun (p=0.82), chiefly from high coverage."]
    )
    page = comparison_html(with_p, "a", "b")
    assert "p=0.82" in page and P in page and SCORE in page


def test_scan_report_says_what_the_score_is(tmp_path: Path) -> None:
    summary = {
        "records_read": 2,
        "records_scanned": 2,
        "records_rejected": 0,
        "duplicate_ids": {"count": 0},
        "candidates": 1,
        "pairs": 1,
        "clusters": 1,
        "pairs_by_verdict": {"spun": 1},
        "score_histogram": [0, 0, 0, 1],
    }
    write_report(tmp_path / "report.html", summary, tmp_path)
    assert SCORE in (tmp_path / "report.html").read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- the web pages


@pytest.fixture()
def web(tmp_path: Path) -> Iterator[tuple[object, Path]]:
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    from detector.web.app import create_app

    db = tmp_path / "archive.db"
    with Archive(db) as archive:
        archive.add_text("reuters-1", REUTERS, date="2021-02-08", source="Reuters")
    with TestClient(create_app(db)) as client:
        yield client, db


def _view(client: object, suspect: str) -> tuple[str, str]:
    checked = client.post("/check", data={"text": suspect}, follow_redirects=True)  # type: ignore[attr-defined]
    assert checked.status_code == 200, checked.text
    href = checked.text.split('href="/view/', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    view = client.get("/view/" + href)  # type: ignore[attr-defined]
    assert view.status_code == 200, view.text
    return checked.text, view.text


def test_check_results_and_article_view_show_texts_as_written(web: tuple[object, Path]) -> None:
    client, _ = web
    results, view = _view(client, SPUN)
    # The matches say what the score is, and the archived story has a title.
    assert SCORE in results and "(no title)" not in results
    assert "Twitter said Monday it was seeking talks" in results
    shown = read(view)
    assert shown.column("a") == as_written(SPUN)
    assert shown.column("b") == as_written(REUTERS)
    assert shown.column("b")[0] == ["date 2021-02-08"]
    assert SCORE in view and SIMILARITY in view
    # The two columns are named by the texts' first lines.
    assert "Suspect article: India has requested the social media large" in shown.headings[1]
    assert shown.headings[2].startswith("b reuters-1: Twitter said Monday")


def test_article_view_of_an_archive_without_titles_names_the_first_line(
    web: tuple[object, Path],
) -> None:
    client, db = web
    with sqlite3.connect(db) as conn:  # an archive made before titles were filled in
        conn.execute("UPDATE articles SET title = NULL")
    results, view = _view(client, SPUN)
    assert "(no title)" not in results
    assert "Twitter said Monday it was seeking talks" in results
    assert "reuters-1: Twitter said Monday" in read(view).headings[2]


def test_compare_page_names_the_texts_by_their_first_lines(web: tuple[object, Path]) -> None:
    client, _ = web
    other = LINES.replace("Council approves", "Councillors back").replace("approved", "passed")
    page = client.post("/compare", data={"a": LINES, "b": other}).text  # type: ignore[attr-defined]
    shown = read(page)
    assert shown.column("a") == as_written(LINES) and shown.column("b") == as_written(other)
    assert not [h for h in shown.headings if "Text a" in h or "Text b" in h], shown.headings
    assert shown.headings[0] == (
        "Comparison: Council approves harbour budget vs Councillors back harbour budget"
    )
    assert SCORE in page


def test_check_html_report_names_the_archived_story(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "reuters-1", "text": REUTERS}) + "\n", encoding="utf-8")
    assert runner.invoke(app, ["index", "add", str(feed), "--db", str(db)]).exit_code == 0
    suspect = tmp_path / "suspect.txt"
    suspect.write_text(SPUN, encoding="utf-8")
    out = tmp_path / "match.html"
    result = runner.invoke(app, ["check", str(suspect), "--db", str(db), "--html", str(out)])
    assert result.exit_code == 0, result.output
    shown = read(out.read_text(encoding="utf-8"))
    assert shown.column("a") == as_written(SPUN) and shown.column("b") == as_written(REUTERS)
    assert "reuters-1: Twitter said Monday" in shown.headings[0]
