"""Similarity measures between two articles, each a value in [0, 1].

Every scorer shares one signature, ``score(a, b, *, score_cutoff=None) -> float``
(as rapidfuzz's scorers do): ``a`` and ``b`` are raw strings or normalised
:class:`~detector.text.normalize.Document` objects; a result below ``score_cutoff`` is
reported as 0.0. :func:`cdist` is the batch form.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from detector.compare.shingle import entity_set, stopword_ngrams, word_shingles
from detector.compare.tfidf import DenseTfidf, char_wb_counts, pair_cosine
from detector.text.normalize import Document, normalize
from detector.text.wordlists import FUNCTION_WORDS

__all__ = [
    "cdist",
    "char_tfidf_cosine",
    "containment",
    "entity_overlap",
    "jaccard",
    "shingle_containment",
    "shingle_jaccard",
    "stopword_containment",
    "word_tfidf_cosine",
]

TextLike = str | Document


def _doc(x: TextLike) -> Document:
    return x if isinstance(x, Document) else normalize(x)


def _cut(value: float, score_cutoff: float | None) -> float:
    value = min(1.0, max(0.0, float(value)))
    if score_cutoff is not None and value < score_cutoff:
        return 0.0
    return value


def jaccard(a: set[Any], b: set[Any]) -> float:
    """Jaccard similarity ``|a & b| / |a | b|`` of two sets (two empty sets: 0.0).

    Examples
    --------
    >>> jaccard({1, 2, 3}, {2, 3, 4})
    0.5
    """
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


def containment(a: set[Any], b: set[Any]) -> float:
    """Share of ``a`` found in ``b``: ``|a & b| / |a|`` (empty ``a``: 0.0).

    Examples
    --------
    >>> containment({1, 2}, {2, 3, 4})
    0.5
    """
    if not a:
        return 0.0
    return len(a & b) / len(a)


def overlap_coefficient(a: set[Any], b: set[Any]) -> float:
    """``|a & b| / min(|a|, |b|)``: containment of the smaller set (Szymkiewicz-Simpson)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def shingle_jaccard(
    a: TextLike, b: TextLike, *, k: int = 5, score_cutoff: float | None = None
) -> float:
    """Jaccard similarity of word ``k``-shingles (Broder 1997).

    Examples
    --------
    >>> shingle_jaccard("the cat sat on the mat today", "the cat sat on the mat today")
    1.0
    """
    return _cut(jaccard(word_shingles(_doc(a), k), word_shingles(_doc(b), k)), score_cutoff)


def shingle_containment(
    a: TextLike, b: TextLike, *, k: int = 5, score_cutoff: float | None = None
) -> float:
    """Share of ``a``'s word ``k``-shingles that occur in ``b`` (not symmetric).

    Examples
    --------
    >>> shingle_containment("one two three", "one two three four five", k=2)
    1.0
    """
    return _cut(containment(word_shingles(_doc(a), k), word_shingles(_doc(b), k)), score_cutoff)


def stopword_containment(
    a: TextLike, b: TextLike, *, n: int = 6, score_cutoff: float | None = None
) -> float:
    """Overlap of function-word ``n``-grams, relative to the smaller profile (Stamatatos 2011).

    Examples
    --------
    >>> a = "It was clear that the minister of the party was in the city for the talks"
    >>> b = "It was plain that the expert of the group was in the town for the meeting"
    >>> stopword_containment(a, b, n=4)
    1.0
    """
    return _cut(
        overlap_coefficient(stopword_ngrams(_doc(a), n), stopword_ngrams(_doc(b), n)),
        score_cutoff,
    )


def entity_overlap(a: TextLike, b: TextLike, *, score_cutoff: float | None = None) -> float:
    """Overlap of names and numbers relative to the smaller set.

    Examples
    --------
    >>> entity_overlap("Twitter met India on Monday.", "On Monday, Twitter met India again.")
    1.0
    """
    return _cut(overlap_coefficient(entity_set(_doc(a)), entity_set(_doc(b))), score_cutoff)


