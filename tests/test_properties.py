"""Property tests (hypothesis): measure ranges, symmetry, normalisation and raw offsets."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from detector import Comparison, compare
from detector.compare.classifier import load_default_model
from detector.compare.pipeline import measure
from detector.compare.tfidf import char_wb_counts, pair_cosine
from detector.compare.verdict import RuleVerdict
from detector.models import MEASURE_NAMES, Measures
from detector.text.normalize import Document, normalize, normalize_text

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ----------------------------------------------------------------------------- strategies

WORDS = [
    "the", "a", "of", "in", "and", "was", "were", "it", "by", "on", "that", "said",
    "council", "minister", "farmers", "protest", "giant", "large", "company", "government",
    "Monday", "Twitter", "India’s", "New", "Delhi", "Oslo", "Mr.", "U.S.", "café", "ﬁnal",
    "naïve", "1,178", "6.2%", "3", "2024", "–", "—", "well-known", "don’t",
]  # fmt: skip
OPENERS = ["", "", "", "", "“", '"', "("]
CLOSERS = ["", "", "", "", "", ",", ".", ".", "!", "?", ";", ":", "”", ".”", ")", "’", "..."]
SEPARATORS = [" "] * 8 + ["  ", "\t", "\u00a0", "\n", "\n\n", "\n\n\n", " \n "]

word = st.tuples(st.sampled_from(OPENERS), st.sampled_from(WORDS), st.sampled_from(CLOSERS)).map(
    "".join
)
piece = st.tuples(word, st.sampled_from(SEPARATORS))


def _render(pieces: list[tuple[str, str]]) -> str:
    return "".join(w + s for w, s in pieces)


articles = st.lists(piece, max_size=70).map(_render)


@st.composite
def derived_pairs(draw: st.DrawFn) -> tuple[str, str]:
    """An article and a copy with some words swapped and maybe its end trimmed."""
    pieces = draw(st.lists(piece, min_size=8, max_size=70))
    copy = list(pieces)
    for index, new in draw(
        st.lists(st.tuples(st.integers(0, len(pieces) - 1), word), max_size=len(pieces) // 3 + 1)
    ):
        copy[index] = (new, copy[index][1])
    copy = copy[: draw(st.integers(len(copy) // 2, len(copy)))]
    a, b = _render(pieces), _render(copy)
    return (b, a) if draw(st.booleans()) else (a, b)


pairs = st.one_of(derived_pairs(), derived_pairs(), st.tuples(articles, articles))

SYMMETRIC = (
    "shingle_jaccard",
    "word_jaccard",
    "word_tfidf_cosine",
    "char_tfidf_cosine",
    "stopword_containment",
    "entity_overlap",
    "entity_jaccard",
)


# ----------------------------------------------------------------------------- measures


@SETTINGS
@given(pairs, st.booleans())
def test_measures_lie_in_unit_interval(pair: tuple[str, str], lexicon: bool) -> None:
    """``measure`` does not clamp, so this checks the computation itself."""
    measures, _, _ = measure(normalize(pair[0]), normalize(pair[1]), lexicon=lexicon)
    assert isinstance(measures, Measures)
    assert list(measures) == [n for n in MEASURE_NAMES if lexicon or n != "synonym_share"]
    for name, value in measures.items():
        assert isinstance(value, float), name
        assert 0.0 <= value <= 1.0, name


@SETTINGS
@given(pairs)
def test_verdict_scores_lie_in_unit_interval(pair: tuple[str, str]) -> None:
    """Both verdict makers, before ``compare``'s safety net clamps the score."""
    measures, _, _ = measure(normalize(pair[0]), normalize(pair[1]))
    _, rule_score = RuleVerdict().decide(measures)
    assert 0.0 <= rule_score <= 1.0
    model = load_default_model()
    assert model is not None
    _, model_score = model.decide(measures)
    assert 0.0 <= model_score <= 1.0 + 1e-12  # a sum of probabilities, rounded
    assert 0.0 <= compare(*pair).score <= 1.0


@SETTINGS
@given(articles, articles)
def test_character_cosine_lies_in_unit_interval_before_the_scorer_clamps(a: str, b: str) -> None:
    """The scorers clamp cosines only against rounding: unclamped they are within 1e-12."""
    cosine = pair_cosine(char_wb_counts(normalize(a).text), char_wb_counts(normalize(b).text))
    assert -1e-12 <= cosine <= 1.0 + 1e-12


@SETTINGS
@given(pairs)
def test_symmetric_measures_are_symmetric(pair: tuple[str, str]) -> None:
    a, b = pair
    ab, ba = compare(a, b).measures, compare(b, a).measures
    for name in SYMMETRIC:
        assert ab[name] == pytest.approx(ba[name], abs=1e-9), name
    assert ab["containment_a"] == ba["containment_b"]
    assert ab["containment_b"] == ba["containment_a"]


