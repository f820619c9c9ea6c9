"""The article archive: storage, idempotent adds, checks, concurrency, crashes and the CLI."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from scan_reference import fingerprint_texts
from typer.testing import CliRunner, Result

from detector.archive.store import Archive, ArchivedArticle, ArchiveError, Match
from detector.cli import app
from detector.errors import DetectorError, InputError
from detector.inputs.records import Record, Rejected
from detector.scan.options import ScanOptions

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus" / "articles.jsonl"
SEED_ORIGINAL = REPO / "corpus" / "seeds" / "000_6938627cd5ef1f07.txt"
SEED_SPUN = REPO / "corpus" / "seeds" / "001_7281db72b9a8aca8.txt"
OTHER = Path(__file__).resolve().parent / "articles" / "other.txt"
BANDS_PER_ARTICLE = sum(n for _, n in ScanOptions().channels)

runner = CliRunner()


def _articles() -> list[dict]:
    with CORPUS.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


ARTICLES = _articles()
BY_ID = {a["id"]: a for a in ARTICLES}
ORIGINALS = [a for a in ARTICLES if a["kind"] == "original"][:50]


def _record(a: dict) -> Record:
    return Record(a["id"], a["text"], None, a.get("published"), a.get("source"))


def _bands_of(db: Path, article_id: str) -> set[tuple[int, int]]:
    with sqlite3.connect(db) as conn:
        return set(
            conn.execute(
                "SELECT band, key FROM bands JOIN articles ON bands.article = articles.num"
                " WHERE articles.id = ?",
                (article_id,),
            ).fetchall()
        )


def _fingerprint(text: str) -> set[tuple[int, int]]:
    keys = fingerprint_texts([text], ScanOptions())[1][:, 0].view(np.int64).tolist()
    return set(enumerate(keys))


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed wire story as reuters-000 and 50 corpus originals."""
    db = tmp_path_factory.mktemp("archive") / "seeded.db"
    with Archive(db) as archive:
        archive.add_text(
            "reuters-000",
            SEED_ORIGINAL.read_text(encoding="utf-8"),
            title="India asks Twitter to remove accounts",
            date="2021-02-08",
            source="Reuters",
        )
        result = archive.add([_record(a) for a in ORIGINALS])
        assert (result.added, result.unchanged, result.replaced) == (50, 0, 0)
    return db


# ----------------------------------------------------------------------------- storage


