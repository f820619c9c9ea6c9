"""The scan's semantic channel: nearest neighbours of prose embeddings as candidates."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from detector.cli import app
from detector.parallel import LocalEngine
from detector.scan.candidates import SEMANTIC
from detector.scan.pipeline import ScanOptions, scan
from detector.scan.semantic import channel_available, semantic_pairs
from detector.text import embedding

REPO = Path(__file__).resolve().parent.parent

needs_semantic = pytest.mark.skipif(
    not channel_available(),
    reason="the semantic extra (tokenizers, usearch) is not installed or DETECTOR_SEMANTIC=0",
)

#: A story and a rewrite of it written for this test: the same facts in other words,
#: no word 5-gram in common (checked below).
ORIGINAL = (
    "The city council voted on Tuesday to build forty kilometres of protected bicycle lanes "
    "across the downtown area over the next three years.\n\n"
    "Council members approved the plan by a vote of nine to two after a long debate about "
    "parking spaces and the cost to local shops. The project is expected to cost about 12 "
    "million dollars, most of it paid by a regional transport grant.\n\n"
    "Supporters said the new lanes would make cycling safer for commuters and cut traffic "
    "on the busiest streets. Several business owners warned that losing parking in front of "
    "their stores could drive customers away.\n\n"
    "Construction of the first section, along the river road, is due to start next spring."
)
REWRITE = (
    "On Tuesday the council backed a plan for protected bicycle lanes, forty kilometres "
    "of them, in the downtown area, to be built within three years.\n\n"
    "The vote was nine to two, after council members argued at length over parking spaces "
    "and what the lanes would cost local shops. About 12 million dollars is needed, and a "
    "regional transport grant will pay for most of the project.\n\n"
    "Those in favour said cycling commuters would be safer and the busiest streets would "
    "see less traffic. Several owners of businesses said customers could stay away if the "
    "parking outside their stores is lost.\n\n"
    "The first section, on the river road, should be under construction next spring."
)


def _word_grams(text: str, n: int = 5) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


@pytest.fixture
def semantic_off(monkeypatch):
    """``DETECTOR_SEMANTIC=0`` for one test, the embedder's cache cleared around it."""
    monkeypatch.setenv(embedding.SEMANTIC_ENV, "0")
    embedding.reset_embedder()
    yield
    monkeypatch.delenv(embedding.SEMANTIC_ENV, raising=False)
    embedding.reset_embedder()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The story and its rewrite among thirty unrelated originals of the project corpus."""
    with (REPO / "corpus" / "articles.jsonl").open(encoding="utf-8") as fh:
        articles = [json.loads(line) for line in fh]
    others = [a for a in articles if a["kind"] == "original"][:30]
    path = tmp_path_factory.mktemp("semantic-input") / "docs.jsonl"
    rows = [{"id": "bike-lanes", "text": ORIGINAL}, {"id": "bike-lanes-rw", "text": REWRITE}]
    rows += [{"id": a["id"], "text": a["text"], "date": a.get("published")} for a in others]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- the index


def _exact_pairs(x: np.ndarray, k: int, min_cosine: float, min_margin: float) -> set:
    """The channel's rule with exact neighbours: the obviously correct version."""
    sims = x @ x.T
    np.fill_diagonal(sims, -np.inf)
    neighbours = np.argsort(-sims, axis=1, kind="stable")[:, :k]
    cosine = np.take_along_axis(sims, neighbours, axis=1)
    background = cosine.mean(axis=1)
    out = set()
    for i in range(len(x)):
        for j, c in zip(neighbours[i].tolist(), cosine[i].tolist(), strict=True):
            if c >= min_cosine and c / ((background[i] + background[j]) / 2) >= min_margin:
                out.add((min(i, j), max(i, j)))
    return out


