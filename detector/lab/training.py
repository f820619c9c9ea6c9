"""Train the calibrated verdict model on the labelled corpus.

* Features: the comparison measures (:data:`FEATURES`), standardised.
* Classifier: multinomial logistic regression (scikit-learn), class weights
  balanced, regularisation strength ``C`` chosen on the dev split by macro-F1.
* Calibration: one temperature fitted on dev by log-loss (Guo et al. 2017,
  "On calibration of modern neural networks"), folded into the coefficients, so the
  artifact stays a plain linear model.

The artifact is JSON (feature names, scaler, coefficients, labels), rounded so that a
retrain on the same corpus writes the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from detector.errors import InputError
from detector.models import DERIVED_VERDICTS, MEASURE_NAMES, VERDICTS

__all__ = [
    "FEATURES",
    "corpus_digest",
    "examine_many",
    "examine_texts",
    "fit_temperature",
    "fit_verdict_model",
    "measures_for_split",
    "write_artifact",
]

#: Measures the model reads, in order: every measure of a comparison.
FEATURES: tuple[str, ...] = MEASURE_NAMES

C_GRID = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0)
SIGNIFICANT = 10


def corpus_digest(*paths: str | Path) -> str:
    """SHA-256 over the given files' bytes, in order."""
    h = hashlib.sha256()
    for p in paths:
        h.update(Path(p).read_bytes())
    return h.hexdigest()


def _matrix(rows: Sequence[Mapping[str, float]], fill: dict[str, float]) -> np.ndarray:
    return np.array([[r.get(f, fill.get(f, 0.0)) for f in FEATURES] for r in rows], dtype=float)


def examine_texts(a: str, b: str, lexicon: bool = True) -> dict[str, dict[str, float]]:
    """What ``compare`` weighs for two raw texts, in the canonical order it reads them.

    The measures are those the verdict maker sees (not mirrored back to the caller's
    order), so a model is fitted on exactly what it will be given.
    """
    from detector.compare.pipeline import examine
    from detector.text.normalize import normalize

    ex = examine(normalize(a), normalize(b), lexicon=lexicon)
    return {"measures": dict(ex.measures), "reuse": ex.reuse, "graded": ex.graded}


def examine_many(
    pairs: Sequence[tuple[str, str]], jobs: int | None, *, lexicon: bool = True
) -> list[dict[str, dict[str, float]]]:
    """:func:`examine_texts` of every pair on ``jobs`` processes, in order."""
    from detector.parallel import LocalEngine, ordered_map

    engine = LocalEngine(jobs)
    try:
        return list(ordered_map(engine, examine_texts, ((a, b, lexicon) for a, b in pairs)))
    finally:
        engine.close()


def measures_for_split(
    pairs_path: str | Path,
    articles_path: str | Path,
    split: str,
    *,
    jobs: int | None = None,
    lexicon: bool = True,
) -> tuple[list[dict[str, float]], list[str], list[dict[str, Any]]]:
    """Measures (as the verdict maker sees them), gold labels and the pairs of one split."""
    from detector.lab.corpus import iter_pairs, load_articles, resolve_pair

    articles = load_articles(articles_path)
    pairs = list(iter_pairs(pairs_path, split=split))
    found = examine_many([resolve_pair(p, articles) for p in pairs], jobs, lexicon=lexicon)
    return [f["measures"] for f in found], [p["label"] for p in pairs], pairs


def _round(x: float) -> float:
    return float(f"{x:.{SIGNIFICANT}g}")


def fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """The temperature T >= 1 minimising the log-loss of softmax(logits / T), by golden search.

    T is kept at 1 or above: on a dev split the model separates perfectly, log-loss
    keeps falling as T shrinks, and a sharpened model would be overconfident on
    real copy, which is noisier than the corpus. Calibration may only soften.
    """

    def loss(t: float) -> float:
        z = logits / t
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-logp[np.arange(len(y)), y].mean())

    lo, hi = 0.0, np.log(20.0)
    golden = (np.sqrt(5) - 1) / 2
    for _ in range(80):
        m1 = hi - golden * (hi - lo)
        m2 = lo + golden * (hi - lo)
        if loss(float(np.exp(m1))) < loss(float(np.exp(m2))):
            hi = m2
        else:
            lo = m1
    return float(np.exp((lo + hi) / 2))