def test_add_get_remove_and_stats(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with Archive(db) as archive:
        assert len(archive) == 0
        result = archive.add_text(
            "x1", ORIGINALS[0]["text"], title="T", date="2024-01-02", source="Wire"
        )
        assert (result.added, result.unchanged, result.replaced, result.rejected) == (1, 0, 0, [])
        archive.add([_record(a) for a in ORIGINALS[1:4]])
        got = archive.get("x1")
        assert isinstance(got, ArchivedArticle)
        assert (got.id, got.text, got.title, got.date, got.source) == (
            "x1",
            ORIGINALS[0]["text"],
            "T",
            "2024-01-02",
            "Wire",
        )
        assert set(got.to_dict()) == {"id", "text", "title", "date", "source", "content_hash"}
        assert archive.get("nope") is None
        assert "x1" in archive and "nope" not in archive
        stats = archive.stats()
        assert stats["articles"] == 4
        assert stats["bands"] == 4 * BANDS_PER_ARTICLE
        assert stats["file_bytes"] > 0
        assert stats["sources"] == len({"Wire"} | {a["source"] for a in ORIGINALS[1:4]})
        dates = ["2024-01-02"] + [a["published"] for a in ORIGINALS[1:4]]
        assert (stats["oldest"], stats["newest"]) == (min(dates), max(dates))
        assert archive.remove("x1") is True
        assert archive.remove("x1") is False
        assert archive.get("x1") is None
        assert archive.stats()["bands"] == 3 * BANDS_PER_ARTICLE
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_adding_is_idempotent_and_replaces_changed_texts(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    batch = [_record(a) for a in ORIGINALS[:10]]
    with Archive(db) as archive:
        first = archive.add(batch, batch=4)
        assert (first.added, first.unchanged, first.replaced) == (10, 0, 0)
        again = archive.add(batch, batch=4)
        assert (again.added, again.unchanged, again.replaced) == (0, 10, 0)
        old_text, new_text = ORIGINALS[0]["text"], ORIGINALS[20]["text"]
        old_bands = _bands_of(db, ORIGINALS[0]["id"])
        assert old_bands == _fingerprint(old_text)
        changed = archive.add([Record(ORIGINALS[0]["id"], new_text)])
        assert (changed.added, changed.unchanged, changed.replaced) == (0, 0, 1)
        assert archive.get(ORIGINALS[0]["id"]).text == new_text  # type: ignore[union-attr]
        new_bands = _bands_of(db, ORIGINALS[0]["id"])
        assert new_bands == _fingerprint(new_text)
        assert old_bands - new_bands  # the old text's own bands are gone
        assert archive.stats()["bands"] == 10 * BANDS_PER_ARTICLE
        # Same text, other metadata: replaced, bands untouched.
        meta = archive.add([Record(ORIGINALS[0]["id"], new_text, "Headline", None, None)])
        assert (meta.added, meta.unchanged, meta.replaced) == (0, 0, 1)
        assert archive.get(ORIGINALS[0]["id"]).title == "Headline"  # type: ignore[union-attr]
        assert _bands_of(db, ORIGINALS[0]["id"]) == new_bands
        # The same id twice in one batch: added, then unchanged.
        twice = archive.add([Record("dup", old_text), Record("dup", old_text)])
        assert (twice.added, twice.unchanged, twice.replaced) == (1, 1, 0)
        assert archive.stats()["articles"] == 11


def test_old_article_is_no_longer_found_after_replacement(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as archive:
        archive.add_text("slot", SEED_ORIGINAL.read_text(encoding="utf-8"))
        assert archive.check(SEED_SPUN.read_text(encoding="utf-8"))
        archive.add_text("slot", ORIGINALS[3]["text"])
        assert archive.check(SEED_SPUN.read_text(encoding="utf-8")) == []


def test_rejected_records_are_reported(tmp_path: Path) -> None:
    from detector.inputs.records import iter_records

    src = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"id": "a", "text": ORIGINALS[0]["text"]}),
        "not json",
        json.dumps({"id": "b", "text": "   "}),
    ]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Archive(tmp_path / "a.db") as archive:
        result = archive.add(iter_records([src]))
        more = archive.add([Record("", "text"), Record("c", " \n", origin="x.jsonl:7")])
    assert result.added == 1 and len(result.rejected) == 2
    assert all(isinstance(r, Rejected) for r in result.rejected)
    assert [r.location for r in result.rejected] == ["2", "3"]
    assert [(r.file, r.location, r.reason) for r in more.rejected][1] == (
        "x.jsonl",
        "7",
        "empty text",
    )
    assert json.loads(json.dumps(result.to_dict()))["rejected"][0]["location"] == "2"


