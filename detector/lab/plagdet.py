"""PAN's plagdet measure of passage detection.

Potthast, Stein, Barrón-Cedeño & Rosso (2010), "An Evaluation Framework for Plagiarism
Detection", COLING 2010: character-level macro precision and recall, granularity, and
plagdet = F1 / log2(1 + granularity). The edge cases (no cases, no detections, nothing
detected) follow the conventions of PAN's own evaluation script.

A *case* (a true reuse) and a *detection* (what a detector reports) are both a pair of
half-open character ranges ``((source_start, source_end), (suspicious_start,
suspicious_end))``. They are given per document pair: a detection can only detect a case
of its own document pair.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

#: A half-open character range ``(start, end)``.
Range = tuple[int, int]
#: A case or a detection: ``(source range, suspicious range)``.
Span = tuple[Range, Range]


@dataclass(frozen=True)
class Plagdet:
    """Plagdet and its parts over a set of document pairs.

    Attributes
    ----------
    precision, recall : float
        Character-level macro precision (mean over detections) and recall (mean over cases).
    granularity : float
        Mean number of detections that detect a case, over the detected cases; 1 when no
        case is detected.
    plagdet : float
        ``F1 / log2(1 + granularity)``; 0 when precision and recall are both 0.
    cases, detections, detected_cases : int
        How many of each the figures rest on.
    """

    precision: float
    recall: float
    granularity: float
    plagdet: float
    cases: int
    detections: int
    detected_cases: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _check(span: Span) -> None:
    for start, end in span:
        if not 0 <= start < end:
            raise ValueError(f"a range must be (start, end) with 0 <= start < end, got {span}")


def _overlaps(x: Range, y: Range) -> bool:
    return x[0] < y[1] and y[0] < x[1]


def detects(detection: Span, case: Span) -> bool:
    """True when ``detection`` overlaps ``case`` in both the source and the suspicious text.

    Examples
    --------
    >>> detects(((0, 10), (50, 60)), ((5, 20), (55, 70)))
    True
    >>> detects(((0, 10), (50, 60)), ((5, 20), (60, 70)))  # touches, does not overlap
    False
    """
    return _overlaps(detection[0], case[0]) and _overlaps(detection[1], case[1])


def _covered(target: Range, others: Sequence[Range]) -> int:
    """Characters of ``target`` inside the union of ``others``."""
    clipped = sorted(
        (max(s, target[0]), min(e, target[1])) for s, e in others if _overlaps((s, e), target)
    )
    total, reach = 0, target[0]
    for start, end in clipped:
        start = max(start, reach)
        if end > start:
            total += end - start
            reach = end
    return total


def _coverage(target: Span, hits: Sequence[Span]) -> float:
    """Share of ``target``'s characters (both texts together) covered by ``hits``."""
    if not hits:
        return 0.0
    covered = _covered(target[0], [h[0] for h in hits]) + _covered(target[1], [h[1] for h in hits])
    return covered / ((target[0][1] - target[0][0]) + (target[1][1] - target[1][0]))


def plagdet(cases: Sequence[Sequence[Span]], detections: Sequence[Sequence[Span]]) -> Plagdet:
    """Plagdet of ``detections`` against ``cases``, macro averaged over all document pairs.

    Parameters
    ----------
    cases, detections : sequence of sequences of Span
        One entry per document pair, in the same order: the true cases of that pair and
        the detections reported for it, each ``((source_start, source_end),
        (suspicious_start, suspicious_end))``. A pair without reuse has no cases.

    Returns
    -------
    Plagdet

    Notes
    -----
    A detection *r* detects a case *s* when they overlap in both texts. Writing
    ``s ⊓ r`` for the characters they share when *r* detects *s* (nothing otherwise) and
    ``|s|`` for the characters of *s* in both texts (Potthast et al. 2010, section 3):

    * recall = mean over cases *s* of ``|∪_r (s ⊓ r)| / |s|``;
    * precision = mean over detections *r* of ``|∪_s (s ⊓ r)| / |r|``;
    * granularity = mean over detected cases of the number of detections detecting it.

    Examples
    --------
    One case found whole in the source but only half of it in the suspicious text, by
    two detections:

    >>> case = ((0, 100), (1000, 1100))
    >>> found = [((0, 50), (1000, 1025)), ((50, 100), (1025, 1050))]
    >>> score = plagdet([[case]], [found])
    >>> score.recall, score.precision, score.granularity
    (0.75, 1.0, 2.0)
    >>> round(score.plagdet, 4)
    0.5408
    """
    if len(cases) != len(detections):
        raise ValueError(
            f"cases and detections must list the same document pairs, got {len(cases)} "
            f"and {len(detections)}"
        )
    for span in (s for pair in (*cases, *detections) for s in pair):
        _check(span)
    recalls, precisions, per_case = [], [], []
    for pair_cases, pair_detections in zip(cases, detections, strict=True):
        for case in pair_cases:
            hits = [r for r in pair_detections if detects(r, case)]
            recalls.append(_coverage(case, hits))
            per_case.append(len(hits))
        for detection in pair_detections:
            hits = [s for s in pair_cases if detects(detection, s)]
            precisions.append(_coverage(detection, hits))
    n_cases, n_detections = len(recalls), len(precisions)
    if n_cases == 0 and n_detections == 0:
        precision = recall = 1.0  # nothing to find and nothing reported
    elif n_cases == 0 or n_detections == 0:
        precision = recall = 0.0
    else:
        precision, recall = sum(precisions) / n_detections, sum(recalls) / n_cases
    detected = [n for n in per_case if n > 0]
    granularity = sum(detected) / len(detected) if detected else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return Plagdet(
        precision=precision,
        recall=recall,
        granularity=granularity,
        plagdet=f1 / math.log2(1 + granularity),
        cases=n_cases,
        detections=n_detections,
        detected_cases=len(detected),
    )
