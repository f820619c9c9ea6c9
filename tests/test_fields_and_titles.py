"""Field aliases and titles: records read as their feeds name them, every archived article titled.

``corpus/articles.jsonl`` names its date ``published`` and has no title. Before the
readers knew the common aliases, ``detector index stats`` over it showed no date range
and every archived article was listed as "(no title)" unless ``--date-field published``
was given; the Reuters story of the corpus would have been titled by its metadata line
("date 2021-02-08") had the first line been taken as it is.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from detector.archive.store import Archive
from detector.cli import app
from detector.inputs.records import FieldMap, Record, Rejected, iter_records

REPO = Path(__file__).resolve().parent.parent
ARTICLES = REPO / "corpus" / "articles.jsonl"
runner = CliRunner()


def _corpus_lines(ids: set[str]) -> str:
    lines = ARTICLES.read_text(encoding="utf-8").splitlines(keepends=True)
    return "".join(line for line in lines if json.loads(line)["id"] in ids)


def _write_jsonl(path: Path, *rows: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- readers


ALIASED = {"id": "w1", "body": "Rates rose.", "headline": "H", "published": "2024-05-06"}


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        pytest.param(
            ALIASED | {"site": "Wire"}, ("Rates rose.", "H", "2024-05-06", "Wire"), id="aliases"
        ),
        pytest.param(
            {"id": "w1", "content": "C.", "published_at": "2024", "publisher": "P"},
            ("C.", None, "2024", "P"),
            id="second-aliases",
        ),
        pytest.param({"id": "w1", "text": "T.", "pubdate": "2023"}, ("T.", None, "2023", None), id="pubdate"),
        pytest.param(
            {"id": "w1", "text": "T.", "body": "B.", "date": "D", "published": "P"},
            ("T.", None, "D", None),
            id="standard-name-first",
        ),
        pytest.param(
            {"id": "w1", "content": "C.", "body": "B.", "pubdate": "3", "published": "1"},
            ("B.", None, "1", None),
            id="aliases-in-order",
        ),
    ],
)  # fmt: skip
def test_jsonl_records_are_read_under_common_aliases(
    tmp_path: Path, row: dict[str, Any], expected: tuple[str, ...]
) -> None:
    path = _write_jsonl(tmp_path / "feed.jsonl", row)
    [record] = list(iter_records([path]))
    assert isinstance(record, Record), record
    assert (record.text, record.title, record.date, record.source) == expected


def test_csv_and_json_files_are_read_under_aliases(tmp_path: Path) -> None:
    csv = tmp_path / "feed.csv"
    csv.write_text("id,body,headline,published,site\nw1,Rates rose.,H,2024-05-06,Wire\n")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "w1.json").write_text(json.dumps(ALIASED | {"site": "Wire"}), encoding="utf-8")
    for source in (csv, folder):
        [record] = list(iter_records([source]))
        assert isinstance(record, Record), record
        assert (record.id, record.text, record.title, record.date, record.source) == (
            "w1",
            "Rates rose.",
            "H",
            "2024-05-06",
            "Wire",
        )


def test_parquet_is_read_under_aliases(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "feed.parquet"
    pq.write_table(pa.table({"id": ["w1"], "content": ["C."], "pubdate": ["2023"]}), path)
    [record] = list(iter_records([path]))
    assert isinstance(record, Record), record
    assert (record.text, record.date) == ("C.", "2023")


def test_an_explicit_field_name_wins_and_stands_alone(tmp_path: Path) -> None:
    row = {"id": "w1", "text": "T.", "published": "P", "issued": "I"}
    path = _write_jsonl(tmp_path / "feed.jsonl", row)
    [record] = list(iter_records([path], fields=FieldMap(date="issued")))
    assert isinstance(record, Record) and record.date == "I"
    [record] = list(iter_records([path], fields=FieldMap(date="released")))
    assert isinstance(record, Record) and record.date is None
    [record] = list(iter_records([path], fields=FieldMap(text="story")))
    assert isinstance(record, Rejected)
    assert record.reason.startswith("missing text: no 'story' field")


def test_a_record_without_any_text_field_names_the_standard_one(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "feed.jsonl", {"id": "w1", "story": "S."})
    [record] = list(iter_records([path]))
    assert isinstance(record, Rejected)
    assert record.reason == (
        "missing text: no 'text' field (fields: 'id', 'story'); name the text field with --text-field"
    )


# ----------------------------------------------------------------------------- titles


@pytest.mark.parametrize(
    ("text", "title"),
    [
        pytest.param("Rates rose again\n\nOSLO - The bank said.", "Rates rose again", id="headline"),
        pytest.param(" date 2021-02-08 \n\n\n\nNEW DELHI (Reuters) – Twitter said Monday it was seeking talks.", "Twitter said Monday it was seeking talks.", id="metadata-and-dateline"),
        pytest.param("By Jane Doe\nPrices rose.", "Prices rose.", id="byline"),
        pytest.param("word " * 40, "word " * 14 + "word…", id="long-line-cut-at-a-word"),
        pytest.param("Advertisement\n", "Advertisement", id="only-furniture"),
        pytest.param(" \n\t\n", None, id="no-words"),
    ],
)  # fmt: skip
def test_headline_is_the_first_line_of_body_text(text: str, title: str | None) -> None:
    from detector.text.boilerplate import headline

    made = headline(text)
    assert made == (title.strip() if title else None)
    assert made is None or len(made) <= 80


def test_every_archived_article_gets_a_title(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as archive:
        archive.add_text("given", "Some text.\n\nMore text.", title="The given title")
        archive.add_text("made", "Council approves budget\n\nThe council approved it.")
        assert archive.get("given").title == "The given title"  # type: ignore[union-attr]
        assert archive.get("made").title == "Council approves budget"  # type: ignore[union-attr]
        # Adding the same record again changes nothing: the made title is the same.
        again = archive.add_text("made", "Council approves budget\n\nThe council approved it.")
        assert (again.added, again.unchanged, again.replaced) == (0, 1, 0)


def test_index_of_the_corpus_has_dates_and_titles(tmp_path: Path) -> None:
    feed = tmp_path / "articles.jsonl"
    feed.write_text(_corpus_lines({"seed-000", "bus-01", "pol-01"}), encoding="utf-8")
    db = tmp_path / "archive.db"
    added = runner.invoke(app, ["index", "add", str(feed), "--db", str(db)])
    assert added.exit_code == 0, added.output
    stats = runner.invoke(app, ["index", "stats", "--db", str(db), "--json"])
    figures = json.loads(stats.stdout)
    assert figures["articles"] == 3
    assert figures["oldest"] == "2021-02-08" and figures["newest"] is not None
    with Archive(db, readonly=True) as archive:
        seed = archive.get("seed-000")
        story = archive.get("bus-01")
    assert seed is not None and story is not None
    assert seed.date == "2021-02-08" and seed.source == "Reuters"
    assert seed.title is not None and seed.title.startswith("Twitter said Monday")
    assert story.title == story.text.split("\n", 1)[0]


def test_index_date_field_option_still_wins(tmp_path: Path) -> None:
    feed = tmp_path / "articles.jsonl"
    feed.write_text(_corpus_lines({"bus-01"}), encoding="utf-8")
    for option, date in (("published", "2024-08-14"), ("released", None)):
        db = tmp_path / f"{option}.db"
        args = ["index", "add", str(feed), "--db", str(db), "--date-field", option]
        assert runner.invoke(app, args).exit_code == 0
        with Archive(db, readonly=True) as archive:
            assert archive.get("bus-01").date == date  # type: ignore[union-attr]
