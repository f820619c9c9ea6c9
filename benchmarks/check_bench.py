#!/usr/bin/env python3
"""Benchmark ``Archive.check`` (the archive look-up) against a brute-force scan.

Usage: python benchmarks/check_bench.py --articles N [--json] [--corpus DIR] [--db PATH]
                                        [--suspects S] [--max-candidates M] [--seed R]

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
    per_kind = max(1, (n_suspects - negatives - 1) // len(COPY_KINDS))
    used_originals: set[str] = set()
    for kind in COPY_KINDS:
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


def _hit_rates(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    kinds = sorted({r["kind"] for r in rows})
    for kind in kinds:
        mine = [r for r in rows if r["kind"] == kind]
        if kind == "unrelated":
            out[kind] = {"n": len(mine), "with_matches": sum(r["found"] is not None for r in mine)}
        else:
            out[kind] = {
                "n": len(mine),
                "hit_at_1": round(sum(r["hit"] for r in mine) / len(mine), 3),
                "original_at_1": round(sum(r["original_at_1"] for r in mine) / len(mine), 3),
            }
    planted = [r for r in rows if r["kind"] != "unrelated"]
    out["all_copies"] = {
        "n": len(planted),
        "hit_at_1": round(sum(r["hit"] for r in planted) / len(planted), 3) if planted else None,
    }
    return out


def run_checks(db: Path, plan: Plan, max_candidates: int) -> dict[str, Any]:
    rows = []
    with Archive(db, readonly=True) as archive:
        for s in plan.suspects[:2]:  # warm-up: verdict model, lexicon, sentence splitter
            archive.check(s["text"], max_candidates=max_candidates)
        times, cpu = [], []
        for s in plan.suspects:
            started, cpu_started = time.perf_counter(), time.process_time()
            matches = archive.check(s["text"], max_candidates=max_candidates)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
            best = matches[0] if matches else None
            candidates = len(archive.candidates(s["text"], max_candidates=10**6))
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
                }
            )
    kinds = sorted({r["kind"] for r in rows})
    return {
        **_summary(times, cpu),
        "median_ms_by_kind": {
            k: round(statistics.median(r["ms"] for r in rows if r["kind"] == k), 1) for k in kinds
        },
        "hits": _hit_rates(rows),
        "candidates_median": statistics.median(r["candidates"] for r in rows),
        "candidates_max": max(r["candidates"] for r in rows),
        "misses": [r for r in rows if r["kind"] != "unrelated" and not r["hit"]],
        "false_matches": [r for r in rows if r["kind"] == "unrelated" and r["found"]],
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
    args = parser.parse_args(argv)
    log = (lambda *a: None) if args.json else (lambda *a: print(*a, file=sys.stderr))

    rng = random.Random(args.seed)
    corpus = args.corpus or HERE / "out" / f"corpus-{args.articles}"
    if (corpus / "meta.json").is_file():
        plan = plan_from_corpus(corpus, args.suspects, rng)
    else:
        if args.corpus:
            parser.error(f"{args.corpus} is not a complete make_corpus.py output")
        plan = plan_from_repeats(args.articles, args.suspects, rng)
    log(f"articles from {plan.source}; {len(plan.suspects)} suspects held out")

    with tempfile.TemporaryDirectory(prefix="check-bench-") as tmp:
        db = args.db or Path(tmp) / "archive.db"
        if db.exists():
            log(f"reusing {db}")
            built: dict[str, Any] | None = None
            with Archive(db, readonly=True) as archive:
                stats = archive.stats()
        else:
            log("building the archive ...")
            built = build(db, plan)
            log(f"  {built}")
            with Archive(db, readonly=True) as archive:
                stats = archive.stats()
        log("checking suspects ...")
        detector = run_checks(db, plan, args.max_candidates)
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
        "detector": detector,
        "baseline": baseline,
        "speedup_median": (
            round(baseline["median_ms"] / detector["median_ms"], 2) if baseline else None
        ),
        "target_ms": TARGET_MS,
        "target_met": detector["median_ms"] < TARGET_MS,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    d, b = detector, baseline
    print(f"archive: {report['articles']:,} articles, {report['file_mb']} MB ({plan.source})")
    if built:
        print(f"index build: {built['seconds']} s ({built['articles_per_s']} articles/s)")
    print(
        f"Archive.check: median {d['median_ms']} ms, p95 {d['p95_ms']} ms, max {d['max_ms']} ms "
        f"(max_candidates={args.max_candidates}; candidates median {d['candidates_median']}, "
        f"max {d['candidates_max']})"
    )
    print(f"  CPU time: median {d['cpu_median_ms']} ms, p95 {d['cpu_p95_ms']} ms")
    print(f"  median by kind: {d['median_ms_by_kind']}")
    for kind, h in d["hits"].items():
        print(f"  {kind}: {h}")
    if b:
        print(
            f"baseline (brute-force Jaccard): median {b['median_ms']} ms, p95 {b['p95_ms']} ms "
            f"(+{b['prepare_seconds']} s to hash the archive in memory)"
        )
        for kind, h in b["hits"].items():
            print(f"  {kind}: {h}")
    if b:
        print(f"speed-up over the baseline (median): {report['speedup_median']}x")
    print(
        f"target < {TARGET_MS:.0f} ms (median): {'met' if report['target_met'] else 'NOT met'}; "
        f"load average {report['load_average']} on {report['cpus']} CPUs"
    )
    for r in d["misses"]:
        print(f"  miss: {r}")
    for r in d["false_matches"]:
        print(f"  false match: {r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
