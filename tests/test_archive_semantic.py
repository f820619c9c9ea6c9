"""The archive's semantic channel: stored document embeddings as extra check candidates."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from detector.archive.check import verify
from detector.archive.store import Archive
from detector.archive.vectors import (
    MODEL_META,
    SEMANTIC_THRESHOLD,
    document_vectors,
    load_index,
    nearest,
)
from detector.cli import app
from detector.errors import ConfigError
from detector.inputs.records import Record
from detector.text import embedding

REPO = Path(__file__).resolve().parent.parent
ARTICLES_DIR = Path(__file__).resolve().parent / "articles"
SOURCE = (ARTICLES_DIR / "llm_rewrite.source.txt").read_text(encoding="utf-8")
CONDENSED = (ARTICLES_DIR / "llm_rewrite_condensed.txt").read_text(encoding="utf-8")
SEED_SPUN = (REPO / "corpus" / "seeds" / "001_7281db72b9a8aca8.txt").read_text(encoding="utf-8")
OTHER = (ARTICLES_DIR / "other.txt").read_text(encoding="utf-8")
#: The source's text is corpus article sci-08's; both are archived.
SOURCE_IDS = {"llm-source", "sci-08"}

embedding.reset_embedder()
pytestmark = pytest.mark.skipif(
    embedding.load_embedder() is None,
    reason="the semantic extra (tokenizers) is not installed or DETECTOR_SEMANTIC=0",
)

runner = CliRunner()


def _corpus() -> list[dict]:
    with (REPO / "corpus" / "articles.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


ARTICLES = _corpus()
SUSPECTS = {
    "condensed": CONDENSED,
    "seed_spun": SEED_SPUN,
    "near_duplicate": next(a["text"] for a in ARTICLES if a["kind"] == "near_duplicate"),
    "rewrite": next(a["text"] for a in ARTICLES if a["kind"] == "rewrite"),
    "other": OTHER,
}


@pytest.fixture
def semantic_off(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The extra switched off (DETECTOR_SEMANTIC=0) for archives opened in the test."""
    monkeypatch.setenv(embedding.SEMANTIC_ENV, "0")
    embedding.reset_embedder()
    yield
    monkeypatch.delenv(embedding.SEMANTIC_ENV)
    embedding.reset_embedder()


def _fill(db: Path) -> None:
    records = [
        Record(a["id"], a["text"], None, a.get("published"), a.get("source")) for a in ARTICLES
    ]
    with Archive(db) as archive:
        archive.add(records)
        archive.add_text("llm-source", SOURCE, title="Source of the LLM rewrites")


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus's articles and the LLM rewrites' source, with embeddings."""
    db = tmp_path_factory.mktemp("semantic") / "archive.db"
    _fill(db)
    return db


@pytest.fixture(scope="module")
def old_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same articles in an archive as made before the semantic channel existed."""
    db = tmp_path_factory.mktemp("old") / "archive.db"
    _fill(db)
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE embeddings")
        conn.execute("DELETE FROM meta WHERE key = ?", (MODEL_META,))
    return db


def _ids(archive: Archive, text: str, top: int = 10) -> dict[str, str]:
    return {m.article.id: m.comparison.verdict for m in archive.check(text, top=top)}


def test_every_article_is_embedded(indexed: Path) -> None:
    with Archive(indexed, readonly=True) as archive:
        coverage = archive.embedding_coverage()
        assert coverage.active and coverage.missing == 0
        assert coverage.embedded == coverage.articles == len(ARTICLES) + 1
        assert archive.stats()["embeddings"] == coverage.articles


def test_condensed_rewrite_is_found_as_a_rewrite(indexed: Path) -> None:
    with Archive(indexed, readonly=True) as archive:
        matches = archive.check(CONDENSED, top=10)
    by_id = {m.article.id: m for m in matches}
    assert "llm-source" in by_id
    found = by_id["llm-source"]
    assert found.comparison.verdict == "rewrite"
    assert found.cosine is not None and found.cosine >= SEMANTIC_THRESHOLD
    assert found.to_dict()["cosine"] == round(found.cosine, 4)


