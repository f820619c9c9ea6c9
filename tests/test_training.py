"""Training is reproducible, and the shipped model is what training writes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from detector.compare.classifier import DEFAULT_MODEL_PATH, VerdictModel
from detector.errors import InputError
from detector.lab.training import FEATURES, fit_temperature, fit_verdict_model, measures_for_split
from detector.models import MEASURE_NAMES

REPO = Path(__file__).resolve().parent.parent
PAIRS = REPO / "corpus" / "pairs.jsonl"
ARTICLES = REPO / "corpus" / "articles.jsonl"


@pytest.fixture(scope="module")
def splits():
    return {s: measures_for_split(PAIRS, ARTICLES, s, jobs=2)[:2] for s in ("train", "dev")}


def test_retraining_reproduces_the_shipped_artifact(splits):
    from detector.lab.training import corpus_digest

    artifact = fit_verdict_model(
        *splits["train"],
        *splits["dev"],
        meta={"corpus_sha256": corpus_digest(ARTICLES, PAIRS), "spinners": "all"},
    )
    shipped = json.loads(DEFAULT_MODEL_PATH.read_text(encoding="utf-8"))
    assert artifact == shipped


def test_training_twice_gives_the_same_artifact(splits):
    assert fit_verdict_model(*splits["train"], *splits["dev"]) == fit_verdict_model(
        *splits["train"], *splits["dev"]
    )


def test_model_probabilities_match_scikit_learn(splits):
    """The NumPy inference of the artifact agrees with the fitted estimator it came from."""
    from sklearn.linear_model import LogisticRegression

    rows, labels = splits["train"]
    artifact = fit_verdict_model(rows, labels, *splits["dev"])
    model = VerdictModel(artifact)
    x = np.array([[r.get(f, artifact["fill"][f]) for f in FEATURES] for r in rows])
    z = (x - np.array(artifact["mean"])) / np.array(artifact["scale"])
    clf = LogisticRegression()
    clf.classes_ = np.arange(len(artifact["labels"]))
    clf.coef_ = np.array(artifact["coef"])
    clf.intercept_ = np.array(artifact["intercept"])
    expected = clf.predict_proba(z)
    got = np.array([[model.probabilities(r)[lab] for lab in artifact["labels"]] for r in rows])
    np.testing.assert_allclose(got, expected, atol=1e-9)


def test_the_artifact_is_plain_json_without_pickle():
    text = DEFAULT_MODEL_PATH.read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["features"] == list(FEATURES)
    assert {"coef", "intercept", "mean", "scale", "labels"} <= data.keys()


def test_temperature_is_never_below_one():
    logits = np.array([[5.0, -5.0], [-5.0, 5.0]])
    assert fit_temperature(logits, np.array([0, 1])) == pytest.approx(1.0, abs=1e-6)
    noisy = np.array([[5.0, -5.0], [5.0, -5.0], [-5.0, 5.0]])
    assert fit_temperature(noisy, np.array([0, 1, 1])) > 1.5


def test_features_are_every_measure_in_order():
    assert FEATURES == MEASURE_NAMES
    assert FEATURES[0] == "shingle_jaccard" and FEATURES[-1] == "synonym_share"


ROW = dict.fromkeys(FEATURES, 0.5)


@pytest.mark.parametrize(
    ("train", "dev", "message"),
    [
        (
            ["spun", "copied"],
            ["spun"],
            "label 'copied' in the train split is not a verdict; labels are duplicate, "
            "near_duplicate, spun, rewrite, related, unrelated",
        ),
        (
            ["spun", "spun"],
            ["spun"],
            "the train split needs pairs of at least two labels to fit a model, got ['spun']",
        ),
        (
            ["spun", "related"],
            ["unrelated"],
            "label 'unrelated' is in the dev split but not in the train split; "
            "train has spun, related",
        ),
    ],
    ids=["unknown-label", "one-label", "dev-label-unseen"],
)
def test_unusable_labels_are_input_errors(train, dev, message):
    with pytest.raises(InputError) as caught:
        fit_verdict_model([ROW] * len(train), train, [ROW] * len(dev), dev)
    assert str(caught.value) == message