def _check_labels(train_labels: Sequence[str], dev_labels: Sequence[str]) -> list[str]:
    """The train split's labels in verdict order, once each is known to be usable."""
    for split, given in (("train", train_labels), ("dev", dev_labels)):
        unknown = next((v for v in given if v not in VERDICTS), None)
        if unknown is not None:
            raise InputError(
                f"label {unknown!r} in the {split} split is not a verdict; "
                f"labels are {', '.join(VERDICTS)}"
            )
    labels = [v for v in VERDICTS if v in set(train_labels)]
    if len(labels) < 2:
        raise InputError(
            f"the train split needs pairs of at least two labels to fit a model, got {labels}"
        )
    unseen = next((v for v in dev_labels if v not in labels), None)
    if unseen is not None:
        raise InputError(
            f"label {unseen!r} is in the dev split but not in the train split; "
            f"train has {', '.join(labels)}"
        )
    return labels


def fit_verdict_model(
    train_rows: Sequence[Mapping[str, float]],
    train_labels: Sequence[str],
    dev_rows: Sequence[Mapping[str, float]],
    dev_labels: Sequence[str],
    *,
    meta: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Fit the model on train, choose C and the temperature on dev; return the artifact.

    Raises
    ------
    InputError
        A label is not a verdict, train holds fewer than two labels, or dev holds a
        label that train does not.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score, log_loss
    from sklearn.preprocessing import StandardScaler

    labels = _check_labels(train_labels, dev_labels)
    fill = {f: float(np.mean([r[f] for r in train_rows if f in r] or [0.0])) for f in FEATURES}
    fill = {f: _round(v) for f, v in fill.items()}
    x_train, x_dev = _matrix(train_rows, fill), _matrix(dev_rows, fill)
    y_train = np.array([labels.index(v) for v in train_labels])
    y_dev = np.array([labels.index(v) for v in dev_labels])
    scaler = StandardScaler().fit(x_train)
    scale = np.where(scaler.scale_ > 1e-12, scaler.scale_, 1.0)
    zt, zd = (x_train - scaler.mean_) / scale, (x_dev - scaler.mean_) / scale
    # C by dev macro-F1; ties (common: dev is small) go to the lower dev log-loss.
    best: tuple[float, float, float, Any] | None = None
    for c in C_GRID:
        clf = LogisticRegression(C=c, class_weight="balanced", max_iter=10_000, tol=1e-8)
        clf.fit(zt, y_train)
        f1 = round(float(f1_score(y_dev, clf.predict(zd), average="macro")), 6)
        loss = float(log_loss(y_dev, clf.predict_proba(zd), labels=list(range(len(labels)))))
        if best is None or (f1, -loss) > (best[0], -best[1]):
            best = (f1, loss, c, clf)
    assert best is not None
    dev_f1, _, c, clf = best
    temperature = fit_temperature(zd @ clf.coef_.T + clf.intercept_, y_dev)
    artifact: dict[str, Any] = {
        "kind": "detector verdict model",
        "version": 1,
        "features": list(FEATURES),
        "labels": labels,
        "derived_labels": sorted(DERIVED_VERDICTS & set(labels)),
        "mean": [_round(v) for v in scaler.mean_],
        "scale": [_round(v) for v in scale],
        "coef": [[_round(v / temperature) for v in row] for row in clf.coef_],
        "intercept": [_round(v / temperature) for v in clf.intercept_],
        "fill": fill,
        "C": c,
        "temperature": _round(temperature),
        "dev_macro_f1": round(dev_f1, 4),
        "train_counts": {v: int((y_train == i).sum()) for i, v in enumerate(labels)},
    }
    if meta:
        artifact.update(meta)
    return artifact


def write_artifact(artifact: dict[str, Any], path: str | Path) -> None:
    """Write the artifact as stable, human-readable JSON."""
    Path(path).write_text(json.dumps(artifact, indent=1, sort_keys=True) + "\n", encoding="utf-8")
