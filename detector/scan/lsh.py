"""Locality-sensitive hashing by banding, with memory-lean sorted-array buckets.

A signature of ``b * r`` MinHash values is cut into ``b`` bands of ``r`` rows; two
documents become a candidate pair when all rows of some band agree, which happens
with probability ``1 - (1 - J**r)**b`` for Jaccard similarity ``J``. The bands and
rows for a threshold are chosen, as datasketch does, by minimising the weighted
areas under that S-curve left of the threshold (false positives) and right of it
(false negatives).

Buckets are not dicts of lists: each band is one ``uint64`` hash per document,
sorted once; runs of equal hashes are the buckets (8 bytes per document per band).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np

from detector.errors import ConfigError

__all__ = ["band_hashes", "candidate_pairs", "optimal_bands"]


def _integrate(
    f: Callable[[np.ndarray], np.ndarray], lo: float, hi: float, steps: int = 2001
) -> float:
    if hi <= lo:
        return 0.0
    xs = np.linspace(lo, hi, steps)
    ys = f(xs)
    return float(np.sum((ys[1:] + ys[:-1]) * (xs[1:] - xs[:-1])) / 2.0)


@cache
def optimal_bands(
    threshold: float,
    num_perm: int,
    false_positive_weight: float = 0.5,
    false_negative_weight: float = 0.5,
) -> tuple[int, int]:
    """Bands ``b`` and rows ``r`` (``b * r <= num_perm``) for a Jaccard threshold.

    Raises
    ------
    ConfigError
        If ``threshold`` is not in (0, 1) or ``num_perm`` is under 2.

    Examples
    --------
    >>> optimal_bands(0.5, 128)
    (25, 5)
    """
    if not 0.0 < threshold < 1.0:
        raise ConfigError(f"threshold must be in (0, 1), got {threshold}")
    if num_perm < 2:
        raise ConfigError(f"num_perm must be >= 2, got {num_perm}")
    best = (float("inf"), (1, 1))
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):

            def p(s: np.ndarray, b: int = b, r: int = r) -> np.ndarray:
                return 1.0 - (1.0 - s ** float(r)) ** float(b)

            def q(s: np.ndarray, p: Callable[[np.ndarray], np.ndarray] = p) -> np.ndarray:
                return 1.0 - p(s)

            fp = _integrate(p, 0.0, threshold)
            fn = _integrate(q, threshold, 1.0)
            error = fp * false_positive_weight + fn * false_negative_weight
            if error < best[0]:
                best = (error, (b, r))
    return best[1]


def band_hashes(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One ``uint64`` per band per document: shape (bands, documents)."""
    if bands * rows > signatures.shape[0]:
        raise ConfigError(
            f"bands x rows must be at most the signature length {signatures.shape[0]},"
            f" got {bands} x {rows}"
        )
    out = np.empty((bands, signatures.shape[1]), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for band in range(bands):
            h = np.full(
                signatures.shape[1],
                np.uint64(band + 1) * np.uint64(0x9E3779B97F4A7C15),
                dtype=np.uint64,
            )
            for row in range(band * rows, (band + 1) * rows):
                h = (h ^ signatures[row].astype(np.uint64)) * np.uint64(0x100000001B3)
            h ^= h >> np.uint64(29)
            out[band] = h
    return out


def candidate_pairs(
    band_matrix: np.ndarray, *, max_bucket: int = 200, rank: np.ndarray | None = None
) -> np.ndarray:
    """Pairs (i < j) of documents sharing a bucket in any band: int64 array of shape (n, 2).

    A bucket larger than ``max_bucket`` (boilerplate shared by very many pages) pairs
    each member with one member only, so it costs linear, not quadratic, work: the
    member of lowest ``rank`` (default: the first), so that with a rank that does not
    depend on input order (e.g. by content) neither do the pairs.

    Examples
    --------
    >>> bm = np.array([[5, 7, 5, 9]], dtype=np.uint64)
    >>> candidate_pairs(bm).tolist()
    [[0, 2]]
    """
    n = band_matrix.shape[1]
    found: list[np.ndarray] = []
    for keys in band_matrix:
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        if n < 2:
            continue
        boundaries = np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1
        starts = np.concatenate(([0], boundaries))
        ends = np.concatenate((boundaries, [n]))
        sizes = ends - starts
        # Two-member buckets (nearly all of them) in one array operation.
        twos = starts[sizes == 2]
        if len(twos):
            a, b = order[twos], order[twos + 1]
            found.append(np.column_stack((np.minimum(a, b), np.maximum(a, b))))
        # Larger buckets, all those of one size at once: a (buckets x size) matrix of
        # members, each row sorted, then every pair of columns.
        for size in np.unique(sizes[(sizes > 2) & (sizes <= max_bucket)]).tolist():
            rows = starts[sizes == size]
            members = np.sort(order[rows[:, np.newaxis] + np.arange(size)], axis=1)
            i, j = np.triu_indices(size, k=1)
            found.append(np.column_stack((members[:, i].ravel(), members[:, j].ravel())))
        for s, e in zip(starts[sizes > max_bucket], ends[sizes > max_bucket], strict=True):
            members = order[s:e]
            hub = members[np.argmin(rank[members])] if rank is not None else members.min()
            rest = members[members != hub]
            found.append(np.column_stack((np.minimum(hub, rest), np.maximum(hub, rest))))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.concatenate(found).astype(np.int64)
    keys = np.unique(pairs[:, 0] * n + pairs[:, 1])
    return np.column_stack((keys // n, keys % n))
