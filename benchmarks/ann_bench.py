#!/usr/bin/env python3
"""Approximate nearest neighbours for the scan's semantic channel: usearch, hnswlib and
faiss-cpu against exact numpy search, on the realistic corpus's document embeddings.

Usage: python benchmarks/ann_bench.py [--docs 20000[,100000]] [--k 10] [--threads 1]
                                      [--cache DIR] [--json] [--save-embeddings DIR]

Embeds the prose of every document of ``benchmarks/out/real-N/docs.jsonl`` (made by
``make_real_corpus.py``; without it the script prints one ``skipped:`` line and exits
0) with the static model of the ``semantic`` extra
(:func:`detector.text.embedding.load_embedder`, the text
:func:`detector.text.normalize.prose_text` gives, as the scan reads it), then, each in
its own subprocess so that peak memory is its own, finds the ``k`` nearest neighbours
of every document (itself left out) with:

* **exact**: numpy, the embeddings (float32, L2-normalised) times their transpose in
  blocks of rows, ``argpartition`` per row: the baseline and the reference;
* **usearch** (``Index``, metric ``ip``, float16 and float32 storage), **hnswlib**
  (``space="ip"``) and **faiss-cpu** (``IndexHNSWFlat``, inner product): each an HNSW
  graph (Malkov and Yashunin 2018, "Efficient and robust approximate nearest neighbor
  search using Hierarchical Navigable Small World graphs") with the same parameters:
  ``M`` 16 links per node, ``ef_construction`` 128, ``ef_search`` 64 (``--ef``).

Measured: build time, query time (all documents as queries, in one batch), recall@k
against the exact neighbours, and peak RSS of the child (``ru_maxrss``, which includes
the interpreter, numpy and the embeddings: the empty child's figure is printed as
``baseline RSS``; ``VmHWM`` from ``/proc``). Recall counts a returned neighbour as right when its cosine is at
least the exact k-th neighbour's (less 1e-6): identical texts tie, and which of several
tied documents comes back does not matter (the rule of ann-benchmarks, Aumüller,
Bernhardsson and Faithfull 2020). Also: the share of the exact neighbours at cosine
0.80 or more that each method returns (what the scan's channel needs). Threads: ``--threads``
(default 1, as the scan builds its index: one thread keeps the graph, so the output,
the same from run to run). The load (``uptime``) is printed before and after.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
DEFAULT_CACHE = HERE / "out"
METHODS = ("exact", "usearch-f16", "usearch-f32", "hnswlib", "faiss")
#: The cosine from which a neighbour counts for ``recall_at_threshold``.
THRESHOLD = 0.80


def load_average() -> str:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        return subprocess.run(
            ["uptime"], capture_output=True, text=True, check=False, timeout=10
        ).stdout.strip()
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def embed_corpus(docs: Path) -> np.ndarray:
    """Float32 embeddings of every document's prose, in file order."""
    from detector.text.embedding import load_embedder
    from detector.text.normalize import prose_text

    embedder = load_embedder()
    if embedder is None:
        raise RuntimeError("the semantic extra is not installed")
    rows: list[np.ndarray] = []
    batch: list[str] = []
    with docs.open(encoding="utf-8") as fh:
        for line in fh:
            batch.append(prose_text(str(json.loads(line).get("text") or "")))
            if len(batch) == 2000:
                rows.append(embedder.embed(batch))
                batch = []
    rows.append(embedder.embed(batch))
    return np.concatenate(rows)


# ----------------------------------------------------------------------------- children


