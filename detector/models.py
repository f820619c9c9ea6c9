"""Value objects shared by every pipeline stage.

All results are frozen dataclasses with a ``to_dict()`` that is JSON-ready, so the
CLI's ``--json`` output and any other front end serialise the same shape.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: The verdict labels, from "one text is the other" to "nothing in common".
VERDICTS: tuple[str, ...] = (
    "duplicate",
    "near_duplicate",
    "spun",
    "rewrite",
    "related",
    "unrelated",
)

#: Verdicts that say one text derives from the other.
DERIVED_VERDICTS: frozenset[str] = frozenset({"duplicate", "near_duplicate", "spun", "rewrite"})


@dataclass(frozen=True)
class Span:
    """A half-open character range ``[start, end)``."""

    start: int
    end: int


@dataclass(frozen=True)
class Passage:
    """A passage of text ``a`` aligned with a passage of text ``b``.

    Offsets are character offsets into the *raw* inputs, so ``a[a_start:a_end]``
    is the passage as the user supplied it.
    """

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    similarity: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Substitution:
    """Words of ``a`` replaced by words of ``b`` in the same sentence frame.

    ``a_text`` is ``a[a_start:a_start + len(a_text)]`` in the raw input, likewise for ``b``.
    """

    a_text: str
    b_text: str
    a_start: int
    b_start: int
    synonym: bool | None = None

    @property
    def a_end(self) -> int:
        return self.a_start + len(self.a_text)

    @property
    def b_end(self) -> int:
        return self.b_start + len(self.b_text)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Edit:
    """Words present on one side of an aligned sentence pair only (insertion or deletion)."""

    side: str  # "a" (deleted from a) or "b" (inserted in b)
    text: str
    start: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SentencePair:
    """One sentence of ``a`` aligned with one sentence of ``b`` (raw offsets)."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    similarity: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Comparison:
    """The result of comparing two articles: a verdict and its evidence.

    Attributes
    ----------
    verdict : str
        One of :data:`VERDICTS`.
    score : float
        In [0, 1]: how strongly the evidence says one text derives from the other.
    original : str or None
        ``"a"`` or ``"b"``: the text that is the likely original, when the evidence says.
    measures : dict
        Measure name -> value in [0, 1].
    passages : list of Passage
        Aligned passages, raw character offsets into both inputs.
    substitutions : list of Substitution
        Words swapped inside aligned sentences.
    reasons : list of str
        Short sentences a person can read.
    """

    verdict: str
    score: float
    original: str | None
    measures: dict[str, float]
    passages: list[Passage]
    substitutions: list[Substitution]
    reasons: list[str]
    sentence_pairs: list[SentencePair] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    original_reasons: list[str] = field(default_factory=list)
    model: str = "rules"

    @property
    def derived(self) -> bool:
        """True when the verdict says one text derives from the other."""
        return self.verdict in DERIVED_VERDICTS

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "score": round(self.score, 4),
            "original": self.original,
            "derived": self.derived,
            "model": self.model,
            "measures": {k: round(v, 4) for k, v in self.measures.items()},
            "reasons": list(self.reasons),
            "original_reasons": list(self.original_reasons),
            "passages": [p.to_dict() for p in self.passages],
            "sentence_pairs": [p.to_dict() for p in self.sentence_pairs],
            "substitutions": [s.to_dict() for s in self.substitutions],
            "edits": [e.to_dict() for e in self.edits],
        }
