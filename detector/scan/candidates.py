"""Stage 2 of a scan: candidate pairs from the fingerprints on disk.

Candidates are documents with identical content hashes, and documents sharing an LSH
bucket in any of the three channels (word 5-grams, skeleton 6-grams, names and
numbers; sorted arrays, :func:`detector.scan.lsh.candidate_pairs`), a passage
(:mod:`detector.scan.anchors`) or, with the semantic channel, nearby prose embeddings
(:mod:`detector.scan.semantic`). Bucketed pairs whose
MinHash signatures put them far below every threshold are dropped before any text is
read (:func:`estimated_similar`).
"""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path

import numpy as np

from detector.scan.anchors import anchor_pairs
from detector.scan.lsh import candidate_pairs
from detector.scan.options import ScanOptions
from detector.scan.semantic import semantic_pairs
from detector.scan.workdir import atomic_write, chunk_ids

__all__ = [
    "CHANNELS",
    "ESTIMATE_FLOOR",
    "PASSAGE",
    "SEMANTIC",
    "candidate_stage",
    "content_rank",
    "estimated_similar",
]

#: The candidate channels, in the order of the bits of ``channels.npy``: the LSH
#: channels of :attr:`ScanOptions.channels`, the passages, identical content hashes,
#: then the semantic channel.
CHANNELS = ("copy", "spin", "entity", "passage", "identical", "semantic")
#: The bits of the passage and semantic channels in ``channels.npy``.
PASSAGE = 1 << CHANNELS.index("passage")
SEMANTIC = 1 << CHANNELS.index("semantic")

#: A bucketed pair goes on to verification when some channel's signature estimate of
#: its Jaccard similarity reaches this share of that channel's threshold.
ESTIMATE_FLOOR = 0.5


def candidate_stage(
    work: Path, options: ScanOptions
) -> tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Find the candidate pairs of the scan in ``work``, and checkpoint them.

    Also writes ``locations.npy`` (where each document's text lives) for verification.

    Returns
    -------
    scanned : int
        Documents scanned.
    pairs : ndarray of int64, (pairs, 2)
        Candidate pairs ``(i, j)``, ``i < j``, sorted.
    identical : ndarray of bool
        Whether each pair's texts have the same content hash.
    flipped : ndarray of bool
        Whether ``j`` comes before ``i`` in the scan's input-independent order (by
        content hash, then id): verification reads each pair in that order, so that
        the verdicts do not depend on the order of the input.
    """
    chunks = chunk_ids(work)
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
        none = np.empty(0, dtype=bool)
        return n, empty, none, none, np.empty(0, dtype=np.uint8)
    rank = content_rank(work, chunks, hashes)
    bands = np.concatenate([np.load(work / f"bands-{k:06d}.npy") for k in chunks], axis=1)
    found = []
    row = 0
    for name, n_bands in options.channels:
        if name == "entity" and not options.entity_channel:
            found.append(np.empty((0, 2), dtype=np.int64))
        else:
            part = bands[row : row + n_bands]
            found.append(candidate_pairs(part, max_bucket=options.max_bucket, rank=rank))
        row += n_bands
    found.append(_passage_pairs(work, chunks, options))
    # Identical texts: each member paired with the first of its group in rank order.
    order = np.argsort(rank)
    sorted_hashes = hashes[order]
    same = np.flatnonzero(sorted_hashes[1:] == sorted_hashes[:-1]) + 1
    if len(same):
        group_start = np.maximum.accumulate(
            np.where(np.r_[True, sorted_hashes[1:] != sorted_hashes[:-1]], np.arange(n), 0)
        )
        firsts = order[group_start[same]]
        members = order[same]
        found.append(np.column_stack((np.minimum(firsts, members), np.maximum(firsts, members))))
    else:
        found.append(np.empty((0, 2), dtype=np.int64))
    started = time.process_time()
    found.append(_semantic_pairs(work, chunks, rank, options))
    semantic_cpu = time.process_time() - started
    pairs = np.concatenate(found).astype(np.int64)
    keys = np.unique(pairs[:, 0] * n + pairs[:, 1])
    # Which channels found each pair: bit k for CHANNELS[k].
    channels = np.zeros(len(keys), dtype=np.uint8)
    for bit, part in enumerate(found):
        channels[np.isin(keys, part[:, 0] * n + part[:, 1])] |= np.uint8(1 << bit)
    pairs = np.column_stack((keys // n, keys % n))
    identical = hashes[pairs[:, 0]] == hashes[pairs[:, 1]]
    bucketed = len(pairs)
    # Passages and meanings are not what the signatures estimate: those pairs go on.
    unestimated = (channels & (PASSAGE | SEMANTIC)).astype(bool)
    keep = identical | unestimated | estimated_similar(work, chunks, pairs, options)
    pairs, identical, channels = pairs[keep], identical[keep], channels[keep]
    flipped = rank[pairs[:, 0]] > rank[pairs[:, 1]]
    np.save(work / "candidates.npy", pairs)
    np.save(work / "identical.npy", identical)
    np.save(work / "flipped.npy", flipped)
    np.save(work / "channels.npy", channels)
    counts: dict[str, float] = {"bucketed": bucketed, "kept": len(pairs)}
    if options.semantic_channel:
        counts["semantic_cpu_seconds"] = semantic_cpu
    atomic_write(work / "candidates.json", json.dumps(counts).encode())
    return n, pairs, identical, flipped, channels


def _passage_pairs(work: Path, chunks: list[int], options: ScanOptions) -> np.ndarray:
    """The passage channel's pairs (:mod:`detector.scan.anchors`), by scan position."""
    if not options.passage_channel:
        return np.empty((0, 2), dtype=np.int64)
    owners, anchors = [], []
    start = 0
    for k in chunks:
        owners.append(np.load(work / f"anchor-owners-{k:06d}.npy").astype(np.int64) + start)
        anchors.append(np.load(work / f"anchors-{k:06d}.npy"))
        start += len(np.load(work / f"hashes-{k:06d}.npy", mmap_mode="r"))
    return anchor_pairs(
        np.concatenate(owners),
        np.concatenate(anchors),
        min_shared=options.anchor_min_shared,
        max_df=options.anchor_max_df,
    )


def _semantic_pairs(
    work: Path, chunks: list[int], rank: np.ndarray, options: ScanOptions
) -> np.ndarray:
    """The semantic channel's pairs (:mod:`detector.scan.semantic`), by scan position."""
    if not options.semantic_channel:
        return np.empty((0, 2), dtype=np.int64)
    embeddings = np.concatenate([np.load(work / f"embeddings-{k:06d}.npy") for k in chunks])
    return semantic_pairs(
        embeddings,
        rank,
        k=options.semantic_k,
        min_cosine=options.semantic_threshold,
        min_margin=options.semantic_margin,
    )


def content_rank(work: Path, chunks: list[int], hashes: np.ndarray) -> np.ndarray:
    """Each document's place in an order that does not depend on the input order: by
    content hash, then by id hash (then, for the same text under the same id, by position).
    """
    ids = np.concatenate([np.load(work / f"ids-{k:06d}.npy") for k in chunks])
    order = np.lexsort((ids, hashes))
    rank = np.empty(len(hashes), dtype=np.int64)
    rank[order] = np.arange(len(hashes))
    return rank


def estimated_similar(
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
        # No estimate reaches 2: an entity channel that is off lets nothing through.
        ESTIMATE_FLOOR * options.entity_threshold if options.entity_channel else 2.0,
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
