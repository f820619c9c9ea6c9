#!/usr/bin/env python3
"""Benchmark ``Archive.check`` (the archive look-up) against a brute-force scan.

Usage: python benchmarks/check_bench.py --articles N [--json] [--corpus DIR] [--db PATH]
                                        [--suspects S] [--max-candidates M] [--seed R]
                                        [--configs lexical,extra,semantic] [--thresholds]

Builds an archive of about N articles, then checks about S suspects against it.

* **Articles**: the synthetic corpus of ``benchmarks/make_corpus.py`` (``--corpus DIR``,
  or ``benchmarks/out/corpus-N`` when it is complete). Without one, the project's
  corpus articles (``corpus/articles.jsonl``) repeated with varied ids, every repeat
  with its numbers changed (so repeats are near-duplicates of each other, not
  identical); results on that fallback are much less telling.
  Plus the wire story ``corpus/seeds/000_...`` as ``reuters-000``.
* **Suspects**, held out of the archive: planted exact, near-duplicate and spun
  copies whose originals are archived (in equal numbers), the seed's real-world
  spun copy ``corpus/seeds/001_...``, and unrelated texts (base documents that were
  never copied, held out; they share many pool sentences with archived documents,
  names and numbers changed, like independent stories sharing boilerplate).
* **Rewrites** (added to any of the above): the corpus's 60 original stories are archived
  too, and their human rewrites (``corpus/articles.jsonl``, kind ``rewrite``, counted by
  split: the semantic threshold was chosen on train and dev only), the two LLM-style
  rewrites of ``sci-08`` in ``tests/articles/`` (``llm_rewrite.txt``, and
  ``llm_rewrite_condensed.txt``, a condensed one) and the stories' independent coverage
  (kind ``related``, which must not be called derived) are checked. For each, the rank
  of its original among the matches (``--top 10``), or none.
* **Configurations**, one after the other in one run, each with the load beside it:
  ``lexical`` (``DETECTOR_SEMANTIC=0``: the check as before the semantic extra),
  ``extra`` (the extra installed, so ``compare`` has its semantic stage, but the archive's
  semantic channel off: ``check(semantic=False)``) and ``semantic`` (both). The archive is
  built once, with the extra (so with document embeddings).
* **Exact search**: the time to read the stored vectors and one matrix-vector product
  over them, at the archive's size and with the matrix tiled to 100,000 and 200,000 rows.
* **Detector**: ``Archive.check(text)`` per suspect (after two warm-up checks that
  load the verdict model and the lexicon): median, p95 and mean time; hit rate =
  suspects whose rank-1 match belongs to their planted group (the original or
  another copy of it); for unrelated suspects, the share with any match.
* **Baseline**: the naive approach, word 5-gram Jaccard against every archived
  article (hash sets from the scan's light tokenizer, kept in memory as one
  sorted array per article, intersected with the suspect's with NumPy; no index,
  no verification), rank 1 = highest Jaccard. Same suspects, same run.

Also index build time (``Archive.add``, batches of 500, one process) and archive
file size. ``--db PATH`` keeps the archive there and reuses it when it exists;
``--no-baseline`` skips the baseline (to tune ``--max-candidates`` quickly).
``--thresholds`` prints the prose-embedding cosines of the corpus's train and dev pairs
by label (what ``detector.archive.vectors.SEMANTIC_THRESHOLD`` was chosen from) and exits.
``--json`` prints one object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from detector.archive.store import Archive  # noqa: E402
from detector.inputs.records import Record  # noqa: E402
from detector.scan.minhash import light_tokens, shingle_hashes  # noqa: E402

SEED_ORIGINAL = REPO / "corpus" / "seeds" / "000_6938627cd5ef1f07.txt"
SEED_SPUN = REPO / "corpus" / "seeds" / "001_7281db72b9a8aca8.txt"
COPY_KINDS = ("exact", "near_duplicate", "spun")
#: Kinds of planted copy a make_corpus or make_real_corpus folder may hold.
CORPUS_KINDS = ("exact", "near_duplicate", "edit", "partial", "spun")
CORPUS_ARTICLES = REPO / "corpus" / "articles.jsonl"
LLM_SOURCE_ID = "sci-08"
LLM_REWRITES = {
    "llm_rewrite": REPO / "tests" / "articles" / "llm_rewrite.txt",
    "llm_condensed": REPO / "tests" / "articles" / "llm_rewrite_condensed.txt",
}
CONFIGS = ("lexical", "extra", "semantic")
TOP = 10
DERIVED = ("duplicate", "near_duplicate", "spun", "rewrite")
TARGET_MS = 300.0


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


# ----------------------------------------------------------------------------- data


class Plan:
    """The archived documents (streamed) and the held-out suspects."""

    def __init__(self) -> None:
        self.source = ""
        self.docs: list[dict[str, Any]] = []
        self.suspects: list[dict[str, Any]] = []  # kind, id, text, group (ids accepted at rank 1)
        self.held_out: set[str] = set()
        self.extra: list[dict[str, Any]] = []  # archived besides the corpus (add_rewrites)

    def archived(self) -> Iterator[dict[str, Any]]:
        yield {
            "id": "reuters-000",
            "text": SEED_ORIGINAL.read_text(encoding="utf-8"),
            "title": None,
            "date": "2021-02-08",
            "source": "Reuters",
        }
        for d in self.docs:
            if d["id"] not in self.held_out:
                yield d
        yield from self.extra


def plan_from_corpus(corpus: Path, n_suspects: int, rng: random.Random) -> Plan:
    plan = Plan()
    plan.source = str(corpus)
    plan.docs = list(_jsonl(corpus / "docs.jsonl"))
    text = {d["id"]: d["text"] for d in plan.docs}
    truth = list(_jsonl(corpus / "truth.jsonl"))
    copies_of: dict[str, list[str]] = {}
    for row in truth:
        copies_of.setdefault(row["original"], []).append(row["copy"])
    negatives = max(1, n_suspects // 6)
    kinds = [k for k in CORPUS_KINDS if any(r["kind"] == k for r in truth)]
    per_kind = max(1, (n_suspects - negatives - 1) // len(kinds))
    used_originals: set[str] = set()
    for kind in kinds:
        rows = [r for r in truth if r["kind"] == kind]
        rng.shuffle(rows)
        taken = 0
        for row in rows:
            if taken == per_kind:
                break
            if row["original"] in used_originals:
                continue
            used_originals.add(row["original"])
            group = {row["original"], *copies_of[row["original"]]} - {row["copy"]}
            plan.suspects.append(
                {
                    "kind": kind,
                    "id": row["copy"],
                    "text": text[row["copy"]],
                    "original": row["original"],
                    "group": sorted(group),
                }
            )
            plan.held_out.add(row["copy"])
            taken += 1
    involved = {r["original"] for r in truth} | {r["copy"] for r in truth}
    bases = [d["id"] for d in plan.docs if d["id"] not in involved]
    for doc_id in rng.sample(bases, min(negatives, len(bases))):
        plan.suspects.append(
            {"kind": "unrelated", "id": doc_id, "text": text[doc_id], "original": None, "group": []}
        )
        plan.held_out.add(doc_id)
    _add_seed(plan)
    return plan


def add_rewrites(plan: Plan) -> None:
    """Archive the corpus's originals; their rewrites and related stories are suspects."""
    articles = list(_jsonl(CORPUS_ARTICLES))
    for a in articles:
        if a["kind"] == "original":
            plan.extra.append(
                {
                    "id": a["id"],
                    "text": a["text"],
                    "title": None,
                    "date": a.get("published"),
                    "source": a.get("source"),
                }
            )
        elif a["kind"] in ("rewrite", "related") and a["of"]:
            plan.suspects.append(
                {
                    "kind": f"{a['kind']}_{a['split']}",
                    "id": a["id"],
                    "text": a["text"],
                    "original": a["of"],
                    "group": [a["of"]] if a["kind"] == "rewrite" else [],
                }
            )
    for kind, path in LLM_REWRITES.items():
        plan.suspects.append(
            {
                "kind": kind,
                "id": path.name,
                "text": path.read_text(encoding="utf-8"),
                "original": LLM_SOURCE_ID,
                "group": [LLM_SOURCE_ID],
            }
        )


