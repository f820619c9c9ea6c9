"""Shingles: the sets of word n-grams, function-word n-grams and names/numbers of a text.

* Word k-shingles (Broder 1997) catch copies and light edits.
* Stopword n-grams (Stamatatos 2011) keep only the most frequent function words;
  synonym swaps leave those sequences largely intact, so they survive spinning.
* Names and numbers: spinners and rewriters keep them ("immutables", Zhang et al. 2014).
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral

from detector.errors import ConfigError
from detector.text.normalize import Document, Token
from detector.text.wordlists import STOPWORDS

__all__ = [
    "entity_set",
    "ngrams",
    "stopword_ngrams",
    "word_shingles",
]


def ngrams(items: Sequence[str], n: int) -> set[tuple[str, ...]]:
    """The set of contiguous ``n``-grams of ``items``; a shorter sequence gives one gram.

    Examples
    --------
    >>> sorted(ngrams(["a", "b", "c"], 2))
    [('a', 'b'), ('b', 'c')]
    >>> ngrams(["a"], 3)
    {('a',)}
    >>> ngrams([], 3)
    set()
    >>> ngrams(["a"], 0)
    Traceback (most recent call last):
    ...
    detector.errors.ConfigError: n must be a positive integer, got 0
    """
    if isinstance(n, bool) or not isinstance(n, Integral) or n < 1:
        raise ConfigError(f"n must be a positive integer, got {n!r}")
    if not items:
        return set()
    if len(items) < n:
        return {tuple(items)}
    return {tuple(items[i : i + n]) for i in range(len(items) - n + 1)}


def word_shingles(doc: Document, k: int = 5) -> set[tuple[str, ...]]:
    """Word ``k``-shingles of the lower-cased tokens."""
    return ngrams([t.lower for t in doc.tokens], k)


def stopword_ngrams(doc: Document, n: int = 6) -> set[tuple[str, ...]]:
    """``n``-grams of the text reduced to its function words (Stamatatos 2011).

    Examples
    --------
    >>> from detector.text.normalize import normalize
    >>> doc = normalize("It was the best of times and it was the worst of times")
    >>> sorted(stopword_ngrams(doc, n=3))[:2]
    [('and', 'it', 'was'), ('it', 'was', 'the')]
    """
    return ngrams([t.lower for t in doc.tokens if t.lower in STOPWORDS], n)


def is_entity(token: Token) -> bool:
    """Names and numbers: capitalised words inside a sentence, or tokens with digits."""
    return token.numeric or (token.capitalized and token.lower not in STOPWORDS)


def entity_set(doc: Document) -> set[str]:
    """Names (capitalised inside a sentence) and numbers of a document, lower-cased.

    Examples
    --------
    >>> from detector.text.normalize import normalize
    >>> sorted(entity_set(normalize("On Monday Twitter removed 1,178 accounts in India.")))
    ['1,178', 'india', 'monday', 'twitter']
    """
    return {t.lower for t in doc.tokens if is_entity(t)}
