"""Batch fingerprints of texts: the scan's content hashes, MinHash signatures and LSH bands.

:func:`fingerprint_batch` returns the same band hashes and signatures as the
per-document pipeline (:func:`detector.scan.minhash.analyze`, :func:`~detector.scan.minhash.token_hashes`,
:func:`~detector.scan.minhash.gram_hashes`, :func:`~detector.scan.minhash.skeleton_gram_hashes`,
:meth:`~detector.scan.minhash.MinHasher.signatures`), bit for bit, at a fraction of the cost:
that pipeline spends most of its time in per-document NumPy calls and in two regular
expressions, and here the whole batch is one set of array operations.

Method
------
Texts that are ASCII after :func:`detector.scan.minhash._prepare` (nearly all news text) take
the fast path. The others are tokenized one by one with the regular expressions of
:func:`detector.scan.minhash.analyze` and share the rest of the fast path
(:func:`_regex_block`). The rare documents too short for one full word or skeleton
k-gram (where :func:`~detector.scan.minhash.gram_hashes` hashes one shorter gram) take the
per-document path (:func:`_document_sets`), which calls the same functions as the scan
always has.

Fast path, for a block of documents joined with ``"\\n"`` into one byte array:

1. **Tokens.** Bytes are classified with a lookup table (0 other, 1 letter or ``_``,
   2 digit); the positions where the class changes give the maximal runs of word
   characters and their leading digits. The token regular expression
   ``\\d+(?:[.,:/]\\d+)*%?|\\w+(?:['\\-]\\w+)*`` is reproduced per run, not per byte: a
   token starting with a letter takes its whole run and every run joined to it by a
   single ``'`` or ``-``; a token starting with a digit takes the leading digits of
   its run and every run joined by a single ``.,:/`` between digits, plus a trailing
   ``%``; after a number, a letter in the same run starts a word token. Whether a
   run continues the previous token depends on the type of the previous run's last
   token, which only all-digit runs joined by ``'``/``-`` inherit (a forward fill).
2. **Token hashes** (:func:`detector.scan.minhash.token_hashes`: a sum of ``(byte + 1) * P**(i + 1)``
   over the token's bytes, ``P`` the FNV prime) come from one prefix sum of
   ``(byte + 1) * P**(j + 1)`` over the block, ``j`` the position in the block:
   the token's sum is the difference of two prefix sums times ``P**-s`` (``P`` is odd,
   so invertible mod 2**64), ``s`` the token's start. Tokens longer than 64 bytes,
   where the weights stop growing, are hashed directly.
3. **Names** (:func:`detector.scan.minhash.analyze`) are the tokens that start with a
   capital after a space after a character that is neither whitespace nor one of
   ``.!?"``; the name pattern matches exactly the word token there.
4. **Word lists.** Function words, common function words and the words that are no
   names (stopwords, the scan's common names) are found by token hash in a
   direct-mapped table (a window of hash bits that separates the ~120 words), as the
   per-document code finds function words by hash; a name dropped as a listed word is
   checked byte by byte, so a hash collision cannot drop a real name.
5. **Shingles.** Word k-grams, skeletons (:func:`detector.scan.minhash.skeleton_hashes`) and
   informative skeleton k-grams are computed on the concatenated token hashes, with
   the windows and star runs that would cross a document boundary removed; the
   entity channel hashes the names and the tokens with a digit.
6. **MinHash** minima are taken per document with ``np.minimum.reduceat`` over blocks
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
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from detector.scan import minhash as _mh
from detector.scan.lsh import band_hashes
from detector.scan.minhash import (
    MinHasher,
    _fmix64,
    analyze,
    fmix32,
    gram_hashes,
    mark_digits,
    numbers_of,
    shingle_hashes,
    skeleton_gram_hashes,
    skeleton_hashes,
    token_hashes,
)
from detector.text.wordlists import CALENDAR_WORDS, COMMON_FUNCTION_WORDS, FUNCTION_WORDS, NOT_NAMES

if TYPE_CHECKING:
    from detector.scan.pipeline import ScanOptions

__all__ = ["content_hash", "content_hashes", "fingerprint_batch"]

_U64 = np.uint64
_MASK32 = _U64(0xFFFFFFFF)
_GOLDEN = _U64(0x9E3779B97F4A7C15)
_PRIME = 0x100000001B3
_PRIME_INVERSE = pow(_PRIME, -1, 1 << 64)
_POSITION_KEY = _U64(0x6A09E667F3BCC908)
_LENGTH_KEY = _U64(0xBB67AE8584CAA73B)

#: Bytes of text per fast-path block (the arrays of a block stay in the cache).
_BLOCK_CHARS = 1 << 19
#: Shingles per MinHash block: (permutations x shingles) ``uint32`` stays small.
_MINHASH_BLOCK = 8192

# Byte classes: 0 other, 1 letter or underscore, 2 digit (``\w`` is 1 or 2 on ASCII).
_CLASS = np.zeros(256, dtype=np.uint8)
_CLASS[[ord(c) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_"]] = 1
_CLASS[[ord(c) for c in "0123456789"]] = 2
# Joiners between two runs: 1 for word tokens (' -), 2 for numbers (. , : /).
_JOINER = np.zeros(256, dtype=np.uint8)
_JOINER[[ord(c) for c in "'-"]] = 1
_JOINER[[ord(c) for c in ".,:/"]] = 2
# Lower-cased bytes, and lower-cased bytes plus one (the terms of the token hash).
_LOWER = np.arange(256, dtype=np.uint8)
_LOWER[ord("A") : ord("Z") + 1] += 32
_LOWER_PLUS_ONE_BYTES = (_LOWER + 1).tobytes()  # ASCII only: no wrap-around
_CLASS_BYTES = _CLASS.tobytes()
_UPPER = np.zeros(256, dtype=bool)
_UPPER[ord("A") : ord("Z") + 1] = True
# What may not stand two characters before a name: ``[.!?"\s]`` (``\s`` of ``re`` on ASCII).
_NO_NAME_AFTER = np.zeros(256, dtype=bool)
_NO_NAME_AFTER[[ord(c) for c in '.!?" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f']] = True

# Flags of the token hashes the fast path looks up.
_FUNCTION = 1
_COMMON = 2
_NOT_NAME = 4


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
        terms = _fmix64(t ^ _fmix64(position.astype(np.uint64) + _POSITION_KEY))
        sums = np.concatenate(([_U64(0)], np.cumsum(terms, dtype=np.uint64)))
        total = sums[ends] - sums[starts]
        return _fmix64(total ^ _fmix64(counts.astype(np.uint64) + _LENGTH_KEY))


def content_hash(t: np.ndarray) -> int:
    """The content hash (:func:`content_hashes`) of one document's token hashes."""
    return int(content_hashes(t, np.array([len(t)]))[0])


