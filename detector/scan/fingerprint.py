"""Batch fingerprints of texts: the scan's content hashes, MinHash signatures and LSH bands.

:func:`fingerprint_batch` returns the same band hashes and signatures as the
per-document pipeline (:func:`detector.scan.minhash.analyze`, :func:`~detector.scan.minhash.token_hashes`,
:func:`~detector.scan.minhash.gram_hashes`, :func:`~detector.scan.minhash.skeleton_gram_hashes`,
:meth:`~detector.scan.minhash.MinHasher.signatures`), bit for bit, at a fraction of the cost:
that pipeline spends most of its time in per-document NumPy calls and in two regular
expressions, and here the whole batch is one set of array operations.

Method
------
Texts that are ASCII after :func:`detector.scan.minhash.prepare_text` (nearly all news text)
take the fast path. The others are tokenized one by one with the regular expressions of
:func:`detector.scan.minhash.analyze` and share the rest of the fast path
(:func:`_regex_block`). The rare documents too short for one full word or skeleton
k-gram (where :func:`~detector.scan.minhash.gram_hashes` hashes one shorter gram) take the
per-document path (:func:`document_sets`), which calls the same functions as the scan
always has.

Fast path, for a block of documents joined with ``"\\n"`` into one byte array:

1. **Tokens, token hashes, names and listed words** come from the byte-level tokenizer
   of :mod:`detector.scan.tokens` (:func:`~detector.scan.tokens.tokenize`,
   :func:`~detector.scan.tokens.word_table`), for the whole block at once.
2. **Shingles.** Word k-grams, skeletons (:func:`detector.scan.minhash.skeleton_hashes`) and
   informative skeleton k-grams are computed on the concatenated token hashes, with
   the windows and star runs that would cross a document boundary removed; the
   entity channel hashes the names and the tokens with a digit.
3. **MinHash** minima are taken per document with ``np.minimum.reduceat`` over blocks
   of a few thousand shingles (duplicates do not change a minimum, so no per-document
   ``np.unique`` is needed).

Content hash
------------
:func:`content_hashes`: from the token hashes ``t_i`` of a document with ``n`` tokens,
``fmix64(sum_i fmix64(t_i ^ fmix64(i + C)) ^ fmix64(n + D))`` (sums mod 2**64; ``C``
and ``D`` fixed 64-bit constants, ``fmix64`` MurmurHash3's finaliser): equal for
equal token sequences, and a 64-bit hash of the sequence otherwise. Both paths
compute it the same way, from the same token hashes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from detector.scan.lsh import band_hashes
from detector.scan.minhash import (
    MinHasher,
    analyze,
    fmix32,
    fmix64,
    gram_hashes,
    mark_digits,
    numbers_of,
    prepare_text,
    shingle_hashes,
    skeleton_gram_hashes,
    skeleton_hashes,
    star_hash,
    token_hashes,
)
from detector.scan.options import ScanOptions
from detector.scan.tokens import (
    COMMON_WORD,
    FUNCTION_WORD,
    NOT_NAME,
    Workspace,
    gram_windows,
    tokenize,
    word_table,
)
from detector.text.wordlists import CALENDAR_WORDS

__all__ = [
    "content_hash",
    "content_hashes",
    "document_sets",
    "fingerprint_batch",
    "stack_bands",
]

_U64 = np.uint64
_MASK32 = _U64(0xFFFFFFFF)
_POSITION_KEY = _U64(0x6A09E667F3BCC908)
_LENGTH_KEY = _U64(0xBB67AE8584CAA73B)

#: Bytes of text per fast-path block (the arrays of a block stay in the cache).
_BLOCK_CHARS = 1 << 19
#: Shingles per MinHash block: (permutations x shingles) ``uint32`` stays small.
_MINHASH_BLOCK = 8192


def content_hashes(t: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Content hashes of documents from their concatenated token hashes.

    Parameters
    ----------
    t : ndarray of uint64
        Token hashes (:func:`detector.scan.minhash.token_hashes`) of all documents, in order.
    counts : ndarray of int
        Tokens per document (summing to ``len(t)``).

    Returns
    -------
    ndarray of uint64, one per document: equal for documents with the same token
    sequence (a position-keyed sum of mixed token hashes, finished with the count).

    Examples
    --------
    >>> t = token_hashes(["a", "b", "b", "a", "a", "b"])
    >>> h = content_hashes(t, np.array([2, 2, 2]))
    >>> bool(h[0] == h[2]), bool(h[0] == h[1])
    (True, False)
    """
    counts = np.asarray(counts, dtype=np.int64)
    ends = np.cumsum(counts)
    starts = ends - counts
    position = np.arange(len(t), dtype=np.int64) - np.repeat(starts, counts)
    with np.errstate(over="ignore"):
        terms = fmix64(t ^ fmix64(position.astype(np.uint64) + _POSITION_KEY))
        sums = np.concatenate(([_U64(0)], np.cumsum(terms, dtype=np.uint64)))
        total = sums[ends] - sums[starts]
        return fmix64(total ^ fmix64(counts.astype(np.uint64) + _LENGTH_KEY))


