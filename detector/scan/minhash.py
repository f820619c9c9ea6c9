"""Vectorised MinHash signatures for batches of documents (Broder 1997).

Shingles are hashed to 32 bits without Python-level hashing per shingle: each token
gets a stable CRC-32 (cached), and the hash of a k-gram is a polynomial combination
of its token hashes, computed for all windows at once with NumPy and finished with
the MurmurHash3 64-bit finaliser.

Signatures use datasketch's ``affine32`` scheme (MurmurHash3 ``fmix32`` of the
input hash, then ``a * h + b mod 2**32`` per permutation, odd ``a``), drawn from
``numpy.random.RandomState(seed)`` the same way, so for the same shingle hashes the
signature is bit-identical to ``datasketch.MinHash(num_perm, seed)`` fed the same
integers (tested). The minimum is taken over a (permutations x shingles) array for
a whole batch with ``np.minimum.reduceat``: the layout that reduces along the
contiguous axis is several times faster than the transposed one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from detector.errors import ConfigError
from detector.text.wordlists import COMMON_FUNCTION_WORDS, FUNCTION_WORDS, NOT_NAMES, STOPWORDS

__all__ = [
    "BYTE_WEIGHTS",
    "GRAM_BASE",
    "MinHasher",
    "analyze",
    "fmix32",
    "fmix64",
    "gram_hashes",
    "immutable_tokens",
    "is_number",
    "light_tokens",
    "mark_digits",
    "numbers_of",
    "prepare_text",
    "shingle_hashes",
    "skeleton_gram_hashes",
    "skeleton_hashes",
    "skeleton_of",
    "skeleton_tokens",
    "star_hash",
    "token_hashes",
]

_MASK32 = np.uint64(0xFFFFFFFF)
#: Base of the polynomial that combines a k-gram's token hashes (the FNV-64 prime).
GRAM_BASE = np.uint64(0x100000001B3)
_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00ad": None,
        "\u200b": None,
    }
)
_TOKEN_RE = re.compile(r"\d+(?:[.,:/]\d+)*%?|\w+(?:['\-]\w+)*")
_SENTENCE_END = frozenset('.!?"')
_HAS_DIGIT = re.compile(r"\d").search


def is_number(word: str) -> bool:
    """Whether a token counts as a number: it has a digit.

    Examples
    --------
    >>> is_number("1,178"), is_number("covid-19"), is_number("farmers")
    (True, True, False)
    """
    return not word.isalpha() and _HAS_DIGIT(word) is not None


_REPLACEMENTS = tuple((k, v or "") for k, v in ((chr(c), r) for c, r in _TRANSLATE.items()))


def prepare_text(text: str) -> str:
    """The text the tokenizers read: NFKC, curly quotes and dashes made ASCII, soft hyphens
    and zero-width spaces dropped. ASCII text is returned as it is.

    Examples
    --------
    >>> prepare_text("India\u2019s farmers \u2013 today")
    "India's farmers - today"
    """
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKC", text)
    # A few str.replace scans beat str.translate with a dict table on non-ASCII text.
    for old, new in _REPLACEMENTS:
        if old in text:
            text = text.replace(old, new)
    return text


def light_tokens(text: str) -> list[str]:
    """Lower-cased word tokens, without sentence splitting: fast enough for millions of texts.

    Examples
    --------
    >>> light_tokens("India\u2019s farmers \u2013 1,178 accounts")
    ["india's", 'farmers', '1,178', 'accounts']
    """
    return _TOKEN_RE.findall(prepare_text(text).lower())


def immutable_tokens(text: str) -> list[str]:
    """Names and numbers in text order: what spinners keep (Zhang et al., DSpin, 2014).

    A name is a capitalised word that does not start a sentence and is not a
    function word; a number is any token with a digit.

    Examples
    --------
    >>> immutable_tokens("The deal was agreed by Twitter in New Delhi on February 4.")
    ['twitter', 'new', 'delhi', 'february', '4']
    """
    prepared = prepare_text(text)
    out: list[str] = []
    previous_end = 0
    for m in _TOKEN_RE.finditer(prepared):
        word = m.group()
        gap = prepared[previous_end : m.start()].strip()
        sentence_start = previous_end == 0 or (gap[-1:] in _SENTENCE_END if gap else False)
        sentence_start = sentence_start or "\n" in prepared[previous_end : m.start()]
        previous_end = m.end()
        lower = word.lower()
        if any(c.isdigit() for c in word) or (
            word[:1].isupper()
            and not sentence_start
            and lower not in STOPWORDS
            and lower not in FUNCTION_WORDS
        ):
            out.append(lower)
    return out


# A capitalised word after a space that follows anything but a sentence end.
_NAME_RE = re.compile(r"(?<=[^.!?\"\s] )[A-Z]\w*(?:['\-]\w+)*")


def analyze(text: str) -> tuple[list[str], list[str]]:
    """Lower-cased tokens, and the names of the text, with regular expressions only.

    Tokens are those of :func:`light_tokens`. Names are capitalised words that follow
    a space after a character that does not end a sentence (so not sentence-initial)
    and are not function words: nearly :func:`immutable_tokens` without the numbers,
    which :func:`numbers_of` takes from the tokens.

    Examples
    --------
    >>> analyze("On Monday Twitter said 1,178 accounts were removed.")
    (['on', 'monday', 'twitter', 'said', '1,178', 'accounts', 'were', 'removed'], ['monday', 'twitter'])
    """
    prepared = prepare_text(text)
    tokens: list[str] = _TOKEN_RE.findall(prepared.lower())
    skip = NOT_NAMES
    names = [w for w in map(str.lower, _NAME_RE.findall(prepared)) if w not in skip]
    return tokens, names


def numbers_of(tokens: Sequence[str], digit_mask: np.ndarray | None = None) -> list[str]:
    """The tokens that contain a digit."""
    mask = mark_digits(tokens) if digit_mask is None else digit_mask
    return [t for t, m in zip(tokens, mask.tolist(), strict=True) if m]


def skeleton_of(tokens: Sequence[str]) -> list[str]:
    """The skeleton (see :func:`skeleton_tokens`) of already lower-cased tokens."""
    out: list[str] = []
    for word in tokens:
        if word in FUNCTION_WORDS or is_number(word):
            out.append(word)
        elif not out or out[-1] != "*":
            out.append("*")
    return out


def skeleton_tokens(text: str) -> list[str]:
    """The text's skeleton: function words and numbers kept, each run of other words one ``*``.

    This masks what a spinner swaps (content words, single or as phrases) and keeps
    what it leaves alone, in order: the "text distortion" of Stamatatos (2017,
    "Authorship attribution using text distortion"), which masks every word outside
    a list of frequent words. Shingles of the skeleton match between a text and its
    spun copy while independent texts share almost none.

    Examples
    --------
    >>> skeleton_tokens("The minister said the new laws were fair to 1,178 farmers.")
    ['the', '*', 'the', '*', 'were', '*', 'to', '1,178', '*']
    >>> skeleton_tokens("The expertise minister mentioned the latest legal guidelines were fair to 1,178 farmers.")
    ['the', '*', 'the', '*', 'were', '*', 'to', '1,178', '*']
    """
    return skeleton_of(light_tokens(text))


_PRIME = np.uint64(0x100000001B3)
#: Weights of a token's bytes in its hash, ``P**(i + 1)`` for byte ``i`` (``P`` the FNV
#: prime); bytes past the last weight share it.
BYTE_WEIGHTS = np.cumprod(np.full(64, _PRIME, dtype=np.uint64), dtype=np.uint64)


def token_hashes(tokens: Sequence[str]) -> np.ndarray:
    """Stable 64-bit hashes of tokens, computed for all tokens at once.

    Each token's hash is a position-weighted sum of its UTF-8 bytes (weights are
    powers of the FNV prime, wrapping mod 2**64), finished with MurmurHash3's 64-bit
    finaliser: no per-token Python call, and the same in every process.

    Examples
    --------
    >>> h = token_hashes(["said", "mentioned", "said"])
    >>> bool(h[0] == h[2]), bool(h[0] == h[1])
    (True, False)
    """
    if not tokens:
        return np.empty(0, dtype=np.uint64)
    data = np.frombuffer("\n".join(tokens).encode("utf-8", "surrogatepass"), dtype=np.uint8)
    breaks = np.flatnonzero(data == 10)
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [len(data)]))
    keep = np.ones(len(data), dtype=bool)
    keep[breaks] = False
    lengths = ends - starts
    compact_starts = starts - np.arange(len(starts))  # separators removed
    owner = np.repeat(np.arange(len(starts)), lengths)
    position = np.arange(len(owner)) - compact_starts[owner]
    powers = BYTE_WEIGHTS[np.minimum(position, len(BYTE_WEIGHTS) - 1)]
    with np.errstate(over="ignore"):
        weighted = (data[keep].astype(np.uint64) + np.uint64(1)) * powers
        sums = np.add.reduceat(weighted, compact_starts)
        return fmix64(sums ^ (lengths.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)))


def fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser on a ``uint64`` array (wrapping arithmetic)."""
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser on a ``uint32`` array (wrapping arithmetic)."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def shingle_hashes(tokens: Sequence[str], k: int) -> np.ndarray:
    """Distinct 32-bit hashes of the token ``k``-grams (one gram when shorter than ``k``).

    Examples
    --------
    >>> a = shingle_hashes(["a", "b", "c", "d"], 2)
    >>> b = shingle_hashes(["x", "a", "b"], 2)
    >>> len(a), len(np.intersect1d(a, b))
    (3, 1)
    """
    return gram_hashes(token_hashes(tokens), k)


