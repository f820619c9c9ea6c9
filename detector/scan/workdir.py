"""The scan's working folder (``OUT/.scan-work``): checkpoints on disk, and what a process
caches of them.

Every stage writes its results here atomically, chunk by chunk or batch by batch, with a
``.done`` marker after each, so that an interrupted scan resumes where it stopped:

* ``texts-K.bin`` (UTF-8 texts of chunk ``K``, back to back) with ``offsets-K.npy``,
  ``meta-K.jsonl`` (id, title, date, source, origin per text), ``rejected-K.jsonl``,
  ``ids-K.npy`` (hashed ids), then ``hashes-K.npy``, ``bands-K.npy``,
  ``signatures-K.npy`` and ``chunk-K.done``;
* ``locations.npy``, ``candidates.npy``, ``identical.npy``, ``candidates.json``;
* ``verified-P.jsonl`` and ``verified-P.done`` per batch of candidate pairs.

Verification reads single texts back with one ``pread`` each; :func:`text_of`,
:func:`words_of` and :func:`document_of` keep what a process has read, tokenized or
normalised, until :func:`forget_old_scans` sees a newer scan in the folder.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from cachetools import LRUCache

from detector.inputs.records import Record, Rejected
from detector.scan.triage import Words
from detector.text.normalize import prose_text

__all__ = [
    "WORK",
    "atomic_write",
    "chunk_ids",
    "collect_verified",
    "document_of",
    "duplicate_ids",
    "forget_old_scans",
    "load_meta",
    "prepare_words",
    "release_caches",
    "save_array",
    "text_of",
    "words_of",
    "write_chunk_files",
]

#: The working folder's name inside the output folder.
WORK = ".scan-work"


# ----------------------------------------------------------------------------- checkpoints


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader sees all of it or none (fsync, rename)."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def save_array(path: Path, array: np.ndarray) -> None:
    """:func:`numpy.save`, written atomically."""
    buffer = io.BytesIO()
    np.save(buffer, array)
    atomic_write(path, buffer.getvalue())


def _id_hash(record_id: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(record_id.encode("utf-8"), digest_size=8).digest(), "little"
    )


def write_chunk_files(work: Path, k: int, items: list[Record | Rejected]) -> list[str]:
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
    atomic_write(work / f"texts-{k:06d}.bin", b"".join(encoded))
    atomic_write(
        work / f"meta-{k:06d}.jsonl", ("\n".join(meta_lines) + "\n" if meta_lines else "").encode()
    )
    atomic_write(
        work / f"rejected-{k:06d}.jsonl",
        ("\n".join(rejected_lines) + "\n" if rejected_lines else "").encode(),
    )
    save_array(work / f"offsets-{k:06d}.npy", offsets)
    save_array(work / f"ids-{k:06d}.npy", np.array([_id_hash(i) for i in ids], dtype=np.uint64))
    return texts


def chunk_ids(work: Path) -> list[int]:
    """The chunks finished so far, in order (``0 .. K - 1``)."""
    out = []
    k = 0
    while (work / f"chunk-{k:06d}.done").exists():
        out.append(k)
        k += 1
    return out


def load_meta(work: Path, wanted: set[int]) -> dict[int, dict[str, Any]]:
    """The metadata of the scanned records at positions ``wanted``."""
    meta: dict[int, dict[str, Any]] = {}
    index = 0
    for k in chunk_ids(work):
        with (work / f"meta-{k:06d}.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                if index in wanted:
                    meta[index] = json.loads(line)
                index += 1
    return meta


def duplicate_ids(work: Path) -> list[str]:
    """The record ids that more than one scanned record uses, sorted."""
    chunks = chunk_ids(work)
    if not chunks:
        return []
    hashes = np.concatenate([np.load(work / f"ids-{k:06d}.npy") for k in chunks])
    order = np.argsort(hashes, kind="stable")
    sorted_hashes = hashes[order]
    dup_positions = set(order[np.flatnonzero(sorted_hashes[1:] == sorted_hashes[:-1]) + 1].tolist())
    dup_positions |= set(order[np.flatnonzero(sorted_hashes[1:] == sorted_hashes[:-1])].tolist())
    if not dup_positions:
        return []
    meta = load_meta(work, dup_positions)
    counts: dict[str, int] = {}
    for m in meta.values():
        counts[m["id"]] = counts.get(m["id"], 0) + 1
    return sorted(i for i, c in counts.items() if c > 1)


def collect_verified(work: Path, n_parts: int) -> list[dict[str, Any]]:
    """The verification results of all ``n_parts`` batches, in candidate order."""
    results: list[dict[str, Any]] = []
    for p in range(n_parts):
        with (work / f"verified-{p:06d}.jsonl").open(encoding="utf-8") as fh:
            results.extend(json.loads(line) for line in fh if line.strip())
    return results


# ----------------------------------------------------------------------------- process caches


_STAMPS: dict[str, tuple[int, int, int]] = {}


def forget_old_scans(work: str) -> None:
    """Drop this process's caches of texts and tokens if ``work`` holds a newer scan.

    A worker (or this process, with one job) may verify for several scans into the same
    folder; the candidate stage rewrites ``locations.npy`` each time, so its identity
    tells whether what is cached still belongs to the scan on disk.
    """
    info = os.stat(os.path.join(work, "locations.npy"))
    stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
    if _STAMPS.get(work) == stamp:
        return
    release_caches()
    _STAMPS[work] = stamp


def release_caches() -> None:
    """Forget every cached text and token list and close the open text files."""
    _STAMPS.clear()
    for cache in (_locations, text_of, document_of):
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
def text_of(work: str, index: int) -> str:
    """The text of scanned record ``index``, read with one ``pread``."""
    chunk, start, end = (int(x) for x in _locations(os.path.join(work, "locations.npy"))[index])
    fd = _texts_file(os.path.join(work, f"texts-{chunk:06d}.bin"))
    return os.pread(fd, end - start, start).decode("utf-8", "surrogatepass")


_WORDS: LRUCache[tuple[str, int, int], Words] = LRUCache(maxsize=4096)
_WORDS_LOCK = threading.Lock()  # a Dask worker may verify in several threads


def prepare_words(work: str, indices: Sequence[int], k: int) -> None:
    """Tokenize, in one batch, the texts among ``indices`` not yet in the cache."""
    with _WORDS_LOCK:
        missing = sorted({i for i in indices if (work, i, k) not in _WORDS})
    prepared = Words.batch([prose_text(text_of(work, i)) for i in missing], k)
    with _WORDS_LOCK:
        for i, words in zip(missing, prepared, strict=True):
            _WORDS[(work, i, k)] = words


def words_of(work: str, index: int, k: int) -> Words:
    """The :class:`~detector.scan.triage.Words` of scanned record ``index``'s prose
    (:func:`detector.text.normalize.prose_text`; cached)."""
    key = (work, index, k)
    with _WORDS_LOCK:
        found = _WORDS.get(key)
        if found is not None:
            return found
    words = Words.batch([prose_text(text_of(work, index))], k)[0]
    with _WORDS_LOCK:
        _WORDS[key] = words
    return words


@lru_cache(maxsize=512)
def document_of(work: str, index: int) -> Any:
    """The normalised document (:func:`detector.text.normalize.normalize`) of record ``index``."""
    from detector.text.normalize import normalize

    return normalize(text_of(work, index))
