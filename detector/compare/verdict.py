"""From measures to a verdict: label, score and reasons.

Two verdict makers share one interface, ``decide(measures) -> (label, score)``:

* :class:`RuleVerdict`: documented thresholds, below. Always available.
* the calibrated model (:mod:`detector.compare.classifier`), trained on the labelled corpus.

The rules, in order (``cov_max`` is the coverage of the more-covered text, i.e. how
much of the shorter text lines up; ``identity`` the share of aligned tokens unchanged):

1. ``duplicate``: identity >= 0.97 and both coverages >= 0.95.
2. ``near_duplicate``: identity >= 0.85 and cov_max >= 0.6.
3. ``spun``: cov_max >= 0.5, sentence order kept (>= 0.8), identity >= 0.35,
   in-frame swaps >= 8 % of aligned tokens and >= 50 % of all changes.
4. ``rewrite``: cov_max >= 0.35 and the two texts share their names and numbers
   (entity overlap >= 0.5) and wording (word TF-IDF cosine >= 0.5).
5. ``related``: word TF-IDF cosine >= 0.2 or entity overlap >= 0.3.
6. ``unrelated`` otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from detector.models import DERIVED_VERDICTS, Measures

__all__ = ["RuleVerdict", "describe"]


@dataclass(frozen=True)
class RuleVerdict:
    """The rule-based verdict maker; thresholds are parameters (see module docstring)."""

    duplicate_identity: float = 0.97
    duplicate_coverage: float = 0.95
    near_identity: float = 0.85
    near_coverage: float = 0.6
    spun_coverage: float = 0.5
    spun_order: float = 0.8
    spun_identity: float = 0.35
    spun_substitution_rate: float = 0.08
    spun_in_frame: float = 0.5
    rewrite_coverage: float = 0.35
    rewrite_entities: float = 0.5
    rewrite_cosine: float = 0.5
    related_cosine: float = 0.2
    related_entities: float = 0.3

    name = "rules"

    def decide(self, measures: Mapping[str, float]) -> tuple[str, float]:
        """Label and score in [0, 1] from the measures (see :func:`detector.compare.pipeline`).

        A plain mapping (measures read back from JSON) is read with missing measures as 0.

        Examples
        --------
        >>> RuleVerdict().decide({"coverage_a": 1.0, "coverage_b": 1.0, "token_identity": 1.0})
        ('duplicate', 1.0)
        """
        m = measures if isinstance(measures, Measures) else Measures.from_mapping(measures)
        cov_max, cov_min = max(m.coverage_a, m.coverage_b), min(m.coverage_a, m.coverage_b)
        identity = m.token_identity
        if identity >= self.duplicate_identity and cov_min >= self.duplicate_coverage:
            return "duplicate", 0.9 + 0.1 * identity * cov_min
        if identity >= self.near_identity and cov_max >= self.near_coverage:
            return "near_duplicate", 0.8 + 0.1 * identity * cov_max
        if (
            cov_max >= self.spun_coverage
            and m.order >= self.spun_order
            and identity >= self.spun_identity
            and m.substitution_rate >= self.spun_substitution_rate
            and m.in_frame_share >= self.spun_in_frame
        ):
            return "spun", 0.6 + 0.3 * cov_max * m.in_frame_share
        cosine, entities = m.word_tfidf_cosine, m.entity_overlap
        if (
            cov_max >= self.rewrite_coverage
            and entities >= self.rewrite_entities
            and cosine >= self.rewrite_cosine
        ):
            return "rewrite", 0.5 + 0.3 * cov_max * cosine
        if self.relation(m) == "related":
            return "related", 0.15 + 0.3 * cosine * cov_max
        return "unrelated", 0.15 * cosine

    def relation(self, measures: Mapping[str, float]) -> str:
        """``"related"`` or ``"unrelated"`` for a pair that is not derived (rule 5).

        Examples
        --------
        >>> RuleVerdict().relation({"word_tfidf_cosine": 0.35, "entity_overlap": 0.6})
        'related'
        """
        m = measures if isinstance(measures, Measures) else Measures.from_mapping(measures)
        if m.word_tfidf_cosine >= self.related_cosine or m.entity_overlap >= self.related_entities:
            return "related"
        return "unrelated"


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def describe(verdict: str, m: Measures, examples: list[str], repeated: list[str]) -> list[str]:
    """Short reasons a person can read, from the measures behind a verdict.

    Examples
    --------
    >>> m = Measures.from_mapping({"word_tfidf_cosine": 0.02, "entity_overlap": 0.0})
    >>> describe("unrelated", m, [], [])
    ['The texts share almost no vocabulary (word TF-IDF cosine 0.02) and no names or numbers.']
    """
    reasons: list[str] = []
    cov_a, cov_b = m.coverage_a, m.coverage_b
    if verdict in ("duplicate", "near_duplicate"):
        reasons.append(
            f"{_pct(m.token_identity)} of aligned words are identical; "
            f"{_pct(cov_a)} of a and {_pct(cov_b)} of b line up."
        )
        if verdict == "near_duplicate":
            reasons.append(
                "The differences are edits around an unchanged text (trims, headline, furniture)."
            )
    if verdict == "spun":
        reasons.append(
            f"Sentences line up in order ({_pct(m.order)} in sequence), covering "
            f"{_pct(cov_a)} of a and {_pct(cov_b)} of b."
        )
        reasons.append(
            f"Inside aligned sentences {_pct(m.substitution_rate)} of words were swapped "
            f"one-for-one in an unchanged frame ({_pct(m.in_frame_share)} of all changes)"
            + (f", e.g. {', '.join(examples[:4])}." if examples else ".")
        )
        if repeated:
            reasons.append(f"Swaps are consistent: {', '.join(repeated[:3])}.")
        if m.synonym_share is not None:
            reasons.append(f"{_pct(m.synonym_share)} of swaps are thesaurus synonyms (WordNet).")
        reasons.append(f"Names and numbers are kept ({_pct(m.entities_kept)} of them).")
    if verdict == "rewrite":
        reasons.append(
            f"The texts tell the same facts (word TF-IDF cosine {m.word_tfidf_cosine:.2f}, "
            f"{_pct(m.entity_overlap)} of names and numbers shared) and "
            f"{_pct(max(cov_a, cov_b))} of the shorter text lines up with the other, "
            "but in new wording and structure."
        )
    if verdict == "related":
        reasons.append(
            f"Same subject (word TF-IDF cosine {m.word_tfidf_cosine:.2f}, "
            f"{_pct(m.entity_overlap)} of names and numbers shared), "
            f"but only {_pct(max(cov_a, cov_b))} of the text lines up: independent reporting."
        )
    if verdict == "unrelated":
        shared = "no" if m.entity_overlap == 0 else "few"
        reasons.append(
            f"The texts share almost no vocabulary (word TF-IDF cosine "
            f"{m.word_tfidf_cosine:.2f}) and {shared} names or numbers."
        )
    if verdict in DERIVED_VERDICTS and verdict != "duplicate" and m.shingle_jaccard < 0.2:
        reasons.append(
            f"Word 5-gram Jaccard is only {m.shingle_jaccard:.2f}: "
            "shingle-based deduplication would miss this pair."
        )
    return reasons
