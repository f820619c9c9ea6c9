"""A fitted logistic regression over named features, shipped as JSON and scored without sklearn.

The reuse probability (``score``) and the graded ``similarity`` are each one such scorer:
features are standardised with the training mean and scale, combined linearly, and
mapped to a probability; the reuse scorer adds Platt scaling (``sigmoid(a * z + b)``)
fitted on out-of-fold decision values, so that its probabilities are calibrated.
:func:`detector.lab.training.fit_linear_scorer` fits one with scikit-learn; scoring needs
only the arithmetic here (scikit-learn takes about a second to import).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from detector.errors import ModelError

__all__ = ["LinearScorer"]


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@dataclass(frozen=True)
class LinearScorer:
    """Standardise, weigh, calibrate: ``p = sigmoid(a * (w . (x - mean) / scale + c) + b)``.

    Examples
    --------
    >>> s = LinearScorer(("x",), (0.5,), (0.25,), (2.0,), 0.0)
    >>> s.probability({"x": 0.5})
    0.5
    >>> round(s.probability({"x": 1.0}), 4)
    0.982
    """

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    calibration: tuple[float, float] = (1.0, 0.0)

    def __post_init__(self) -> None:
        n = len(self.features)
        if not (len(self.mean) == len(self.scale) == len(self.coef) == n):
            raise ModelError(
                f"a linear scorer needs one mean, scale and weight per feature ({n} features, "
                f"got {len(self.mean)}, {len(self.scale)}, {len(self.coef)})"
            )

    def decision(self, values: Mapping[str, float]) -> float:
        """The linear score before the sigmoid (calibration not applied)."""
        total = self.intercept
        for name, mean, scale, weight in zip(
            self.features, self.mean, self.scale, self.coef, strict=True
        ):
            total += weight * (float(values[name]) - mean) / (scale or 1.0)
        return total

    def probability(self, values: Mapping[str, float]) -> float:
        """The calibrated probability in [0, 1]."""
        a, b = self.calibration
        return _sigmoid(a * self.decision(values) + b)

    def contributions(self, values: Mapping[str, float]) -> dict[str, float]:
        """Each feature's share of the decision (weight times standardised value)."""
        return {
            name: weight * (float(values[name]) - mean) / (scale or 1.0)
            for name, mean, scale, weight in zip(
                self.features, self.mean, self.scale, self.coef, strict=True
            )
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": [round(v, 10) for v in self.mean],
            "scale": [round(v, 10) for v in self.scale],
            "coef": [round(v, 10) for v in self.coef],
            "intercept": round(self.intercept, 10),
            "calibration": [round(v, 10) for v in self.calibration],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LinearScorer:
        try:
            return cls(
                features=tuple(str(f) for f in data["features"]),
                mean=tuple(float(v) for v in data["mean"]),
                scale=tuple(float(v) for v in data["scale"]),
                coef=tuple(float(v) for v in data["coef"]),
                intercept=float(data["intercept"]),
                calibration=(float(data["calibration"][0]), float(data["calibration"][1])),
            )
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ModelError(f"malformed linear scorer: {exc!r}") from None
