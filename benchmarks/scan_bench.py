#!/usr/bin/env python3
"""Benchmark ``detector scan`` against a plain datasketch MinHash-LSH script.

Usage: python benchmarks/scan_bench.py --docs N [--json] [--jobs J] [--keep DIR]
                                       [--seed S] [--cache DIR]

Builds the synthetic corpus of ``benchmarks/make_corpus.py`` (or reuses it from
``benchmarks/out/corpus-N/``), then runs, one after the other and each in its own
subprocess so that time and peak memory are measured separately:

* **detector**: ``python -m detector scan DOCS --out OUT --quiet --jobs J`` (the
  child runs the ``detector`` module as ``-m`` does, then reads its own rusage);
* **baseline**: what a plain datasketch script does, single process: read
  docs.jsonl, lower-case, ``re.findall(r"\\w+")``, word 5-gram shingles as bytes,
  ``MinHash(num_perm=128).update_batch``, ``MinHashLSH(threshold=0.5, num_perm=128)``:
  insert every document, then query every document; every LSH candidate pair is
  reported (no verification).

Measured for each:

* wall time, end to end, from the parent: interpreter start, imports, reading and
  tokenising, writing the pairs; records/s = documents / wall time;
* peak RSS from ``resource.getrusage`` in the child: ``RUSAGE_SELF`` (the main
  process) and ``RUSAGE_CHILDREN`` (the largest worker process it waited for).
  ``peak_rss_mb`` is their sum, an upper bound of what the scan held at once (a
  forked worker's RSS also counts pages it shares with the main process);
  ``main_rss_mb`` and ``worker_rss_mb`` are the two parts. The baseline has no
  workers;
* near-duplicate recall: truth rows of kind exact or near_duplicate whose
  (original, copy) is a reported pair, in either order; spun recall likewise for
  kind spun;
* precision: reported pairs whose two documents belong to the same planted group
  (an original and its copies, transitively); ``None`` when nothing is reported.

Then the throughput ratio detector/baseline. ``--json`` prints one object:
``{"docs", "detector": {"records_per_s", "peak_rss_mb", "near_dup_recall",
"spun_recall", "precision", ...}, "baseline": {...}, "ratio", ...}``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_CACHE = HERE / "out"
NEAR_KINDS = ("exact", "near_duplicate")
SPUN_KINDS = ("spun",)

Pair = tuple[str, str]


# ----------------------------------------------------------------------------- scoring


def load_jsonl(path: str | Path) -> list[dict[str, Any]]:
    with Path(path).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def pair_key(a: str, b: str) -> Pair:
    return (a, b) if a <= b else (b, a)


def load_pairs(path: str | Path) -> dict[Pair, str]:
    """Reported pairs (unordered, self-pairs dropped) and their verdict (``""`` if none)."""
    pairs: dict[Pair, str] = {}
    for row in load_jsonl(path):
        if row["a"] != row["b"]:
            pairs.setdefault(pair_key(row["a"], row["b"]), row.get("verdict", ""))
    return pairs


def planted_groups(truth: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Document id -> group root, for every document in a truth row (union-find)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for row in truth:
        ra, rb = find(row["original"]), find(row["copy"])
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: find(x) for x in list(parent)}


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def score(truth: Sequence[dict[str, Any]], pairs: Iterable[Pair]) -> dict[str, Any]:
    """Recall of planted copies and precision of reported pairs.

    >>> truth = [{"original": "a", "copy": "b", "kind": "exact"},
    ...          {"original": "a", "copy": "c", "kind": "spun"}]
    >>> s = score(truth, [("b", "a"), ("b", "c"), ("a", "x")])
    >>> s["near_dup_recall"], s["spun_recall"], s["precision"], s["correct_pairs"]
    (1.0, 0.0, 0.6667, 2)
    """
    reported = {pair_key(a, b) for a, b in pairs if a != b}
    group = planted_groups(truth)
    correct = sum(1 for a, b in reported if a in group and group.get(b) == group[a])
    found: dict[str, list[int]] = {}
    for row in truth:
        hit = pair_key(row["original"], row["copy"]) in reported
        counts = found.setdefault(row["kind"], [0, 0])
        counts[0] += hit
        counts[1] += 1

    def recall(kinds: Sequence[str]) -> float | None:
        return _ratio(
            sum(found.get(k, [0, 0])[0] for k in kinds), sum(found.get(k, [0, 0])[1] for k in kinds)
        )

    return {
        "near_dup_recall": recall(NEAR_KINDS),
        "spun_recall": recall(SPUN_KINDS),
        "precision": _ratio(correct, len(reported)),
        "pairs": len(reported),
        "correct_pairs": correct,
        "recall_by_kind": {k: _ratio(*v) for k, v in sorted(found.items())},
    }


def precision_by_verdict(truth: Sequence[dict[str, Any]], pairs: dict[Pair, str]) -> dict[str, Any]:
    """Pairs and precision for each verdict of the detector."""
    group = planted_groups(truth)
    tally: dict[str, list[int]] = {}
    for (a, b), verdict in pairs.items():
        counts = tally.setdefault(verdict, [0, 0])
        counts[0] += int(a in group and group.get(b) == group[a])
        counts[1] += 1
    return {v: {"pairs": n, "precision": _ratio(ok, n)} for v, (ok, n) in sorted(tally.items())}


# ----------------------------------------------------------------------------- children


def _rusage_report(path: str, extra: dict[str, Any]) -> None:
    scale = 1024.0 if sys.platform != "darwin" else 1024.0 * 1024.0  # KB on Linux, bytes on macOS
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / scale
    Path(path).write_text(
        json.dumps({"main_rss_mb": round(own, 1), "worker_rss_mb": round(kids, 1), **extra}),
        encoding="utf-8",
    )


def run_detector_child(docs: str, out: str, jobs: int, report: str) -> int:
    """``python -m detector scan DOCS --out OUT --quiet --jobs J`` in this process."""
    import runpy

    started = time.perf_counter()
    sys.argv = ["detector", "scan", docs, "--out", out, "--quiet", "--jobs", str(jobs)]
    code: Any = 0
    try:
        runpy.run_module("detector", run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        code = exc.code
    code = 0 if code is None else code if isinstance(code, int) else 1
    _rusage_report(report, {"child_seconds": round(time.perf_counter() - started, 3)})
    return code


def run_baseline_child(docs: str, out: str, report: str) -> int:
    """The datasketch script: MinHash of word 5-grams, LSH at 0.5, all candidate pairs."""
    started = time.perf_counter()
    from datasketch import MinHash, MinHashLSH

    word = re.compile(r"\w+")
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    ids: list[str] = []
    signatures: list[MinHash] = []
    with open(docs, encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            tokens = word.findall(str(record.get("text") or "").lower())
            shingles = {
                " ".join(tokens[i : i + 5]).encode("utf-8") for i in range(max(1, len(tokens) - 4))
            }
            m = MinHash(num_perm=128)
            m.update_batch(list(shingles))
            lsh.insert(record["id"], m)
            ids.append(record["id"])
            signatures.append(m)
    pairs: set[Pair] = set()
    for doc, m in zip(ids, signatures, strict=True):
        for other in lsh.query(m):
            if other != doc:
                pairs.add(pair_key(doc, other))
    Path(out).mkdir(parents=True, exist_ok=True)
    with (Path(out) / "pairs.jsonl").open("w", encoding="utf-8") as fh:
        for a, b in sorted(pairs):
            fh.write(json.dumps({"a": a, "b": b}) + "\n")
    _rusage_report(report, {"child_seconds": round(time.perf_counter() - started, 3)})
    return 0


def _child(kind: str, docs: Path, out: Path, jobs: int) -> dict[str, Any]:
    """Run one side in a subprocess; wall time measured here, memory reported by the child."""
    report = out.parent / f"{kind}-rusage.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--docs", "0"]
    cmd += ["--child-docs", str(docs), "--child-out", str(out), "--child-report", str(report)]
    cmd += ["--jobs", str(jobs)]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - started
    if proc.returncode != 0 or not report.exists():
        raise RuntimeError(f"{kind} run failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    usage = json.loads(report.read_text(encoding="utf-8"))
    return {"seconds": round(wall, 3), **usage}


# ----------------------------------------------------------------------------- driver


def corpus_dir(cache: Path, docs: int, seed: int) -> Path:
    return cache / (f"corpus-{docs}" if seed == 1 else f"corpus-{docs}-s{seed}")


def _make_corpus_module() -> Any:
    """``benchmarks/make_corpus.py``, imported by path as ``bench_make_corpus``."""
    import importlib.util

    if "bench_make_corpus" not in sys.modules:
        spec = importlib.util.spec_from_file_location("bench_make_corpus", HERE / "make_corpus.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["bench_make_corpus"] = module
        spec.loader.exec_module(module)
    return sys.modules["bench_make_corpus"]


def ensure_corpus(docs: int, seed: int, cache: Path, jobs: int) -> tuple[Path, float | None]:
    """The corpus folder, made unless a complete one for (docs, seed) is cached there
    (made by this version of make_corpus.py from the same corpus/articles.jsonl)."""
    make_corpus = _make_corpus_module()
    folder = corpus_dir(cache, docs, seed)
    meta_path = folder / "meta.json"
    if meta_path.exists():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        digest = meta.get("articles_sha256")  # absent in corpora made before it was recorded
        if (meta.get("docs"), meta.get("seed"), meta.get("version")) == (
            docs,
            seed,
            make_corpus.VERSION,
        ) and digest in (None, make_corpus.articles_digest()):
            return folder, None
    started = time.perf_counter()
    make_corpus.make_corpus(docs, folder, seed=seed, jobs=jobs or None)
    return folder, round(time.perf_counter() - started, 2)


def _rate(docs: int, seconds: float) -> float:
    return round(docs / seconds, 1) if seconds > 0 else 0.0


def bench(
    docs: int,
    *,
    seed: int = 1,
    jobs: int = 0,
    cache: Path = DEFAULT_CACHE,
    keep: Path | None = None,
) -> dict[str, Any]:
    jobs = jobs or os.cpu_count() or 1
    folder, corpus_seconds = ensure_corpus(docs, seed, cache, jobs)
    docs_path = folder / "docs.jsonl"
    truth = load_jsonl(folder / "truth.jsonl")
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    with docs_path.open("rb") as fh:  # same warm page cache for both sides
        while fh.read(1 << 24):
            pass
    work = Path(tempfile.mkdtemp(prefix="scan-bench-")) if keep is None else keep
    if keep is not None:
        for name in ("detector", "baseline"):
            shutil.rmtree(keep / name, ignore_errors=True)
        keep.mkdir(parents=True, exist_ok=True)
    try:
        results: dict[str, Any] = {}
        for kind in ("detector", "baseline"):
            run = _child(kind, docs_path, work / kind, jobs)
            pairs = load_pairs(work / kind / "pairs.jsonl")
            side = {
                "records_per_s": _rate(docs, run["seconds"]),
                "peak_rss_mb": round(run["main_rss_mb"] + run["worker_rss_mb"], 1),
                **score(truth, pairs),
                **run,
            }
            if kind == "detector":
                summary = json.loads((work / kind / "summary.json").read_text(encoding="utf-8"))
                side["stage_seconds"] = summary.get("seconds", {})
                side["candidates"] = summary.get("candidates")
                side["by_verdict"] = precision_by_verdict(truth, pairs)
                side["records_scanned"] = summary.get("records_scanned")
            results[kind] = side
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
    base_rate = results["baseline"]["records_per_s"]
    return {
        "docs": docs,
        "seed": seed,
        "jobs": jobs,
        "cpus": os.cpu_count(),
        "corpus": str(folder),
        "corpus_counts": meta["counts"],
        "corpus_seconds": corpus_seconds,
        "detector": results["detector"],
        "baseline": results["baseline"],
        "ratio": round(results["detector"]["records_per_s"] / base_rate, 3) if base_rate else None,
    }


def _fmt(value: Any, spec: str = "") -> str:
    if value is None:
        return "-"
    return format(value, spec)


def render(result: dict[str, Any]) -> str:
    d, b, c = result["detector"], result["baseline"], result["corpus_counts"]
    made = (
        f"generated in {result['corpus_seconds']:.1f} s"
        if result["corpus_seconds"] is not None
        else "cached"
    )
    lines = [
        f"scan benchmark: {result['docs']:,} docs ({c['base']:,} base; {c['exact']:,} exact, "
        f"{c['near_duplicate']:,} near-duplicate, {c['spun']:,} spun copies), "
        f"jobs={result['jobs']} on {result['cpus']} cpus",
        f"corpus {result['corpus']} ({made})",
        "",
        f"{'':34}{'detector':>14}{'baseline':>14}",
    ]

    def row(label: str, key: str, spec: str) -> None:
        lines.append(f"{label:34}{_fmt(d.get(key), spec):>14}{_fmt(b.get(key), spec):>14}")

    row("wall time, end to end (s)", "seconds", ".1f")
    row("records/s", "records_per_s", ",.0f")
    row("peak RSS, main + worker (MB)", "peak_rss_mb", ",.0f")
    row("  main process (MB)", "main_rss_mb", ",.0f")
    row("  largest worker (MB)", "worker_rss_mb", ",.0f")
    row("pairs reported", "pairs", ",")
    row("precision", "precision", ".3f")
    row("near-dup recall (exact + near)", "near_dup_recall", ".3f")
    for kind in ("exact", "near_duplicate"):
        label = f"  {kind}"
        dv, bv = d["recall_by_kind"].get(kind), b["recall_by_kind"].get(kind)
        lines.append(f"{label:34}{_fmt(dv, '.3f'):>14}{_fmt(bv, '.3f'):>14}")
    row("spun recall", "spun_recall", ".3f")
    lines.append("")
    lines.append(f"throughput ratio detector/baseline: {_fmt(result['ratio'], '.3f')}x")
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in d.get("stage_seconds", {}).items())
    lines.append(f"detector stages: {stages}; {_fmt(d.get('candidates'), ',')} candidates")
    verdicts = ", ".join(
        f"{v} {_fmt(s['precision'], '.3f')} of {s['pairs']:,}" for v, s in d["by_verdict"].items()
    )
    lines.append(f"detector precision by verdict: {verdicts or '-'}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, required=True, help="corpus size")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--jobs", type=int, default=0, help="detector --jobs (0 = all cores)")
    parser.add_argument("--keep", type=Path, help="keep both sides' outputs in this folder")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where corpora are kept")
    for hidden in ("--child", "--child-docs", "--child-out", "--child-report"):
        parser.add_argument(hidden, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child == "detector":
        return run_detector_child(args.child_docs, args.child_out, args.jobs, args.child_report)
    if args.child == "baseline":
        return run_baseline_child(args.child_docs, args.child_out, args.child_report)
    if args.docs < 1:
        parser.error("--docs must be >= 1")
    result = bench(args.docs, seed=args.seed, jobs=args.jobs, cache=args.cache, keep=args.keep)
    print(json.dumps(result) if args.json else render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
