"""Value objects shared by every pipeline stage.

All results are frozen dataclasses with a ``to_dict()`` that is JSON-ready, so the
CLI's ``--json`` output and any other front end serialise the same shape.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from types import MappingProxyType
from typing import Any

from detector.errors import ConfigError

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

# Field metadata: the measure is one of the few a summary table shows.
_SUMMARY: Mapping[str, bool] = MappingProxyType({"summary": True})


@dataclass(frozen=True, eq=False)
class Measures(Mapping[str, float]):
    """The measures of a compared pair, each in [0, 1]; also a read-only mapping.

    Attributes are the measure names, so code reading them is checked; as a
    ``Mapping[str, float]`` it reads like the dict of earlier versions
    (``m["coverage_a"]``, ``m.items()``, ``dict(m)``) in field order. ``synonym_share``
    is ``None`` when the lexicon was off, and then it is not a key of the mapping.

    Attributes
    ----------
    shingle_jaccard : float
        Jaccard similarity of the word 5-shingles.
    containment_a, containment_b : float
        Share of one text's 5-shingles found in the other.
    word_jaccard : float
        Jaccard similarity of the word stems.
    word_tfidf_cosine, char_tfidf_cosine : float
        TF-IDF cosines of content-word stems and of character 3-5-grams.
    stopword_containment : float
        Overlap coefficient of the function-word 6-grams.
    entity_overlap, entity_jaccard : float
        Overlap coefficient and Jaccard similarity of names and numbers.
    coverage_a, coverage_b, coverage_min, coverage_max : float
        Share of each text's tokens inside aligned sentences, and their min and max.
    order : float
        Share of aligned sentence pairs in the same order in both texts.
    mean_similarity : float
        Mean similarity of the aligned sentence pairs.
    token_identity : float
        Share of aligned tokens of ``a`` left unchanged.
    substitution_rate, in_frame_share, consistency, entities_kept : float
        The spin evidence (see :mod:`detector.compare.evidence`).
    synonym_share : float or None
        Share of swaps that are WordNet synonyms; ``None`` without the lexicon.

    Examples
    --------
    >>> m = Measures.from_mapping({"coverage_a": 0.5, "coverage_max": 0.5})
    >>> m.coverage_a, m["coverage_a"], m.get("synonym_share")
    (0.5, 0.5, None)
    >>> list(m)[:3], len(m)
    (['shingle_jaccard', 'containment_a', 'containment_b'], 20)
    """

    shingle_jaccard: float = field(metadata=_SUMMARY)
    containment_a: float
    containment_b: float
    word_jaccard: float
    word_tfidf_cosine: float = field(metadata=_SUMMARY)
    char_tfidf_cosine: float = field(metadata=_SUMMARY)
    stopword_containment: float = field(metadata=_SUMMARY)
    entity_overlap: float = field(metadata=_SUMMARY)
    entity_jaccard: float
    coverage_a: float = field(metadata=_SUMMARY)
    coverage_b: float = field(metadata=_SUMMARY)
    coverage_min: float
    coverage_max: float
    order: float
    mean_similarity: float
    token_identity: float = field(metadata=_SUMMARY)
    substitution_rate: float = field(metadata=_SUMMARY)
    in_frame_share: float = field(metadata=_SUMMARY)
    consistency: float = field(metadata=_SUMMARY)
    entities_kept: float
    synonym_share: float | None = field(default=None, metadata=_SUMMARY)

    @classmethod
    def from_mapping(cls, values: Mapping[str, float]) -> Measures:
        """Measures from a name -> value mapping (e.g. read back from JSON).

        A missing measure reads as 0.0, a missing ``synonym_share`` as ``None``.

        Raises
        ------
        ConfigError
            A name is not a measure.
        """
        unknown = sorted(set(values) - _NAMES)
        if unknown:
            raise ConfigError(
                f"unknown measure {unknown[0]!r}; measures are {', '.join(MEASURE_NAMES)}"
            )
        given: dict[str, Any] = {
            name: float(values.get(name, 0.0)) for name in MEASURE_NAMES if name != "synonym_share"
        }
        share = values.get("synonym_share")
        return cls(**given, synonym_share=None if share is None else float(share))

    def mirrored(self) -> Measures:
        """The same measures read with ``a`` and ``b`` swapped (directional ones exchange).

        Examples
        --------
        >>> Measures.from_mapping({"containment_a": 0.2, "containment_b": 0.9}).mirrored().containment_a
        0.9
        """
        changes: dict[str, Any] = {}
        for left, right in _DIRECTIONAL:
            changes[left], changes[right] = getattr(self, right), getattr(self, left)
        return replace(self, **changes)

    def __getitem__(self, name: str) -> float:
        if name in _NAMES:
            value: float | None = getattr(self, name)
            if value is not None:
                return value
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return (name for name in MEASURE_NAMES if getattr(self, name) is not None)

    def __len__(self) -> int:
        return len(MEASURE_NAMES) - (self.synonym_share is None)


#: Every measure name, in the order ``Comparison.to_dict()`` and the verdict model use.
MEASURE_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Measures))

#: The measures a summary table shows, in the same order.
SUMMARY_MEASURES: tuple[str, ...] = tuple(f.name for f in fields(Measures) if f.metadata)

_NAMES = frozenset(MEASURE_NAMES)
#: Measures that read one text against the other; every other measure is symmetric.
_DIRECTIONAL = (("containment_a", "containment_b"), ("coverage_a", "coverage_b"))


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

    def mirrored(self) -> Passage:
        """The same passage with ``a`` and ``b`` swapped."""
        return Passage(self.b_start, self.b_end, self.a_start, self.a_end, self.similarity)

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

    def mirrored(self) -> Substitution:
        """The same swap read from ``b`` to ``a``."""
        return Substitution(self.b_text, self.a_text, self.b_start, self.a_start, self.synonym)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Edit:
    """Words present on one side of an aligned sentence pair only (insertion or deletion)."""

    side: str  # "a" (deleted from a) or "b" (inserted in b)
    text: str
    start: int

    def mirrored(self) -> Edit:
        """The same edit with ``a`` and ``b`` swapped."""
        return Edit("b" if self.side == "a" else "a", self.text, self.start)

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

    def mirrored(self) -> SentencePair:
        """The same pair with ``a`` and ``b`` swapped."""
        return SentencePair(self.b_start, self.b_end, self.a_start, self.a_end, self.similarity)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SemanticMeasures:
    """How alike two texts are in meaning (only with the ``semantic`` extra installed).

    ``document_similarity`` and ``sentence_similarity`` are cosines of the static
    sentence embeddings (:mod:`detector.compare.semantic`), clipped to [0, 1];
    ``aligned_sentences`` counts the sentence pairs aligned by meaning; ``derived`` says
    whether they make reuse on their own, and ``decided`` whether the verdict rests on
    them (the lexical stages found no reuse). Symmetric in ``a`` and ``b``.
    """

    document_similarity: float
    sentence_similarity: float
    aligned_sentences: int
    derived: bool
    decided: bool
    model: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "document_similarity": round(self.document_similarity, 4),
            "sentence_similarity": round(self.sentence_similarity, 4),
            "aligned_sentences": self.aligned_sentences,
            "derived": self.derived,
            "decided": self.decided,
            "model": self.model,
        }


@dataclass(frozen=True)
class Comparison:
    """The result of comparing two articles: a verdict and its evidence.

    Attributes
    ----------
    verdict : str
        One of :data:`VERDICTS`.
    score : float
        In [0, 1]: the calibrated probability that one text derives from the other.
    original : str or None
        ``"a"`` or ``"b"``: the text that is the likely original, when the evidence says.
    measures : Measures
        Measure name -> value in [0, 1] (a read-only mapping).
    passages : tuple of Passage
        Aligned passages, raw character offsets into both inputs.
    substitutions : tuple of Substitution
        Words swapped inside aligned sentences.
    reasons : tuple of str
        Short sentences a person can read.
    sentence_pairs : tuple of SentencePair
        Aligned sentences, raw character offsets into both inputs.
    edits : tuple of Edit
        Words on one side of an aligned sentence pair only.
    original_reasons : tuple of str
        Why ``original`` is the likely original.
    model : str
        The verdict maker: ``"model"`` or ``"rules"``.
    similarity : float
        In [0, 1]: graded content similarity for ranking (independent coverage of one
        event above unrelated texts), a different question from ``score``.
    extent : str or None
        How much is reused when one text derives from the other: ``"whole"`` (most of
        both texts) or ``"partial"`` (passages inside a longer text); ``None`` otherwise.
    coverage_a, coverage_b : float
        Share of each text's characters inside the reused passages.
    semantic : SemanticMeasures or None
        Similarity in meaning, when the ``semantic`` extra is installed (else ``None``,
        and left out of :meth:`to_dict`).
    reuse : mapping of str to float
        The passage evidence the reuse probability was weighed from
        (:data:`detector.compare.passages.REUSE_FEATURES`).

    Lists and dicts given by hand are stored as tuples and a read-only mapping, so a
    comparison cannot change once made.
    """

    verdict: str
    score: float
    original: str | None
    measures: Mapping[str, float]
    passages: tuple[Passage, ...]
    substitutions: tuple[Substitution, ...]
    reasons: tuple[str, ...]
    sentence_pairs: tuple[SentencePair, ...] = ()
    edits: tuple[Edit, ...] = ()
    original_reasons: tuple[str, ...] = ()
    model: str = "rules"
    similarity: float = 0.0
    extent: str | None = None
    coverage_a: float = 0.0
    coverage_b: float = 0.0
    reuse: Mapping[str, float] = field(default_factory=dict)
    semantic: SemanticMeasures | None = None

    def __post_init__(self) -> None:
        for name in _SEQUENCE_FIELDS:
            value: Sequence[Any] = getattr(self, name)
            if not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))
        if not isinstance(self.measures, Measures | MappingProxyType):
            object.__setattr__(self, "measures", MappingProxyType(dict(self.measures)))
        if not isinstance(self.reuse, MappingProxyType):
            object.__setattr__(self, "reuse", MappingProxyType(dict(self.reuse)))

    def __getstate__(self) -> dict[str, Any]:
        # Read-only mappings do not pickle; plain dicts do, and __setstate__ wraps them
        # again (comparisons come back from worker processes).
        state = dict(self.__dict__)
        for name in ("measures", "reuse"):
            if isinstance(state[name], MappingProxyType):
                state[name] = dict(state[name])
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        self.__post_init__()

    @property
    def derived(self) -> bool:
        """True when the verdict says one text derives from the other."""
        return self.verdict in DERIVED_VERDICTS

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "score": round(self.score, 4),
            "similarity": round(self.similarity, 4),
            "original": self.original,
            "derived": self.derived,
            "extent": self.extent,
            "coverage_a": round(self.coverage_a, 4),
            "coverage_b": round(self.coverage_b, 4),
            "model": self.model,
            "measures": {k: round(v, 4) for k, v in self.measures.items()},
            "reasons": list(self.reasons),
            "original_reasons": list(self.original_reasons),
            "passages": [p.to_dict() for p in self.passages],
            "sentence_pairs": [p.to_dict() for p in self.sentence_pairs],
            "substitutions": [s.to_dict() for s in self.substitutions],
            "edits": [e.to_dict() for e in self.edits],
            "reuse": {k: round(v, 4) for k, v in self.reuse.items()},
            **({"semantic": self.semantic.to_dict()} if self.semantic is not None else {}),
        }


_SEQUENCE_FIELDS = (
    "passages",
    "substitutions",
    "reasons",
    "sentence_pairs",
    "edits",
    "original_reasons",
)
