"""The evaluation gate: the test split's figures must not fall below the pinned floors."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.errors import InputError
from detector.lab.corpus import iter_pairs, load_articles
from detector.lab.evaluate import run_pairs, score_predictions, spinner_group
from detector.lab.training import corpus_digest
from detector.models import DERIVED_VERDICTS, VERDICTS

REPO = Path(__file__).resolve().parent.parent
FLOORS = json.loads((REPO / "tests" / "eval_floors.json").read_text(encoding="utf-8"))
ARTICLES = REPO / "corpus" / "articles.jsonl"
PAIRS = REPO / "corpus" / "pairs.jsonl"


@pytest.fixture(scope="module")
def results():
    found = run_pairs(iter_pairs(PAIRS, split=FLOORS["split"]), load_articles(ARTICLES), jobs=2)
    assert not [r for _, r in found if "error" in r]
    return found


@pytest.fixture(scope="module")
def report(results):
    return score_predictions(
        [p["label"] for p, _ in results],
        [r["verdict"] for _, r in results],
        [spinner_group(p.get("made_by")) for p, _ in results],
    )


def test_floors_are_pinned_to_this_corpus():
    assert corpus_digest(ARTICLES, PAIRS) == FLOORS["corpus_sha256"], (
        "the corpus changed: re-measure the test split and update tests/eval_floors.json "
        "(floors only go up)"
    )


@pytest.mark.parametrize("name", ["macro_f1", "derived_f1"])
def test_overall_figures_hold(report, name):
    assert getattr(report, name) >= FLOORS["floors"][name]


def test_spun_precision_and_recall_hold(report):
    spun = report.per_label["spun"]
    assert spun["recall"] >= FLOORS["floors"]["spun_recall"]
    assert spun["precision"] >= FLOORS["floors"]["spun_precision"]


def test_each_spinner_is_caught(report):
    assert {"wordnet", "moby"} <= set(report.groups)
    for name, figures in report.groups.items():
        assert figures["spun_recall"] >= FLOORS["floors"]["spun_recall_per_spinner"], name


def test_related_pairs_are_rarely_called_derived(report):
    assert report.related_called_derived is not None
    assert report.related_called_derived <= FLOORS["ceilings"]["related_called_derived"]


# ----------------------------------------------------------------------------- the figures


def _reference(gold: list[str], predicted: list[str]) -> dict[str, object]:
    """Per-label precision/recall/F1 by counting, exact with fractions, rounded at the end."""
    labels = [v for v in VERDICTS if v in set(gold) | set(predicted)]
    per_label = {}
    f1s = []
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        called = sum(p == label for p in predicted)
        support = sum(g == label for g in gold)
        precision = Fraction(tp, called) if called else Fraction(0)
        recall = Fraction(tp, support) if support else Fraction(0)
        f1 = Fraction(2 * tp, called + support) if called + support else Fraction(0)
        per_label[label] = {
            "precision": round(float(precision), 4),
            "recall": round(float(recall), 4),
            "f1": round(float(f1), 4),
            "support": support,
        }
        if support:
            f1s.append(float(f1))
    derived = [
        (g in DERIVED_VERDICTS, p in DERIVED_VERDICTS) for g, p in zip(gold, predicted, strict=True)
    ]
    tp = sum(g and p for g, p in derived)
    total = sum(g for g, _ in derived) + sum(p for _, p in derived)
    return {
        "per_label": per_label,
        "macro_f1": round(sum(f1s) / len(f1s), 4) if f1s else 0.0,
        "derived_f1": round(float(Fraction(2 * tp, total)), 4) if total else 0.0,
        "confusion": {
            g: {
                p: sum(x == g and y == p for x, y in zip(gold, predicted, strict=True))
                for p in labels
            }
            for g in labels
        },
    }


def test_figures_by_hand():
    gold = ["spun", "spun", "spun", "related", "related", "unrelated"]
    predicted = ["spun", "spun", "rewrite", "spun", "related", "unrelated"]
    report = score_predictions(gold, predicted, ["moby", "wordnet", "moby", None, None, None])
    # spun: 2 of 3 called spun are spun, 2 of 3 spun found; F1 = 2 * 2 / (3 + 3)
    assert report.per_label["spun"] == {
        "precision": 0.6667,
        "recall": 0.6667,
        "f1": 0.6667,
        "support": 3,
    }
    assert report.per_label["rewrite"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
    assert report.per_label["related"] == {
        "precision": 1.0,
        "recall": 0.5,
        "f1": 0.6667,
        "support": 2,
    }
    assert report.per_label["unrelated"] == {
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
        "support": 1,
    }
    assert list(report.per_label) == ["spun", "rewrite", "related", "unrelated"]
    # macro over labels with gold pairs: (2/3 + 2/3 + 1) / 3
    assert report.macro_f1 == 0.7778
    # derived: gold 3, predicted 4 (one related called spun), 3 hits -> 2 * 3 / (3 + 4)
    assert report.derived_f1 == 0.8571
    assert report.confusion["spun"] == {"spun": 2, "rewrite": 1, "related": 0, "unrelated": 0}
    assert report.confusion["related"] == {"spun": 1, "rewrite": 0, "related": 1, "unrelated": 0}
    assert report.related_called_derived == 0.5
    assert report.groups == {
        "moby": {"spun_recall": 0.5, "spun_precision": 0.5, "support": 2},
        "wordnet": {"spun_recall": 1.0, "spun_precision": 0.5, "support": 1},
    }


def test_the_shipped_test_split_figures_match_counting_by_hand(results):
    """sklearn.metrics gives the test split's figures exactly as counting the pairs does."""
    gold = [p["label"] for p, _ in results]
    predicted = [r["verdict"] for _, r in results]
    assert len(gold) == 217
    figures = score_predictions(gold, predicted).to_dict()
    assert {k: figures[k] for k in ("per_label", "macro_f1", "derived_f1", "confusion")} == (
        _reference(gold, predicted)
    )


labels = st.sampled_from(VERDICTS)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(labels, labels), max_size=40))
def test_figures_match_counting_by_hand(pairs):
    gold, predicted = [g for g, _ in pairs], [p for _, p in pairs]
    figures = score_predictions(gold, predicted).to_dict()
    assert {k: figures[k] for k in ("per_label", "macro_f1", "derived_f1", "confusion")} == (
        _reference(gold, predicted)
    )


@pytest.mark.parametrize(
    ("gold", "predicted", "groups", "message"),
    [
        (
            ["spun"],
            [],
            None,
            "need one gold label, one prediction and one group per pair, "
            "got 1 gold and 0 predicted labels",
        ),
        (
            ["spun"],
            ["spun"],
            [],
            "need one gold label, one prediction and one group per pair, "
            "got 1 gold and 1 predicted labels and 0 groups",
        ),
        (
            ["copied"],
            ["spun"],
            None,
            "label 'copied' is not a verdict; labels are duplicate, near_duplicate, spun, "
            "rewrite, related, unrelated",
        ),
    ],
    ids=["lengths", "groups-length", "unknown-label"],
)
def test_bad_labels_are_input_errors(gold, predicted, groups, message):
    with pytest.raises(InputError) as caught:
        score_predictions(gold, predicted, groups)
    assert str(caught.value) == message


def test_no_pairs_give_empty_figures():
    report = score_predictions([], [])
    assert report.per_label == {} and report.confusion == {}
    assert report.macro_f1 == report.derived_f1 == 0.0
    assert report.related_called_derived is None