def _document_sets(
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

    The bands and signatures are bit-identical to those of
    :func:`detector.scan.pipeline.fingerprint_texts`; the content hash is :func:`content_hashes`.

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
    from detector.scan.pipeline import _hashers

    hashers = _hashers(options.copy_perm, options.spin_perm, options.entity_perm)
    n = len(texts)
    hashes = np.empty(n, dtype=np.uint64)
    signatures = [np.full((h.num_perm, n), 0xFFFFFFFF, dtype=np.uint32) for h in hashers]

    prepared = [_mh._prepare(text) for text in texts]
    fast = [i for i, p in enumerate(prepared) if p.isascii()]
    slow = [i for i, p in enumerate(prepared) if not p.isascii()]
    if options.shingle_k < 1 or options.skeleton_k < 1:  # not a supported layout
        fast, slow = [], list(range(n))
    workspace = _Workspace()
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
        sets = [_document_sets(texts[i], options) for i in slow]
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


class _Workspace:
    """Scratch arrays reused across the blocks of one call (never shared between calls,
    so concurrent calls in threads are safe)."""

    def __init__(self) -> None:
        self._arrays: dict[tuple[str, int], np.ndarray] = {}

    def get(self, name: str, rows: int, columns: int, dtype: type[np.generic]) -> np.ndarray:
        """A ``(rows, columns)`` array (a view of a reused one); contents undefined."""
        array = self._arrays.get((name, rows))
        if array is None or array.shape[1] < columns:
            array = np.empty((rows, columns + columns // 4), dtype=dtype)
            self._arrays[(name, rows)] = array
        return array[:, :columns]


# ----------------------------------------------------------------------------- tokens


class _Tokens(NamedTuple):
    """Tokens of a block of texts joined by newlines."""

    data: np.ndarray  # the joined bytes
    starts: np.ndarray  # token spans [start, end) in ``data``
    ends: np.ndarray
    hashes: np.ndarray  # token_hashes of the tokens
    digits: np.ndarray  # whether each token has a digit
    names: np.ndarray  # whether each token stands where the name pattern matches
    offsets: np.ndarray  # the tokens of text i are offsets[i]:offsets[i + 1]


_powers_cache: list[tuple[np.ndarray, np.ndarray]] = []


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``P**(j + 1)`` and ``P**-j`` mod 2**64 for ``j < n`` at least (``P`` the FNV prime)."""
    if _powers_cache and len(_powers_cache[0][0]) >= n:
        return _powers_cache[0]
    size = max(n, 2 * len(_powers_cache[0][0]) if _powers_cache else 0, 1 << 16)
    forward = np.cumprod(np.full(size, _PRIME, dtype=np.uint64), dtype=np.uint64)
    inverse = np.empty(size, dtype=np.uint64)
    inverse[0] = 1
    inverse[1:] = np.cumprod(np.full(size - 1, _PRIME_INVERSE, dtype=np.uint64))
    _powers_cache[:] = [(forward, inverse)]
    return forward, inverse


def _tokenize(texts: Sequence[str], workspace: _Workspace | None = None) -> _Tokens:
    """Tokens and names of ASCII texts, as :func:`detector.scan.minhash.analyze` finds them."""
    raw = ("\n" + "\n".join(texts) + "\n").encode("ascii")
    data = np.frombuffer(raw, dtype=np.uint8)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    doc_starts = np.cumsum(lengths + 1) - lengths  # first byte of each text

    code = np.frombuffer(raw.translate(_CLASS_BYTES), dtype=np.uint8)
    change = np.flatnonzero(code[1:] != code[:-1])
    change += 1
    new = code[change]
    old = code[change - 1]
    run_k = np.flatnonzero(old == 0)  # change index of each run's first byte
    end_k = np.flatnonzero(new == 0)  # change index of each run's end
    run_start = change[run_k]
    run_end = change[end_k]
    lead_end = change[run_k + 1]  # end of the leading class (the run's end if uniform)
    runs = len(run_start)

    first_digit = new[run_k] == 2
    uniform = end_k == run_k + 1
    all_digit = first_digit & uniform
    joiner = _JOINER[data[run_start - 1]]
    joined = np.zeros(runs, dtype=bool)
    joined[1:] = run_start[1:] == run_end[:-1] + 1
    word_joined = joined & (joiner == 1)
    number_joined = np.zeros(runs, dtype=bool)
    number_joined[1:] = old[end_k[:-1]] == 2  # the run before ends with a digit
    number_joined &= joined & (joiner == 2) & first_digit
    # An all-digit run joined by ' or - ends in a number only if the run before does.
    inherit = word_joined & all_digit
    anchor = np.where(inherit, 0, np.arange(runs))
    np.maximum.accumulate(anchor, out=anchor)
    last_number = all_digit[anchor]
    previous_number = np.zeros(runs, dtype=bool)
    previous_number[1:] = last_number[:-1]
    word_continues = word_joined & ~previous_number
    continues = word_continues | (number_joined & previous_number)
    split = first_digit & ~word_continues & ~uniform  # a number, then a word in the run

    # Two slots per run: its leading class, and the rest (empty when uniform). A token
    # is the slots from its first to the next token's first.
    slots = np.empty((runs, 2), dtype=bool)
    slots[:, 0] = ~continues
    slots[:, 1] = split
    first = np.flatnonzero(slots.ravel())
    after = np.empty(len(first), dtype=np.int64)
    after[:-1] = first[1:]
    after[-1:] = 2 * runs
    slots_start = np.stack((run_start, lead_end), axis=1).ravel()
    percent = last_number & (data[run_end] == ord("%"))
    slots_end = np.stack((lead_end, run_end + percent), axis=1).ravel()
    starts = slots_start[first]
    ends = slots_end[after - 1]
    # Slot digits: the leading class, or a later class change inside the run.
    slots[:, 0] = first_digit
    slots[:, 1] = ~uniform & (~first_digit | (end_k > run_k + 2))
    digit_before = np.zeros(2 * runs + 1, dtype=np.int32)
    np.cumsum(slots.ravel(), out=digit_before[1:])
    digits = digit_before[after] > digit_before[first]

    hashes = _span_hashes(raw, starts, ends, workspace or _Workspace())
    names = (
        _UPPER[data[starts]] & (data[starts - 1] == ord(" ")) & ~_NO_NAME_AFTER[data[starts - 2]]
    )
    offsets = np.searchsorted(starts, np.append(doc_starts, len(data)))
    return _Tokens(data, starts, ends, hashes, digits, names, offsets)


def _span_hashes(
    raw: bytes, starts: np.ndarray, ends: np.ndarray, workspace: _Workspace
) -> np.ndarray:
    """:func:`detector.scan.minhash.token_hashes` of the lower-cased byte spans ``[start, end)``."""
    if not len(starts):
        return np.empty(0, dtype=np.uint64)
    n = len(raw)
    forward, inverse = _powers(n)
    terms = np.frombuffer(raw.translate(_LOWER_PLUS_ONE_BYTES), dtype=np.uint8)
    prefix = workspace.get("prefix", 1, n, np.uint64)[0]
    with np.errstate(over="ignore"):
        np.multiply(terms, forward[:n], out=prefix)
        np.cumsum(prefix, out=prefix)
        sums = prefix[ends - 1]
        sums -= prefix[starts - 1]
        sums *= inverse[starts]
        lengths = ends - starts
        sums ^= lengths.astype(np.uint64) * _GOLDEN
        out = _fmix64(sums)
    long = np.flatnonzero(lengths > len(_mh._POWERS))
    if len(long):
        lowered = raw.lower()
        words = [lowered[starts[i] : ends[i]].decode("ascii") for i in long.tolist()]
        out[long] = token_hashes(words)
    return out


def _ascii_tokens(texts: Sequence[str]) -> tuple[list[list[str]], list[list[str]]]:
    """Tokens and names (before any filtering) per ASCII text, from the fast tokenizer.

    For tests: equal to ``analyze(text)`` except that the names are not yet filtered.
    """
    tok = _tokenize(texts)
    lowered = tok.data.tobytes().lower().decode("ascii")
    words = [lowered[s:e] for s, e in zip(tok.starts.tolist(), tok.ends.tolist(), strict=True)]
    names = tok.names.tolist()
    out_tokens: list[list[str]] = []
    out_names: list[list[str]] = []
    for a, b in zip(tok.offsets[:-1].tolist(), tok.offsets[1:].tolist(), strict=True):
        out_tokens.append(words[a:b])
        out_names.append([w for w, name in zip(words[a:b], names[a:b], strict=True) if name])
    return out_tokens, out_names


# ----------------------------------------------------------------------------- lookups


class _Lexicon:
    """Token hashes of the words the fast path looks up, with their flags and bytes.

    Lookups go through a direct-mapped table indexed by a window of hash bits chosen
    so that no two words share a slot: one gather and one comparison per token.
    """

    def __init__(self, common_names: frozenset[str]) -> None:
        flags: dict[str, int] = {}
        for word in FUNCTION_WORDS:
            flags[word] = flags.get(word, 0) | _FUNCTION
        for word in COMMON_FUNCTION_WORDS:
            flags[word] = flags.get(word, 0) | _COMMON
        for word in NOT_NAMES | common_names:
            flags[word] = flags.get(word, 0) | _NOT_NAME
        words = sorted(flags)
        keys = token_hashes(words)
        self.lengths = np.array([len(w) for w in words], dtype=np.int64)
        self.bytes = np.zeros((len(words), max(len(w) for w in words)), dtype=np.uint8)
        for row, word in enumerate(words):
            self.bytes[row, : len(word)] = np.frombuffer(word.encode("ascii"), dtype=np.uint8)
        bits, shift = _slot_window(keys)
        self.shift = _U64(shift)
        self.mask = _U64((1 << bits) - 1)
        slots = ((keys >> self.shift) & self.mask).astype(np.intp)
        # Empty slots hold key 0 and flags 0: a token hashing to 0 there gets no flags.
        self.keys = np.zeros(1 << bits, dtype=np.uint64)
        self.flags = np.zeros(1 << bits, dtype=np.uint8)
        self.rows = np.zeros(1 << bits, dtype=np.int64)
        self.keys[slots] = keys
        self.flags[slots] = [flags[w] for w in words]
        self.rows[slots] = np.arange(len(words))

    def lookup(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Flags (0 when absent) and the table slot of each token hash."""
        slot = t >> self.shift
        slot &= self.mask
        slot = slot.astype(np.intp)
        flags = self.flags[slot]
        flags *= self.keys[slot] == t
        return flags, slot

    def same_words(
        self, data: np.ndarray, starts: np.ndarray, ends: np.ndarray, slot: np.ndarray
    ) -> np.ndarray:
        """Whether the lower-cased spans really are the words in ``slot`` (not collisions)."""
        row = self.rows[slot]
        width = self.bytes.shape[1]
        length = ends - starts
        column = np.arange(width)
        index = np.minimum(starts[:, None] + column, len(data) - 1)
        match = (_LOWER[data[index]] == self.bytes[row]) | (column >= length[:, None])
        return (length == self.lengths[row]) & match.all(axis=1)


def _slot_window(keys: np.ndarray) -> tuple[int, int]:
    """Bits and shift of the narrowest window of hash bits that tells ``keys`` apart."""
    for bits in range(10, 25):
        for shift in range(64 - bits + 1):
            slots = (keys >> _U64(shift)) & _U64((1 << bits) - 1)
            if len(np.unique(slots)) == len(keys):
                return bits, shift
    raise AssertionError("no window of hash bits separates the lexicon")  # pragma: no cover


_lexicon_cache: dict[frozenset[str], _Lexicon] = {}


def _lexicon() -> _Lexicon:

    lexicon = _lexicon_cache.get(CALENDAR_WORDS)
    if lexicon is None:
        lexicon = _lexicon_cache[CALENDAR_WORDS] = _Lexicon(CALENDAR_WORDS)
    return lexicon


# ----------------------------------------------------------------------------- shingles


def _windows(t: np.ndarray, offsets: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """32-bit hashes of all ``k``-grams of ``t`` (as :func:`~detector.scan.minhash.gram_hashes`)
    and a mask of the ones inside one document (``offsets`` delimit the documents)."""
    count = len(t) - k + 1
    if count <= 0:
        return np.empty(0, dtype=np.uint32), np.zeros(0, dtype=bool)
    with np.errstate(over="ignore"):
        h = t[:count].copy()
        for i in range(1, k):
            h *= _mh._POLY
            h += t[i : i + count]
        h += _U64(k)
        h = _fmix64(h)
    inside = np.ones(count, dtype=bool)
    boundaries = offsets[1:-1]
    for back in range(1, k):
        crossing = boundaries - back
        inside[crossing[(crossing >= 0) & (crossing < count)]] = False
    return (h & _MASK32).astype(np.uint32), inside


def _fast_block(
    texts: Sequence[str], options: ScanOptions, workspace: _Workspace | None = None
) -> _BlockResult:
    """Content hashes and flat shingle hashes of ASCII texts; flags the short ones."""
    tok = _tokenize(texts, workspace)
    lexicon = _lexicon()
    flags, slot = lexicon.lookup(tok.hashes)
    # Names (not function words or common names) and numbers.
    names = tok.names & ~(flags & _NOT_NAME).astype(bool)
    suspect = np.flatnonzero(tok.names & (flags & _NOT_NAME).astype(bool))
    if len(suspect):
        names[suspect] = ~lexicon.same_words(
            tok.data, tok.starts[suspect], tok.ends[suspect], slot[suspect]
        )
    entity = names | tok.digits
    with np.errstate(over="ignore"):
        entity_values = (_fmix64(tok.hashes[entity] + _U64(1)) & _MASK32).astype(np.uint32)
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
    flags, _ = _lexicon().lookup(t)
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
        entity_values = (_fmix64(values + _U64(1)) & _MASK32).astype(np.uint32)
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
    grams, inside = _windows(t, offsets, k)
    word_values = grams[inside]
    word_counts = np.maximum(counts - k + 1, 0)

    # Skeleton: function words and numbers kept, each run of other words one star.
    keep = (flags & _FUNCTION).astype(bool) | digits
    skeleton = np.where(keep, t, _mh._star_hash())
    kept_before = np.ones(len(t), dtype=bool)
    kept_before[1:] = keep[:-1]
    kept_before[offsets[:-1][counts > 0]] = True  # a document's first word starts a run
    stay = keep | kept_before
    informative = ~(flags & _COMMON).astype(bool) & (skeleton != _mh._star_hash())
    skeleton = skeleton[stay]
    informative = informative[stay]
    stay_before = np.concatenate(([0], np.cumsum(stay)))
    skeleton_offsets = stay_before[offsets]
    skeleton_counts = np.diff(skeleton_offsets)

    k2 = options.skeleton_k
    grams, inside = _windows(skeleton, skeleton_offsets, k2)
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
    workspace: _Workspace | None = None,
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
    buffer = (workspace or _Workspace()).get("minhash", hasher.num_perm, widest, np.uint32)
    with np.errstate(over="ignore"):
        for a, b in zip(cuts[:-1].tolist(), cuts[1:].tolist(), strict=True):
            lo, hi = int(starts[a]), int(ends[b - 1])
            permuted = buffer[:, : hi - lo]
            np.multiply(mixed[np.newaxis, lo:hi], hasher.a_, out=permuted)
            np.add(permuted, hasher.b_, out=permuted)
            out[:, present[a:b]] = np.minimum.reduceat(permuted, starts[a:b] - lo, axis=1)
    return out
