#!/usr/bin/env python3
"""Benchmark ``compare`` on two 1,000-word articles, and the CLI's cold start.

Runs our code and a baseline side by side in one process and prints medians,
throughput, the ratio, and peak memory:

* detector: ``detector.compare.pipeline`` (alignment, token diff, spin evidence, verdict);
* baseline: what a plain script would do: scikit-learn TF-IDF cosines (word and
  character n-grams) plus difflib's SequenceMatcher over the words; no alignment,
  no evidence.

Targets (issue "Compare two articles"): median compare under 50 ms; cold start of
``detector compare`` on the seed pair under 1.5 s.

Usage: python benchmarks/compare_bench.py [--repeat 30] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def article_pair(words: int = 1000) -> tuple[str, str]:
    """A ~1,000-word original built from corpus originals, and a spun copy of it."""
    from detector.lab.spinner import WordNetThesaurus, spin

    texts = []
    with (REPO / "corpus" / "articles.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            a = json.loads(line)
            if a["kind"] == "original" and a["made_by"] == "written":
                texts.append(a["text"])
            if sum(len(t.split()) for t in texts) >= words:
                break
    original = " ".join(" ".join(texts).split(" ")[:words])
    return original, spin(original, strength=0.5, seed=7, thesaurus=WordNetThesaurus()).text


def baseline_compare(a: str, b: str) -> dict[str, float]:
    import difflib

    from sklearn.feature_extraction.text import TfidfVectorizer

    word = TfidfVectorizer().fit_transform([a, b])
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).fit_transform([a, b])
    ratio = difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()
    return {
        "word_cosine": float((word[0] @ word[1].T).toarray()[0, 0]),
        "char_cosine": float((char[0] @ char[1].T).toarray()[0, 0]),
        "sequence_ratio": ratio,
    }


def timed(fn, repeat: int) -> list[float]:
    fn()  # warm caches and imports
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def cold_start(runs: int = 5, semantic: bool = True) -> list[float]:
    seeds = REPO / "corpus" / "seeds"
    cmd = [
        sys.executable,
        "-m",
        "detector",
        "compare",
        str(seeds / "000_6938627cd5ef1f07.txt"),
        str(seeds / "001_7281db72b9a8aca8.txt"),
        "--json",
    ]
    env = {**os.environ, "DETECTOR_SEMANTIC": "1" if semantic else "0"}
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
        out.append(time.perf_counter() - t)
    return out


def semantic_cost(a: str, b: str, repeat: int) -> dict[str, float] | None:
    """What the semantic stage adds: its own step, and compare on and off, alternated."""
    from detector import compare
    from detector.compare.semantic import align_meaning
    from detector.text import embedding
    from detector.text.normalize import normalize

    emb = embedding.load_embedder()
    if emb is None:
        return None
    x, y = normalize(a), normalize(b)
    step = timed(lambda: align_meaning(x, y, emb), repeat)
    on: list[float] = []
    off: list[float] = []
    for _ in range(repeat):
        for flag, times in (("1", on), ("0", off)):
            os.environ[embedding.SEMANTIC_ENV] = flag
            embedding.reset_embedder()
            embedding.load_embedder()
            t = time.perf_counter()
            compare(a, b)
            times.append(time.perf_counter() - t)
    os.environ.pop(embedding.SEMANTIC_ENV)
    embedding.reset_embedder()
    cold_off = cold_start(semantic=False)
    return {
        "align_meaning_ms": round(1000 * statistics.median(step), 2),
        "compare_on_ms": round(1000 * statistics.median(on), 2),
        "compare_off_ms": round(1000 * statistics.median(off), 2),
        "added_ms": round(1000 * (statistics.median(on) - statistics.median(off)), 2),
        "cold_start_off_s": round(statistics.median(cold_off), 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark compare against a baseline.")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    from detector import compare

    a, b = article_pair()
    ours = timed(lambda: compare(a, b), args.repeat)
    base = timed(lambda: baseline_compare(a, b), args.repeat)
    cold = cold_start()
    semantic = semantic_cost(a, b, args.repeat)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "words": [len(a.split()), len(b.split())],
        "detector": {
            "median_ms": round(1000 * statistics.median(ours), 2),
            "pairs_per_s": round(1 / statistics.median(ours), 1),
            "verdict": compare(a, b).verdict,
        },
        "baseline": {
            "median_ms": round(1000 * statistics.median(base), 2),
            "pairs_per_s": round(1 / statistics.median(base), 1),
        },
        "ratio_detector_over_baseline_time": round(
            statistics.median(ours) / statistics.median(base), 2
        ),
        "cold_start_s": {"median": round(statistics.median(cold), 3), "max": round(max(cold), 3)},
        "peak_rss_mb": round(peak_mb, 1),
        "semantic": semantic,
        "targets": {"median_ms": 50, "cold_start_s": 1.5, "semantic_added_ms": 10},
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    d, bl = result["detector"], result["baseline"]
    print(
        f"two articles of {result['words'][0]} and {result['words'][1]} words, {args.repeat} runs each"
    )
    print(
        f"  detector compare : median {d['median_ms']:7.2f} ms  ({d['pairs_per_s']} pairs/s)  verdict {d['verdict']}"
    )
    print(
        f"  baseline         : median {bl['median_ms']:7.2f} ms  ({bl['pairs_per_s']} pairs/s)  (no alignment, no evidence)"
    )
    print(f"  time ratio detector/baseline: {result['ratio_detector_over_baseline_time']}")
    print(
        f"  cold start 'detector compare' on the seed pair: median {result['cold_start_s']['median']} s, max {result['cold_start_s']['max']} s"
    )
    print(f"  peak RSS of this process: {result['peak_rss_mb']} MB")
    sem = result["semantic"]
    if sem is None:
        print("  semantic stage: the extra is not installed")
    else:
        print(
            f"  semantic stage: meaning alignment median {sem['align_meaning_ms']} ms; compare "
            f"median {sem['compare_on_ms']} ms with it, {sem['compare_off_ms']} ms without "
            f"(runs alternated), adds {sem['added_ms']} ms; cold start median "
            f"{sem['cold_start_off_s']} s without it"
        )
    print("  targets: median < 50 ms, cold start < 1.5 s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
