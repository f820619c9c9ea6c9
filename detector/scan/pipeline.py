"""Batch scan: find copies and spun or rewritten versions across a corpus, with every
input record accounted for.

Stages, each checkpointed in ``OUT/.scan-work`` so that ``resume=True`` finishes an
interrupted scan with the same output as an uninterrupted one:

1. **read**: records stream in fixed-size chunks (:func:`detector.inputs.records.iter_records`;
   JSON lines are split in the main process and parsed in the workers); workers store
   texts and metadata, list bad records as rejected, and compute per text a content
   hash and LSH band hashes: MinHash of word 5-grams (copies, near-duplicates), of
   skeleton 6-grams (function words and numbers with content words masked, which
   survive spinning; see :func:`detector.scan.minhash.skeleton_tokens`) and of names and numbers.
2. **candidates**: identical content hashes, and documents sharing an LSH bucket in
   either channel (sorted arrays, :func:`detector.scan.lsh.candidate_pairs`).
   A third channel, MinHash of the set of names and numbers, brings in rewrites.
3. **verify**: every candidate is checked before it becomes a pair. Identical texts
   are duplicates; the cheap checks of :mod:`detector.scan.triage` settle plain copies
   (word 5-gram containment) and word-for-word edits (a token-level alignment that
   tells a light edit from a spin by the swaps, with function words and numbers kept
   in place); everything else goes through :func:`detector.compare.pipeline`, the same code as
   ``detector compare``.
4. **cluster**: connected components of verified pairs only (union-find), each with
   its likely original.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import os
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import numpy as np

from detector.errors import ConfigError, InputError
from detector.inputs.records import (
    FieldMap,
    Pending,
    Record,
    Rejected,
    chunks,
    iter_records,
    resolve,
)
from detector.models import DERIVED_VERDICTS
from detector.parallel import Engine, ordered_map
from detector.scan.fingerprint import _document_sets, content_hash, fingerprint_batch, stack_bands
from detector.scan.lsh import candidate_pairs, optimal_bands
from detector.scan.minhash import MinHasher
from detector.scan.triage import Words, settle
from detector.text.wire import is_wire_source

__all__ = ["ScanOptions", "ScanResult", "scan"]

WORK = ".scan-work"
Progress = Callable[[str, int, int | None], None]


@dataclass(frozen=True)
class ScanOptions:
    """What a scan looks for and how. Band counts are derived from the thresholds."""

    copy_threshold: float = 0.5
    copy_perm: int = 128
    spin_threshold: float = 0.2
    spin_perm: int = 64
    entity_threshold: float = 0.5
    entity_perm: int = 64
    shingle_k: int = 5
    skeleton_k: int = 6
    chunk_size: int = 5000
    verify_batch: int = 400
    max_bucket: int = 200
    max_chars: int = 1_000_000
    lexicon: bool = True
    fields: FieldMap = field(default_factory=FieldMap)

    def __post_init__(self) -> None:
        for name in ("copy_threshold", "spin_threshold", "entity_threshold"):
            value = getattr(self, name)
            if not 0.0 < value < 1.0:
                raise ConfigError(f"{name.replace('_', '-')} must be in (0, 1), got {value}")
        if self.chunk_size < 1 or self.verify_batch < 1:
            raise ConfigError("chunk size and verify batch must be >= 1")

    @property
    def copy_bands(self) -> tuple[int, int]:
        return optimal_bands(self.copy_threshold, self.copy_perm)

    @property
    def spin_bands(self) -> tuple[int, int]:
        return optimal_bands(self.spin_threshold, self.spin_perm)

    @property
    def entity_bands(self) -> tuple[int, int]:
        return optimal_bands(self.entity_threshold, self.entity_perm)

    @property
    def channels(self) -> tuple[tuple[str, int], ...]:
        """(channel, number of bands), in the order of the band matrix rows."""
        return (
            ("copy", self.copy_bands[0]),
            ("spin", self.spin_bands[0]),
            ("entity", self.entity_bands[0]),
        )

    def fingerprint_key(self) -> dict[str, Any]:
        """What must match for ``resume`` to reuse checkpoints."""
        data = asdict(self)
        data["fields"] = asdict(self.fields)
        return data


@dataclass(frozen=True)
class ScanResult:
    """Where the outputs went and the summary written to ``summary.json``."""

    out: Path
    summary: dict[str, Any]


# ----------------------------------------------------------------------------- stage 1


def fingerprint_texts(
    texts: Sequence[str], options: ScanOptions
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Content hashes, band hashes and MinHash signatures of texts, one text at a time.

    The plain per-document pipeline: scans use :func:`detector.scan.fingerprint.fingerprint_batch`,
    which gives the same arrays, bit for bit, several times faster (tested against this).

    Three channels, stacked in :attr:`ScanOptions.channels` order: word 5-grams
    (copies), skeleton 6-grams (spun copies; generic grams left out, see
    :func:`detector.scan.minhash.skeleton_gram_hashes`) and the set of names and numbers
    (rewrites keep them; Zhang et al.'s "immutables").

    Returns
    -------
    hashes : ndarray of uint64, one per text
    bands : ndarray of uint64, (total bands, texts)
    signatures : ndarray of uint32, (total permutations, texts)
    """
    sets = [_document_sets(text, options) for text in texts]
    hashes = np.array([content_hash(s[0]) for s in sets], dtype=np.uint64)
    hashers = _hashers(options.copy_perm, options.spin_perm, options.entity_perm)
    signatures = [hasher.signatures([s[c + 1] for s in sets]) for c, hasher in enumerate(hashers)]
    return hashes, stack_bands(signatures, options), np.vstack(signatures)