def test_bad_input_is_refused_with_one_line(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such archive"):
        Archive(tmp_path / "missing.db", readonly=True)
    assert not (tmp_path / "missing.db").exists()
    text_file = tmp_path / "notes.db"
    text_file.write_text("hello, I am not a database\n" * 10)
    with pytest.raises(InputError, match="not a detector archive"):
        Archive(text_file)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(InputError, match="not a detector archive"):
        Archive(other)
    with sqlite3.connect(other) as conn:  # left as it was
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    with pytest.raises(InputError, match="directory"):
        Archive(tmp_path)
    db = tmp_path / "a.db"
    with Archive(db) as archive:
        with pytest.raises(InputError, match="empty"):
            archive.check("  \n ")
        with pytest.raises(InputError, match="empty text"):
            archive.add_text("x", "")
        with pytest.raises(DetectorError):
            archive.check("text", top=0)
        assert archive.remove("not-there") is False
    with Archive(db, readonly=True) as archive, pytest.raises(InputError, match="read-only"):
        archive.add_text("x", "Some text here.")
    archive.close()
    with pytest.raises(ArchiveError, match="closed"):
        archive.get("x")
    for exc in (InputError, ArchiveError):
        assert issubclass(exc, DetectorError)


def test_text_sqlite_cannot_store_is_refused_not_raised(tmp_path: Path) -> None:
    """A lone surrogate (JSON allows "\\ud800") cannot be encoded for SQLite."""
    with Archive(tmp_path / "a.db") as archive:
        with pytest.raises(InputError) as caught:
            archive.add_text("x\ud800", "Some text here.")
        assert str(caught.value) == (
            "cannot add 'x\\ud800': id holds a lone surrogate at character 1; "
            "it must be valid Unicode"
        )
        with pytest.raises(InputError, match="text holds a lone surrogate at character 4"):
            archive.add_text("y", "Some\ud800 text here.")
        result = archive.add([Record("z", "Some text.", title="T\ud800", origin="in.jsonl:4")])
        assert result.rejected == [
            Rejected(
                "in.jsonl", "4", "title holds a lone surrogate at character 1; it must be valid Unicode", "z"
            )
        ]  # fmt: skip
        assert len(archive) == 0
        assert archive.get("x\ud800") is None
        assert "x\ud800" not in archive
        assert archive.remove("x\ud800") is False


def test_path_with_a_nul_byte_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"cannot open \(embedded null byte\)"):
        Archive(tmp_path / "a\0b.db")


