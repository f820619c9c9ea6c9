"""The evaluation gate: the test split's figures must not fall below the pinned floors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detector.lab.corpus import iter_pairs, load_articles
from detector.lab.evaluate import run_pairs, score_predictions, spinner_group
from detector.lab.training import corpus_digest

REPO = Path(__file__).resolve().parent.parent
FLOORS = json.loads((REPO / "tests" / "eval_floors.json").read_text(encoding="utf-8"))
ARTICLES = REPO / "corpus" / "articles.jsonl"
PAIRS = REPO / "corpus" / "pairs.jsonl"


@pytest.fixture(scope="module")
def report():
    results = run_pairs(iter_pairs(PAIRS, split=FLOORS["split"]), load_articles(ARTICLES), jobs=2)
    assert not [r for _, r in results if "error" in r]
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