def content_hash(t: np.ndarray) -> int:
    """The content hash (:func:`content_hashes`) of one document's token hashes."""
    return int(content_hashes(t, np.array([len(t)]))[0])


def document_sets(
    text: str, options: ScanOptions
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Token hashes and the three shingle sets of one text, per document.

    Returns
    -------
    tokens : ndarray of uint64, the token hashes (for :func:`content_hash`)
    words, skeleton, entities : ndarrays of uint32, the word k-gram, informative
        skeleton k-gram and name/number hash sets
    """
    tokens, names = analyze(text)
    t = token_hashes(tokens)
    digits = mark_digits(tokens)
    words = gram_hashes(t, options.shingle_k)
    skeleton = skeleton_gram_hashes(skeleton_hashes(tokens, t, digits), options.skeleton_k)
    entities = [e for e in names if e not in CALENDAR_WORDS] + numbers_of(tokens, digits)
    return t, words, skeleton, shingle_hashes(entities, 1)


def fingerprint_batch(
    texts: Sequence[str], options: ScanOptions
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Content hashes, band hashes and MinHash signatures of a batch of texts.

    The bands and signatures are bit-identical to those of the per-document pipeline
    (:func:`document_sets` per text, then :meth:`~detector.scan.minhash.MinHasher.signatures`
    and :func:`stack_bands`; tested against it); the content hash is :func:`content_hashes`.

    Parameters
    ----------
    texts : sequence of str
    options : ScanOptions
        Shingle sizes, permutations and band layout.

    Returns
    -------
    hashes : ndarray of uint64, one per text
    bands : ndarray of uint64, (total bands, texts)
    signatures : ndarray of uint32, (total permutations, texts)
    """
    hashers = options.hashers()
    n = len(texts)
    hashes = np.empty(n, dtype=np.uint64)
    signatures = [np.full((h.num_perm, n), 0xFFFFFFFF, dtype=np.uint32) for h in hashers]

    prepared = [prepare_text(text) for text in texts]
    fast = [i for i, p in enumerate(prepared) if p.isascii()]
    slow = [i for i, p in enumerate(prepared) if not p.isascii()]
    if options.shingle_k < 1 or options.skeleton_k < 1:  # not a supported layout
        fast, slow = [], list(range(n))
    workspace = Workspace()
    for block in _blocks(fast, [len(prepared[i]) for i in fast]):
        result = _fast_block([prepared[i] for i in block], options, workspace)
        columns = np.array(block, dtype=np.int64)
        hashes[columns] = result.hashes
        for out, hasher, (values, counts) in zip(signatures, hashers, result.channels, strict=True):
            out[:, columns] = _signatures_flat(hasher, values, counts, workspace)
        slow.extend(block[i] for i in np.flatnonzero(result.short).tolist())

    if slow and options.shingle_k >= 1 and options.skeleton_k >= 1:
        # Texts in other scripts: regular-expression tokens, array arithmetic for the rest.
        result = _regex_block([texts[i] for i in slow], options)
        columns = np.array(slow, dtype=np.int64)
        hashes[columns] = result.hashes
        for out, hasher, (values, counts) in zip(signatures, hashers, result.channels, strict=True):
            out[:, columns] = _signatures_flat(hasher, values, counts, workspace)
        slow = [slow[i] for i in np.flatnonzero(result.short).tolist()]
    if slow:
        sets = [document_sets(texts[i], options) for i in slow]
        columns = np.array(slow, dtype=np.int64)
        hashes[columns] = content_hashes(
            np.concatenate([s[0] for s in sets]), np.array([len(s[0]) for s in sets])
        )
        for c, (out, hasher) in enumerate(zip(signatures, hashers, strict=True)):
            out[:, columns] = hasher.signatures([s[c + 1] for s in sets])

    return hashes, stack_bands(signatures, options), np.vstack(signatures)


def stack_bands(signatures: Sequence[np.ndarray], options: ScanOptions) -> np.ndarray:
    """The LSH band hashes of the three channels' signatures, stacked in channel order."""
    return np.vstack(
        [
            band_hashes(signatures[0], *options.copy_bands),
            band_hashes(signatures[1], *options.spin_bands),
            band_hashes(signatures[2], *options.entity_bands),
        ]
    )


def _blocks(indices: list[int], lengths: list[int]) -> list[list[int]]:
    """Consecutive groups of ``indices`` holding about :data:`_BLOCK_CHARS` bytes each."""
    blocks: list[list[int]] = []
    current: list[int] = []
    size = 0
    for i, length in zip(indices, lengths, strict=True):
        current.append(i)
        size += length + 1
        if size >= _BLOCK_CHARS:
            blocks.append(current)
            current, size = [], 0
    if current:
        blocks.append(current)
    return blocks


class _BlockResult(NamedTuple):
    """What :func:`_fast_block` computes for a block of documents."""

    hashes: np.ndarray
    #: (values, counts per document) of the copy, spin and entity channels
    channels: list[tuple[np.ndarray, np.ndarray]]
    #: documents too short for one full word or skeleton k-gram
    short: np.ndarray


def _fast_block(
    texts: Sequence[str], options: ScanOptions, workspace: Workspace | None = None
) -> _BlockResult:
    """Content hashes and flat shingle hashes of ASCII texts; flags the short ones."""
    tok = tokenize(texts, workspace)
    table = word_table()
    flags, slot = table.lookup(tok.hashes)
    # Names (not function words or common names) and numbers.
    names = tok.names & ~(flags & NOT_NAME).astype(bool)
    suspect = np.flatnonzero(tok.names & (flags & NOT_NAME).astype(bool))
    if len(suspect):
        names[suspect] = ~table.same_words(
            tok.data, tok.starts[suspect], tok.ends[suspect], slot[suspect]
        )
    entity = names | tok.digits
    with np.errstate(over="ignore"):
        entity_values = (fmix64(tok.hashes[entity] + _U64(1)) & _MASK32).astype(np.uint32)
    entity_before = np.concatenate(([0], np.cumsum(entity)))
    entity_counts = np.diff(entity_before[tok.offsets])
    return _channels(
        tok.hashes, tok.offsets, tok.digits, flags, entity_values, entity_counts, options
    )


def _regex_block(texts: Sequence[str], options: ScanOptions) -> _BlockResult:
    """As :func:`_fast_block`, for texts of any script: tokens and names from
    :func:`detector.scan.minhash.analyze` one text at a time, the rest for all at once."""

    analysed = [analyze(text) for text in texts]
    tokens = [w for words, _ in analysed for w in words]
    counts = np.array([len(words) for words, _ in analysed], dtype=np.int64)
    offsets = np.concatenate(([0], np.cumsum(counts)))
    t = token_hashes(tokens)
    digits = mark_digits(tokens)
    flags, _ = word_table().lookup(t)
    names = [[e for e in found if e not in CALENDAR_WORDS] for _, found in analysed]
    name_hashes = token_hashes([e for found in names for e in found])
    name_counts = np.array([len(found) for found in names], dtype=np.int64)
    numbers_before = np.concatenate(([0], np.cumsum(digits)))
    number_counts = np.diff(numbers_before[offsets])
    # Per document: its names, then its numbers (a set; the order does not matter).
    owner = np.concatenate(
        (
            np.repeat(np.arange(len(texts)), name_counts),
            np.repeat(np.arange(len(texts)), number_counts),
        )
    )
    values = np.concatenate((name_hashes, t[digits]))[np.argsort(owner, kind="stable")]
    with np.errstate(over="ignore"):
        entity_values = (fmix64(values + _U64(1)) & _MASK32).astype(np.uint32)
    return _channels(t, offsets, digits, flags, entity_values, name_counts + number_counts, options)


def _channels(
    t: np.ndarray,
    offsets: np.ndarray,
    digits: np.ndarray,
    flags: np.ndarray,
    entity_values: np.ndarray,
    entity_counts: np.ndarray,
    options: ScanOptions,
) -> _BlockResult:
    """Content hashes and the three channels' flat shingle hashes from token hashes."""
    counts = np.diff(offsets)
    hashes = content_hashes(t, counts)

    # Word k-grams.
    k = options.shingle_k
    grams, inside = gram_windows(t, offsets, k)
    word_values = grams[inside]
    word_counts = np.maximum(counts - k + 1, 0)

    # Skeleton: function words and numbers kept, each run of other words one star.
    keep = (flags & FUNCTION_WORD).astype(bool) | digits
    skeleton = np.where(keep, t, star_hash())
    kept_before = np.ones(len(t), dtype=bool)
    kept_before[1:] = keep[:-1]
    kept_before[offsets[:-1][counts > 0]] = True  # a document's first word starts a run
    stay = keep | kept_before
    informative = ~(flags & COMMON_WORD).astype(bool) & (skeleton != star_hash())
    skeleton = skeleton[stay]
    informative = informative[stay]
    stay_before = np.concatenate(([0], np.cumsum(stay)))
    skeleton_offsets = stay_before[offsets]
    skeleton_counts = np.diff(skeleton_offsets)

    k2 = options.skeleton_k
    grams, inside = gram_windows(skeleton, skeleton_offsets, k2)
    if len(grams):
        informative_before = np.concatenate(([0], np.cumsum(informative)))
        inside &= informative_before[k2:] > informative_before[:-k2]
    chosen_before = np.concatenate(([0], np.cumsum(inside)))
    bounds = np.minimum(skeleton_offsets, len(grams))
    spin_values = grams[inside]
    spin_counts = np.diff(chosen_before[bounds])

    short = ((counts > 0) & (counts < k)) | ((skeleton_counts > 0) & (skeleton_counts < k2))
    return _BlockResult(
        hashes,
        [
            (word_values, word_counts),
            (spin_values, spin_counts),
            (entity_values, entity_counts),
        ],
        short,
    )


# ----------------------------------------------------------------------------- MinHash


def _signatures_flat(
    hasher: MinHasher,
    values: np.ndarray,
    counts: np.ndarray,
    workspace: Workspace | None = None,
) -> np.ndarray:
    """:meth:`MinHasher.signatures` of documents given as concatenated hash values.

    ``counts[i]`` values of ``values`` belong to document ``i``; duplicates are allowed.
    """
    out = np.full((hasher.num_perm, len(counts)), 0xFFFFFFFF, dtype=np.uint32)
    present = np.flatnonzero(counts)
    if not len(present):
        return out
    sizes = counts[present]
    ends = np.cumsum(sizes)
    starts = ends - sizes
    mixed = fmix32(values.astype(np.uint32, copy=False))
    block_of = starts // _MINHASH_BLOCK
    cuts = np.concatenate(([0], np.flatnonzero(block_of[1:] != block_of[:-1]) + 1, [len(sizes)]))
    widest = int((ends[cuts[1:] - 1] - starts[cuts[:-1]]).max())
    buffer = (workspace or Workspace()).get("minhash", hasher.num_perm, widest, np.uint32)
    with np.errstate(over="ignore"):
        for a, b in zip(cuts[:-1].tolist(), cuts[1:].tolist(), strict=True):
            lo, hi = int(starts[a]), int(ends[b - 1])
            permuted = buffer[:, : hi - lo]
            np.multiply(mixed[np.newaxis, lo:hi], hasher.a_, out=permuted)
            np.add(permuted, hasher.b_, out=permuted)
            out[:, present[a:b]] = np.minimum.reduceat(permuted, starts[a:b] - lo, axis=1)
    return out