def _identity(tokens: object) -> list[str]:
    return tokens  # type: ignore[return-value]


def tfidf_cosine_matrix(
    left: Sequence[list[str]], right: Sequence[list[str]], *, fit_on: Iterable[list[str]] = ()
) -> np.ndarray:
    """Cosine similarities of TF-IDF vectors of pre-tokenised texts.

    The IDF is fitted on ``left + right`` plus ``fit_on``. With l2-normalised rows
    the cosine is a dot product.
    """
    corpus = [*left, *right, *fit_on]
    if not any(corpus):
        return np.zeros((len(left), len(right)))
    m = DenseTfidf(analyzer=_identity, sublinear_tf=True).fit_transform(corpus)
    n_left, n_right = len(left), len(right)
    lm, rm = m[:n_left], m[n_left : n_left + n_right]
    # Rows are already l2-normalised, so only terms on both sides add to a dot product.
    # einsum over those columns avoids BLAS, whose threads cost more than they save
    # on matrices this small (and fight the scan's worker processes for the cores).
    shared = lm.any(axis=0) & rm.any(axis=0)
    product = np.einsum("ik,jk->ij", lm[:, shared], rm[:, shared])
    result: np.ndarray = np.clip(product, 0.0, 1.0)
    return result


def word_tfidf_cosine(a: TextLike, b: TextLike, *, score_cutoff: float | None = None) -> float:
    """Cosine of content-word (stem) TF-IDF vectors; IDF is fitted on the sentences of both texts.

    Function words are left out: with only two texts to fit the IDF on they keep a
    weight of at least 1 and make any two articles look alike.

    Examples
    --------
    >>> round(word_tfidf_cosine("Farmers protest new laws.", "Farmers protest new laws."), 6)
    1.0
    """
    da, db = _doc(a), _doc(b)
    sentences = [
        [t.stem for t in s if t.lower not in FUNCTION_WORDS]
        for s in (*da.sentence_tokens(), *db.sentence_tokens())
    ]
    m = tfidf_cosine_matrix(
        [[t.stem for t in da.tokens if t.lower not in FUNCTION_WORDS]],
        [[t.stem for t in db.tokens if t.lower not in FUNCTION_WORDS]],
        fit_on=sentences,
    )
    return _cut(m[0, 0], score_cutoff)


def char_tfidf_cosine(
    a: TextLike,
    b: TextLike,
    *,
    ngram_range: tuple[int, int] = (3, 5),
    score_cutoff: float | None = None,
) -> float:
    """Cosine of character n-gram TF-IDF vectors (within word boundaries).

    Examples
    --------
    >>> char_tfidf_cosine("abc def", "xyz uvw")
    0.0
    """
    da, db = _doc(a), _doc(b)
    if not da.text.strip() or not db.text.strip():
        return 0.0
    lo, hi = ngram_range
    # Two documents only: counting n-grams is all TF-IDF needs (see tfidf.pair_cosine).
    return _cut(
        pair_cosine(char_wb_counts(da.text, lo, hi), char_wb_counts(db.text, lo, hi)), score_cutoff
    )


Scorer = Callable[..., float]


def cdist(
    queries: Sequence[TextLike],
    choices: Sequence[TextLike],
    *,
    scorer: Scorer = shingle_jaccard,
    score_cutoff: float | None = None,
    **kwargs: Any,
) -> np.ndarray:
    """All-pairs scores: ``result[i, j] = scorer(queries[i], choices[j])``.

    Examples
    --------
    >>> cdist(["a b c d e f", "x y z"], ["a b c d e f"], scorer=shingle_jaccard, k=2)
    array([[1.],
           [0.]])
    """
    qd = [_doc(q) for q in queries]
    cd = [_doc(c) for c in choices]
    out = np.zeros((len(qd), len(cd)))
    for i, q in enumerate(qd):
        for j, c in enumerate(cd):
            out[i, j] = scorer(q, c, score_cutoff=score_cutoff, **kwargs)
    return out