def test_changed_fingerprint_settings_are_detected(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with Archive(db) as archive:
        archive.add_text("x", ORIGINALS[0]["text"])
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value = 'other' WHERE key = 'probe'")
    with Archive(db) as archive:
        with pytest.raises(InputError, match="reindex"):
            archive.check(ORIGINALS[0]["text"])
        assert archive.reindex() == 1
        assert archive.check(ORIGINALS[0]["text"])[0].article.id == "x"
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value = 'other' WHERE key = 'probe'")
    suspect = tmp_path / "suspect.txt"
    suspect.write_text(ORIGINALS[0]["text"], encoding="utf-8")
    _one_line_error(runner.invoke(app, ["check", str(suspect), "--db", str(db)]))
    done = runner.invoke(app, ["index", "reindex", "--db", str(db)])
    assert done.exit_code == 0 and "1 article(s) reindexed" in done.stderr
    assert runner.invoke(app, ["check", str(suspect), "--db", str(db)]).exit_code == 0


# ----------------------------------------------------------------------------- check


def test_check_finds_the_spun_seed(seeded: Path) -> None:
    with Archive(seeded, readonly=True) as archive:
        matches = archive.check(SEED_SPUN.read_text(encoding="utf-8"))
    assert matches, "the spun copy was not found"
    best = matches[0]
    assert isinstance(best, Match)
    assert best.article.id == "reuters-000"
    assert best.comparison.verdict == "spun"
    assert best.shared_bands >= 1
    data = best.to_dict()
    assert data["id"] == "reuters-000" and data["verdict"] == "spun"
    assert {"title", "date", "source", "shared_bands", "score", "measures"} <= set(data)
    json.dumps(data)


def test_check_finds_a_near_duplicate(seeded: Path) -> None:
    near = next(
        a
        for a in ARTICLES
        if a["kind"] == "near_duplicate" and a["of"] in {o["id"] for o in ORIGINALS[5:]}
    )
    with Archive(seeded, readonly=True) as archive:
        matches = archive.check(near["text"])
    assert matches[0].article.id == near["of"]
    assert matches[0].comparison.verdict == "near_duplicate"


def test_check_of_an_archived_text_is_a_duplicate(seeded: Path) -> None:
    with Archive(seeded, readonly=True) as archive:
        matches = archive.check(ORIGINALS[7]["text"], top=1)
    assert len(matches) == 1
    assert matches[0].article.id == ORIGINALS[7]["id"]
    assert matches[0].comparison.verdict == "duplicate"
    assert matches[0].shared_bands == BANDS_PER_ARTICLE


def test_unrelated_text_has_no_match(seeded: Path) -> None:
    with Archive(seeded, readonly=True) as archive:
        assert archive.check(OTHER.read_text(encoding="utf-8")) == []
        assert archive.check("The orchestra played Brahms to a full hall on Sunday.") == []
        everything = archive.check(OTHER.read_text(encoding="utf-8"), include_all=True)
    assert all(not m.comparison.derived for m in everything)


def test_matches_are_sorted_best_first(seeded: Path) -> None:
    spun = [a for a in ARTICLES if a["kind"] == "spun" and a["of"] == ORIGINALS[0]["id"]]
    with Archive(seeded) as archive:
        archive.add([_record(a) for a in spun[:3]])
        try:
            matches = archive.check(ORIGINALS[0]["text"], top=10)
        finally:
            for a in spun[:3]:
                archive.remove(a["id"])
    keys = [(-m.comparison.score, -m.shared_bands) for m in matches]
    assert keys == sorted(keys)
    assert {m.article.id for m in matches} >= {ORIGINALS[0]["id"], *(a["id"] for a in spun[:3])}


# ----------------------------------------------------------------------------- concurrency


def test_checks_run_while_articles_are_added(tmp_path: Path) -> None:
    db = tmp_path / "busy.db"
    with Archive(db) as archive:
        archive.add_text("reuters-000", SEED_ORIGINAL.read_text(encoding="utf-8"))
    others = ARTICLES[:300]
    errors: list[BaseException] = []
    done = threading.Event()

    def writer() -> None:
        try:
            with Archive(db) as archive:
                for start in range(0, len(others), 20):
                    archive.add([_record(a) for a in others[start : start + 20]], batch=20)
                    time.sleep(0.02)
        except BaseException as exc:
            errors.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=writer)
    suspect = SEED_SPUN.read_text(encoding="utf-8")
    counts = []
    with Archive(db, readonly=True) as reader:
        thread.start()
        checks = 0
        while not done.is_set() or checks < 3:
            matches = reader.check(suspect, top=3)
            assert matches and matches[0].article.id == "reuters-000"
            assert matches[0].comparison.verdict == "spun"
            counts.append(len(reader))
            checks += 1
        thread.join(timeout=120)
    assert not errors, errors
    assert counts == sorted(counts)  # the archive only grows
    assert all((c - 1) % 20 == 0 for c in counts)  # whole batches only
    assert counts[-1] == 301
    assert any(1 < c < 301 for c in counts), counts  # some checks ran mid-way


def test_one_instance_can_be_shared_by_threads(tmp_path: Path) -> None:
    """The web app's pattern: one Archive, requests on several threads."""
    errors: list[BaseException] = []
    suspect = SEED_SPUN.read_text(encoding="utf-8")
    with Archive(tmp_path / "shared.db") as archive:
        archive.add_text("reuters-000", SEED_ORIGINAL.read_text(encoding="utf-8"))

        def work(n: int) -> None:
            try:
                for i in range(3):
                    archive.add_text(f"t{n}-{i}", ORIGINALS[n * 3 + i]["text"])
                    assert archive.check(suspect, top=1)[0].article.id == "reuters-000"
                    assert archive.get(f"t{n}-{i}") is not None
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not errors, errors
        assert len(archive) == 13


# ----------------------------------------------------------------------------- crashes

WRITER = textwrap.dedent(
    """
    import json, sys, time
    from detector.archive.store import Archive
    from detector.inputs.records import Record

    db, corpus = sys.argv[1], sys.argv[2]
    with open(corpus, encoding="utf-8") as fh:
        articles = [json.loads(line) for line in fh if line.strip()][:500]

    def records():
        for i, a in enumerate(articles):
            if i % 10 == 0:
                time.sleep(0.01)
            yield Record(a["id"], a["text"])

    Archive(db).add(records(), batch=50)
    """
)


