"""Batch scan: find copies and spun or rewritten versions across a corpus, with every
input record accounted for.

Stages, each checkpointed in ``OUT/.scan-work`` (:mod:`detector.scan.workdir`) so that
``resume=True`` finishes an interrupted scan with the same output as an uninterrupted one:

1. **read** (here): records stream in fixed-size chunks
   (:func:`detector.inputs.records.iter_records`; JSON lines are split in the main process
   and parsed in the workers); workers store texts and metadata, list bad records as
   rejected, and compute per text a content hash and LSH band hashes
   (:func:`detector.scan.fingerprint.fingerprint_batch`): MinHash of word 5-grams (copies,
   near-duplicates), of skeleton 6-grams (function words and numbers with content words
   masked, which survive spinning; see :func:`detector.scan.minhash.skeleton_tokens`) and
   of names and numbers.
2. **candidates** (:mod:`detector.scan.candidates`): identical content hashes, and
   documents sharing an LSH bucket in any channel (sorted arrays,
   :func:`detector.scan.lsh.candidate_pairs`). The third channel, MinHash of the set of
   names and numbers, brings in rewrites.
3. **verify** (:mod:`detector.scan.verify`): every candidate is checked before it becomes
   a pair. Identical texts are duplicates; the cheap checks of :mod:`detector.scan.triage`
   settle plain copies and word-for-word edits; everything else goes through
   :func:`detector.compare.pipeline.compare`, the same code as ``detector compare``.
4. **cluster** (:mod:`detector.scan.cluster`): connected components of verified pairs
   only, each with its likely original; :mod:`detector.scan.outputs` writes them.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from detector.errors import ConfigError, InputError
from detector.inputs.records import Pending, Record, Rejected, chunks, iter_records, resolve
from detector.parallel import Engine, ordered_map
from detector.scan.candidates import candidate_stage
from detector.scan.fingerprint import fingerprint_batch
from detector.scan.options import ScanOptions
from detector.scan.outputs import FORMATS, write_outputs
from detector.scan.verify import verify_batch, warm_up
from detector.scan.workdir import (
    WORK,
    atomic_write,
    chunk_ids,
    collect_verified,
    save_array,
    write_chunk_files,
)

__all__ = ["Progress", "ScanOptions", "ScanResult", "scan"]

#: ``progress(stage, done, total)``: a progress display's callback (``total`` may be None).
Progress = Callable[[str, int, int | None], None]


@dataclass(frozen=True)
class ScanResult:
    """Where the outputs went and the summary written to ``summary.json``."""

    out: Path
    summary: dict[str, Any]


# ----------------------------------------------------------------------------- stage 1


def _read_stage(
    inputs: Sequence[str | Path],
    work: Path,
    options: ScanOptions,
    engine: Engine,
    progress: Progress | None,
) -> int:
    done = len(chunk_ids(work))
    # JSON lines are only split here and parsed in the workers (Pending items).
    records = iter_records(inputs, fields=options.fields, max_chars=options.max_chars, defer=True)
    read = 0

    def jobs() -> Iterator[tuple[Any, ...]]:
        nonlocal read
        for k, items in enumerate(chunks(records, options.chunk_size)):
            read += len(items)
            if k < done:
                continue  # finished in an earlier run
            yield (k, str(work), items)

    for k in ordered_map(engine, partial(_ingest_chunk, options=options), jobs()):
        atomic_write(work / f"chunk-{k:06d}.done", b"")
        if progress:
            progress("read", read, None)
    return read


def _ingest_chunk(
    k: int, work: str, items: list[Record | Rejected | Pending], *, options: ScanOptions
) -> int:
    """Parse, store and fingerprint chunk ``k`` (in a worker); returns ``k``."""
    texts = write_chunk_files(Path(work), k, [resolve(item) for item in items])
    hashes, bands, signatures = fingerprint_batch(texts, options)
    save_array(Path(work) / f"hashes-{k:06d}.npy", hashes)
    save_array(Path(work) / f"bands-{k:06d}.npy", bands)
    save_array(Path(work) / f"signatures-{k:06d}.npy", signatures)
    return k


# ----------------------------------------------------------------------------- stage 3


def _verify_stage(
    work: Path,
    pairs: np.ndarray,
    identical: np.ndarray,
    options: ScanOptions,
    engine: Engine,
    progress: Progress | None,
) -> None:
    batch = options.verify_batch
    parts = range(0, len(pairs), batch)

    def jobs() -> Iterator[tuple[Any, ...]]:
        for p, start in enumerate(parts):
            if (work / f"verified-{p:06d}.done").exists():
                continue
            yield (p, str(work), pairs[start : start + batch], identical[start : start + batch])

    done = sum(1 for p in range(len(parts)) if (work / f"verified-{p:06d}.done").exists())
    for p, results in ordered_map(engine, partial(verify_batch, options=options), jobs()):
        lines = "".join(json.dumps(r) + "\n" for r in results)
        atomic_write(work / f"verified-{p:06d}.jsonl", lines.encode("utf-8"))
        atomic_write(work / f"verified-{p:06d}.done", b"")
        done += 1
        if progress:
            progress("verify", min(done * batch, len(pairs)), len(pairs))


# ----------------------------------------------------------------------------- driver


def _manifest(inputs: Sequence[str | Path], options: ScanOptions) -> dict[str, Any]:
    return {
        "inputs": [str(Path(i)) for i in inputs],
        "options": options.fingerprint_key(),
        "version": 2,
    }


def scan(
    inputs: Sequence[str | Path],
    out: str | Path,
    *,
    options: ScanOptions | None = None,
    engine: Engine | None = None,
    resume: bool = False,
    progress: Progress | None = None,
    formats: Sequence[str] = (),
) -> ScanResult:
    """Scan ``inputs`` for copies and spun or rewritten versions; write results to ``out``.

    Parameters
    ----------
    inputs : sequence of path
        Files or folders (see :func:`detector.inputs.records.iter_records`).
    out : path
        Output folder: pairs.jsonl, clusters.jsonl, documents.jsonl (the records in pairs),
        rejected.jsonl, summary.json, report.html.
    options : ScanOptions
    engine : Engine
        Where stage functions run (default: all local cores).
    resume : bool
        Reuse checkpoints of an interrupted scan with the same inputs and options.
    progress : callable
        ``progress(stage, done, total)``, for a progress display.
    formats : sequence of {"parquet", "csv"}
        Also write pairs and clusters in these formats.
    """
    from detector.parallel import LocalEngine

    options = options or ScanOptions()
    for fmt in formats:
        if fmt not in FORMATS:
            raise ConfigError(f"--format must be parquet or csv, got {fmt!r}")
    if not inputs:
        raise InputError("no inputs given")
    out = Path(out)
    work = out / WORK
    manifest = _manifest(inputs, options)
    if resume and (work / "manifest.json").exists():
        previous = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
        if previous != manifest:
            raise ConfigError(f"cannot resume: {out} holds a scan of other inputs or options")
    else:
        if work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True)
        atomic_write(work / "manifest.json", json.dumps(manifest, indent=1).encode())
    own_engine = engine is None
    engine = engine or LocalEngine()
    timings: dict[str, float] = {}
    try:
        t = time.perf_counter()
        read = _read_stage(inputs, work, options, engine, progress)
        timings["read_and_fingerprint"] = time.perf_counter() - t
        t = time.perf_counter()
        # Workers load what verification needs while this process finds candidates.
        warming = [engine.submit(warm_up, options.lexicon) for _ in range(engine.workers)]
        scanned, pairs, identical = candidate_stage(work, options)
        for handle in warming:
            engine.result(handle)
        timings["candidates"] = time.perf_counter() - t
        t = time.perf_counter()
        _verify_stage(work, pairs, identical, options, engine, progress)
        timings["verify"] = time.perf_counter() - t
    finally:
        if own_engine:
            engine.close()
    t = time.perf_counter()
    n_parts = (len(pairs) + options.verify_batch - 1) // options.verify_batch
    results = collect_verified(work, n_parts)
    summary = write_outputs(out, work, read, scanned, results, formats, options)
    timings["cluster_and_write"] = time.perf_counter() - t
    summary["seconds"] = {k: round(v, 3) for k, v in timings.items()}
    atomic_write(out / "summary.json", (json.dumps(summary, indent=2) + "\n").encode())
    from detector.report.scan import write_report

    write_report(out / "report.html", summary, out)
    return ScanResult(out=out, summary=summary)
