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
   of names and numbers; with the semantic channel, an embedding of the prose
   (:mod:`detector.scan.semantic`).
2. **candidates** (:mod:`detector.scan.candidates`): identical content hashes, and
   documents sharing an LSH bucket in any channel (sorted arrays,
   :func:`detector.scan.lsh.candidate_pairs`). The third channel, MinHash of the set of
   names and numbers, brings in rewrites; the semantic channel, nearest neighbours of
   the embeddings, rewrites that share no words in a row.
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
from contextlib import nullcontext
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from detector.errors import ConfigError, InputError
from detector.inputs.records import (
    Pending,
    Record,
    Rejected,
    chunks,
    iter_records,
    missing_inputs,
    resolve,
)
from detector.parallel import Engine, ordered_map
from detector.scan.anchors import passage_anchors
from detector.scan.candidates import candidate_stage
from detector.scan.fingerprint import fingerprint_batch
from detector.scan.options import ScanOptions
from detector.scan.outputs import FORMATS, write_outputs
from detector.scan.semantic import document_embeddings
from detector.scan.verify import verify_batch, warm_up
from detector.scan.workdir import (
    WORK,
    atomic_write,
    chunk_ids,
    collect_verified,
    release_caches,
    save_array,
    write_chunk_files,
)
from detector.text.normalize import prose_text

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
    records = iter_records(inputs, fields=options.fields, max_bytes=options.max_bytes, defer=True)
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
    # Fingerprints of the prose, boilerplate stripped as compare strips it.
    prose = [prose_text(t) for t in texts]
    hashes, bands, signatures = fingerprint_batch(prose, options)
    if options.passage_channel:
        owner, anchors = passage_anchors(prose, k=options.shingle_k, mod=options.anchor_mod)
        save_array(Path(work) / f"anchor-owners-{k:06d}.npy", owner.astype(np.int32))
        save_array(Path(work) / f"anchors-{k:06d}.npy", anchors)
    if options.semantic_channel:
        # CPU time, not wall time: workers share the cores with each other.
        started = time.process_time()
        embeddings = document_embeddings(prose)
        save_array(Path(work) / f"embeddings-{k:06d}.npy", embeddings)
        seconds = {"cpu_seconds": time.process_time() - started}
        atomic_write(Path(work) / f"embeddings-{k:06d}.json", json.dumps(seconds).encode())
    save_array(Path(work) / f"hashes-{k:06d}.npy", hashes)
    save_array(Path(work) / f"bands-{k:06d}.npy", bands)
    save_array(Path(work) / f"signatures-{k:06d}.npy", signatures)
    return k


# ----------------------------------------------------------------------------- stage 3


def _verify_stage(
    work: Path,
    pairs: np.ndarray,
    identical: np.ndarray,
    flipped: np.ndarray,
    channels: np.ndarray,
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
            end = start + batch
            yield (
                p,
                str(work),
                pairs[start:end],
                identical[start:end],
                flipped[start:end],
                channels[start:end],
            )

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
    force: bool = False,
    keep_work: bool = False,
    progress: Progress | None = None,
    formats: Sequence[str] = (),
) -> ScanResult:
    """Scan ``inputs`` for copies and spun or rewritten versions; write results to ``out``.

    Parameters
    ----------
    inputs : sequence of path
        Files or folders (see :func:`detector.inputs.records.iter_records`); ``-`` is
        standard input, read as JSON Lines.
    out : path
        Output folder: pairs.jsonl, clusters.jsonl, documents.jsonl (the records in pairs),
        rejected.jsonl, summary.json, report.html.
    options : ScanOptions
    engine : Engine
        Where stage functions run (default: all local cores).
    resume : bool
        Reuse checkpoints of an interrupted scan with the same inputs and options.
    force : bool
        Replace the results of an earlier scan in ``out`` (refused without it).
    keep_work : bool
        Keep the working folder ``out/.scan-work`` (checkpoints, texts, fingerprints)
        after a successful scan; it is removed otherwise.
    progress : callable
        ``progress(stage, done, total)``, for a progress display.
    formats : sequence of {"parquet", "csv"}
        Also write pairs and clusters in these formats.

    Raises
    ------
    InputError
        When an input does not exist, or no record at all could be read.
    ConfigError
        For bad options, or an output folder holding an earlier scan's results without
        ``resume`` or ``force``.
    """
    from detector.parallel import LocalEngine, running

    options = options or ScanOptions()
    for fmt in formats:
        if fmt not in FORMATS:
            raise ConfigError(f"--format must be parquet or csv, got {fmt!r}")
    if not inputs:
        raise InputError("no inputs given")
    missing = missing_inputs(inputs)
    if missing:
        raise InputError(f"{missing[0]}: no such file or directory")
    out = Path(out)
    work = out / WORK
    _claim_output(out, resume=resume, force=force)
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
    timings: dict[str, float] = {}
    # An engine made here is closed here (aborted on Ctrl-C); a caller's is the caller's.
    session = running(LocalEngine()) if engine is None else nullcontext(engine)
    with session as engine:
        t = time.perf_counter()
        read = _read_stage(inputs, work, options, engine, progress)
        timings["read_and_fingerprint"] = time.perf_counter() - t
        t = time.perf_counter()
        # Workers load what verification needs while this process finds candidates.
        warming = [engine.submit(warm_up, options.lexicon) for _ in range(engine.workers)]
        scanned, pairs, identical, flipped, channels = candidate_stage(work, options)
        for handle in warming:
            engine.result(handle)
        if not scanned:
            _no_records(work, read, inputs)
        timings["candidates"] = time.perf_counter() - t
        t = time.perf_counter()
        _verify_stage(work, pairs, identical, flipped, channels, options, engine, progress)
        timings["verify"] = time.perf_counter() - t
    t = time.perf_counter()
    n_parts = (len(pairs) + options.verify_batch - 1) // options.verify_batch
    results = collect_verified(work, n_parts)
    summary = write_outputs(out, work, read, scanned, results, formats, options)
    timings["cluster_and_write"] = time.perf_counter() - t
    if options.semantic_channel:
        timings.update(_semantic_seconds(work))
    summary["seconds"] = {k: round(v, 3) for k, v in timings.items()}
    atomic_write(out / "summary.json", (json.dumps(summary, indent=2) + "\n").encode())
    from detector.report.scan import write_report

    write_report(out / "report.html", summary, out)
    if not keep_work:
        release_caches()
        shutil.rmtree(work, ignore_errors=True)
    return ScanResult(out=out, summary=summary)