def gram_hashes(t: np.ndarray, k: int, keep: np.ndarray | None = None) -> np.ndarray:
    """Distinct 32-bit hashes of the ``k``-grams of a sequence of token hashes.

    ``keep``, if given, has one flag per gram (``len(t) - k + 1`` of them) saying
    which grams to hash.
    """
    n = len(t)
    if not n:
        return np.empty(0, dtype=np.uint32)
    width = min(k, n)
    with np.errstate(over="ignore"):
        h = t[: n - width + 1].copy()
        for i in range(1, width):
            h = h * GRAM_BASE + t[i : n - width + 1 + i]
        h = fmix64(h + np.uint64(width))
    if keep is not None and width == k:
        h = h[keep]
    return np.unique((h & _MASK32).astype(np.uint32))


def skeleton_gram_hashes(skeleton: np.ndarray, k: int) -> np.ndarray:
    """Hashes of the skeleton's ``k``-grams that hold at least one informative word.

    A word is informative unless it is a star or one of :data:`COMMON_FUNCTION_WORDS`.

    Examples
    --------
    >>> generic = skeleton_hashes(["the", "x", "of", "the", "y"])
    >>> len(skeleton_gram_hashes(generic, 5))
    0
    >>> specific = skeleton_hashes(["the", "x", "were", "the", "y"])
    >>> len(skeleton_gram_hashes(specific, 5))
    1
    """
    n = len(skeleton)
    if n < k:
        return gram_hashes(skeleton, k)
    informative = ~np.isin(skeleton, _common_hashes()) & (skeleton != star_hash())
    counts = np.convolve(informative.astype(np.int64), np.ones(k, dtype=np.int64), mode="valid")
    return gram_hashes(skeleton, k, counts > 0)