def _wait_for(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_killed_writer_leaves_a_consistent_archive(tmp_path: Path) -> None:
    db = tmp_path / "killed.db"
    Archive(db).close()  # schema and WAL mode first, so the reader below can open it

    def committed() -> int:
        with Archive(db, readonly=True) as archive:
            return len(archive)

    log = tmp_path / "writer.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), str(CORPUS)], stdout=sink, stderr=sink
        )
    try:
        started = _wait_for(lambda: proc.poll() is not None or committed() >= 100, 120)
        assert started and proc.poll() is None, log.read_text(errors="replace")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    count = _assert_consistent(db)
    assert 100 <= count < 500
    _assert_adding_again_completes(db, count)


DYING_WRITER = textwrap.dedent(
    """
    import json, os, signal, sys
    from contextlib import contextmanager
    from detector.archive.store import Archive
    from detector.inputs.records import Record

    db, corpus = sys.argv[1], sys.argv[2]
    with open(corpus, encoding="utf-8") as fh:
        articles = [json.loads(line) for line in fh if line.strip()][:500]

    class Dying(Archive):
        batches = 0

        @contextmanager
        def _write(self):
            with super()._write() as conn:
                yield conn
                Dying.batches += 1
                if Dying.batches == 3:  # third batch written, not committed
                    os.kill(os.getpid(), signal.SIGKILL)

    Dying(db).add((Record(a["id"], a["text"]) for a in articles), batch=50)
    """
)