def _clustered(n: int, d: int = 64, seed: int = 3) -> np.ndarray:
    """Unit vectors around ``n // 4`` centres (a few near neighbours each, as texts have),
    exactly representable in float16 so that the index and the reference see the same."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n // 4, d))
    x = centres[rng.integers(0, len(centres), n)] + 0.35 * rng.normal(size=(n, d))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x.astype(np.float16).astype(np.float32)


@needs_semantic
@pytest.mark.parametrize(
    ("name", "min_cosine", "min_margin"),
    [("every neighbour", -1.0, 0.0), ("the default rule", 0.8, 1.15), ("cosine only", 0.7, 0.0)],
)
def test_ann_neighbours_agree_with_exact_search(name, min_cosine, min_margin):
    x = _clustered(400)
    found = semantic_pairs(x, np.arange(len(x)), k=10, min_cosine=min_cosine, min_margin=min_margin)
    exact = _exact_pairs(x, 10, min_cosine, min_margin)
    got = {tuple(p) for p in found.tolist()}
    assert exact, name
    # HNSW is approximate: on 400 points with ef 64 it should miss next to nothing.
    assert len(got & exact) >= 0.99 * len(exact), name
    assert len(got - exact) <= 0.01 * len(exact), name


@needs_semantic
def test_pairs_do_not_depend_on_the_order_of_the_rows():
    x = _clustered(300)
    rank = np.arange(len(x))
    perm = np.random.default_rng(1).permutation(len(x))
    first = {tuple(p) for p in semantic_pairs(x, rank, k=10, min_cosine=0.5).tolist()}
    moved = semantic_pairs(x[perm], rank[perm], k=10, min_cosine=0.5)
    assert {tuple(sorted((int(perm[i]), int(perm[j])))) for i, j in moved.tolist()} == first


@needs_semantic
def test_texts_without_tokens_and_tiny_inputs_make_no_pairs():
    x = np.zeros((3, 8), dtype=np.float32)
    assert semantic_pairs(x, np.arange(3)).shape == (0, 2)
    x[0, 0] = 1.0
    assert semantic_pairs(x, np.arange(3)).shape == (0, 2)


# ----------------------------------------------------------------------------- the scan


@needs_semantic
def test_the_channel_makes_a_candidate_of_a_rewrite_sharing_no_5gram(corpus, tmp_path):
    assert not _word_grams(ORIGINAL) & _word_grams(REWRITE)
    scan(
        [corpus],
        tmp_path,
        options=ScanOptions(semantic_channel=True),
        engine=LocalEngine(1),
        keep_work=True,
    )
    work = tmp_path / ".scan-work"
    pairs = np.load(work / "candidates.npy").tolist()
    channels = np.load(work / "channels.npy")
    # The story and the rewrite are the first two records: scan positions 0 and 1.
    assert [0, 1] in pairs
    assert channels[pairs.index([0, 1])] == SEMANTIC  # no other channel found it
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["channels"]["semantic"]["candidates_only_here"] >= 1
    assert {"semantic_embed_cpu", "semantic_search_cpu"} <= set(summary["seconds"])
    assert summary["options"]["semantic_threshold"] == 0.8


@needs_semantic
def test_local_and_dask_engines_agree_with_the_channel_on(corpus, tmp_path):
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    from detector.parallel import DaskEngine

    options = ScanOptions(semantic_channel=True, chunk_size=10, verify_batch=20)
    scan([corpus], tmp_path / "local", options=options, engine=LocalEngine(2))
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        engine = DaskEngine(cluster.scheduler_address)
        try:
            scan([corpus], tmp_path / "dask", options=options, engine=engine)
        finally:
            engine.close()
    assert _outputs(tmp_path / "local") == _outputs(tmp_path / "dask")


def _outputs(out: Path) -> dict[str, object]:
    files: dict[str, object] = {
        name: (out / name).read_bytes()
        for name in ("pairs.jsonl", "clusters.jsonl", "documents.jsonl", "rejected.jsonl")
    }
    summary = json.loads((out / "summary.json").read_text())
    summary.pop("seconds")
    files["summary"] = summary
    return files


def _cli_scan(corpus: Path, out: Path, *flags: str):
    return CliRunner().invoke(app, ["scan", str(corpus), "--out", str(out), "--quiet", *flags])


def test_switched_off_by_the_environment_or_the_option_the_outputs_are_the_same(
    corpus, tmp_path, monkeypatch
):
    """``DETECTOR_SEMANTIC=0`` (as without the extra) and ``--no-semantic``: the same
    bytes, and a summary without the channel, as before there was one."""
    assert _cli_scan(corpus, tmp_path / "flag", "--no-semantic").exit_code == 0
    monkeypatch.setenv(embedding.SEMANTIC_ENV, "0")
    embedding.reset_embedder()
    try:
        assert _cli_scan(corpus, tmp_path / "env").exit_code == 0
    finally:
        monkeypatch.delenv(embedding.SEMANTIC_ENV)
        embedding.reset_embedder()
    assert _outputs(tmp_path / "flag") == _outputs(tmp_path / "env")
    summary = _outputs(tmp_path / "env")["summary"]
    assert isinstance(summary, dict)
    assert "semantic" not in summary["channels"]
    assert not any(key.startswith("semantic") for key in summary["options"])


@pytest.mark.parametrize("how", ["environment", "extra missing"])
def test_semantic_asked_for_without_the_extra_is_one_line_and_exit_2(
    corpus, tmp_path, monkeypatch, semantic_off, how
):
    if how == "extra missing":
        monkeypatch.delenv(embedding.SEMANTIC_ENV)
        embedding.reset_embedder()
        monkeypatch.setattr("detector.scan.semantic.channel_available", lambda: False)
    result = _cli_scan(corpus, tmp_path / "out", "--semantic")
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "semantic extra" in lines[0], result.output
    assert not (tmp_path / "out" / "pairs.jsonl").exists()


def test_without_the_extra_the_default_says_nothing(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr("detector.scan.semantic.channel_available", lambda: False)
    result = _cli_scan(corpus, tmp_path / "out")
    assert result.exit_code == 0
    assert len(result.output.strip().splitlines()) == 1  # the usual closing line only
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert "semantic" not in summary["channels"]
