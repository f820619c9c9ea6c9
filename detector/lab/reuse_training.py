"""Train the reuse and similarity scorers on the labelled corpus and the real development data.

* **Reuse** (``score``): is one text derived from the other? Binary logistic regression
  over the passage features (:data:`detector.compare.passages.REUSE_FEATURES`), fitted on
  the corpus's train and dev pairs and on PAN 2013's *fit* part, each source and each class
  given the same total weight
  (:mod:`detector.lab.devdata`): whole-article copies, spins and rewrites from our
  corpus, passages lifted, obfuscated, translated and summarised inside longer web
  documents from PAN. ``C`` is chosen by cross-validation grouped by source document
  (no source is in two folds), and the probabilities are calibrated by Platt scaling
  fitted on the out-of-fold decision values.
* **Similarity** (``similarity``): logistic regression over the graded-similarity
  features (:data:`detector.compare.graded.SIMILARITY_FEATURES`), fitted on MSRP's *fit*
  part (sentence paraphrase or not), ``C`` by grouped cross-validation on ROC AUC.

The artifact is JSON, rounded so that a retrain on the same data writes the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from detector.compare.graded import SIMILARITY_FEATURES
from detector.compare.linear import LinearScorer
from detector.compare.passages import REUSE_FEATURES
from detector.errors import InputError
from detector.lab.training import examine_many
from detector.models import DERIVED_VERDICTS

__all__ = [
    "REUSE_MODEL_FEATURES",
    "balanced_weights",
    "fit_linear_scorer",
    "fit_reuse_model",
]

#: What the reuse scorer reads: the passage evidence, and how alike the whole texts are
#: (independent reports of one event are alike throughout; a lifted passage stands out).
REUSE_MODEL_FEATURES: tuple[str, ...] = (
    *REUSE_FEATURES,
    "content_jaccard",
    "char_cosine",
    "word_precision_min",
    "word_precision_max",
    "name_jaccard",
)

C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
FOLDS = 5
SIGNIFICANT = 10


def _round(x: float) -> float:
    return float(f"{x:.{SIGNIFICANT}g}")


def balanced_weights(y: np.ndarray, sources: Sequence[str]) -> np.ndarray:
    """Sample weights giving every (source, class) cell the same total weight.

    The corpus has a few hundred pairs and PAN many more; without this the model would
    learn PAN's web pages and treat our news pairs as noise.

    Examples
    --------
    >>> balanced_weights(np.array([1, 0, 0, 0]), ["c", "c", "p", "p"]).tolist()
    [1.3333333333333333, 1.3333333333333333, 0.6666666666666666, 0.6666666666666666]
    """
    cells = list(zip(sources, y.tolist(), strict=True))
    counts: dict[tuple[str, int], int] = {}
    for cell in cells:
        counts[cell] = counts.get(cell, 0) + 1
    share = len(y) / len(counts)
    return np.array([share / counts[cell] for cell in cells])


def fit_linear_scorer(
    x: np.ndarray,
    y: np.ndarray,
    groups: Sequence[str],
    features: Sequence[str],
    *,
    calibrate: bool,
    sample_weight: np.ndarray | None = None,
    sources: Sequence[str] | None = None,
) -> tuple[LinearScorer, dict[str, Any]]:
    """Standardised logistic regression, ``C`` by grouped cross-validation; optional Platt scaling.

    Returns the scorer and a report: the chosen ``C``, the out-of-fold ROC AUC and, for a
    calibrated scorer, the decision threshold (:func:`_best_threshold` over ``sources``).
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss, roc_auc_score
    from sklearn.model_selection import GroupKFold

    if len(set(y.tolist())) < 2:
        raise InputError("training a scorer needs examples of both classes")
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale = np.where(scale > 1e-12, scale, 1.0)
    z = (x - mean) / scale
    folds = list(GroupKFold(n_splits=FOLDS).split(z, y, groups=list(groups)))
    w = np.ones(len(y)) if sample_weight is None else sample_weight
    best: tuple[float, float, np.ndarray] | None = None
    for c in C_GRID:
        out_of_fold = np.zeros(len(y))
        for train, test in folds:
            clf = LogisticRegression(C=c, max_iter=10_000, tol=1e-8)
            clf.fit(z[train], y[train], sample_weight=w[train])
            out_of_fold[test] = clf.decision_function(z[test])
        p = 1.0 / (1.0 + np.exp(-out_of_fold))
        # Calibrated scorers choose C by log-loss, ranking scorers by AUC.
        quality = -log_loss(y, p, sample_weight=w) if calibrate else roc_auc_score(y, out_of_fold)
        if best is None or quality > best[0] + 1e-9:
            best = (quality, c, out_of_fold)
    assert best is not None
    _, c, out_of_fold = best
    clf = LogisticRegression(C=c, max_iter=10_000, tol=1e-8).fit(z, y, sample_weight=w)
    calibration = (1.0, 0.0)
    if calibrate:
        platt = LogisticRegression(C=1e6, max_iter=10_000, tol=1e-10)
        platt.fit(out_of_fold.reshape(-1, 1), y, sample_weight=w)
        calibration = (_round(float(platt.coef_[0, 0])), _round(float(platt.intercept_[0])))
    scorer = LinearScorer(
        features=tuple(features),
        mean=tuple(_round(v) for v in mean),
        scale=tuple(_round(v) for v in scale),
        coef=tuple(_round(v) for v in clf.coef_[0]),
        intercept=_round(float(clf.intercept_[0])),
        calibration=calibration,
    )
    report: dict[str, Any] = {
        "C": c,
        "cv_auc": round(float(roc_auc_score(y, out_of_fold)), 4),
        "n": len(y),
    }
    if calibrate:
        report["threshold"] = _best_threshold(
            y,
            1.0 / (1.0 + np.exp(-(calibration[0] * out_of_fold + calibration[1]))),
            sources if sources is not None else ["all"] * len(y),
        )
    return scorer, report