def test_the_channel_finds_what_no_band_does(indexed: Path, tmp_path: Path) -> None:
    """The source with its band rows gone (only its embedding can find it)."""
    db = tmp_path / "no-bands.db"
    with sqlite3.connect(indexed) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    with sqlite3.connect(db) as conn:
        (num,) = conn.execute("SELECT num FROM articles WHERE id = 'llm-source'").fetchone()
        conn.execute("DELETE FROM bands WHERE article = ?", (num,))
    with Archive(db, readonly=True) as archive:
        assert num not in {n for n, _, _ in archive.candidates(CONDENSED, max_candidates=1000)}
        found = {m.article.id: m for m in archive.check(CONDENSED, top=10)}
    assert found["llm-source"].comparison.verdict == "rewrite"
    assert found["llm-source"].shared_bands == 0

    # an older detector replaces the text and leaves the vector: it is stale, and unused
    with Archive(db, readonly=True) as reader:
        assert "llm-source" in _ids(reader, CONDENSED)  # the vectors are now read
        with sqlite3.connect(db) as conn:
            conn.execute("UPDATE articles SET content_hash = 'new' WHERE num = ?", (num,))
        assert "llm-source" not in _ids(reader, CONDENSED)
        assert reader.embedding_coverage().missing == 1


def test_condensed_rewrite_is_not_found_without_the_extra(
    indexed: Path, semantic_off: None
) -> None:
    with Archive(indexed, readonly=True) as archive:
        assert not SOURCE_IDS & set(_ids(archive, CONDENSED))
        assert not archive.embedding_coverage().active


def _lexical_reference(archive: Archive, text: str) -> list[dict]:
    """What check did before the semantic channel: band candidates, screened, verified."""
    ranked = archive.candidates(text, max_candidates=30)
    with sqlite3.connect(archive.path) as conn:
        articles = {
            num: archive.get(article_id)
            for num, article_id in conn.execute("SELECT num, id FROM articles")
        }
    found = [(num, articles[num], shared) for num, shared, _ in ranked]
    matches = verify(
        text,
        found,  # type: ignore[arg-type]
        options=archive.options,
        document=archive._document,
        lexicon=True,
        include_all=False,
    )
    return [m.to_dict() for m in matches[:5]]


@pytest.mark.parametrize("suspect", sorted(SUSPECTS))
def test_results_without_the_extra_are_the_lexical_ones(
    indexed: Path, old_archive: Path, semantic_off: None, suspect: str
) -> None:
    text = SUSPECTS[suspect]
    with Archive(indexed, readonly=True) as archive:
        got = [m.to_dict() for m in archive.check(text)]
        assert got == _lexical_reference(archive, text)
    with Archive(old_archive, readonly=True) as old:
        assert [m.to_dict() for m in old.check(text)] == got
    assert all("cosine" not in m for m in got)


