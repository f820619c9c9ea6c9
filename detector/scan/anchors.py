"""The passage channel of a scan: documents that share a passage, whatever their lengths.

MinHash estimates Jaccard similarity of whole texts, so a few paragraphs lifted into a
longer article share no band: the copy is a small part of the host. Here each text
keeps a content-defined sample of its word ``k``-grams, those whose hash is 0 modulo
``mod`` (the "0 mod p" sampling of Manber 1994 and Broder 1997; every copy of a passage
samples the same grams, wherever it stands). Two texts sharing at least ``min_shared``
sampled grams become a candidate; a gram sampled in more than ``max_df`` texts is a
stock phrase and is left out. With ``mod`` 8, a verbatim passage of 40 words holds
about 4.5 sampled grams, and one of 80 words about 9.

Candidates of this channel alone then need a shared passage (:func:`longest_shared_run`)
before anything costlier looks at them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from detector.scan.minhash import light_tokens, prepare_text, token_hashes
from detector.scan.tokens import gram_windows, tokenize

__all__ = ["anchor_pairs", "longest_shared_run", "passage_anchors"]


def passage_anchors(
    texts: Sequence[str], *, k: int = 5, mod: int = 8
) -> tuple[np.ndarray, np.ndarray]:
    """The sampled word ``k``-gram hashes of each text.

    Returns
    -------
    owner : ndarray of int64
        The position in ``texts`` of each anchor's text.
    anchors : ndarray of uint32
        The anchors (distinct within a text).

    Examples
    --------
    >>> text = " ".join(f"word{i}" for i in range(200))
    >>> owner, anchors = passage_anchors([text, "short", "intro " + text[:400]])
    >>> shared = set(anchors[owner == 0].tolist()) & set(anchors[owner == 2].tolist())
    >>> len(shared) > 3, bool((owner == 1).any())
    (True, False)
    """
    found = [np.empty(0, np.int64)]
    start = 0
    while start < len(texts):
        # Blocks of about BLOCK_CHARS characters: the tokenizer's arrays stay small.
        end, size = start, 0
        while end < len(texts) and (end == start or size < BLOCK_CHARS):
            size += len(texts[end])
            end += 1
        found.append(_block_anchors(texts[start:end], start, k, mod))
        start = end
    keys = np.concatenate(found)
    return keys >> 32, (keys & 0xFFFFFFFF).astype(np.uint32)


#: Characters of text tokenized at once.
BLOCK_CHARS = 1 << 20


def _block_anchors(texts: Sequence[str], first: int, k: int, mod: int) -> np.ndarray:
    """``(owner << 32) | anchor`` keys of a block of texts, owners counted from ``first``."""
    prepared = [prepare_text(t) for t in texts]
    hashes: list[np.ndarray] = [np.empty(0, np.uint64)] * len(texts)
    fast = [i for i, p in enumerate(prepared) if p.isascii()]
    if fast:
        tok = tokenize([prepared[i] for i in fast])
        bounds = tok.offsets.tolist()
        for n, i in enumerate(fast):
            hashes[i] = tok.hashes[bounds[n] : bounds[n + 1]]
    for i, p in enumerate(prepared):
        if not p.isascii():
            hashes[i] = token_hashes(light_tokens(p))
    counts = np.array([len(h) for h in hashes], dtype=np.int64)
    offsets = np.concatenate(([0], np.cumsum(counts)))
    flat = np.concatenate(hashes) if hashes else np.empty(0, np.uint64)
    grams, inside = gram_windows(flat, offsets, k)
    if not len(grams):
        return np.empty(0, np.int64)
    owner = np.searchsorted(offsets, np.arange(len(grams)), side="right") - 1 + first
    chosen = inside & (grams % np.uint32(mod) == 0)
    return np.unique(owner[chosen].astype(np.int64) << 32 | grams[chosen].astype(np.int64))


def anchor_pairs(
    owner: np.ndarray, anchors: np.ndarray, *, min_shared: int = 3, max_df: int = 20
) -> np.ndarray:
    """Pairs (i < j) of texts sharing at least ``min_shared`` anchors, int64 (pairs, 2).

    ``owner`` and ``anchors`` are as :func:`passage_anchors` returns them (one text may
    not list an anchor twice). An anchor held by more than ``max_df`` texts is ignored.

    Examples
    --------
    >>> owner = np.array([0, 0, 0, 1, 1, 1, 2, 2])
    >>> anchors = np.array([5, 6, 7, 5, 6, 7, 5, 9], dtype=np.uint32)
    >>> anchor_pairs(owner, anchors).tolist()
    [[0, 1]]
    """
    if not len(anchors):
        return np.empty((0, 2), dtype=np.int64)
    order = np.argsort(anchors, kind="stable")
    values, docs = anchors[order], owner[order].astype(np.int64)
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    sizes = np.diff(np.r_[starts, len(values)])
    found = [np.empty(0, dtype=np.int64)]
    n = int(docs.max()) + 1
    # All the anchors held by the same number of texts at once: a (anchors x size)
    # matrix of texts, each row sorted, then every pair of its columns.
    for size in np.unique(sizes[(sizes >= 2) & (sizes <= max_df)]).tolist():
        rows = starts[sizes == size]
        members = np.sort(docs[rows[:, np.newaxis] + np.arange(size)], axis=1)
        i, j = np.triu_indices(size, k=1)
        found.append((members[:, i] * n + members[:, j]).ravel())
    keys, counts = np.unique(np.concatenate(found), return_counts=True)
    keys = keys[counts >= min_shared]
    return np.column_stack((keys // n, keys % n))


def longest_shared_run(a: np.ndarray, b: np.ndarray, k: int = 5) -> int:
    """Words in the longest run of ``a``'s word ``k``-grams that all occur in ``b``
    (and the other way round, whichever is longer): the longest passage, give or take
    a changed word, the two texts share verbatim. ``a`` and ``b`` are token hashes.

    Examples
    --------
    >>> from detector.scan.minhash import token_hashes
    >>> a = token_hashes("one two three four five six seven eight nine ten".split())
    >>> b = token_hashes("x y three four five six seven eight z".split())
    >>> longest_shared_run(a, b)
    6
    """
    best = 0
    for x, y in ((a, b), (b, a)):
        gx, _ = gram_windows(x, np.array([0, len(x)]), k)
        gy, _ = gram_windows(y, np.array([0, len(y)]), k)
        if not len(gx) or not len(gy):
            continue
        shared = np.isin(gx, gy).astype(np.int8)
        edges = np.flatnonzero(np.diff(np.r_[0, shared, 0]))
        if len(edges):
            best = max(best, int((edges[1::2] - edges[::2]).max()) + k - 1)
    return best
