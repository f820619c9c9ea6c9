"""What a scan writes: pairs, clusters, rejected records and the summary.

``pairs.jsonl`` holds the verified pairs (copies, spins and rewrites), ``clusters.jsonl``
their clusters (:mod:`detector.scan.cluster`), ``documents.jsonl`` the records of every
document in a pair (id, title, date, source and text, so that a pair can be compared
again and shown without the inputs), ``rejected.jsonl`` every input record that could
not be scanned and why; pairs and clusters are also written as parquet or
csv on request. The summary, which the driver writes to ``summary.json``, counts them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from detector.errors import ConfigError
from detector.models import DERIVED_VERDICTS
from detector.scan.candidates import CHANNELS
from detector.scan.cluster import clusters as find_clusters
from detector.scan.cluster import date_originals
from detector.scan.options import ScanOptions
from detector.scan.workdir import atomic_write, chunk_ids, duplicate_ids, load_meta, text_of

__all__ = ["FORMATS", "write_outputs"]

#: Table formats pairs and clusters can also be written in.
FORMATS = ("parquet", "csv")


def write_outputs(
    out: Path,
    work: Path,
    read: int,
    scanned: int,
    results: list[dict[str, Any]],
    formats: Sequence[str],
    options: ScanOptions,
) -> dict[str, Any]:
    """Write pairs, clusters and rejected records to ``out``; return the summary.

    Parameters
    ----------
    out, work : Path
        The output folder and the scan's working folder in it.
    read, scanned : int
        Records read, and scanned (read and not rejected).
    results : list of dict
        The verification results of all candidate pairs, in candidate order.
    formats : sequence of {"parquet", "csv"}
        Also write pairs and clusters in these formats.
    options : ScanOptions
    """
    derived = [r for r in results if r["verdict"] in DERIVED_VERDICTS]
    involved = {r["i"] for r in derived} | {r["j"] for r in derived}
    meta = load_meta(work, involved)
    date_originals(derived, meta)
    clusters = find_clusters(derived, meta)
    pair_rows = sorted(
        (_pair_row(r, meta) for r in derived), key=lambda row: (str(row["a"]), str(row["b"]))
    )
    _write_jsonl(out / "pairs.jsonl", pair_rows)
    _write_jsonl(out / "clusters.jsonl", clusters)
    _write_documents(out / "documents.jsonl", work, meta)
    rejected_count = _write_rejected(out / "rejected.jsonl", work)
    for fmt in formats:
        _write_table(out / f"pairs.{fmt}", pair_rows, fmt)
        _write_table(
            out / f"clusters.{fmt}",
            [{**c, "members": json.dumps(c["members"], ensure_ascii=False)} for c in clusters],
            fmt,
        )
    by_verdict: dict[str, int] = {}
    by_method: dict[str, int] = {}
    for r in results:
        by_verdict[r["verdict"]] = by_verdict.get(r["verdict"], 0) + 1
        by_method[r["by"]] = by_method.get(r["by"], 0) + 1
    reused_ids = duplicate_ids(work)
    channel_yield = _channel_yield(work, results, options)
    sizes = sorted((len(c["members"]) for c in clusters), reverse=True)
    return {
        "records_read": read,
        "records_scanned": scanned,
        "records_rejected": rejected_count,
        "duplicate_ids": {"count": len(reused_ids), "ids": reused_ids[:100]},
        "candidates": len(results),
        "candidates_bucketed": json.loads((work / "candidates.json").read_text())["bucketed"]
        if (work / "candidates.json").exists()
        else len(results),
        "verified_by": by_verdict,
        "channels": channel_yield,
        "settled_by": by_method,
        "pairs": len(pair_rows),
        "pairs_by_verdict": {v: c for v, c in by_verdict.items() if v in DERIVED_VERDICTS},
        "clusters": len(clusters),
        "largest_clusters": sizes[:10],
        "score_histogram": np.histogram([r["score"] for r in derived], bins=10, range=(0.0, 1.0))[
            0
        ].tolist(),
        "options": {
            "copy_threshold": options.copy_threshold,
            "copy_bands": list(options.copy_bands),
            "spin_threshold": options.spin_threshold,
            "spin_bands": list(options.spin_bands),
            "entity_threshold": options.entity_threshold,
            "entity_bands": list(options.entity_bands),
            **(
                {
                    "semantic_k": options.semantic_k,
                    "semantic_threshold": options.semantic_threshold,
                    "semantic_margin": options.semantic_margin,
                }
                if options.semantic_channel
                else {}
            ),
        },
    }


def _channel_yield(
    work: Path, results: list[dict[str, Any]], options: ScanOptions
) -> dict[str, dict[str, Any]]:
    """Per candidate channel: candidates it found (alone or with others), how many of
    them were verified as pairs, that share (its yield), and the candidates and pairs
    no other channel found (what the channel adds); the semantic channel only when it
    is on (its cost is in the summary's ``seconds``, with the other timings)."""
    path = work / "channels.npy"
    masks = np.load(path).tolist() if path.exists() else []
    out: dict[str, dict[str, Any]] = {}
    for bit, name in enumerate(CHANNELS):
        if name == "semantic" and not options.semantic_channel:
            continue
        found = derived = alone = alone_derived = 0
        for mask, r in zip(masks, results, strict=True):
            if mask & (1 << bit):
                is_pair = r["verdict"] in DERIVED_VERDICTS
                found += 1
                derived += is_pair
                if mask == 1 << bit:
                    alone += 1
                    alone_derived += is_pair
        out[name] = {
            "candidates": found,
            "pairs": derived,
            "yield": round(derived / found, 4) if found else None,
            "candidates_only_here": alone,
            "pairs_only_here": alone_derived,
        }
    return out


def _pair_row(r: dict[str, Any], meta: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """A verified pair as written: ``a`` is the record whose id sorts first."""
    a, b, original = meta[r["i"]]["id"], meta[r["j"]]["id"], r["original"]
    if str(a) > str(b):
        a, b = b, a
        original = {"a": "b", "b": "a"}.get(original) if original else original
    return {
        "a": a,
        "b": b,
        "verdict": r["verdict"],
        "score": r["score"],
        "similarity": r.get("similarity"),
        "extent": r.get("extent"),
        "original": original,
    }


def _write_documents(path: Path, work: Path, meta: dict[int, dict[str, Any]]) -> None:
    """The records of the documents in pairs, by id, one JSON object per line."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as sink:
        for index in sorted(meta, key=lambda i: (str(meta[i]["id"]), i)):
            record = {k: v for k, v in meta[index].items() if k != "origin"}
            record["text"] = text_of(str(work), index)
            sink.write(json.dumps(record, ensure_ascii=False) + "\n")
    os.replace(tmp, path)


def _write_rejected(path: Path, work: Path) -> int:
    """Gather the chunks' rejected records into ``path``; returns how many there are."""
    count = 0
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as sink:
        for k in chunk_ids(work):
            text = (work / f"rejected-{k:06d}.jsonl").read_text(encoding="utf-8")
            count += sum(1 for line in text.splitlines() if line.strip())
            sink.write(text)
    os.replace(tmp, path)
    return count


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    atomic_write(path, data.encode("utf-8"))


def _write_table(path: Path, rows: list[dict[str, Any]], fmt: str) -> None:
    if fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        fieldnames = list(rows[0]) if rows else ["a"]
        writer = csv.DictWriter(buf, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)
        atomic_write(path, buf.getvalue().encode("utf-8"))
        return
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ConfigError(
            "--format parquet needs pyarrow: pip install 'detector[parquet]'"
        ) from None
    table = pa.Table.from_pylist(rows) if rows else pa.table({})
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)