@lru_cache(maxsize=4)
def _hashers(
    copy_perm: int, spin_perm: int, entity_perm: int
) -> tuple[MinHasher, MinHasher, MinHasher]:
    return (
        MinHasher(copy_perm, seed=1),
        MinHasher(spin_perm, seed=2),
        MinHasher(entity_perm, seed=3),
    )


def _id_hash(record_id: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(record_id.encode("utf-8"), digest_size=8).digest(), "little"
    )


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _write_chunk_files(work: Path, k: int, items: list[Record | Rejected]) -> list[str]:
    """Texts, metadata and rejections of chunk ``k``; returns the texts in order.

    Texts go to one UTF-8 blob per chunk, with their byte offsets in ``offsets-k.npy``
    (one more than texts), so that verification reads a text with one ``pread``.
    """
    texts: list[str] = []
    meta_lines: list[str] = []
    rejected_lines: list[str] = []
    ids: list[str] = []
    for item in items:
        if isinstance(item, Rejected):
            rejected_lines.append(json.dumps(item.to_dict(), ensure_ascii=False))
            continue
        meta = {
            "id": item.id,
            "title": item.title,
            "date": item.date,
            "source": item.source,
            "origin": item.origin,
        }
        meta_lines.append(json.dumps(meta, ensure_ascii=False))
        texts.append(item.text)
        ids.append(item.id)
    encoded = [t.encode("utf-8", "surrogatepass") for t in texts]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    _atomic_write(work / f"texts-{k:06d}.bin", b"".join(encoded))
    _atomic_write(
        work / f"meta-{k:06d}.jsonl", ("\n".join(meta_lines) + "\n" if meta_lines else "").encode()
    )
    _atomic_write(
        work / f"rejected-{k:06d}.jsonl",
        ("\n".join(rejected_lines) + "\n" if rejected_lines else "").encode(),
    )
    _save(work / f"offsets-{k:06d}.npy", offsets)
    _save(work / f"ids-{k:06d}.npy", np.array([_id_hash(i) for i in ids], dtype=np.uint64))
    return texts


def _save(path: Path, array: np.ndarray) -> None:
    buffer = io.BytesIO()
    np.save(buffer, array)
    _atomic_write(path, buffer.getvalue())


def _read_stage(
    inputs: Sequence[str | Path],
    work: Path,
    options: ScanOptions,
    engine: Engine,
    progress: Progress | None,
) -> int:
    done = 0
    while (work / f"chunk-{done:06d}.done").exists():
        done += 1
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
        _atomic_write(work / f"chunk-{k:06d}.done", b"")
        if progress:
            progress("read", read, None)
    return read


def _ingest_chunk(
    k: int, work: str, items: list[Record | Rejected | Pending], *, options: ScanOptions
) -> int:
    """Parse, store and fingerprint chunk ``k`` (in a worker); returns ``k``."""
    texts = _write_chunk_files(Path(work), k, [resolve(item) for item in items])
    hashes, bands, signatures = fingerprint_batch(texts, options)
    _save(Path(work) / f"hashes-{k:06d}.npy", hashes)
    _save(Path(work) / f"bands-{k:06d}.npy", bands)
    _save(Path(work) / f"signatures-{k:06d}.npy", signatures)
    return k