@lru_cache(maxsize=1)
def _common_hashes() -> np.ndarray:
    return np.unique(token_hashes(sorted(COMMON_FUNCTION_WORDS)))


def skeleton_hashes(
    tokens: Sequence[str], t: np.ndarray | None = None, digit_mask: np.ndarray | None = None
) -> np.ndarray:
    """Token hashes of the skeleton (see :func:`skeleton_tokens`), computed with arrays.

    Examples
    --------
    >>> toks = ["the", "minister", "said", "the", "new", "laws"]
    >>> bool((skeleton_hashes(toks) == token_hashes(["the", "*", "the", "*"])).all())
    True
    """
    if t is None:
        t = token_hashes(tokens)
    if not len(t):
        return t
    keep = np.isin(t, _function_word_hashes()) | (
        mark_digits(tokens) if digit_mask is None else digit_mask
    )
    out = np.where(keep, t, star_hash())
    # Collapse runs of masked words into one star.
    drop = np.zeros(len(out), dtype=bool)
    drop[1:] = (~keep[1:]) & (~keep[:-1])
    return out[~drop]


def mark_digits(tokens: Sequence[str]) -> np.ndarray:
    """Per token, whether it holds an ASCII digit."""
    if not tokens:
        return np.zeros(0, dtype=bool)
    data = np.frombuffer("\n".join(tokens).encode("utf-8", "surrogatepass"), dtype=np.uint8)
    digit = ((data >= 48) & (data <= 57)).astype(np.int64)
    breaks = np.flatnonzero(data == 10)
    starts = np.concatenate(([0], breaks + 1))
    return np.add.reduceat(digit, starts) > 0 if len(data) else np.zeros(len(tokens), dtype=bool)


