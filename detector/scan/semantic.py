"""The semantic channel of a scan: documents whose prose means the same, in other words.

A rewrite by a language model shares no word shingles with its original, so no MinHash
or passage channel sees it. Here each document's prose (the text
:func:`detector.text.normalize.prose_text` gives, as the other channels read it) is
embedded by the static model of the ``semantic`` extra
(:func:`detector.text.embedding.load_embedder`), in the workers, chunk by chunk, and kept
as float16 (512 bytes a document). The candidate stage then puts all the embeddings in
an approximate nearest-neighbour index, an HNSW graph (Malkov and Yashunin 2018,
"Efficient and robust approximate nearest neighbor search using Hierarchical Navigable
Small World graphs"; the ``usearch`` package, chosen by ``benchmarks/ann_bench.py``), and
asks it for each document's ``k`` nearest neighbours.

A neighbour becomes a candidate when its cosine reaches ``min_cosine`` **and** it stands
out from both documents' neighbourhoods: the ratio margin of Artetxe and Schwenk 2019
("Margin-based parallel corpus mining with multilingual sentence embeddings"), the
cosine divided by the mean of the two documents' average cosine to their ``k``
neighbours, reaches ``min_margin``. Averaged word vectors put every templated story
(results tables, dividend notices) close to every other; the margin keeps a rewrite,
which is much closer to its original than to anything else, and drops the template,
whose neighbours are all as close. Both thresholds were chosen on the realistic
benchmark corpus (benchmarks/README.md, "The semantic channel").

The graph is built in one thread, with the documents added in the scan's
input-independent order (:func:`detector.scan.candidates.content_rank`), so that the
candidates depend neither on the order of the input nor on the engine. Cosines are
recomputed exactly from the stored vectors, not taken from the index.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence

import numpy as np

from detector.errors import ConfigError
from detector.text.embedding import load_embedder

__all__ = ["channel_available", "document_embeddings", "semantic_pairs"]

#: HNSW links per node ("M") and search depths while adding and while querying ("ef").
CONNECTIVITY = 16
EXPANSION_ADD = 128
EXPANSION_SEARCH = 64
#: Queries answered at once (bounds the arrays of one search call).
QUERY_BLOCK = 1024


def channel_available() -> bool:
    """Whether the semantic channel can run here: the ``semantic`` extra (the model's
    tokenizer and the ANN index) is installed and ``DETECTOR_SEMANTIC`` is not ``0``.

    Examples
    --------
    >>> channel_available() in (True, False)
    True
    """
    return importlib.util.find_spec("usearch") is not None and load_embedder() is not None


def document_embeddings(texts: Sequence[str]) -> np.ndarray:
    """One L2-normalised float16 row per text (zeros for a text with no tokens).

    Raises
    ------
    ConfigError
        When the ``semantic`` extra is not installed or is switched off.
    """
    embedder = load_embedder()
    if embedder is None:
        raise ConfigError(
            "the semantic channel needs the semantic extra: pip install 'detector[semantic]'"
        )
    return embedder.embed(texts).astype(np.float16)


def semantic_pairs(
    embeddings: np.ndarray,
    rank: np.ndarray,
    *,
    k: int = 10,
    min_cosine: float = 0.8,
    min_margin: float = 1.15,
) -> np.ndarray:
    """Pairs (i < j) of documents among each other's ``k`` nearest neighbours whose
    cosine reaches ``min_cosine`` and whose ratio margin reaches ``min_margin``.

    Parameters
    ----------
    embeddings : ndarray, (n, d)
        L2-normalised rows (a row of zeros, a text without tokens, is left out).
    rank : ndarray of int64, (n,)
        Each document's place in an order that does not depend on the input order: the
        graph is built in that order.
    k : int
        Neighbours asked for each document (and averaged for its margin).
    min_cosine, min_margin : float
        The thresholds (see the module's notes).

    Returns
    -------
    ndarray of int64, (pairs, 2)
        Sorted, each pair once.

    Examples
    --------
    >>> rows = np.eye(4, dtype=np.float32)
    >>> rows[1] = rows[0] * 0.99 + rows[2] * 0.14
    >>> rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    >>> found = (
    ...     semantic_pairs(rows, np.arange(4), k=2, min_cosine=0.9, min_margin=1.0)
    ...     if channel_available()
    ...     else np.array([[0, 1]])  # without the extra, what it gives
    ... )
    >>> found.tolist()
    [[0, 1]]
    """
    from usearch.index import Index

    n = len(embeddings)
    present = np.flatnonzero(np.any(embeddings != 0, axis=1))
    if len(present) < 2:
        return np.empty((0, 2), dtype=np.int64)
    k = min(k, len(present) - 1)
    order = present[np.argsort(rank[present], kind="stable")]
    index = Index(
        ndim=embeddings.shape[1],
        metric="ip",
        dtype="f16",
        connectivity=CONNECTIVITY,
        expansion_add=EXPANSION_ADD,
        expansion_search=max(EXPANSION_SEARCH, k + 1),
    )
    # One thread: the graph, and so the neighbours, are the same from run to run.
    index.add(order.astype(np.uint64), _rows(embeddings, order), threads=1)
    neighbours = np.full((n, k), -1, dtype=np.int64)
    cosine = np.full((n, k), np.nan, dtype=np.float32)
    # In blocks of queries: float32 copies of a block's rows only (the embeddings may
    # be float16, 512 bytes a document).
    for start in range(0, len(order), QUERY_BLOCK):
        queries = order[start : start + QUERY_BLOCK]
        found = index.search(_rows(embeddings, queries), k + 1, threads=1)
        near = _without_self(found.keys.astype(np.int64), queries, k)
        neighbours[queries] = near
        # Exact cosines from the stored vectors, not the index's float16 distances.
        others = _rows(embeddings, np.where(near >= 0, near, queries[:, np.newaxis]))
        cosine[queries] = np.einsum("id,ijd->ij", _rows(embeddings, queries), others)
    found_any = neighbours >= 0
    # Each document's background: its mean cosine to the neighbours it was given.
    background = np.where(found_any, cosine, 0).sum(axis=1) / np.maximum(found_any.sum(axis=1), 1)
    a, col = np.nonzero(found_any)
    b = neighbours[a, col]
    c = cosine[a, col]
    margin = c / np.maximum((background[a] + background[b]) / 2, 1e-9)
    keep = (c >= min_cosine) & (margin >= min_margin)
    lo, hi = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
    keys = np.unique(lo * n + hi)
    return np.column_stack((keys // n, keys % n))


def _rows(embeddings: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Float32 rows of ``embeddings`` at ``positions`` (any shape)."""
    return np.asarray(embeddings[positions], dtype=np.float32)


def _without_self(found: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """Each query's first ``k`` neighbours other than itself (-1 where fewer came back:
    a query whose own key is missing, a tie with an identical text, loses its last)."""
    valid = (found >= 0) & (found != queries[:, np.newaxis])
    # Stable: the valid neighbours keep their order, best first.
    order = np.argsort(~valid, axis=1, kind="stable")[:, :k]
    out = np.take_along_axis(found, order, axis=1)
    out[~np.take_along_axis(valid, order, axis=1)] = -1
    return out
