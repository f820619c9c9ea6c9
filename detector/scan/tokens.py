"""The scan's byte-level tokenizer: tokens, token hashes and names of a batch of ASCII texts.

:func:`tokenize` finds, for a whole batch of texts at once, exactly the tokens of
:func:`detector.scan.minhash.light_tokens` and :func:`~detector.scan.minhash.analyze`, their
:func:`~detector.scan.minhash.token_hashes` and the tokens where the name pattern matches,
with array operations on the joined bytes instead of two regular expressions per text.
:class:`WordTable` finds the listed words among the token hashes, and :func:`gram_windows`
hashes the k-grams of the whole batch. :mod:`detector.scan.fingerprint` and
:class:`detector.scan.triage.Words` build on them.

Method, for a block of documents joined with ``"\\n"`` into one byte array:

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
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import NamedTuple

import numpy as np

from detector.scan.minhash import BYTE_WEIGHTS, GRAM_BASE, fmix64, token_hashes
from detector.text.wordlists import CALENDAR_WORDS, COMMON_FUNCTION_WORDS, FUNCTION_WORDS, NOT_NAMES

__all__ = [
    "COMMON_WORD",
    "FUNCTION_WORD",
    "NOT_NAME",
    "Tokens",
    "WordTable",
    "Workspace",
    "gram_windows",
    "tokenize",
    "word_table",
]

_U64 = np.uint64
_MASK32 = _U64(0xFFFFFFFF)
_GOLDEN = _U64(0x9E3779B97F4A7C15)
_PRIME = 0x100000001B3
_PRIME_INVERSE = pow(_PRIME, -1, 1 << 64)


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

# Flags of the listed words (:class:`WordTable`).
#: A function word: the skeleton keeps it.
FUNCTION_WORD = 1
#: A common function word: a skeleton k-gram of only these (and stars) says nothing.
COMMON_WORD = 2
#: A word that is never a name (stopwords, the scan's common names).
NOT_NAME = 4


class Workspace:
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


class Tokens(NamedTuple):
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


def tokenize(texts: Sequence[str], workspace: Workspace | None = None) -> Tokens:
    """Tokens and names of ASCII texts, as :func:`detector.scan.minhash.analyze` finds them.

    ``names`` marks every token where the name pattern matches; unlike ``analyze``, the
    listed words are not yet dropped (:data:`NOT_NAME` in :func:`word_table` tells them).
    ``workspace`` lends scratch arrays when one caller tokenizes many blocks.

    Examples
    --------
    >>> tok = tokenize(["The minister met Alice on Monday.", "1,178 farmers"])
    >>> tok.offsets.tolist(), tok.digits.nonzero()[0].tolist()
    ([0, 6, 8], [6])
    >>> [bool(n) for n in tok.names[:6]]
    [False, False, False, True, False, True]
    """
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

    hashes = _span_hashes(raw, starts, ends, workspace or Workspace())
    names = (
        _UPPER[data[starts]] & (data[starts - 1] == ord(" ")) & ~_NO_NAME_AFTER[data[starts - 2]]
    )
    offsets = np.searchsorted(starts, np.append(doc_starts, len(data)))
    return Tokens(data, starts, ends, hashes, digits, names, offsets)


def _span_hashes(
    raw: bytes, starts: np.ndarray, ends: np.ndarray, workspace: Workspace
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
        out = fmix64(sums)
    long = np.flatnonzero(lengths > len(BYTE_WEIGHTS))
    if len(long):
        lowered = raw.lower()
        words = [lowered[starts[i] : ends[i]].decode("ascii") for i in long.tolist()]
        out[long] = token_hashes(words)
    return out


# ----------------------------------------------------------------------------- word lists


class WordTable:
    """Token hashes of the listed words, with their flags and bytes.

    The words are the function words (:data:`FUNCTION_WORD`), the common function words
    (:data:`COMMON_WORD`) and the words that are never names (:data:`NOT_NAME`),
    ``common_names`` among them.

    Lookups go through a direct-mapped table indexed by a window of hash bits chosen
    so that no two words share a slot: one gather and one comparison per token.
    """

    def __init__(self, common_names: frozenset[str]) -> None:
        flags: dict[str, int] = {}
        for word in FUNCTION_WORDS:
            flags[word] = flags.get(word, 0) | FUNCTION_WORD
        for word in COMMON_FUNCTION_WORDS:
            flags[word] = flags.get(word, 0) | COMMON_WORD
        for word in NOT_NAMES | common_names:
            flags[word] = flags.get(word, 0) | NOT_NAME
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


@cache
def word_table() -> WordTable:
    """The table of the listed words, with the calendar words as common names (built once)."""
    return WordTable(CALENDAR_WORDS)


# ----------------------------------------------------------------------------- k-grams


def gram_windows(t: np.ndarray, offsets: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """32-bit hashes of all ``k``-grams of ``t`` (as :func:`~detector.scan.minhash.gram_hashes`)
    and a mask of the ones inside one document (``offsets`` delimit the documents)."""
    count = len(t) - k + 1
    if count <= 0:
        return np.empty(0, dtype=np.uint32), np.zeros(0, dtype=bool)
    with np.errstate(over="ignore"):
        h = t[:count].copy()
        for i in range(1, k):
            h *= GRAM_BASE
            h += t[i : i + count]
        h += _U64(k)
        h = fmix64(h)
    inside = np.ones(count, dtype=bool)
    boundaries = offsets[1:-1]
    for back in range(1, k):
        crossing = boundaries - back
        inside[crossing[(crossing >= 0) & (crossing < count)]] = False
    return (h & _MASK32).astype(np.uint32), inside