#: The decision threshold may call at most this share of any source's non-derived
#: training pairs derived (out of fold): an editor's false alarm costs more than a miss.
MAX_FALSE_DERIVED = 0.03


def _best_threshold(y: np.ndarray, p: np.ndarray, sources: Sequence[str]) -> float:
    """The threshold with the best out-of-fold F1 whose false-derived rate stays low everywhere.

    Among thresholds in [0.2, 0.8], those calling at most :data:`MAX_FALSE_DERIVED` of each
    source's non-derived pairs derived; of those, the one with the best F1 (ties: higher).
    """
    from sklearn.metrics import f1_score

    source = np.asarray(sources)
    best: tuple[float, float] | None = None
    for t in np.round(np.arange(0.2, 0.801, 0.05), 2):
        called = p >= t
        rates = [called[(source == s) & (y == 0)].mean() for s in set(sources)]
        if max(rates) > MAX_FALSE_DERIVED:
            continue
        f1 = float(f1_score(y, called))
        if best is None or f1 >= best[0]:
            best = (f1, float(t))
    return best[1] if best is not None else 0.5


def _corpus_rows(
    pairs_path: str, articles_path: str, jobs: int | None
) -> tuple[list[tuple[str, str]], list[bool], list[str]]:
    from detector.lab.corpus import iter_pairs, load_articles, resolve_pair

    articles = load_articles(articles_path)
    texts, derived, groups = [], [], []
    for split in ("train", "dev"):
        for pair in iter_pairs(pairs_path, split=split):
            texts.append(resolve_pair(pair, articles))
            derived.append(pair["label"] in DERIVED_VERDICTS)
            # Every corpus pair hangs off one original story: its id starts both sides.
            root = min(str(pair["a"]), str(pair["b"])).split("-")[:2]
            groups.append("corpus:" + "-".join(root))
    return texts, derived, groups


def fit_reuse_model(
    pairs_path: str,
    articles_path: str,
    devdata: str | None = None,
    *,
    pan_per_label: int = 200,
    seed: int = 0,
    jobs: int | None = None,
    meta: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Fit the reuse and similarity scorers; return the JSON artifact.

    Raises
    ------
    InputError
        The development data is missing or unreadable.
    """
    from detector.lab.devdata import devdata_path, load_msrp, load_pan

    root = devdata_path(devdata)
    pan = load_pan(root, part="fit", per_label=pan_per_label, seed=seed)
    msrp = load_msrp(root, part="fit")
    corpus_texts, corpus_derived, corpus_groups = _corpus_rows(pairs_path, articles_path, jobs)
    texts = corpus_texts + [(p.a, p.b) for p in pan] + [(p.a, p.b) for p in msrp]
    found = examine_many(texts, jobs)
    n_reuse = len(corpus_texts) + len(pan)
    reuse_x = np.array(
        [[{**f["reuse"], **f["graded"]}[k] for k in REUSE_MODEL_FEATURES] for f in found[:n_reuse]]
    )
    reuse_y = np.array(corpus_derived + [p.derived for p in pan], dtype=int)
    reuse_groups = corpus_groups + ["pan:" + p.group for p in pan]
    sources = ["corpus"] * len(corpus_texts) + ["pan"] * len(pan)
    reuse, reuse_report = fit_linear_scorer(
        reuse_x,
        reuse_y,
        reuse_groups,
        REUSE_MODEL_FEATURES,
        calibrate=True,
        sample_weight=balanced_weights(reuse_y, sources),
        sources=sources,
    )
    sim_x = np.array([[f["graded"][k] for k in SIMILARITY_FEATURES] for f in found[n_reuse:]])
    sim_y = np.array([p.label == "paraphrase" for p in msrp], dtype=int)
    similarity, sim_report = fit_linear_scorer(
        sim_x, sim_y, [p.group for p in msrp], SIMILARITY_FEATURES, calibrate=False
    )
    artifact: dict[str, Any] = {
        "kind": "detector reuse model",
        "version": 1,
        "reuse": reuse.to_dict(),
        "similarity": similarity.to_dict(),
        "threshold": reuse_report["threshold"],
        "reuse_training": {
            **reuse_report,
            "corpus_pairs": len(corpus_texts),
            "pan_pairs": len(pan),
            "pan_per_label": pan_per_label,
            "seed": seed,
        },
        "similarity_training": {**sim_report, "msrp_pairs": len(msrp)},
    }
    if meta:
        artifact.update(meta)
    return artifact
