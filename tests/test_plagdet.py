"""detector.lab.plagdet against a brute-force version over sets of characters."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.lab.plagdet import Span, detects, plagdet


def _chars(span: Span) -> set[tuple[str, int]]:
    (s0, s1), (t0, t1) = span
    return {("source", i) for i in range(s0, s1)} | {("suspicious", i) for i in range(t0, t1)}


def _brute_force(cases: list[list[Span]], detections: list[list[Span]]) -> tuple[float, ...]:
    """Potthast et al. (2010) read literally: every case and detection a set of characters."""

    def meet(s: Span, r: Span) -> set[tuple[str, int]]:
        sc, rc = _chars(s), _chars(r)
        in_both = any(k == "source" for k, _ in sc & rc) and any(
            k == "suspicious" for k, _ in sc & rc
        )
        return sc & rc if in_both else set()

    recalls, precisions, grains = [], [], []
    for pair_cases, pair_detections in zip(cases, detections, strict=True):
        for s in pair_cases:
            union = set().union(*(meet(s, r) for r in pair_detections))
            recalls.append(len(union) / len(_chars(s)))
            n = sum(bool(meet(s, r)) for r in pair_detections)
            if n:
                grains.append(n)
        for r in pair_detections:
            union = set().union(*(meet(s, r) for s in pair_cases))
            precisions.append(len(union) / len(_chars(r)))
    if not recalls and not precisions:
        prec = rec = 1.0
    elif not recalls or not precisions:
        prec = rec = 0.0
    else:
        prec, rec = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    gran = sum(grains) / len(grains) if grains else 1.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, gran, f1 / math.log2(1 + gran)


@st.composite
def _range(draw: st.DrawFn) -> tuple[int, int]:
    start = draw(st.integers(0, 40))
    return start, start + draw(st.integers(1, 25))


_span = st.tuples(_range(), _range())
_pairs = st.lists(st.tuples(st.lists(_span, max_size=3), st.lists(_span, max_size=4)), max_size=4)


@settings(max_examples=300, deadline=None)
@given(_pairs)
def test_matches_brute_force(pairs: list[tuple[list[Span], list[Span]]]) -> None:
    cases = [c for c, _ in pairs]
    detections = [d for _, d in pairs]
    got = plagdet(cases, detections)
    want = _brute_force(cases, detections)
    assert (got.precision, got.recall, got.granularity, got.plagdet) == pytest.approx(want)
    assert 0.0 <= got.plagdet <= 1.0
    assert got.cases == sum(map(len, cases)) and got.detections == sum(map(len, detections))


CASE = ((100, 200), (1000, 1100))


@pytest.mark.parametrize(
    ("cases", "detections", "expected"),
    [
        pytest.param([[CASE]], [[CASE]], (1.0, 1.0, 1.0, 1.0), id="perfect"),
        pytest.param(
            [[CASE], [((0, 50), (0, 50))]],
            [[CASE], [((0, 50), (0, 50))]],
            (1.0, 1.0, 1.0, 1.0),
            id="perfect-two-pairs",
        ),
        pytest.param(
            [[CASE]],
            [[((100, 150), (1000, 1050)), ((150, 200), (1050, 1100))]],
            (1.0, 1.0, 2.0, 1 / math.log2(3)),
            id="split-in-two",
        ),
        pytest.param([[CASE]], [[]], (0.0, 0.0, 1.0, 0.0), id="no-detections"),
        pytest.param([[]], [[CASE]], (0.0, 0.0, 1.0, 0.0), id="detection-without-case"),
        pytest.param([[]], [[]], (1.0, 1.0, 1.0, 1.0), id="nothing-to-find"),
        pytest.param(
            [[CASE]], [[((100, 200), (0, 100))]], (0.0, 0.0, 1.0, 0.0), id="source-only-overlap"
        ),
        pytest.param(
            [[CASE], []],
            [[CASE], [((0, 10), (0, 10))]],
            (0.5, 1.0, 1.0, 2 * 0.5 / 1.5),
            id="false-detection-in-clean-pair",
        ),
        pytest.param(
            [[CASE]],
            [[((100, 300), (1000, 1100))]],
            (200 / 300, 1.0, 1.0, 2 * (2 / 3) / (5 / 3)),
            id="detection-too-long-in-source",
        ),
        pytest.param(
            [[CASE]],
            [[((0, 500), (1000, 1100))]],
            (200 / 600, 1.0, 1.0, 2 * (1 / 3) / (4 / 3)),
            id="detection-much-too-long",
        ),
    ],
)
def test_hand_worked(
    cases: list[list[Span]], detections: list[list[Span]], expected: tuple[float, ...]
) -> None:
    got = plagdet(cases, detections)
    assert (got.precision, got.recall, got.granularity, got.plagdet) == pytest.approx(expected)


def test_detection_only_counts_in_its_own_document_pair() -> None:
    # The same offsets in another pair detect nothing: recall of both cases is 1/2.
    got = plagdet([[CASE], [CASE]], [[CASE], []])
    assert got.recall == pytest.approx(0.5)
    assert got.precision == pytest.approx(1.0)
    assert got.detected_cases == 1


def test_overlapping_detections_are_not_counted_twice() -> None:
    got = plagdet([[CASE]], [[CASE, CASE]])
    assert got.recall == pytest.approx(1.0)
    assert got.granularity == pytest.approx(2.0)


def test_detects_needs_both_texts() -> None:
    assert detects(CASE, CASE)
    assert not detects(((100, 200), (0, 10)), CASE)
    assert not detects(((0, 100), (1000, 1100)), CASE)  # [0, 100) ends where the case starts


@pytest.mark.parametrize(
    ("cases", "detections"),
    [
        pytest.param([[((5, 5), (0, 1))]], [[]], id="empty-range"),
        pytest.param([[]], [[((0, 1), (9, 3))]], id="reversed-range"),
        pytest.param([[]], [[((-1, 1), (0, 3))]], id="negative"),
        pytest.param([[]], [], id="pair-counts-differ"),
    ],
)
def test_rejects_bad_input(cases: list[list[Span]], detections: list[list[Span]]) -> None:
    with pytest.raises(ValueError, match="got"):
        plagdet(cases, detections)
