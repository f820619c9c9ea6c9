#!/usr/bin/env python3
"""Fingerprinting speed: the scan's batch code against the per-document pipeline and datasketch.

Usage: python benchmarks/fingerprint_bench.py [--docs N] [--batch B] [--json] [--cache DIR]

Reads the first N texts of the cached benchmark corpus (``benchmarks/out/corpus-*``, made
by ``scan_bench.py``; built here with ``make_corpus.py`` when none is cached), then, in
one process and on the same texts, times in batches of B:

* **batch**: :func:`detector.scan.fingerprint.fingerprint_batch`, what the scan runs: all three
  channels (word 5-grams, skeleton 6-grams, names and numbers), 256 permutations;
* **per_document**: ``fingerprint_texts`` of ``tests/scan_reference.py``, the same arrays
  computed one text at a time (the reference the batch code is tested against, bit for bit);
* **datasketch**: ``MinHash(num_perm=128).update_batch`` of each text's word 5-grams
  after ``re.findall(r"\\w+")``: one channel, the baseline of ``scan_bench.py``.

Prints microseconds per document, documents per second, the peak traced memory of one
batch (``tracemalloc``, NumPy arrays included, in a separate untimed pass) and the
ratios to the batch code. One core.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "tests"))  # the per-document reference

from scan_reference import fingerprint_texts  # noqa: E402

from detector.scan.fingerprint import fingerprint_batch  # noqa: E402
from detector.scan.options import ScanOptions  # noqa: E402


def load_texts(docs: int, cache: Path) -> list[str]:
    """The first ``docs`` texts of a cached benchmark corpus large enough, or a new one."""
    found = sorted(
        (p for p in cache.glob("corpus-*/docs.jsonl") if p.parent.name.split("-")[1].isdigit()),
        key=lambda p: int(p.parent.name.split("-")[1]),
    )
    path = next((p for p in found if int(p.parent.name.split("-")[1]) >= docs), None)
    if path is None:
        import importlib.util

        spec = importlib.util.spec_from_file_location("bench_make_corpus", HERE / "make_corpus.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["bench_make_corpus"] = module
        spec.loader.exec_module(module)
        folder = cache / f"corpus-{docs}"
        module.make_corpus(docs, folder, seed=1, jobs=1)
        path = folder / "docs.jsonl"
    texts: list[str] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            texts.append(json.loads(line)["text"])
            if len(texts) == docs:
                break
    return texts


def _datasketch(texts: Sequence[str]) -> None:
    from datasketch import MinHash

    word = re.compile(r"\w+")
    for text in texts:
        tokens = word.findall(text.lower())
        grams = {" ".join(tokens[i : i + 5]).encode() for i in range(max(1, len(tokens) - 4))}
        MinHash(num_perm=128).update_batch(list(grams))


def _measure(fn: Callable[[Sequence[str]], Any], texts: list[str], batch: int) -> dict[str, float]:
    fn(texts[:batch])  # warm up: imports, tables
    started = time.perf_counter()
    for i in range(0, len(texts), batch):
        fn(texts[i : i + batch])
    seconds = time.perf_counter() - started
    # Memory in a separate pass of one batch: tracing allocations slows Python code down.
    tracemalloc.start()
    fn(texts[:batch])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "us_per_doc": round(seconds / len(texts) * 1e6, 1),
        "docs_per_s": round(len(texts) / seconds, 1),
        "peak_mb_per_batch": round(peak / 2**20, 1),
    }


def bench(docs: int, batch: int, cache: Path) -> dict[str, Any]:
    texts = load_texts(docs, cache)
    options = ScanOptions()
    sides: dict[str, Callable[[Sequence[str]], Any]] = {
        "batch": lambda t: fingerprint_batch(t, options),
        "per_document": lambda t: fingerprint_texts(t, options),
        "datasketch": _datasketch,
    }
    result: dict[str, Any] = {"docs": len(texts), "batch_size": batch}
    for name, fn in sides.items():
        result[name] = _measure(fn, texts, batch)
    fast = result["batch"]["us_per_doc"]
    result["speedup"] = {
        name: round(result[name]["us_per_doc"] / fast, 2) for name in ("per_document", "datasketch")
    }
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=5000, help="texts to fingerprint")
    parser.add_argument("--batch", type=int, default=1000, help="texts per call")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--cache", type=Path, default=HERE / "out", help="where corpora are kept")
    args = parser.parse_args(argv)
    if args.docs < 1 or args.batch < 1:
        parser.error("--docs and --batch must be >= 1")
    result = bench(args.docs, args.batch, args.cache)
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"fingerprints of {result['docs']:,} texts, {result['batch_size']:,} per call, one core")
    print(f"{'':16}{'us/doc':>10}{'docs/s':>12}{'peak MB':>10} (one batch)")
    for name in ("batch", "per_document", "datasketch"):
        side = result[name]
        print(
            f"{name:16}{side['us_per_doc']:>10,.1f}{side['docs_per_s']:>12,.0f}{side['peak_mb_per_batch']:>10,.1f}"
        )
    print(
        f"batch is {result['speedup']['per_document']:.2f}x the per-document pipeline and "
        f"{result['speedup']['datasketch']:.2f}x datasketch (which computes one channel of three)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
