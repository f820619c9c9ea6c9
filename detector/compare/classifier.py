"""The calibrated verdict model: a scikit-learn classifier over the comparison measures.

Trained by ``detector train`` on the corpus's train split (see :mod:`detector.lab.training`)
and shipped as a small JSON artifact (coefficients, feature names, label order); no
pickle. Loading needs only NumPy.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from detector.compare.linear import LinearScorer
from detector.errors import ModelError

__all__ = [
    "DEFAULT_MODEL_PATH",
    "DEFAULT_REUSE_MODEL_PATH",
    "MODEL_REASON",
    "ReuseModel",
    "VerdictModel",
    "load_default_model",
    "load_reuse_model",
]

#: How the verdict model's reason begins (it gives the model's probability as ``p=``).
MODEL_REASON = "Model:"

DEFAULT_MODEL_NAME = "verdict_model.json"
DEFAULT_MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / DEFAULT_MODEL_NAME


class VerdictModel:
    """A multinomial logistic model over named measures, loaded from JSON.

    ``decide(measures)`` returns the most probable label and the calibrated
    probability that one text derives from the other.
    """

    name = "model"

    def __init__(self, artifact: dict[str, Any]) -> None:
        try:
            self.features: list[str] = list(artifact["features"])
            self.labels: list[str] = list(artifact["labels"])
            self.mean_ = np.asarray(artifact["mean"], dtype=float)
            self.scale_ = np.asarray(artifact["scale"], dtype=float)
            self.coef_ = np.asarray(artifact["coef"], dtype=float)
            self.intercept_ = np.asarray(artifact["intercept"], dtype=float)
            self.derived_labels = set(artifact["derived_labels"])
            self.fill = {k: float(v) for k, v in artifact.get("fill", {}).items()}
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"verdict model artifact is malformed: {exc}") from None
        if self.coef_.shape != (len(self.labels), len(self.features)):
            raise ModelError(
                f"verdict model coefficients have shape {self.coef_.shape}, expected "
                f"({len(self.labels)}, {len(self.features)})"
            )
        self.artifact = artifact

    @classmethod
    def from_path(cls, path: str | Path) -> VerdictModel:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ModelError(f"verdict model not found: {path}") from None
        except (OSError, ValueError) as exc:
            raise ModelError(f"cannot read verdict model {path}: {exc}") from None
        return cls(data)

    def vector(self, measures: Mapping[str, float]) -> np.ndarray:
        values = [measures.get(f, self.fill.get(f, 0.0)) for f in self.features]
        return (np.asarray(values, dtype=float) - self.mean_) / self.scale_

    def probabilities(self, measures: Mapping[str, float]) -> dict[str, float]:
        z = self.coef_ @ self.vector(measures) + self.intercept_
        z = z - z.max()
        p = np.exp(z)
        p = p / p.sum()
        return {label: float(v) for label, v in zip(self.labels, p, strict=True)}

    def decide(self, measures: Mapping[str, float]) -> tuple[str, float]:
        probs = self.probabilities(measures)
        label = max(probs, key=lambda k: probs[k])
        derived = sum(v for k, v in probs.items() if k in self.derived_labels)
        return label, derived

    def explain(self, measures: Mapping[str, float], top: int = 3) -> list[str]:
        """The measures that weighed most for the chosen label, in words.

        Each is called high or low against the training average, since a low value
        (little verbatim overlap) can be the evidence as much as a high one.
        """
        label, _ = self.decide(measures)
        probs = self.probabilities(measures)
        z = self.vector(measures)
        contributions = self.coef_[self.labels.index(label)] * z
        parts = []
        for i in np.argsort(-contributions)[:top]:
            if contributions[i] <= 0:
                continue
            name = self.features[i]
            value = measures.get(name, self.fill.get(name, 0.0))
            direction = "high" if z[i] > 0 else "low"
            parts.append(f"{direction} {name.replace('_', ' ')} ({value:.2f})")
        if not parts:
            return []
        return [
            f"{MODEL_REASON} {label.replace('_', ' ')} (p={probs[label]:.2f}), chiefly from {', '.join(parts)}."
        ]


@cache
def load_default_model() -> VerdictModel | None:
    """The model shipped in the package, or ``None`` when none has been trained."""
    ref = resources.files("detector") / "data" / DEFAULT_MODEL_NAME
    if not ref.is_file():
        return None
    return VerdictModel(json.loads(ref.read_text(encoding="utf-8")))


REUSE_MODEL_NAME = "reuse_model.json"
DEFAULT_REUSE_MODEL_PATH = DEFAULT_MODEL_PATH.with_name(REUSE_MODEL_NAME)


@dataclass(frozen=True)
class ReuseModel:
    """The two fitted scorers of :func:`detector.compare.pipeline.compare`.

    ``reuse`` gives ``score``, the calibrated probability that one text derives from the
    other, from the passage evidence; ``similarity`` gives the graded content similarity
    from the lexical overlap features. Trained by ``detector train`` (see
    :mod:`detector.lab.training`) on the labelled corpus and the real development data.
    """

    reuse: LinearScorer
    similarity: LinearScorer
    threshold: float = 0.5

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReuseModel:
        try:
            return cls(
                reuse=LinearScorer.from_dict(data["reuse"]),
                similarity=LinearScorer.from_dict(data["similarity"]),
                threshold=float(data.get("threshold", 0.5)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"reuse model artifact is malformed: {exc!r}") from None

    @classmethod
    def from_path(cls, path: str | Path) -> ReuseModel:
        try:
            return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise ModelError(f"reuse model not found: {path}") from None
        except (OSError, ValueError) as exc:
            raise ModelError(f"cannot read reuse model {path}: {exc}") from None


@cache
def load_reuse_model() -> ReuseModel | None:
    """The reuse and similarity scorers shipped in the package, or ``None``."""
    ref = resources.files("detector") / "data" / REUSE_MODEL_NAME
    if not ref.is_file():
        return None
    return ReuseModel.from_dict(json.loads(ref.read_text(encoding="utf-8")))