# ----------------------------------------------------------------------------- normalisation


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), articles))
@example("  India\u2019s  \u201cfarmers\u201d \u2013 protest\n\n\nNext ")
@example("\ufb01ne\u00a0print\u00ad e\u0301\u0301 \u1100\u1161\u11a8")
def test_normalize_text_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), articles))
def test_document_text_is_normalized(text: str) -> None:
    doc = normalize(text)
    assert normalize_text(doc.text) == doc.text
    assert len(doc.offsets) == len(doc.text) + 1
    assert doc.offsets[-1] == len(text)


# ----------------------------------------------------------------------------- raw offsets


def _check_token_spans(doc: Document, *, exact: bool = True) -> None:
    """Each token's raw span is in range and normalises to the token.

    With ``exact=False`` the normalised raw slice need only contain the token: on
    arbitrary text a token can lie inside the NFKC expansion of one raw character
    (U+2474 becomes "(1)"), and no raw slice is exactly "1".
    """
    for tok in doc.tokens:
        start, end = doc.raw_span(tok.start, tok.end)
        assert 0 <= start < end <= len(doc.raw)
        clean = normalize_text(doc.raw[start:end])
        if exact:
            assert clean == doc.text[tok.start : tok.end]
        else:
            assert doc.text[tok.start : tok.end] in clean


@settings(max_examples=200, deadline=None)
@given(articles)
def test_raw_span_of_tokens_round_trips_on_articles(text: str) -> None:
    _check_token_spans(normalize(text))


@settings(max_examples=200, deadline=None)
@given(st.text())
@example("the cafe\u0301 opened")
def test_raw_span_of_tokens_round_trips_on_any_text(text: str) -> None:
    _check_token_spans(normalize(text), exact=False)


@pytest.mark.parametrize(
    "text",
    [
        "the café opened",
        "a \ufb01nal vote",
        "India\u2019s \u201cfarmers\u201d",
        "NFKC\u00a0space  and\ttabs",
        "date 2021-02-08\n\nOSLO (Reuters) - Prices rose 6.2%.\nReporting by A. Writer",
        "the cafe\u0301 opened",
        "rates rose 5\u00bd percent",
    ],
    ids=[
        "composed-accent",
        "ligature",
        "curly-quotes",
        "odd-spaces",
        "boilerplate",
        "decomposed-accent",
        "vulgar-fraction",
    ],
)
def test_raw_span_of_tokens_examples(text: str) -> None:
    _check_token_spans(normalize(text))


def _covered_clean_text(doc: Document, start: int, end: int) -> str | None:
    """Clean text of the sentences whose raw spans make up ``[start, end)``; None if none do."""
    spans = [doc.raw_span(s, e) for s, e in doc.sentences]
    covered = [i for i, (rs, re_) in enumerate(spans) if start <= rs and re_ <= end]
    if not covered or spans[covered[0]][0] != start or spans[covered[-1]][1] != end:
        return None
    first, last = doc.sentences[covered[0]], doc.sentences[covered[-1]]
    return doc.text[first[0] : last[1]]


def _check_raw_range(doc: Document, start: int, end: int) -> None:
    raw = doc.raw
    assert 0 <= start < end <= len(raw)
    piece = raw[start:end]
    assert piece.strip()
    assert not piece[0].isspace() and not piece[-1].isspace()
    clean = _covered_clean_text(doc, start, end)
    assert clean is not None, "the range is not a run of whole sentences"
    if not any(start < rs < end for _, rs, _ in doc.removed):
        assert normalize_text(piece) == clean


def _check_comparison_offsets(a: str, b: str, result: Comparison) -> None:
    doc_a, doc_b = normalize(a), normalize(b)
    for sub in result.substitutions:
        assert a[sub.a_start : sub.a_start + len(sub.a_text)] == sub.a_text
        assert b[sub.b_start : sub.b_start + len(sub.b_text)] == sub.b_text
        assert sub.a_text.strip() and sub.b_text.strip()
    for span in [*result.passages, *result.sentence_pairs]:
        _check_raw_range(doc_a, span.a_start, span.a_end)
        _check_raw_range(doc_b, span.b_start, span.b_end)
    for edit in result.edits:
        raw = a if edit.side == "a" else b
        assert raw[edit.start : edit.start + len(edit.text)] == edit.text


@SETTINGS
@given(pairs)
def test_evidence_offsets_point_into_raw_inputs(pair: tuple[str, str]) -> None:
    a, b = pair
    _check_comparison_offsets(a, b, compare(a, b))


def test_evidence_offsets_on_a_spun_example() -> None:
    a = (
        "date 2021-02-08\n\nNEW DELHI (Reuters) \u2013 Officials said the giant firm was "
        "fined on Monday.\n\nOfficials said it would appeal, the company\u2019s lawyer added."
    )
    b = (
        "Officials  mentioned the large firm was fined on Monday.\n\n\n"
        "Officials mentioned it would appeal, the corporate\u2019s lawyer added."
    )
    result = compare(a, b)
    assert {(s.a_text, s.b_text) for s in result.substitutions} >= {
        ("said", "mentioned"),
        ("giant", "large"),
    }
    _check_comparison_offsets(a, b, result)