def exact_neighbours(x: np.ndarray, k: int, block: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` nearest rows of each row by inner product (itself left out), best first."""
    n = len(x)
    ids = np.empty((n, k), dtype=np.int64)
    sims = np.empty((n, k), dtype=np.float32)
    for start in range(0, n, block):
        s = x[start : start + block] @ x.T
        rows = np.arange(len(s))
        s[rows, start + rows] = -np.inf
        part = np.argpartition(-s, k - 1, axis=1)[:, :k]
        top = np.take_along_axis(s, part, axis=1)
        order = np.argsort(-top, axis=1, kind="stable")
        ids[start : start + block] = np.take_along_axis(part, order, axis=1)
        sims[start : start + block] = np.take_along_axis(top, order, axis=1)
    return ids, sims


def _drop_self(found: np.ndarray, k: int) -> np.ndarray:
    """Each row's neighbours without the row itself (the last one dropped if absent)."""
    out = np.empty((len(found), k), dtype=np.int64)
    for i, row in enumerate(found.tolist()):
        kept = [j for j in row if j != i and j >= 0][:k]
        kept += [-1] * (k - len(kept))
        out[i] = kept
    return out


def run_method(method: str, x: np.ndarray, k: int, threads: int, ef: int) -> dict[str, Any]:
    n, dim = x.shape
    if method == "exact":
        import threadpoolctl

        with threadpoolctl.threadpool_limits(threads):
            t = time.perf_counter()
            ids, _ = exact_neighbours(x, k)
            return {"build_s": 0.0, "query_s": time.perf_counter() - t, "ids": ids}
    if method.startswith("usearch"):
        from usearch.index import Index

        dtype = method.split("-")[1]
        t = time.perf_counter()
        index = Index(
            ndim=dim,
            metric="ip",
            dtype=dtype,
            connectivity=16,
            expansion_add=128,
            expansion_search=ef,
        )
        index.add(np.arange(n, dtype=np.uint64), x, threads=threads)
        build = time.perf_counter() - t
        t = time.perf_counter()
        found = index.search(x, k + 1, threads=threads).keys.astype(np.int64)
        return {"build_s": build, "query_s": time.perf_counter() - t, "ids": _drop_self(found, k)}
    if method == "hnswlib":
        import hnswlib

        t = time.perf_counter()
        graph = hnswlib.Index(space="ip", dim=dim)
        graph.init_index(max_elements=n, ef_construction=128, M=16, random_seed=1)
        graph.set_num_threads(threads)
        graph.add_items(x, np.arange(n))
        build = time.perf_counter() - t
        graph.set_ef(ef)
        t = time.perf_counter()
        found, _ = graph.knn_query(x, k=k + 1)
        return {
            "build_s": build,
            "query_s": time.perf_counter() - t,
            "ids": _drop_self(found.astype(np.int64), k),
        }
    if method == "faiss":
        import faiss

        faiss.omp_set_num_threads(threads)
        t = time.perf_counter()
        graph = faiss.IndexHNSWFlat(dim, 16, faiss.METRIC_INNER_PRODUCT)
        graph.hnsw.efConstruction = 128
        graph.add(x)
        build = time.perf_counter() - t
        graph.hnsw.efSearch = ef
        t = time.perf_counter()
        _, found = graph.search(x, k + 1)
        return {"build_s": build, "query_s": time.perf_counter() - t, "ids": _drop_self(found, k)}
    raise ValueError(f"unknown method {method!r}")


def peak_rss_mb() -> float:
    """This process's peak resident memory (``VmHWM``; ``ru_maxrss`` on Linux keeps the
    parent's peak across ``exec``, so it is read from ``/proc`` where there is one)."""
    with contextlib.suppress(OSError), open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def child(method: str, embeddings: str, out: str, k: int, threads: int, ef: int) -> int:
    x = np.load(embeddings)
    base = peak_rss_mb()
    if method != "none":
        result = run_method(method, x, k, threads, ef)
        np.save(out + ".npy", result.pop("ids"))
    else:
        result = {"build_s": 0.0, "query_s": 0.0}
    peak = peak_rss_mb()
    Path(out + ".json").write_text(
        json.dumps({**result, "peak_rss_mb": round(peak, 1), "loaded_rss_mb": round(base, 1)})
    )
    return 0


# ----------------------------------------------------------------------------- parent


def recall(x: np.ndarray, found: np.ndarray, exact_sims: np.ndarray) -> tuple[float, float]:
    """Recall@k (ties counted right) and the share of exact neighbours at THRESHOLD or
    more that were returned (by cosine, so a tied document counts)."""
    k = found.shape[1]
    valid = found >= 0
    sims = np.einsum("ij,ikj->ik", x, x[np.where(valid, found, 0)])
    sims = np.where(valid, sims, -np.inf)
    kth = exact_sims[:, -1:] - 1e-6
    at_k = float(np.minimum((sims >= kth).sum(axis=1), k).mean() / k)
    wanted = exact_sims >= THRESHOLD
    # An exact neighbour above the threshold is found when the method returned as many
    # neighbours at least that close.
    got = 0
    for i in np.flatnonzero(wanted.any(axis=1)).tolist():
        need = exact_sims[i][wanted[i]]
        have = np.sort(sims[i])[::-1]
        got += int(sum(1 for r, s in enumerate(need.tolist()) if have[r] >= s - 1e-6))
    total = int(wanted.sum())
    return at_k, (got / total if total else 1.0)


def bench(n: int, args: argparse.Namespace) -> dict[str, Any] | None:
    docs = args.cache / f"real-{n}" / "docs.jsonl"
    if not docs.is_file():
        return None
    t = time.perf_counter()
    x = embed_corpus(docs)
    embed_s = time.perf_counter() - t
    tmp = Path(tempfile.mkdtemp(prefix="ann-bench-"))
    path = tmp / "embeddings.npy"
    np.save(path, x)
    if args.save_embeddings:
        args.save_embeddings.mkdir(parents=True, exist_ok=True)
        np.save(args.save_embeddings / f"real-{n}.npy", x)
    rows: dict[str, Any] = {}
    loads = {"before": load_average()}
    exact_sims: np.ndarray | None = None
    for method in ("none", *METHODS):
        out = str(tmp / method)
        cmd = [sys.executable, __file__, "--child", method, "--child-embeddings", str(path)]
        cmd += ["--child-out", out, "--k", str(args.k), "--threads", str(args.threads)]
        cmd += ["--ef", str(args.ef)]
        subprocess.run(cmd, check=True)
        result = json.loads(Path(out + ".json").read_text())
        if method == "none":
            rows["baseline_rss_mb"] = result["peak_rss_mb"]
            continue
        found = np.load(out + ".npy")
        if method == "exact":
            exact_sims = np.einsum("ij,ikj->ik", x, x[found])
        assert exact_sims is not None
        at_k, at_t = recall(x, found, exact_sims)
        result.update(recall_at_k=round(at_k, 4), recall_at_threshold=round(at_t, 4))
        result["load"] = load_average()
        rows[method] = result
    loads["after"] = load_average()
    exact = rows["exact"]["build_s"] + rows["exact"]["query_s"]
    for method in METHODS:
        r = rows[method]
        total = r["build_s"] + r["query_s"]
        r["speedup_vs_exact"] = round(exact / total, 2) if total else None
    return {
        "docs": n,
        "k": args.k,
        "threads": args.threads,
        "ef_search": args.ef,
        "cpus": os.cpu_count(),
        "embed_s": round(embed_s, 1),
        "pairs_at_threshold": int((exact_sims >= THRESHOLD).sum()) if exact_sims is not None else 0,
        "load": loads,
        "methods": rows,
    }


def render(r: dict[str, Any]) -> str:
    lines = [
        f"ANN benchmark, real-{r['docs']}: {r['docs']:,} docs, k={r['k']}, "
        f"threads={r['threads']}, ef_search={r['ef_search']}, {r['cpus']} cpus; "
        f"embedding took {r['embed_s']} s",
        f"load before: {r['load']['before']}",
        f"baseline RSS (interpreter, numpy, embeddings): {r['methods']['baseline_rss_mb']:.0f} MB;"
        f" exact neighbours at cosine >= {THRESHOLD}: {r['pairs_at_threshold']:,}",
        f"{'method':14}{'build s':>9}{'query s':>9}{'total s':>9}{'x exact':>9}"
        f"{'recall@k':>10}{'rec>=thr':>10}{'peak MB':>9}  load after",
    ]
    for method in METHODS:
        m = r["methods"][method]
        total = m["build_s"] + m["query_s"]
        load = m["load"].split("load average:")[-1].strip()
        lines.append(
            f"{method:14}{m['build_s']:9.2f}{m['query_s']:9.2f}{total:9.2f}"
            f"{m['speedup_vs_exact']:9.2f}{m['recall_at_k']:10.4f}{m['recall_at_threshold']:10.4f}"
            f"{m['peak_rss_mb']:9.0f}  {load}"
        )
    lines.append(f"load after: {r['load']['after']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--docs", default="20000", help="corpus sizes, e.g. 20000,100000")
    parser.add_argument("--k", type=int, default=10, help="neighbours per document")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--ef", type=int, default=64, help="ef_search of the HNSW indexes")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--save-embeddings", type=Path, help=argparse.SUPPRESS)
    for hidden in ("--child", "--child-embeddings", "--child-out"):
        parser.add_argument(hidden, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(
            args.child, args.child_embeddings, args.child_out, args.k, args.threads, args.ef
        )
    try:
        from detector.text.embedding import load_embedder
    except ImportError:
        load_embedder = None  # type: ignore[assignment]
    if load_embedder is None or load_embedder() is None:
        print("skipped: the semantic extra is not installed (pip install 'detector[semantic]')")
        return 0
    missing = [m for m in ("usearch", "hnswlib", "faiss") if not _importable(m)]
    if missing:
        print(
            f"skipped: {', '.join(missing)} not installed (pip install usearch hnswlib faiss-cpu)"
        )
        return 0
    results = []
    for n in (int(s) for s in args.docs.split(",") if s.strip()):
        result = bench(n, args)
        if result is None:
            print(
                f"skipped: {args.cache}/real-{n}/docs.jsonl not found (make it with "
                f"benchmarks/make_real_corpus.py --docs {n}; it needs the dev data)"
            )
            continue
        results.append(result)
        if not args.json:
            print(render(result) + "\n", flush=True)
    if args.json:
        print(json.dumps(results))
    return 0


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


if __name__ == "__main__":
    sys.exit(main())
