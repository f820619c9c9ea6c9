#!/usr/bin/env python3
"""Check that a scan on a local Dask cluster writes what a scan on local processes writes.

Usage: python benchmarks/dask_check.py DOCS.jsonl [--workers 2] [--out DIR]

Scans DOCS twice, with ``LocalEngine(workers)`` and on a ``distributed.LocalCluster`` of
``workers`` one-thread worker processes (the semantic channel on when its extra is
installed, as ``detector scan`` has it), and compares pairs.jsonl, clusters.jsonl,
documents.jsonl, rejected.jsonl and summary.json (without the timings). Prints one line
per file and exits 1 if any differs. For the realistic corpus, make it first with
``benchmarks/make_real_corpus.py --docs 20000 --out benchmarks/out/real-20000`` (it needs
the dev data); needs the ``dask`` extra.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import shutil
import sys
import tempfile
from pathlib import Path

FILES = ("pairs.jsonl", "clusters.jsonl", "documents.jsonl", "rejected.jsonl")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("docs", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, help="keep both outputs here")
    args = parser.parse_args(argv)
    try:
        from distributed import LocalCluster
    except ImportError:
        print("skipped: the dask extra is not installed", file=sys.stderr)
        return 0
    from detector.parallel import DaskEngine, LocalEngine
    from detector.scan.pipeline import ScanOptions, scan
    from detector.scan.semantic import channel_available

    if not args.docs.is_file():
        print(f"error: {args.docs}: no such file", file=sys.stderr)
        return 2
    root = args.out or Path(tempfile.mkdtemp(prefix="dask-check-"))
    local, dask = root / "local", root / "dask"
    for folder in (local, dask):
        shutil.rmtree(folder, ignore_errors=True)
    # As `detector scan` does: the semantic channel on when its extra is installed.
    options = ScanOptions(semantic_channel=channel_available())
    scan([args.docs], local, options=options, engine=LocalEngine(args.workers))
    with LocalCluster(
        n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        engine = DaskEngine(cluster.scheduler_address)
        try:
            scan([args.docs], dask, options=options, engine=engine)
        finally:
            engine.close()
    same = True
    for name in FILES:
        equal = filecmp.cmp(local / name, dask / name, shallow=False)
        same &= equal
        print(f"{name}: {'identical' if equal else 'DIFFERENT'}")
    summaries = []
    for folder in (local, dask):
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        summary.pop("seconds", None)
        summaries.append(summary)
    equal = summaries[0] == summaries[1]
    same &= equal
    print(
        f"summary.json: {'identical' if equal else 'DIFFERENT'} (without timings; "
        f"{summaries[0]['candidates']:,} candidates, {summaries[0]['pairs']:,} pairs)"
    )
    if args.out is None:
        shutil.rmtree(root, ignore_errors=True)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
