"""Measure the detector on labelled pairs: per-label precision/recall/F1, macro-F1,
the confusion matrix, and the binary "derived" F1 (derived = duplicate,
near_duplicate, spun, rewrite; not derived = related, unrelated).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from detector.errors import InputError
from detector.models import DERIVED_VERDICTS, VERDICTS

__all__ = ["EvaluationReport", "run_pairs", "score_predictions"]


@dataclass(frozen=True)
class EvaluationReport:
    """Figures for one evaluation run; ``to_dict()`` is the ``eval --json`` shape."""

    per_label: dict[str, dict[str, float]]
    macro_f1: float
    derived_f1: float
    confusion: dict[str, dict[str, int]]
    n: int
    related_called_derived: float | None
    groups: dict[str, dict[str, float]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "per_label": self.per_label,
            "macro_f1": self.macro_f1,
            "derived_f1": self.derived_f1,
            "confusion": self.confusion,
            "related_called_derived": self.related_called_derived,
            "groups": self.groups,
        }


def score_predictions(
    gold: Sequence[str], predicted: Sequence[str], groups: Sequence[str | None] | None = None
) -> EvaluationReport:
    """Score predicted labels against gold labels (figures from :mod:`sklearn.metrics`).

    Labels that occur in neither list are left out; macro-F1 averages the labels
    with gold pairs. ``groups`` (optional, one per pair, e.g. which spinner made it)
    adds recall per group for the pairs whose gold label is ``spun``, and precision
    of ``spun`` predictions restricted to that group plus every non-spun pair.

    Raises
    ------
    InputError
        The lists differ in length, or a label is not a verdict.

    Examples
    --------
    >>> r = score_predictions(["spun", "related", "spun"], ["spun", "spun", "spun"])
    >>> r.per_label["spun"]["precision"], r.per_label["spun"]["recall"], r.related_called_derived
    (0.6667, 1.0, 1.0)
    """
    if len(gold) != len(predicted) or (groups is not None and len(groups) != len(gold)):
        sizes = f"{len(gold)} gold and {len(predicted)} predicted labels"
        if groups is not None:
            sizes += f" and {len(groups)} groups"
        raise InputError(f"need one gold label, one prediction and one group per pair, got {sizes}")
    unknown = next((v for v in (*gold, *predicted) if v not in VERDICTS), None)
    if unknown is not None:
        raise InputError(f"label {unknown!r} is not a verdict; labels are {', '.join(VERDICTS)}")
    labels = [v for v in VERDICTS if v in set(gold) | set(predicted)]
    per_label: dict[str, dict[str, float]] = {}
    confusion: dict[str, dict[str, int]] = {}
    macro_f1 = derived_f1 = 0.0
    if labels:
        from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

        # Every verdict as a column (a 1 x 1 matrix draws a warning), then the ones in use.
        counts = confusion_matrix(gold, predicted, labels=list(VERDICTS))
        precision, recall, f1, support = precision_recall_fscore_support(
            gold, predicted, labels=list(VERDICTS), zero_division=0
        )
        rows = [VERDICTS.index(label) for label in labels]
        confusion = {VERDICTS[i]: {VERDICTS[j]: int(counts[i, j]) for j in rows} for i in rows}
        for i in rows:
            per_label[VERDICTS[i]] = {
                "precision": round(float(precision[i]), 4),
                "recall": round(float(recall[i]), 4),
                "f1": round(float(f1[i]), 4),
                "support": int(support[i]),
            }
        with_gold = [float(f1[i]) for i in rows if support[i]]
        macro_f1 = sum(with_gold) / len(with_gold) if with_gold else 0.0
        derived = precision_recall_fscore_support(
            [g in DERIVED_VERDICTS for g in gold],
            [p in DERIVED_VERDICTS for p in predicted],
            labels=[True],
            zero_division=0,
        )
        derived_f1 = float(derived[2][0])
    related = [p for g, p in zip(gold, predicted, strict=True) if g == "related"]
    group_figures: dict[str, dict[str, float]] = {}
    if groups is not None:
        for name in sorted({g for g in groups if g}):
            idx = [i for i, g in enumerate(groups) if g == name and gold[i] == "spun"]
            others = [i for i, g in enumerate(gold) if g != "spun"]
            if not idx:
                continue
            hits = sum(predicted[i] == "spun" for i in idx)
            false = sum(predicted[i] == "spun" for i in others)
            group_figures[name] = {
                "spun_recall": round(hits / len(idx), 4),
                "spun_precision": round(hits / (hits + false), 4) if hits + false else 0.0,
                "support": len(idx),
            }
    return EvaluationReport(
        per_label=per_label,
        macro_f1=round(macro_f1, 4),
        derived_f1=round(derived_f1, 4),
        confusion=confusion,
        n=len(gold),
        related_called_derived=(
            round(sum(p in DERIVED_VERDICTS for p in related) / len(related), 4)
            if related
            else None
        ),
        groups=group_figures,
    )


def spinner_group(made_by: str | None) -> str | None:
    """The spinner named in a pair's ``made_by`` (``spinner:wordnet ...`` -> ``wordnet``)."""
    if not made_by:
        return None
    if made_by.startswith("spinner:"):
        return made_by.split()[0].split(":", 1)[1]
    if made_by.startswith("seed"):
        return "seed"
    return None


def run_pairs(
    pairs: Iterable[dict[str, Any]],
    articles: dict[str, dict[str, Any]],
    *,
    jobs: int | None = None,
    **options: Any,
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Compare every labelled pair; return (pair, result dict) in input order."""
    from detector.compare.batch import compare_records
    from detector.inputs.jsonl import JsonlRecord
    from detector.lab.corpus import resolve_pair

    pairs = list(pairs)
    records = []
    for i, pair in enumerate(pairs):
        a, b = resolve_pair(pair, articles)
        records.append(JsonlRecord(pair.get("line", i + 1), {"id": i, "a": a, "b": b}))
    results = list(compare_records(records, jobs=jobs, **options))
    return list(zip(pairs, results, strict=True))