def test_the_channel_only_adds_matches(indexed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Archive(indexed, readonly=True) as archive:
        on = {name: _ids(archive, text, top=50) for name, text in SUSPECTS.items()}
    monkeypatch.setenv(embedding.SEMANTIC_ENV, "0")
    embedding.reset_embedder()
    try:
        with Archive(indexed, readonly=True) as archive:
            off = {name: _ids(archive, text, top=50) for name, text in SUSPECTS.items()}
    finally:
        monkeypatch.delenv(embedding.SEMANTIC_ENV)
        embedding.reset_embedder()
    for name in SUSPECTS:
        assert set(off[name]) <= set(on[name]), name
    assert set(on["condensed"]) >= SOURCE_IDS and not SOURCE_IDS & set(off["condensed"])


def test_old_archive_opens_and_is_filled_in(old_archive: Path, tmp_path: Path) -> None:
    with Archive(old_archive, readonly=True) as archive:
        coverage = archive.embedding_coverage()
        assert coverage.embedded == 0 and coverage.missing == len(ARTICLES) + 1
        # found by its names and numbers, and called a rewrite by compare's semantic stage,
        # but the channel did not run
        assert all(m.cosine is None for m in archive.check(CONDENSED))
    copy = tmp_path / "old.db"
    with sqlite3.connect(old_archive) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    checked = runner.invoke(app, ["check", "-", "--db", str(copy), "--json"], input=CONDENSED)
    assert checked.exit_code == 0, checked.stderr
    assert "index embed" in checked.stderr
    assert json.loads(checked.stdout)[0]["semantic"]["missing"] == len(ARTICLES) + 1
    embedded = runner.invoke(app, ["index", "embed", "--db", str(copy)])
    assert embedded.exit_code == 0, embedded.stderr
    assert f"{len(ARTICLES) + 1} article(s) embedded" in embedded.stderr
    with Archive(copy, readonly=True) as archive:
        assert archive.embedding_coverage().missing == 0
        assert _ids(archive, CONDENSED).get("llm-source") == "rewrite"
    again = runner.invoke(app, ["index", "embed", "--db", str(copy)])
    assert again.exit_code == 0 and "0 article(s) embedded" in again.stderr


def test_stored_vectors_are_the_documents_embeddings(indexed: Path) -> None:
    with sqlite3.connect(indexed) as conn:
        index = load_index(conn, 256)
        rows = dict(conn.execute("SELECT num, text FROM articles"))
    embedder = embedding.load_embedder()
    assert embedder is not None
    texts = [rows[int(n)] for n in index.nums[:40]]
    expected = document_vectors(embedder, texts).astype(np.float16).astype(np.float32)
    np.testing.assert_array_equal(index.matrix[:40], expected)


def _reference(matrix: np.ndarray, query: np.ndarray, k: int, threshold: float) -> list[int]:
    scores = [float(np.dot(row.astype(np.float64), query.astype(np.float64))) for row in matrix]
    order = sorted(range(len(scores)), key=lambda r: (-scores[r], r))
    return [r for r in order if scores[r] >= threshold][:k]


@pytest.mark.parametrize(
    ("rows", "k", "threshold", "ties"),
    [
        pytest.param(500, 5, 0.2, False, id="few-above"),
        pytest.param(500, 5, -1.0, False, id="all-above"),
        pytest.param(500, 5, 0.99, False, id="none-above"),
        pytest.param(300, 7, 0.0, True, id="ties"),
        pytest.param(3, 10, -1.0, False, id="k-over-rows"),
        pytest.param(0, 5, 0.0, False, id="empty"),
    ],
)
def test_exact_search_agrees_with_a_plain_reference(
    rows: int, k: int, threshold: float, ties: bool
) -> None:
    rng = np.random.default_rng(rows + k)
    matrix = rng.normal(size=(rows, 32)).astype(np.float32)
    if ties:
        matrix[rows // 2 :] = matrix[: rows - rows // 2]  # every vector twice
    matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)
    for _ in range(5):
        query = matrix[rng.integers(rows)] if rows and ties else rng.normal(size=32)
        query = (query / np.linalg.norm(query)).astype(np.float32)
        found, scores = nearest(matrix, query, k=k, threshold=threshold)
        expected = _reference(matrix, query, k, threshold)
        if (
            ties
        ):  # equal vectors give bit-equal scores; float32 vs float64 may not order near-ties alike
            assert sorted(found.tolist()) == sorted(expected)
        else:
            assert found.tolist() == expected
        np.testing.assert_allclose(scores, matrix[found] @ query, rtol=0, atol=1e-6)


def test_the_archive_search_agrees_with_a_plain_reference(indexed: Path) -> None:
    embedder = embedding.load_embedder()
    assert embedder is not None
    with sqlite3.connect(indexed) as conn:
        index = load_index(conn, 256)
    query = document_vectors(embedder, [CONDENSED])[0]
    expected = _reference(index.matrix, query, 5, SEMANTIC_THRESHOLD)
    assert [num for num, _ in index.search(query, k=5, threshold=SEMANTIC_THRESHOLD)] == [
        int(index.nums[r]) for r in expected
    ]


def test_the_cached_vectors_follow_other_writers(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with Archive(db) as writer:
        writer.add([Record(a["id"], a["text"]) for a in ARTICLES[:40]])
        with Archive(db, readonly=True) as reader:
            assert not SOURCE_IDS & set(_ids(reader, CONDENSED))  # the vectors are now read
            writer.add_text("llm-source", SOURCE)
            assert _ids(reader, CONDENSED).get("llm-source") == "rewrite"
            writer.add_text("llm-source", OTHER)  # replaced: its old vector is no longer used
            assert "llm-source" not in _ids(reader, CONDENSED)
            assert reader.embedding_coverage().missing == 0
            writer.remove("llm-source")
            assert reader.embedding_coverage().embedded == 40
        writer.add_text("llm-source", SOURCE)
        assert _ids(writer, CONDENSED).get("llm-source") == "rewrite"  # its own write too


def test_vectors_read_as_they_are_written_are_those_read_at_once(tmp_path: Path) -> None:
    """A reader that keeps its vectors and reads only what is new, against a fresh one."""
    db = tmp_path / "a.db"
    originals = [a for a in ARTICLES if a["kind"] == "original"]
    suspects = [CONDENSED, SEED_SPUN, *[a["text"] for a in ARTICLES if a["kind"] == "rewrite"][:6]]
    with Archive(db) as writer, Archive(db, readonly=True) as reader:
        writer.add([Record(a["id"], a["text"]) for a in originals[:20]])
        _ids(reader, CONDENSED)
        writer.add([Record(a["id"], a["text"]) for a in originals[20:]])
        writer.add_text("llm-source", SOURCE)
        writer.add_text(originals[3]["id"], OTHER)  # replaced
        writer.remove(originals[5]["id"])
        _ids(reader, SEED_SPUN)
        writer.add_text("sci-08-copy", SOURCE)
        writer.remove("llm-source")
        with Archive(db, readonly=True) as fresh:
            for text in suspects:
                got = [m.to_dict() for m in reader.check(text, top=10)]
                assert got == [m.to_dict() for m in fresh.check(text, top=10)]


def test_vectors_of_another_model_are_not_used_until_recomputed(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with Archive(db) as archive:
        archive.add_text("llm-source", SOURCE)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value = 'another model' WHERE key = ?", (MODEL_META,))
    with Archive(db) as archive:
        coverage = archive.embedding_coverage()
        assert not coverage.active and coverage.model == "another model"
        checked = runner.invoke(app, ["check", "-", "--db", str(db)], input=CONDENSED)
        assert checked.exit_code == 0 and "another model" in checked.stderr
        assert all(m.cosine is None for m in archive.check(CONDENSED))
        archive.add_text("sci-08", SOURCE)  # not embedded with a model the archive does not hold
        added = runner.invoke(
            app, ["index", "add", str(ARTICLES_DIR / "other.txt"), "--db", str(db)]
        )
        assert added.exit_code == 0 and "another model" in added.stderr
        assert archive.embed() == 3
        checked = runner.invoke(app, ["check", "-", "--db", str(db)], input=CONDENSED)
        assert checked.exit_code == 0 and checked.stderr == ""
        assert archive.embedding_coverage().active
        matches = {m.article.id: m for m in archive.check(CONDENSED)}
        assert matches["llm-source"].cosine is not None


def test_embedding_needs_the_extra(indexed: Path, tmp_path: Path, semantic_off: None) -> None:
    db = tmp_path / "a.db"
    with Archive(db) as archive:
        archive.add_text("llm-source", SOURCE)
        assert archive.embedding_coverage().embedded == 0
        with pytest.raises(ConfigError, match="semantic extra"):
            archive.embed()
    result = runner.invoke(app, ["index", "embed", "--db", str(db)])
    assert result.exit_code != 0 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "semantic extra" in result.stderr
    checked = runner.invoke(app, ["check", "-", "--db", str(indexed), "--json"], input=CONDENSED)
    assert checked.exit_code == 0 and checked.stderr == ""
    assert all("semantic" not in row for row in json.loads(checked.stdout))