def _add_seed(plan: Plan) -> None:
    plan.suspects.append(
        {
            "kind": "seed_spun",
            "id": "seed-001",
            "text": SEED_SPUN.read_text(encoding="utf-8"),
            "original": "reuters-000",
            "group": ["reuters-000"],
        }
    )


def _vary_numbers(text: str, rng: random.Random) -> str:
    return re.sub(r"\d", lambda _: str(rng.randrange(10)), text)


def plan_from_repeats(n: int, n_suspects: int, rng: random.Random) -> Plan:
    """Fallback: corpus articles repeated with varied ids (and varied numbers)."""
    articles = list(_jsonl(REPO / "corpus" / "articles.jsonl"))
    plan = Plan()
    plan.source = "corpus/articles.jsonl repeated"
    root = {a["id"]: (a["of"] if a["kind"] in DERIVED and a["of"] else a["id"]) for a in articles}
    for i in range(n):
        a = articles[i % len(articles)]
        rep = i // len(articles)
        plan.docs.append(
            {
                "id": f"{a['id']}~{rep}",
                "text": a["text"] if rep == 0 else _vary_numbers(a["text"], rng),
                "title": None,
                "date": a.get("published"),
                "source": a.get("source"),
                "root": root[a["id"]],
                "article": a["id"],
            }
        )
    by_kind = {"exact": "duplicate", "near_duplicate": "near_duplicate", "spun": "spun"}
    negatives = max(1, n_suspects // 6)
    per_kind = max(1, (n_suspects - negatives - 1) // len(COPY_KINDS))
    held_articles: set[str] = set()
    for kind, corpus_kind in by_kind.items():
        pool = [a for a in articles if a["kind"] == corpus_kind and a["of"]]
        for a in rng.sample(pool, min(per_kind, len(pool))):
            held_articles.add(a["id"])
            plan.suspects.append(
                {"kind": kind, "id": a["id"], "text": a["text"], "original": f"{a['of']}~0"}
            )
    related = [a for a in articles if a["kind"] == "related"]
    for a in rng.sample(related, min(negatives, len(related))):
        held_articles.add(a["id"])
        plan.suspects.append(
            {"kind": "unrelated", "id": a["id"], "text": a["text"], "original": None}
        )
    plan.held_out = {d["id"] for d in plan.docs if d["article"] in held_articles}
    for s in plan.suspects:
        if s["original"] is None:
            s["group"] = []
            continue
        r = root[s["id"]]
        s["group"] = sorted(
            d["id"] for d in plan.docs if d["root"] == r and d["id"] not in plan.held_out
        )
    _add_seed(plan)
    return plan


# ----------------------------------------------------------------------------- measuring


def build(db: Path, plan: Plan) -> dict[str, Any]:
    started = time.perf_counter()
    with Archive(db) as archive:
        result = archive.add(
            (
                Record(d["id"], d["text"], d.get("title"), d.get("date"), d.get("source"))
                for d in plan.archived()
            ),
            batch=500,
        )
        seconds = time.perf_counter() - started
        stats = archive.stats()
    return {
        "seconds": round(seconds, 1),
        "articles_per_s": round(result.added / seconds, 1) if seconds else None,
        "added": result.added,
        "rejected": len(result.rejected),
        "file_mb": round(stats["file_bytes"] / 1e6, 1),
        "band_rows": stats["bands"],
    }


def _p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _summary(times_ms: Sequence[float], cpu_ms: Sequence[float]) -> dict[str, float]:
    """Wall-clock figures, and the same for CPU time (less sensitive to a busy machine)."""
    return {
        "median_ms": round(statistics.median(times_ms), 1),
        "p95_ms": round(_p95(times_ms), 1),
        "mean_ms": round(statistics.fmean(times_ms), 1),
        "max_ms": round(max(times_ms), 1),
        "cpu_median_ms": round(statistics.median(cpu_ms), 1),
        "cpu_p95_ms": round(_p95(cpu_ms), 1),
    }


def _negative(kind: str) -> bool:
    return kind == "unrelated" or kind.startswith("related")


def _hit_rates(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    kinds = sorted({r["kind"] for r in rows})
    for kind in kinds:
        mine = [r for r in rows if r["kind"] == kind]
        if kind == "unrelated":
            out[kind] = {"n": len(mine), "with_matches": sum(r["found"] is not None for r in mine)}
        elif _negative(kind):
            out[kind] = {
                "n": len(mine),
                "original_called_derived": sum(r.get("rank") is not None for r in mine),
            }
        else:
            out[kind] = {
                "n": len(mine),
                "hit_at_1": round(sum(r["hit"] for r in mine) / len(mine), 3),
                "original_at_1": round(sum(r["original_at_1"] for r in mine) / len(mine), 3),
            }
            if "rank" in mine[0]:
                out[kind]["original_found"] = round(
                    sum(r["rank"] is not None for r in mine) / len(mine), 3
                )
            if len(mine) == 1:
                out[kind]["rank"] = mine[0].get("rank")
    planted = [r for r in rows if not _negative(r["kind"])]
    out["all_copies"] = {
        "n": len(planted),
        "hit_at_1": round(sum(r["hit"] for r in planted) / len(planted), 3) if planted else None,
    }
    return out


def _configure(config: str) -> None:
    """Switch the semantic extra on or off for archives opened from now on."""
    from detector.text import embedding

    if config == "lexical":
        os.environ[embedding.SEMANTIC_ENV] = "0"
    else:
        os.environ.pop(embedding.SEMANTIC_ENV, None)
    embedding.reset_embedder()


def run_checks(
    db: Path, plan: Plan, max_candidates: int, config: str = "lexical"
) -> dict[str, Any]:
    _configure(config)
    semantic = config == "semantic"
    load_before = [round(x, 2) for x in os.getloadavg()]
    rows = []
    with Archive(db, readonly=True) as archive:
        coverage = archive.embedding_coverage().to_dict()
        for s in plan.suspects[:2]:  # warm-up: verdict model, lexicon, sentence splitter, vectors
            archive.check(s["text"], max_candidates=max_candidates, semantic=semantic)
        times, cpu = [], []
        for s in plan.suspects:
            started, cpu_started = time.perf_counter(), time.process_time()
            matches = archive.check(
                s["text"], max_candidates=max_candidates, top=TOP, semantic=semantic
            )
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
            best = matches[0] if matches else None
            candidates = len(archive.candidates(s["text"], max_candidates=10**6))
            ids = [m.article.id for m in matches]
            rank = ids.index(s["original"]) + 1 if s["original"] in ids else None
            rows.append(
                {
                    "kind": s["kind"],
                    "id": s["id"],
                    "ms": round(times[-1], 1),
                    "found": best.article.id if best else None,
                    "verdict": best.comparison.verdict if best else None,
                    "matches": len(matches),
                    "candidates": candidates,
                    "hit": bool(best and best.article.id in s["group"]),
                    "original_at_1": bool(best and best.article.id == s["original"]),
                    "rank": rank,
                    "semantic_only": sum(m.shared_bands == 0 for m in matches),
                }
            )
    kinds = sorted({r["kind"] for r in rows})
    return {
        "config": config,
        "load_before": load_before,
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "coverage": coverage,
        **_summary(times, cpu),
        "median_ms_by_kind": {
            k: round(statistics.median(r["ms"] for r in rows if r["kind"] == k), 1) for k in kinds
        },
        "hits": _hit_rates(rows),
        "candidates_median": statistics.median(r["candidates"] for r in rows),
        "candidates_max": max(r["candidates"] for r in rows),
        "matches_without_shared_bands": sum(r["semantic_only"] for r in rows),
        "misses": [r for r in rows if not _negative(r["kind"]) and not r["hit"]],
        "false_matches": [
            r
            for r in rows
            if (r["kind"] == "unrelated" and r["found"])
            or (r["kind"].startswith("related") and r["rank"] is not None)
        ],
    }


def exact_search(db: Path, repeats: int = 50) -> dict[str, Any]:
    """Reading the stored vectors, and one exact search, at this size and tiled larger;
    the cost of embedding an article at ``index add`` beside that of its band hashes."""
    import sqlite3

    from detector.archive.vectors import (
        SEMANTIC_CANDIDATES,
        SEMANTIC_THRESHOLD,
        load_index,
        nearest,
    )

    _configure("semantic")
    started = time.perf_counter()
    with sqlite3.connect(db) as conn:
        index = load_index(conn, 256)
    read_s = time.perf_counter() - started
    if not len(index):
        return {"vectors": 0}
    rng = np.random.default_rng(0)
    out: dict[str, Any] = {"vectors": len(index), "read_ms": round(read_s * 1000, 1)}
    from detector.archive.vectors import document_vectors
    from detector.scan.fingerprint import fingerprint_batch
    from detector.scan.options import ScanOptions
    from detector.text.embedding import load_embedder

    embedder = load_embedder()
    with sqlite3.connect(db) as conn:
        texts = [row[0] for row in conn.execute("SELECT text FROM articles LIMIT 2000")]
    if embedder is not None and texts:
        document_vectors(embedder, texts[:50])  # warm the word cache a little, as add would
        started = time.perf_counter()
        document_vectors(embedder, texts)
        embed_s = time.perf_counter() - started
        started = time.perf_counter()
        fingerprint_batch(texts, ScanOptions())
        bands_s = time.perf_counter() - started
        out["embedding_ms_per_article"] = round(embed_s * 1000 / len(texts), 2)
        out["band_hashes_ms_per_article"] = round(bands_s * 1000 / len(texts), 2)
    for rows in (len(index), 100_000, 200_000):
        matrix = np.resize(index.matrix, (rows, index.matrix.shape[1]))
        queries = index.matrix[rng.integers(len(index), size=repeats)]
        nearest(matrix, queries[0], k=SEMANTIC_CANDIDATES, threshold=SEMANTIC_THRESHOLD)
        times = []
        for q in queries:
            started = time.perf_counter()
            nearest(matrix, q, k=SEMANTIC_CANDIDATES, threshold=SEMANTIC_THRESHOLD)
            times.append((time.perf_counter() - started) * 1000)
        out[f"search_ms_{rows}"] = {
            "median": round(statistics.median(times), 2),
            "p95": round(_p95(times), 2),
            "matrix_mb": round(matrix.nbytes / 1e6, 1),
        }
    return out


def thresholds() -> dict[str, Any]:
    """Prose-embedding cosines of the corpus's train and dev pairs, by label, and the
    share of names and numbers kept (the semantic candidates' floor)."""
    from detector.archive.vectors import document_vectors
    from detector.text.embedding import load_embedder

    _configure("semantic")
    embedder = load_embedder()
    if embedder is None:
        return {"skipped": "the semantic extra is not installed"}
    articles = {a["id"]: a for a in _jsonl(CORPUS_ARTICLES)}
    ids = sorted(articles)
    vectors = dict(
        zip(ids, document_vectors(embedder, [articles[i]["text"] for i in ids]), strict=True)
    )
    from detector.archive.check import overlap, overlap_sets
    from detector.scan.options import ScanOptions

    entities = {i: overlap_sets(articles[i]["text"], ScanOptions())[2] for i in ids}
    by_label: dict[str, list[float]] = {}
    names: dict[str, list[float]] = {}
    for pair in _jsonl(REPO / "corpus" / "pairs.jsonl"):
        if pair["split"] == "test":
            continue
        cos = float(vectors[pair["a"]] @ vectors[pair["b"]])
        by_label.setdefault(pair["label"], []).append(cos)
        shared = overlap(entities[pair["a"]], entities[pair["b"]])
        names.setdefault(f"{pair['label']} (names and numbers)", []).append(shared)
    # articles of different stories (no pair between their originals)
    story = {i: articles[i]["of"] or i for i in ids}
    fit = [i for i in ids if articles[i]["split"] != "test"]
    matrix = np.stack([vectors[i] for i in fit])
    cos = matrix @ matrix.T
    roots = np.array([story[i] for i in fit])
    other = cos[roots[:, None] != roots[None, :]]
    by_label["different stories"] = other.tolist()
    by_label.update(names)
    return {
        label: {
            "n": len(v),
            "min": round(float(np.min(v)), 3),
            "p5": round(float(np.percentile(v, 5)), 3),
            "median": round(float(np.median(v)), 3),
            "p99.9": round(float(np.percentile(v, 99.9)), 3),
            "max": round(float(np.max(v)), 3),
        }
        for label, v in sorted(by_label.items())
    }


def _word_set(text: str) -> np.ndarray:
    return np.sort(shingle_hashes(light_tokens(text), 5))


def run_baseline(plan: Plan) -> dict[str, Any]:
    started = time.perf_counter()
    ids: list[str] = []
    sets: list[np.ndarray] = []
    for d in plan.archived():
        ids.append(d["id"])
        sets.append(_word_set(d["text"]))
    lengths = np.array([len(s) for s in sets], dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    flat = np.concatenate(sets)
    prepare = time.perf_counter() - started
    rows, times, cpu = [], [], []
    for s in plan.suspects:
        started, cpu_started = time.perf_counter(), time.process_time()
        q = _word_set(s["text"])
        if len(q):
            at = np.minimum(np.searchsorted(q, flat), len(q) - 1)
            inter = np.add.reduceat((q[at] == flat).astype(np.int64), starts)
        else:
            inter = np.zeros(len(ids), dtype=np.int64)
        inter[lengths == 0] = 0
        jaccard = inter / np.maximum(lengths + len(q) - inter, 1)
        best = int(np.argmax(jaccard))
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        found = ids[best] if jaccard[best] > 0 else None
        rows.append(
            {
                "kind": s["kind"],
                "found": found,
                "jaccard": round(float(jaccard[best]), 3),
                "hit": found in s["group"],
                "original_at_1": found == s["original"],
            }
        )
    spun_j = [r["jaccard"] for r in rows if r["kind"] in ("spun", "seed_spun")]
    return {
        **_summary(times, cpu),
        "prepare_seconds": round(prepare, 1),
        "hits": _hit_rates([r for r in rows if r["kind"] != "unrelated"]),
        "spun_best_jaccard_median": statistics.median(spun_j) if spun_j else None,
        "unrelated_best_jaccard_max": max(
            (r["jaccard"] for r in rows if r["kind"] == "unrelated"), default=None
        ),
    }


# ----------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000, help="archive size")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--corpus", type=Path, help="a make_corpus.py output folder")
    parser.add_argument("--db", type=Path, help="keep the archive here (reused if present)")
    parser.add_argument("--suspects", type=int, default=50, help="number of suspects")
    parser.add_argument("--max-candidates", type=int, default=30, help="Archive.check option")
    parser.add_argument("--seed", type=int, default=0, help="seed of the suspect choice")
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the brute-force baseline (for tuning)"
    )
    parser.add_argument(
        "--configs",
        default=",".join(CONFIGS),
        help=f"comma-separated configurations to run, of {', '.join(CONFIGS)}",
    )
    parser.add_argument(
        "--thresholds", action="store_true", help="print the corpus's cosines by label and exit"
    )
    args = parser.parse_args(argv)
    if args.thresholds:
        print(json.dumps(thresholds(), indent=2))
        return 0
    configs = [c for c in args.configs.split(",") if c]
    if not configs or any(c not in CONFIGS for c in configs):
        parser.error(f"--configs takes {', '.join(CONFIGS)}, got {args.configs!r}")
    log = (lambda *a: None) if args.json else (lambda *a: print(*a, file=sys.stderr))

    rng = random.Random(args.seed)
    corpus = args.corpus or HERE / "out" / f"corpus-{args.articles}"
    if (corpus / "meta.json").is_file():
        plan = plan_from_corpus(corpus, args.suspects, rng)
    else:
        if args.corpus:
            parser.error(f"{args.corpus} is not a complete make_corpus.py output")
        plan = plan_from_repeats(args.articles, args.suspects, rng)
    if plan.source != "corpus/articles.jsonl repeated":  # else they are archived already
        add_rewrites(plan)
    log(f"articles from {plan.source}; {len(plan.suspects)} suspects held out")

    with tempfile.TemporaryDirectory(prefix="check-bench-") as tmp:
        db = args.db or Path(tmp) / "archive.db"
        if db.exists():
            log(f"reusing {db}")
            built: dict[str, Any] | None = None
            with Archive(db, readonly=True) as archive:
                stats = archive.stats()
        else:
            log("building the archive (with the semantic extra, so with embeddings) ...")
            _configure("semantic")
            built = build(db, plan)
            log(f"  {built}")
            with Archive(db, readonly=True) as archive:
                stats = archive.stats()
        runs = {}
        for config in configs:
            log(f"checking suspects: {config} (load {os.getloadavg()[0]:.2f}) ...")
            runs[config] = run_checks(db, plan, args.max_candidates, config)
        log("exact search ...")
        search = exact_search(db)
        detector = runs[configs[0]]
    baseline: dict[str, Any] | None = None
    if not args.no_baseline:
        log("baseline: brute-force word 5-gram Jaccard ...")
        baseline = run_baseline(plan)
    report = {
        "articles": stats["articles"],
        "source": plan.source,
        "suspects": len(plan.suspects),
        "max_candidates": args.max_candidates,
        "build": built,
        "file_mb": round(stats["file_bytes"] / 1e6, 1),
        "detector": runs,
        "exact_search": search,
        "baseline": baseline,
        "speedup_median": (
            round(baseline["median_ms"] / detector["median_ms"], 2) if baseline else None
        ),
        "target_ms": TARGET_MS,
        "target_met": all(r["median_ms"] < TARGET_MS for r in runs.values()),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    b = baseline
    print(f"archive: {report['articles']:,} articles, {report['file_mb']} MB ({plan.source})")
    if built:
        print(f"index build: {built['seconds']} s ({built['articles_per_s']} articles/s)")
    for config, d in runs.items():
        print(
            f"[{config}] Archive.check: median {d['median_ms']} ms, p95 {d['p95_ms']} ms, "
            f"max {d['max_ms']} ms; CPU median {d['cpu_median_ms']} ms, p95 {d['cpu_p95_ms']} ms; "
            f"load {d['load_before']} -> {d['load_after']}"
        )
        print(f"  embeddings: {d['coverage']}")
        print(f"  median by kind: {d['median_ms_by_kind']}")
        for kind, h in d["hits"].items():
            print(f"  {kind}: {h}")
        print(f"  matches found by the semantic channel alone: {d['matches_without_shared_bands']}")
        for r in d["misses"]:
            print(f"  miss: {r}")
        for r in d["false_matches"]:
            print(f"  false match: {r}")
    print(f"exact search: {search}")
    if b:
        print(
            f"baseline (brute-force Jaccard): median {b['median_ms']} ms, p95 {b['p95_ms']} ms "
            f"(+{b['prepare_seconds']} s to hash the archive in memory)"
        )
        for kind, h in b["hits"].items():
            print(f"  {kind}: {h}")
        print(f"speed-up over the baseline (median): {report['speedup_median']}x")
    print(
        f"target < {TARGET_MS:.0f} ms (median): {'met' if report['target_met'] else 'NOT met'}; "
        f"load average {report['load_average']} on {report['cpus']} CPUs"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