def test_writer_killed_inside_a_transaction_loses_only_that_batch(tmp_path: Path) -> None:
    db = tmp_path / "dying.db"
    proc = subprocess.run(
        [sys.executable, "-c", DYING_WRITER, str(db), str(CORPUS)],
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert Path(f"{db}-wal").exists()  # the killed writer's log is left behind
    assert _assert_consistent(db) == 100
    _assert_adding_again_completes(db, 100)


def _assert_consistent(db: Path) -> int:
    """Integrity, every article with all its bands, no orphan bands; returns the count."""
    with Archive(db, readonly=True) as archive:  # opens after the crash
        count = len(archive)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        per_article = conn.execute(
            "SELECT articles.num, COUNT(bands.article) FROM articles"
            " LEFT JOIN bands ON bands.article = articles.num GROUP BY articles.num"
        ).fetchall()
        orphans = conn.execute(
            "SELECT COUNT(*) FROM bands WHERE article NOT IN (SELECT num FROM articles)"
        ).fetchone()[0]
    assert len(per_article) == count
    assert count % 50 == 0
    assert all(n == BANDS_PER_ARTICLE for _, n in per_article)
    assert orphans == 0
    return count


def _assert_adding_again_completes(db: Path, count: int) -> None:
    with Archive(db) as archive:
        result = archive.add([Record(a["id"], a["text"]) for a in ARTICLES[:500]], batch=50)
        assert (result.added, result.unchanged) == (500 - count, count)
        assert len(archive) == 500
        assert archive.stats()["bands"] == 500 * BANDS_PER_ARTICLE


# ----------------------------------------------------------------------------- CLI


def _one_line_error(result: Result, code: int = 2) -> None:
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stderr.startswith("detector: error:"), result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr


@pytest.fixture()
def inputs(tmp_path: Path) -> Path:
    src = tmp_path / "in.jsonl"
    rows = [{"id": "reuters-000", "body": SEED_ORIGINAL.read_text(encoding="utf-8")}]
    rows += [{"id": a["id"], "body": a["text"], "day": a["published"]} for a in ORIGINALS[:10]]
    src.write_text(
        "\n".join(json.dumps(r) for r in rows) + "\n" + '{"id": "bad"}\n', encoding="utf-8"
    )
    return src


def test_cli_index_add_stats_remove(tmp_path: Path, inputs: Path) -> None:
    db = tmp_path / "cli.db"
    args = ["index", "add", str(inputs), "--db", str(db), "--text-field", "body"]
    result = runner.invoke(app, [*args, "--date-field", "day"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[-1].startswith("11 added, 0 unchanged, 0 replaced, 1 rejected")
    assert lines[0].startswith(f"rejected: {inputs}:12: ")
    again = runner.invoke(app, [*args, "--date-field", "day"])
    assert again.stderr.splitlines()[-1].startswith("0 added, 11 unchanged, 0 replaced, 1 rejected")

    stats = runner.invoke(app, ["index", "stats", "--db", str(db), "--json"])
    assert stats.exit_code == 0, stats.stderr
    data = json.loads(stats.stdout)
    assert data["articles"] == 11 and data["bands"] == 11 * BANDS_PER_ARTICLE
    assert data["oldest"] == min(a["published"] for a in ORIGINALS[:10])
    plain = runner.invoke(app, ["index", "stats", "--db", str(db)])
    assert plain.exit_code == 0 and "articles: 11" in plain.stdout

    removed = runner.invoke(app, ["index", "remove", ORIGINALS[0]["id"], "--db", str(db)])
    assert removed.exit_code == 0, removed.stderr
    missing = runner.invoke(app, ["index", "remove", ORIGINALS[0]["id"], "--db", str(db)])
    _one_line_error(missing, code=1)
    _one_line_error(runner.invoke(app, ["index", "stats", "--db", str(tmp_path / "no.db")]))
    _one_line_error(runner.invoke(app, ["index", "remove", "x", "--db", str(tmp_path / "no.db")]))
    assert not (tmp_path / "no.db").exists()


def test_cli_check_json_and_html(tmp_path: Path, seeded: Path) -> None:
    html = tmp_path / "report.html"
    result = runner.invoke(
        app, ["check", str(SEED_SPUN), "--db", str(seeded), "--json", "--html", str(html)]
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data[0]["suspect"] == str(SEED_SPUN)
    assert data[0]["matches"][0]["id"] == "reuters-000"
    assert data[0]["matches"][0]["verdict"] == "spun"
    page = html.read_text(encoding="utf-8")
    assert "expertise" in page and "reuters-000" in page

    several = runner.invoke(
        app,
        ["check", str(SEED_SPUN), "-", "--db", str(seeded), "--top", "1", "--html", str(html)],
        input=ORIGINALS[2]["text"],
    )
    assert several.exit_code == 0, several.stderr
    assert (tmp_path / "report-1.html").is_file() and (tmp_path / "report-2.html").is_file()
    assert "reuters-000" in several.stdout and ORIGINALS[2]["id"] in several.stdout

    nothing = runner.invoke(app, ["check", str(OTHER), "--db", str(seeded)])
    assert nothing.exit_code == 0 and "no copy found" in nothing.stdout


def test_cli_check_errors(tmp_path: Path, seeded: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    _one_line_error(runner.invoke(app, ["check", str(SEED_SPUN), "--db", str(tmp_path / "no.db")]))
    assert not (tmp_path / "no.db").exists()
    _one_line_error(runner.invoke(app, ["check", str(empty), "--db", str(seeded)]))
    _one_line_error(runner.invoke(app, ["check", str(tmp_path / "gone.txt"), "--db", str(seeded)]))
    not_db = tmp_path / "x.db"
    not_db.write_text("plain text, not SQLite\n")
    _one_line_error(runner.invoke(app, ["check", str(SEED_SPUN), "--db", str(not_db)]))


def test_cli_compare_html(tmp_path: Path) -> None:
    html = tmp_path / "pair.html"
    result = runner.invoke(
        app, ["compare", str(SEED_ORIGINAL), str(SEED_SPUN), "--json", "--html", str(html)]
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["verdict"] == "spun"
    assert "expertise" in html.read_text(encoding="utf-8")