@lru_cache(maxsize=1)
def star_hash() -> np.uint64:
    """The token hash of ``*``, the skeleton's mask for a run of content words."""
    return token_hashes(["*"])[0]


@lru_cache(maxsize=1)
def _function_word_hashes() -> np.ndarray:
    return np.unique(token_hashes(sorted(FUNCTION_WORDS)))


class MinHasher:
    """MinHash signatures for batches of documents, datasketch ``affine32``-compatible.

    Parameters
    ----------
    num_perm : int
        Number of permutations (signature length).
    seed : int
        Seed of the permutation parameters (``numpy.random.RandomState``).

    Examples
    --------
    >>> mh = MinHasher(num_perm=16)
    >>> sig = mh.signatures([shingle_hashes(["a", "b", "c"], 2), shingle_hashes(["a", "b", "c"], 2)])
    >>> sig.shape, bool((sig[:, 0] == sig[:, 1]).all())
    ((16, 2), True)
    """

    def __init__(self, num_perm: int = 128, seed: int = 1, *, block_shingles: int = 8192) -> None:
        if num_perm < 1:
            raise ConfigError(f"num_perm must be >= 1, got {num_perm}")
        self.num_perm = num_perm
        self.seed = seed
        self.block_shingles = block_shingles
        gen = np.random.RandomState(seed)
        a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
        b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
        self.a_ = a.reshape(-1, 1)
        self.b_ = b.reshape(-1, 1)

    def signatures(self, hash_sets: Sequence[np.ndarray]) -> np.ndarray:
        """Signatures of a batch: ``uint32`` array of shape (num_perm, len(hash_sets)).

        A document without shingles gets the all-maximum signature.
        """
        out = np.full((self.num_perm, len(hash_sets)), 0xFFFFFFFF, dtype=np.uint32)
        present = [i for i, h in enumerate(hash_sets) if len(h)]
        # Blocks of documents with at most `block_shingles` shingles between them keep
        # the (permutations x shingles) array small enough for the cache.
        block: list[int] = []
        size = 0
        for i in present:
            block.append(i)
            size += len(hash_sets[i])
            if size >= self.block_shingles:
                self._fill(out, hash_sets, block)
                block, size = [], 0
        if block:
            self._fill(out, hash_sets, block)
        return out

    def _fill(self, out: np.ndarray, hash_sets: Sequence[np.ndarray], block: list[int]) -> None:
        lengths = np.array([len(hash_sets[i]) for i in block])
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        hv = fmix32(np.concatenate([hash_sets[i] for i in block]).astype(np.uint32))
        with np.errstate(over="ignore"):
            permuted = hv[np.newaxis, :] * self.a_ + self.b_  # (num_perm, shingles)
        out[:, block] = np.minimum.reduceat(permuted, starts, axis=1)
