"""Checks of benchmarks/make_corpus.py and benchmarks/scan_bench.py (no timing assertions)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


def _load(name: str) -> ModuleType:
    key = f"bench_{name}"  # the name scan_bench itself uses for make_corpus
    if key not in sys.modules:  # registered so that worker processes can unpickle functions
        spec = importlib.util.spec_from_file_location(key, BENCH / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]


make_corpus = _load("make_corpus")
scan_bench = _load("scan_bench")


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus") / "c300"
    make_corpus.make_corpus(300, out, seed=5, jobs=2)
    return out


# ----------------------------------------------------------------------------- make_corpus


def test_corpus_is_deterministic_whatever_the_jobs(corpus: Path, tmp_path: Path) -> None:
    make_corpus.main(["--docs", "300", "--out", str(tmp_path / "again"), "--seed", "5"])
    make_corpus.make_corpus(300, tmp_path / "serial", seed=5, jobs=1)
    for name in ("docs.jsonl", "truth.jsonl", "meta.json"):
        expected = (corpus / name).read_bytes()
        assert (tmp_path / "again" / name).read_bytes() == expected
        assert (tmp_path / "serial" / name).read_bytes() == expected
    make_corpus.make_corpus(300, tmp_path / "other", seed=6, jobs=1)
    assert (tmp_path / "other" / "docs.jsonl").read_bytes() != (corpus / "docs.jsonl").read_bytes()


def test_ids_fields_and_truth(corpus: Path) -> None:
    docs = _jsonl(corpus / "docs.jsonl")
    truth = _jsonl(corpus / "truth.jsonl")
    ids = [d["id"] for d in docs]
    assert ids == [f"d{i:07d}" for i in range(1, 301)]
    by_id = {d["id"]: d for d in docs}
    for d in docs:
        assert set(d) == {"id", "text", "title", "date", "source"}
        assert d["text"].startswith(d["title"] + "\n\n")
        assert dt.date(2024, 1, 1) <= dt.date.fromisoformat(d["date"]) <= dt.date(2026, 12, 31)
        assert d["source"] in make_corpus.SOURCES
    copies = {t["copy"] for t in truth}
    assert len(copies) == len(truth)
    position = {i: n for n, i in enumerate(ids)}
    for t in truth:
        original, copy = by_id[t["original"]], by_id[t["copy"]]
        assert t["original"] not in copies  # copies are made of base documents
        assert abs(position[t["original"]] - position[t["copy"]]) > 1
        assert copy["date"] > original["date"]
        assert copy["source"] != original["source"]
        if t["kind"] == "exact":
            assert copy["text"] == original["text"]
        else:
            assert copy["text"] != original["text"]
        if t["kind"] == "spun":
            assert 0.3 <= t["strength"] <= 0.7
            assert t["thesaurus"] in ("wordnet", "moby")
    spun = [t["thesaurus"] for t in truth if t["kind"] == "spun"]
    assert spun[:2] == ["wordnet", "moby"]


def test_fractions_and_distinct_base_documents(corpus: Path) -> None:
    docs = _jsonl(corpus / "docs.jsonl")
    truth = _jsonl(corpus / "truth.jsonl")
    meta = json.loads((corpus / "meta.json").read_text(encoding="utf-8"))
    kinds = [t["kind"] for t in truth]
    for kind, target in make_corpus.FRACTIONS.items():
        assert abs(kinds.count(kind) / len(docs) - target) <= 0.01
        assert meta["counts"][kind] == kinds.count(kind)
    assert meta["counts"]["base"] + len(truth) == len(docs) == meta["docs"]
    copies = {t["copy"] for t in truth}
    base = [d for d in docs if d["id"] not in copies]
    assert len({d["text"] for d in base}) == len(base)
    for d in base:
        body = d["text"].split("\n\n")[1:]
        sentences = sum(len(make_corpus.split_sentences(p)) for p in body)
        assert 10 <= sentences <= 34  # 14-28 drawn; the splitter is approximate
        assert 4 <= len(body) <= 14


def test_fresh_numbers_keep_their_format() -> None:
    import random

    rng = random.Random(0)
    for token in ("1,178", "2.5", "38", "7", "0.25", "15,000", "2026", "1.47"):
        for _ in range(20):
            new = make_corpus.fresh_number(token, rng)
            assert len(new) == len(token)
            assert ("," in new) == ("," in token)
            assert ("." in new) == ("." in token)


# ----------------------------------------------------------------------------- scoring

TRUTH = [
    {"original": "o1", "copy": "c1", "kind": "exact"},
    {"original": "o1", "copy": "c2", "kind": "near_duplicate"},
    {"original": "o1", "copy": "c3", "kind": "spun"},
    {"original": "o2", "copy": "c4", "kind": "near_duplicate"},
    {"original": "o3", "copy": "c5", "kind": "spun"},
]


def test_score_recall_and_precision() -> None:
    pairs = [
        ("c1", "o1"),  # exact found, reversed order
        ("o1", "c1"),  # the same pair again
        ("c2", "c3"),  # two copies of o1: correct, though not a truth row
        ("o3", "c5"),  # spun found
        ("o2", "o3"),  # wrong: different groups
        ("x", "o1"),  # wrong: x is no planted document
        ("c4", "c4"),  # self-pair: ignored
    ]
    s = scan_bench.score(TRUTH, pairs)
    assert s["pairs"] == 5
    assert s["correct_pairs"] == 3
    assert s["precision"] == 0.6
    assert s["near_dup_recall"] == round(1 / 3, 4)  # c1 of c1, c2, c4
    assert s["spun_recall"] == 0.5  # c5 of c3, c5
    assert s["recall_by_kind"] == {"exact": 1.0, "near_duplicate": 0.0, "spun": 0.5}


def test_score_edge_cases() -> None:
    empty = scan_bench.score(TRUTH, [])
    assert empty["precision"] is None
    assert empty["near_dup_recall"] == 0.0 and empty["spun_recall"] == 0.0
    no_spun = scan_bench.score(TRUTH[:2], [("o1", "c2")])
    assert no_spun["spun_recall"] is None
    assert no_spun["near_dup_recall"] == 0.5
    assert no_spun["precision"] == 1.0


def test_groups_are_transitive() -> None:
    truth = [
        {"original": "a", "copy": "b", "kind": "exact"},
        {"original": "c", "copy": "b", "kind": "exact"},
        {"original": "d", "copy": "e", "kind": "spun"},
    ]
    group = scan_bench.planted_groups(truth)
    assert group["a"] == group["b"] == group["c"]
    assert group["d"] == group["e"] != group["a"]
    assert scan_bench.score(truth, [("a", "c"), ("c", "d")])["precision"] == 0.5


def test_scoring_from_files(tmp_path: Path) -> None:
    pairs_path = tmp_path / "pairs.jsonl"
    rows = [
        {"a": "o1", "b": "c1", "verdict": "duplicate", "score": 1.0, "original": "a"},
        {"a": "c3", "b": "o1", "verdict": "spun", "score": 0.9, "original": "b"},
        {"a": "o2", "b": "c5", "verdict": "spun", "score": 0.7, "original": "a"},
    ]
    pairs_path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    truth_path = tmp_path / "truth.jsonl"
    truth_path.write_text("".join(json.dumps(t) + "\n" for t in TRUTH), encoding="utf-8")
    truth = scan_bench.load_jsonl(truth_path)
    pairs = scan_bench.load_pairs(pairs_path)
    assert pairs == {("c1", "o1"): "duplicate", ("c3", "o1"): "spun", ("c5", "o2"): "spun"}
    s = scan_bench.score(truth, pairs)
    assert (s["precision"], s["spun_recall"]) == (round(2 / 3, 4), 0.5)
    by_verdict = scan_bench.precision_by_verdict(truth, pairs)
    assert by_verdict == {
        "duplicate": {"pairs": 1, "precision": 1.0},
        "spun": {"pairs": 2, "precision": 0.5},
    }


# ----------------------------------------------------------------------------- end to end


@pytest.mark.slow
def test_scan_bench_json_end_to_end(tmp_path: Path) -> None:
    cmd = [sys.executable, str(BENCH / "scan_bench.py"), "--docs", "400", "--json", "--jobs", "2"]
    proc = subprocess.run(
        [*cmd, "--cache", str(tmp_path / "cache")],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["docs"] == 400
    keys = {"records_per_s", "peak_rss_mb", "near_dup_recall", "spun_recall", "precision"}
    for side in ("detector", "baseline"):
        assert keys <= set(result[side])
        assert result[side]["records_per_s"] > 0
        assert result[side]["peak_rss_mb"] > 0
        for key in ("near_dup_recall", "spun_recall", "precision"):
            value = result[side][key]
            assert value is None or 0.0 <= value <= 1.0
    assert result["ratio"] > 0
    assert (tmp_path / "cache" / "corpus-400" / "meta.json").exists()


def test_fingerprint_bench_runs_all_three_sides(corpus: Path, tmp_path: Path) -> None:
    fingerprint_bench = _load("fingerprint_bench")
    cached = tmp_path / "corpus-300"
    cached.mkdir()
    (cached / "docs.jsonl").write_bytes((corpus / "docs.jsonl").read_bytes())
    result = fingerprint_bench.bench(120, 50, tmp_path)
    assert result["docs"] == 120
    for side in ("batch", "per_document", "datasketch"):
        assert result[side]["us_per_doc"] > 0 and result[side]["peak_mb_per_batch"] >= 0
    assert set(result["speedup"]) == {"per_document", "datasketch"}
