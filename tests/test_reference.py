"""The scorers against plain reference implementations (hand-computed sets, scikit-learn, naive loops)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from detector.compare.align import longest_increasing
from detector.compare.shingle import ngrams
from detector.compare.similarity import (
    char_tfidf_cosine,
    containment,
    jaccard,
    overlap_coefficient,
    shingle_containment,
    shingle_jaccard,
    word_tfidf_cosine,
)
from detector.compare.tfidf import DenseTfidf, char_wb_ngrams
from detector.errors import ConfigError
from detector.text.normalize import normalize
from detector.text.wordlists import FUNCTION_WORDS

SETTINGS = settings(max_examples=60, deadline=None)

# ----------------------------------------------------------------------------- set measures

SET_CASES = [
    # a, b, jaccard, containment(a, b), containment(b, a), overlap coefficient
    ({1, 2, 3}, {2, 3, 4}, Fraction(2, 4), Fraction(2, 3), Fraction(2, 3), Fraction(2, 3)),
    ({1, 2}, {2, 3, 4}, Fraction(1, 4), Fraction(1, 2), Fraction(1, 3), Fraction(1, 2)),
    ({1, 2}, {1, 2}, 1, 1, 1, 1),
    ({1, 2}, {3, 4}, 0, 0, 0, 0),
    ({"a"}, {"a", "b", "c", "d"}, Fraction(1, 4), 1, Fraction(1, 4), 1),
    (set(), {1}, 0, 0, 0, 0),
    (set(), set(), 0, 0, 0, 0),
]


@pytest.mark.parametrize(
    ("a", "b", "jac", "con_ab", "con_ba", "overlap"),
    SET_CASES,
    ids=[
        "overlap-2-of-4",
        "subset-ish",
        "equal",
        "disjoint",
        "singleton-in-4",
        "empty-a",
        "both-empty",
    ],
)
def test_set_measures_by_hand(
    a: set[object], b: set[object], jac: float, con_ab: float, con_ba: float, overlap: float
) -> None:
    assert jaccard(a, b) == pytest.approx(float(jac))
    assert jaccard(b, a) == pytest.approx(float(jac))
    assert containment(a, b) == pytest.approx(float(con_ab))
    assert containment(b, a) == pytest.approx(float(con_ba))
    assert overlap_coefficient(a, b) == pytest.approx(float(overlap))


def _ref_counts(a: set[int], b: set[int]) -> tuple[int, int]:
    inter = sum(1 for x in a if x in b)
    union = len(a) + sum(1 for x in b if x not in a)
    return inter, union


small_sets = st.sets(st.integers(0, 12), max_size=10)


@SETTINGS
@given(small_sets, small_sets)
def test_set_measures_match_counting_loops(a: set[int], b: set[int]) -> None:
    inter, union = _ref_counts(a, b)
    assert jaccard(a, b) == (inter / union if union else 0.0)
    assert containment(a, b) == (inter / len(a) if a else 0.0)
    smaller = min(len(a), len(b))
    assert overlap_coefficient(a, b) == (inter / smaller if smaller else 0.0)


# ----------------------------------------------------------------------------- n-grams


def _ngrams_loop(items: list[str], n: int) -> set[tuple[str, ...]]:
    if not items:
        return set()
    if len(items) < n:
        return {tuple(items)}
    out = set()
    for i in range(len(items) - n + 1):
        gram = []
        for j in range(n):
            gram.append(items[i + j])
        out.add(tuple(gram))
    return out


@SETTINGS
@given(st.lists(st.sampled_from("abcde"), max_size=15), st.integers(1, 6))
def test_ngrams_match_naive_loop(items: list[str], n: int) -> None:
    assert ngrams(items, n) == _ngrams_loop(items, n)


@pytest.mark.parametrize(
    ("n", "message"),
    [
        (0, "n must be a positive integer, got 0"),
        (-1, "n must be a positive integer, got -1"),
        (2.5, "n must be a positive integer, got 2.5"),
        (True, "n must be a positive integer, got True"),
    ],
    ids=["zero", "negative", "float", "bool"],
)
def test_ngrams_rejects_what_is_not_a_positive_integer(n: object, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        ngrams(["a", "b"], n)  # type: ignore[arg-type]
    assert str(caught.value) == message


plain_words = st.lists(st.sampled_from(["alpha", "beta", "gamma", "delta", "eps"]), max_size=14)


@SETTINGS
@given(plain_words, plain_words, st.integers(1, 5))
def test_shingle_scores_match_hand_computed_sets(a: list[str], b: list[str], k: int) -> None:
    """On lower-case words separated by spaces, the tokens are the words themselves."""
    sa, sb = _ngrams_loop(a, k), _ngrams_loop(b, k)
    inter, union = len(sa & sb), len(sa | sb)
    text_a, text_b = " ".join(a), " ".join(b)
    assert shingle_jaccard(text_a, text_b, k=k) == pytest.approx(inter / union if union else 0.0)
    assert shingle_containment(text_a, text_b, k=k) == pytest.approx(inter / len(sa) if sa else 0.0)


# ----------------------------------------------------------------------------- TF-IDF


def _cosines(matrix: np.ndarray) -> np.ndarray:
    result: np.ndarray = matrix @ matrix.T
    return result


def _sklearn_matrix(vectorizer: TfidfVectorizer, docs: list[str]) -> np.ndarray:
    result: np.ndarray = vectorizer.fit_transform(docs).toarray()
    return result


vocab_docs = st.lists(
    st.lists(st.sampled_from(["ant", "bee", "cat", "dog", "eel", "fox", "gnu"]), max_size=12).map(
        " ".join
    ),
    min_size=1,
    max_size=6,
).filter(lambda docs: any(docs))


@SETTINGS
@given(vocab_docs, st.booleans())
def test_dense_tfidf_matches_sklearn_with_callable_analyzer(
    docs: list[str], sublinear: bool
) -> None:
    ours = DenseTfidf(analyzer=str.split, sublinear_tf=sublinear).fit(docs)
    theirs = TfidfVectorizer(analyzer=str.split, sublinear_tf=sublinear)
    expected = _sklearn_matrix(theirs, docs)
    # Same vocabulary and IDF, term by term.
    assert set(ours.vocabulary_) == set(theirs.vocabulary_)
    for term, col in theirs.vocabulary_.items():
        assert ours.idf_[ours.vocabulary_[term]] == pytest.approx(theirs.idf_[col], abs=1e-12)
    # Same vectors once columns are put in the same order, hence the same cosines.
    got = ours.transform(docs)
    order = [ours.vocabulary_[t] for t in sorted(theirs.vocabulary_, key=theirs.vocabulary_.get)]
    np.testing.assert_allclose(got[:, order], expected, atol=1e-12)
    np.testing.assert_allclose(_cosines(got), _cosines(expected), atol=1e-9)


char_docs = st.lists(
    st.lists(st.sampled_from([*"abcAB éﬁ-'.\n\t", "  "]), max_size=30).map("".join),
    min_size=1,
    max_size=5,
).filter(lambda docs: any(d.split() for d in docs))


@SETTINGS
@given(char_docs, st.booleans())
def test_char_wb_tfidf_matches_sklearn(docs: list[str], sublinear: bool) -> None:
    ours = DenseTfidf(analyzer=lambda t: char_wb_ngrams(str(t), 3, 5), sublinear_tf=sublinear)
    theirs = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=sublinear)
    np.testing.assert_allclose(
        _cosines(ours.fit_transform(docs)), _cosines(_sklearn_matrix(theirs, docs)), atol=1e-9
    )


@SETTINGS
@given(
    st.lists(st.sampled_from([*"abcXYZ é1", "  ", "\n", "\t"]), max_size=40).map("".join),
    st.integers(1, 4),
    st.integers(0, 3),
)
def test_char_wb_ngrams_match_sklearn_analyzer(text: str, lo: int, extra: int) -> None:
    hi = lo + extra
    analyzer = TfidfVectorizer(analyzer="char_wb", ngram_range=(lo, hi)).build_analyzer()
    assert char_wb_ngrams(text, lo, hi) == analyzer(text)


article_words = st.lists(
    st.sampled_from(
        ["The", "council", "said", "farmers", "protested", "on", "Monday", "in", "Oslo", "laws"]
    ),
    min_size=1,
    max_size=12,
)
article_text = st.lists(
    article_words.map(lambda ws: " ".join(ws) + "."), min_size=1, max_size=4
).map(" ".join)


def _identity(tokens: object) -> object:
    return tokens


@SETTINGS
@given(article_text, article_text)
def test_word_tfidf_cosine_matches_sklearn(a: str, b: str) -> None:
    """Content-word stems; IDF fitted on both texts and the sentences of both."""
    da, db = normalize(a), normalize(b)

    def content(tokens: object) -> list[str]:
        return [t.stem for t in tokens if t.lower not in FUNCTION_WORDS]  # type: ignore[attr-defined]

    doc_a, doc_b = content(da.tokens), content(db.tokens)
    sentences = [content(s) for s in (*da.sentence_tokens(), *db.sentence_tokens())]
    if not doc_a and not doc_b:
        expected = 0.0
    else:
        vectorizer = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
        vectorizer.fit([doc_a, doc_b, *sentences])
        m = vectorizer.transform([doc_a, doc_b]).toarray()
        expected = min(1.0, float(m[0] @ m[1]))
    assert word_tfidf_cosine(a, b) == pytest.approx(expected, abs=1e-9)


@SETTINGS
@given(article_text, article_text)
def test_char_tfidf_cosine_matches_sklearn(a: str, b: str) -> None:
    texts = [normalize(a).text, normalize(b).text]
    m = _sklearn_matrix(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True), texts
    )
    assert char_tfidf_cosine(a, b) == pytest.approx(min(1.0, float(m[0] @ m[1])), abs=1e-9)


# ----------------------------------------------------------------------------- alignment order


def _lis_quadratic(values: list[int]) -> int:
    """Longest strictly increasing subsequence by the textbook O(n^2) DP."""
    best = [1] * len(values)
    for i in range(len(values)):
        for j in range(i):
            if values[j] < values[i]:
                best[i] = max(best[i], best[j] + 1)
    return max(best, default=0)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], 0),
        ([5], 1),
        ([1, 2, 3], 3),
        ([3, 2, 1], 1),
        ([2, 2, 2], 1),
        ([0, 8, 4, 12, 2, 10, 6, 14], 4),
    ],
    ids=["empty", "one", "increasing", "decreasing", "equal", "classic"],
)
def test_longest_increasing_by_hand(values: list[int], expected: int) -> None:
    assert longest_increasing(values) == expected
    assert _lis_quadratic(values) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-5, 15), max_size=25))
def test_longest_increasing_matches_quadratic_dp(values: list[int]) -> None:
    assert longest_increasing(values) == _lis_quadratic(values)