def _chunk_ids(work: Path) -> list[int]:
    out = []
    k = 0
    while (work / f"chunk-{k:06d}.done").exists():
        out.append(k)
        k += 1
    return out


# ----------------------------------------------------------------------------- stage 2


def _candidate_stage(work: Path, options: ScanOptions) -> tuple[int, np.ndarray, np.ndarray]:
    chunks = _chunk_ids(work)
    hashes = (
        np.concatenate([np.load(work / f"hashes-{k:06d}.npy") for k in chunks])
        if chunks
        else np.empty(0, np.uint64)
    )
    n = len(hashes)
    # Where each document's text lives: (chunk, start byte, end byte).
    locations = [np.empty((0, 3), dtype=np.int64)]
    for k in chunks:
        offsets = np.load(work / f"offsets-{k:06d}.npy")
        locations.append(np.column_stack((np.full(len(offsets) - 1, k), offsets[:-1], offsets[1:])))
    np.save(work / "locations.npy", np.concatenate(locations))
    if n < 2:
        empty = np.empty((0, 2), dtype=np.int64)
        return n, empty, np.empty(0, dtype=bool)
    bands = np.concatenate([np.load(work / f"bands-{k:06d}.npy") for k in chunks], axis=1)
    found = []
    row = 0
    for _, n_bands in options.channels:
        found.append(candidate_pairs(bands[row : row + n_bands], max_bucket=options.max_bucket))
        row += n_bands
    # Identical texts: each member paired with the first of its group.
    order = np.argsort(hashes, kind="stable")
    sorted_hashes = hashes[order]
    same = np.flatnonzero(sorted_hashes[1:] == sorted_hashes[:-1]) + 1
    if len(same):
        group_start = np.maximum.accumulate(
            np.where(np.r_[True, sorted_hashes[1:] != sorted_hashes[:-1]], np.arange(n), 0)
        )
        firsts = order[group_start[same]]
        members = order[same]
        found.append(np.column_stack((np.minimum(firsts, members), np.maximum(firsts, members))))
    pairs = np.concatenate(found).astype(np.int64)
    keys = np.unique(pairs[:, 0] * n + pairs[:, 1])
    pairs = np.column_stack((keys // n, keys % n))
    identical = hashes[pairs[:, 0]] == hashes[pairs[:, 1]]
    bucketed = len(pairs)
    keep = identical | _estimated_similar(work, chunks, pairs, options)
    pairs, identical = pairs[keep], identical[keep]
    np.save(work / "candidates.npy", pairs)
    np.save(work / "identical.npy", identical)
    _atomic_write(
        work / "candidates.json",
        json.dumps({"bucketed": bucketed, "kept": len(pairs)}).encode(),
    )
    return n, pairs, identical


#: A bucketed pair goes on to verification when some channel's signature estimate of
#: its Jaccard similarity reaches this share of that channel's threshold.
ESTIMATE_FLOOR = 0.5


def _estimated_similar(
    work: Path, chunks: list[int], pairs: np.ndarray, options: ScanOptions
) -> np.ndarray:
    """Whether each pair's estimated Jaccard clears half a threshold in some channel.

    Sharing one LSH bucket happens by chance to pairs far below the threshold (the
    S-curve has a tail); the MinHash signatures, kept on disk and read chunk by chunk
    through memory maps, estimate each channel's similarity and drop those pairs
    before any text is read.
    """
    if not len(pairs):
        return np.zeros(0, dtype=bool)
    sizes = [np.load(work / f"hashes-{k:06d}.npy", mmap_mode="r").shape[0] for k in chunks]
    starts = np.concatenate(([0], np.cumsum(sizes)))
    signatures = [np.load(work / f"signatures-{k:06d}.npy", mmap_mode="r") for k in chunks]
    chunk_of = np.searchsorted(starts, pairs, side="right") - 1
    limits = np.cumsum([0, options.copy_perm, options.spin_perm, options.entity_perm])
    floors = [
        ESTIMATE_FLOOR * options.copy_threshold,
        ESTIMATE_FLOOR * options.spin_threshold,
        ESTIMATE_FLOOR * options.entity_threshold,
    ]
    keep = np.zeros(len(pairs), dtype=bool)
    group_keys = chunk_of[:, 0] * len(chunks) + chunk_of[:, 1]
    for key in np.unique(group_keys):
        rows = np.flatnonzero(group_keys == key)
        ca, cb = divmod(int(key), len(chunks))
        sa = np.asarray(signatures[ca][:, pairs[rows, 0] - starts[ca]])
        sb = np.asarray(signatures[cb][:, pairs[rows, 1] - starts[cb]])
        equal = sa == sb
        for (lo, hi), floor in zip(itertools.pairwise(limits), floors, strict=True):
            keep[rows] |= equal[lo:hi].mean(axis=0) >= floor
    return keep


# ----------------------------------------------------------------------------- stage 3


_STAMPS: dict[str, tuple[int, int, int]] = {}


def _forget_old_scans(work: str) -> None:
    """Drop this process's caches of texts and tokens if ``work`` holds a newer scan.

    A worker (or this process, with one job) may verify for several scans into the same
    folder; the candidate stage rewrites ``locations.npy`` each time, so its identity
    tells whether what is cached still belongs to the scan on disk.
    """
    info = os.stat(os.path.join(work, "locations.npy"))
    stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
    if _STAMPS.get(work) == stamp:
        return
    _STAMPS[work] = stamp
    for cache in (_locations, _text, _document):
        cache.cache_clear()
    for fd in _OPEN_FILES.values():
        os.close(fd)
    _OPEN_FILES.clear()
    with _WORDS_LOCK:
        _WORDS.clear()


@lru_cache(maxsize=4)
def _locations(path: str) -> np.ndarray:
    return np.load(path)


_OPEN_FILES: dict[str, int] = {}


def _texts_file(path: str) -> int:
    fd = _OPEN_FILES.get(path)
    if fd is None:
        fd = _OPEN_FILES[path] = os.open(path, os.O_RDONLY)
    return fd


@lru_cache(maxsize=2048)
def _text(work: str, index: int) -> str:
    chunk, start, end = (int(x) for x in _locations(os.path.join(work, "locations.npy"))[index])
    fd = _texts_file(os.path.join(work, f"texts-{chunk:06d}.bin"))
    return os.pread(fd, end - start, start).decode("utf-8", "surrogatepass")


_WORDS: OrderedDict[tuple[str, int, int], Words] = OrderedDict()
_WORDS_KEPT = 4096
_WORDS_LOCK = threading.Lock()  # a Dask worker may verify in several threads


def _prepare_words(work: str, indices: Sequence[int], k: int) -> None:
    """Tokenize, in one batch, the texts among ``indices`` not yet in the cache."""
    with _WORDS_LOCK:
        missing = sorted({i for i in indices if (work, i, k) not in _WORDS})
    prepared = Words.batch([_text(work, i) for i in missing], k)
    with _WORDS_LOCK:
        for i, words in zip(missing, prepared, strict=True):
            _WORDS[(work, i, k)] = words
        while len(_WORDS) > max(_WORDS_KEPT, len(missing)):
            _WORDS.popitem(last=False)


def _words(work: str, index: int, k: int) -> Words:
    key = (work, index, k)
    with _WORDS_LOCK:
        found = _WORDS.get(key)
        if found is not None:
            _WORDS.move_to_end(key)
            return found
    words = Words.batch([_text(work, index)], k)[0]
    with _WORDS_LOCK:
        _WORDS[key] = words
    return words


@lru_cache(maxsize=512)
def _document(work: str, index: int) -> Any:
    from detector.text.normalize import normalize

    return normalize(_text(work, index))


def verify_pairs(
    work: str, pairs: np.ndarray, identical: np.ndarray, options: ScanOptions
) -> list[dict[str, Any]]:
    """Verify candidate pairs; one result per pair, in order.

    Identical texts are duplicates; :func:`detector.scan.triage.settle` settles clear
    copies and word-for-word edits from the word tokens; the rest go to ``compare``.
    """
    from detector.compare.pipeline import compare

    _forget_old_scans(work)
    out: list[dict[str, Any]] = []
    _prepare_words(work, np.unique(pairs[~identical]).tolist(), options.shingle_k)
    for (i, j), same in zip(pairs.tolist(), identical.tolist(), strict=True):
        if same:
            out.append(
                {
                    "i": i,
                    "j": j,
                    "verdict": "duplicate",
                    "score": 1.0,
                    "original": None,
                    "by": "identical",
                }
            )
            continue
        k = options.shingle_k
        settled = settle(_words(work, i, k), _words(work, j, k), k=k, lexicon=options.lexicon)
        if settled is not None:
            out.append(
                {
                    "i": i,
                    "j": j,
                    "verdict": settled.verdict,
                    "score": settled.score,
                    "original": settled.original,
                    "by": settled.by,
                }
            )
            continue
        result = compare(_document(work, i), _document(work, j), lexicon=options.lexicon)
        out.append(
            {
                "i": i,
                "j": j,
                "verdict": result.verdict,
                "score": round(result.score, 4),
                "original": result.original,
                "by": "compare",
            }
        )
    return out


def _warm_up(lexicon: bool) -> None:
    """Import and load what verification uses (the model, the lexicon, Punkt) once."""
    from detector.compare.pipeline import default_verdict_maker
    from detector.text.normalize import normalize

    default_verdict_maker()
    normalize("Warm up. The model, the lexicon and the sentence splitter load once.")
    if lexicon:
        from detector.scan.triage import _cached_frequencies

        _cached_frequencies().frequency("said")


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
    for p, results in ordered_map(engine, partial(_verify_part, options=options), jobs()):
        lines = "".join(json.dumps(r) + "\n" for r in results)
        _atomic_write(work / f"verified-{p:06d}.jsonl", lines.encode("utf-8"))
        _atomic_write(work / f"verified-{p:06d}.done", b"")
        done += 1
        if progress:
            progress("verify", min(done * batch, len(pairs)), len(pairs))


def _verify_part(
    p: int, work: str, pairs: np.ndarray, identical: np.ndarray, *, options: ScanOptions
) -> tuple[int, list[dict[str, Any]]]:
    return p, verify_pairs(work, pairs, identical, options)


# ----------------------------------------------------------------------------- stage 4


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = np.arange(n, dtype=np.int64)

    def find(self, x: int) -> int:
        root = x
        while self.parent[root] != root:
            root = int(self.parent[root])
        while self.parent[x] != root:
            self.parent[x], x = root, int(self.parent[x])
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def choose_original(
    members: list[int], meta: dict[int, dict[str, Any]], votes: dict[int, int]
) -> tuple[int, str]:
    """The cluster member most likely to be the original, and why.

    Earliest date first, then a wire source, then the member the pair verdicts most
    often named as the original (the least spun wording), then input order.
    """

    def key(m: int) -> tuple[str, bool, int, int]:
        date = meta[m].get("date") or "~"
        return (str(date), not is_wire_source(meta[m].get("source")), -votes.get(m, 0), m)

    best = min(members, key=key)
    reasons = []
    dates = [meta[m].get("date") for m in members if meta[m].get("date")]
    if meta[best].get("date") and len(set(dates)) > 1:
        reasons.append(f"earliest date ({meta[best]['date']})")
    if is_wire_source(meta[best].get("source")):
        reasons.append(f"wire source ({meta[best]['source']})")
    if votes.get(best, 0) > 0:
        reasons.append(
            f"named the original by {votes[best]} more pair verdict(s) than the copy (least spun wording)"
        )
    if not reasons:
        reasons.append("first in input order (no date, source or wording evidence)")
    return best, "; ".join(reasons)


def _load_meta(work: Path, wanted: set[int]) -> dict[int, dict[str, Any]]:
    meta: dict[int, dict[str, Any]] = {}
    index = 0
    for k in _chunk_ids(work):
        with (work / f"meta-{k:06d}.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                if index in wanted:
                    meta[index] = json.loads(line)
                index += 1
    return meta


def _duplicate_ids(work: Path) -> list[str]:
    chunks = _chunk_ids(work)
    if not chunks:
        return []
    hashes = np.concatenate([np.load(work / f"ids-{k:06d}.npy") for k in chunks])
    order = np.argsort(hashes, kind="stable")
    sorted_hashes = hashes[order]
    dup_positions = set(order[np.flatnonzero(sorted_hashes[1:] == sorted_hashes[:-1]) + 1].tolist())
    dup_positions |= set(order[np.flatnonzero(sorted_hashes[1:] == sorted_hashes[:-1])].tolist())
    if not dup_positions:
        return []
    meta = _load_meta(work, dup_positions)
    counts: dict[str, int] = {}
    for m in meta.values():
        counts[m["id"]] = counts.get(m["id"], 0) + 1
    return sorted(i for i, c in counts.items() if c > 1)


def _collect(work: Path, n_parts: int) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    for p in range(n_parts):
        with (work / f"verified-{p:06d}.jsonl").open(encoding="utf-8") as fh:
            results.extend(json.loads(line) for line in fh if line.strip())
    return results


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
        Output folder: pairs.jsonl, clusters.jsonl, rejected.jsonl, summary.json, report.html.
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
        if fmt not in ("parquet", "csv"):
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
        _atomic_write(work / "manifest.json", json.dumps(manifest, indent=1).encode())
    own_engine = engine is None
    engine = engine or LocalEngine()
    timings: dict[str, float] = {}
    try:
        t = time.perf_counter()
        read = _read_stage(inputs, work, options, engine, progress)
        timings["read_and_fingerprint"] = time.perf_counter() - t
        t = time.perf_counter()
        # Workers load what verification needs while this process finds candidates.
        warming = [engine.submit(_warm_up, options.lexicon) for _ in range(engine.workers)]
        scanned, pairs, identical = _candidate_stage(work, options)
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
    results = _collect(work, n_parts)
    summary = _write_outputs(out, work, read, scanned, results, formats, options)
    timings["cluster_and_write"] = time.perf_counter() - t
    summary["seconds"] = {k: round(v, 3) for k, v in timings.items()}
    _atomic_write(out / "summary.json", (json.dumps(summary, indent=2) + "\n").encode())
    from detector.report.scan import write_report

    write_report(out / "report.html", summary, out)
    return ScanResult(out=out, summary=summary)


def _write_outputs(
    out: Path,
    work: Path,
    read: int,
    scanned: int,
    results: list[dict[str, Any]],
    formats: Sequence[str],
    options: ScanOptions,
) -> dict[str, Any]:
    derived = [r for r in results if r["verdict"] in DERIVED_VERDICTS]
    involved = {r["i"] for r in derived} | {r["j"] for r in derived}
    meta = _load_meta(work, involved)
    # Record dates, where both are known, outrank the text evidence for the pair's original.
    for r in derived:
        da, db = meta[r["i"]].get("date"), meta[r["j"]].get("date")
        if da and db and da != db:
            r["original"] = "a" if str(da) < str(db) else "b"
    uf = _UnionFind(scanned)
    votes: dict[int, int] = {}
    for r in derived:
        uf.union(r["i"], r["j"])
        if r["original"] in ("a", "b"):
            orig, copy = (r["i"], r["j"]) if r["original"] == "a" else (r["j"], r["i"])
            votes[orig] = votes.get(orig, 0) + 1
            votes[copy] = votes.get(copy, 0) - 1
    groups: dict[int, list[int]] = {}
    for m in sorted(involved):
        groups.setdefault(uf.find(m), []).append(m)
    clusters = []
    for number, members in enumerate(sorted(groups.values(), key=lambda g: g[0]), start=1):
        original, why = choose_original(members, meta, votes)
        clusters.append(
            {
                "cluster": number,
                "members": [meta[m]["id"] for m in members],
                "original": meta[original]["id"],
                "why": why,
            }
        )
    pair_rows = [
        {
            "a": meta[r["i"]]["id"],
            "b": meta[r["j"]]["id"],
            "verdict": r["verdict"],
            "score": r["score"],
            "original": r["original"],
        }
        for r in sorted(derived, key=lambda r: (r["i"], r["j"]))
    ]
    _write_jsonl(out / "pairs.jsonl", pair_rows)
    _write_jsonl(out / "clusters.jsonl", clusters)
    rejected_count = 0
    with (out / "rejected.jsonl.tmp").open("w", encoding="utf-8") as sink:
        for k in _chunk_ids(work):
            text = (work / f"rejected-{k:06d}.jsonl").read_text(encoding="utf-8")
            rejected_count += sum(1 for line in text.splitlines() if line.strip())
            sink.write(text)
    os.replace(out / "rejected.jsonl.tmp", out / "rejected.jsonl")
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
    duplicate_ids = _duplicate_ids(work)
    sizes = sorted((len(c["members"]) for c in clusters), reverse=True)
    return {
        "records_read": read,
        "records_scanned": scanned,
        "records_rejected": rejected_count,
        "duplicate_ids": {"count": len(duplicate_ids), "ids": duplicate_ids[:100]},
        "candidates": len(results),
        "candidates_bucketed": json.loads((work / "candidates.json").read_text())["bucketed"]
        if (work / "candidates.json").exists()
        else len(results),
        "verified_by": by_verdict,
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
        },
    }


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    _atomic_write(path, data.encode("utf-8"))


def _write_table(path: Path, rows: list[dict[str, Any]], fmt: str) -> None:
    if fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        fieldnames = list(rows[0]) if rows else ["a"]
        writer = csv.DictWriter(buf, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)
        _atomic_write(path, buf.getvalue().encode("utf-8"))
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