def _semantic_seconds(work: Path) -> dict[str, float]:
    """What the semantic channel cost in CPU seconds: embedding the prose (summed over
    the chunks, in the workers, within ``read_and_fingerprint``) and building and
    searching the index (in this process, within ``candidates``)."""
    embed = sum(
        json.loads((work / f"embeddings-{k:06d}.json").read_text())["cpu_seconds"]
        for k in chunk_ids(work)
    )
    # No candidates.json when fewer than two records were scanned: nothing was searched.
    path = work / "candidates.json"
    search = json.loads(path.read_text()).get("semantic_cpu_seconds", 0.0) if path.exists() else 0.0
    return {"semantic_embed_cpu": embed, "semantic_search_cpu": search}


#: What a scan writes into its output folder (besides the working folder).
OUTPUT_FILES = (
    "pairs.jsonl",
    "clusters.jsonl",
    "documents.jsonl",
    "rejected.jsonl",
    "summary.json",
    "report.html",
    *(f"{name}.{fmt}" for name in ("pairs", "clusters") for fmt in FORMATS),
)


def _claim_output(out: Path, *, resume: bool, force: bool) -> None:
    """Refuse to overwrite an earlier scan's results unless told to; with ``force``,
    remove them (only the files a scan writes: the folder may hold the user's own)."""
    if out.exists() and not out.is_dir():
        raise ConfigError(f"{out} is a file, not a folder")
    found = [name for name in OUTPUT_FILES if (out / name).exists()]
    unfinished = (out / WORK).exists()
    if force:
        for name in found:
            (out / name).unlink()
        if unfinished:
            shutil.rmtree(out / WORK)
        return
    if resume:
        return
    if unfinished:
        raise ConfigError(
            f"{out} holds an unfinished scan: --resume finishes it, --force starts over"
        )
    if found:
        raise ConfigError(
            f"{out} holds the results of an earlier scan ({found[0]}): "
            "use --force to replace them, or another --out"
        )


def _no_records(work: Path, read: int, inputs: Sequence[str | Path]) -> None:
    """Raise the one-line error of a scan that could read no record at all."""
    shown = ", ".join(str(i) if str(i) != "-" else "standard input" for i in inputs[:3])
    if not read:
        message = f"no records in {shown}"
    else:
        first = ""
        for path in sorted(work.glob("rejected-*.jsonl")):
            line = next((x for x in path.read_text(encoding="utf-8").splitlines() if x), "")
            if line:
                row = json.loads(line)
                where = f"{row['file']}:{row['location']}" if row.get("location") else row["file"]
                first = f" (first: {where}: {row['reason']})"
                break
        message = f"no record could be read from {shown}: all {read} rejected{first}"
    shutil.rmtree(work, ignore_errors=True)
    raise InputError(message)
