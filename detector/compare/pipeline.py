"""Compare two articles: normalise, measure, align, diff, weigh the spin evidence, decide.

This is the one code path every front end uses: ``detector compare``, ``detector
pairs``, the scan's verification step and the archive check.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from numbers import Real
from time import perf_counter
from typing import Protocol

from detector.compare.align import Alignment, align
from detector.compare.evidence import SpinEvidence, spin_evidence
from detector.compare.provenance import likely_original
from detector.compare.shingle import entity_set, stopword_ngrams, word_shingles
from detector.compare.similarity import (
    char_tfidf_cosine,
    containment,
    jaccard,
    overlap_coefficient,
    word_tfidf_cosine,
)
from detector.compare.verdict import RuleVerdict, describe
from detector.errors import ConfigError, ModelError
from detector.models import DERIVED_VERDICTS, Comparison, Measures, Passage, SentencePair
from detector.text.normalize import Document, normalize

__all__ = ["MIN_DERIVED_COVERAGE", "VerdictMaker", "compare", "default_verdict_maker", "measure"]

logger = logging.getLogger(__name__)

#: A pair is called derived only when at least this share of the shorter text lines up
#: with the other (labelled derived pairs all have 0.44 or more).
MIN_DERIVED_COVERAGE = 0.25


class VerdictMaker(Protocol):
    """Anything that turns measures into ``(label, score)``: rules or a fitted model."""

    name: str

    def decide(self, measures: Mapping[str, float]) -> tuple[str, float]: ...


def _as_document(text: str | Document, name: str) -> Document:
    if isinstance(text, Document):
        return text
    if not isinstance(text, str):
        raise ConfigError(f"{name} must be a string, got {type(text).__name__}")
    return normalize(text)


def measure(
    a: Document, b: Document, *, lexicon: bool = True, seed_threshold: float = 0.3
) -> tuple[Measures, Alignment, SpinEvidence]:
    """All measures of a pair, with the alignment and spin evidence they came from.

    Every measure lies in [0, 1] by construction: each is a ratio of counts (shared
    over total), a mean of sentence similarities in [0, 1], or a cosine of vectors
    with no negative weights. Nothing here clamps them, so the property tests check
    the computation itself.

    Returns
    -------
    measures : Measures
    alignment : Alignment
    evidence : SpinEvidence

    Examples
    --------
    >>> doc = normalize("The council voted 6-3 on Monday to close the old bridge.")
    >>> measures, alignment, evidence = measure(doc, doc)
    >>> measures.token_identity, measures["coverage_a"], len(alignment.groups)
    (1.0, 1.0, 1)
    """
    started = perf_counter()
    sh_a, sh_b = word_shingles(a, 5), word_shingles(b, 5)
    st_a, st_b = {t.stem for t in a.tokens}, {t.stem for t in b.tokens}
    en_a, en_b = entity_set(a), entity_set(b)
    sets_done = perf_counter()
    alignment = align(a, b, seed_threshold=seed_threshold)
    aligned = perf_counter()
    evidence = spin_evidence(a, b, alignment, lexicon=lexicon)
    evidenced = perf_counter()
    measures = Measures(
        shingle_jaccard=jaccard(sh_a, sh_b),
        containment_a=containment(sh_a, sh_b),
        containment_b=containment(sh_b, sh_a),
        word_jaccard=jaccard(st_a, st_b),
        word_tfidf_cosine=word_tfidf_cosine(a, b),
        char_tfidf_cosine=char_tfidf_cosine(a, b),
        stopword_containment=overlap_coefficient(stopword_ngrams(a), stopword_ngrams(b)),
        entity_overlap=overlap_coefficient(en_a, en_b),
        entity_jaccard=jaccard(en_a, en_b),
        coverage_a=alignment.coverage_a,
        coverage_b=alignment.coverage_b,
        coverage_min=min(alignment.coverage_a, alignment.coverage_b),
        coverage_max=max(alignment.coverage_a, alignment.coverage_b),
        order=alignment.order,
        mean_similarity=alignment.mean_similarity,
        token_identity=alignment.token_identity,
        substitution_rate=evidence.substitution_rate,
        in_frame_share=evidence.in_frame_share,
        consistency=evidence.consistency,
        entities_kept=evidence.entities_kept,
        synonym_share=evidence.synonym_share,
    )
    logger.debug(
        "measured %d x %d sentences: sets %.1f ms, alignment %.1f ms (%d groups), "
        "evidence %.1f ms (%d substitutions), similarities %.1f ms",
        len(a.sentences),
        len(b.sentences),
        1000 * (sets_done - started),
        1000 * (aligned - sets_done),
        len(alignment.groups),
        1000 * (evidenced - aligned),
        len(evidence.substitutions),
        1000 * (perf_counter() - evidenced),
    )
    return measures, alignment, evidence


def default_verdict_maker() -> VerdictMaker:
    """The calibrated model shipped with the package, else the documented rules."""
    from detector.compare.classifier import load_default_model

    model = load_default_model()
    return model if model is not None else RuleVerdict()


def _verdict_maker(verdict: str | VerdictMaker) -> VerdictMaker:
    if verdict == "auto":
        return default_verdict_maker()
    if verdict == "rules":
        return RuleVerdict()
    if verdict == "model":
        from detector.compare.classifier import load_default_model

        loaded = load_default_model()
        if loaded is None:
            raise ModelError("no verdict model is installed; run 'detector train' or use --rules")
        return loaded
    if isinstance(verdict, str):
        raise ConfigError(f"verdict must be 'auto', 'model' or 'rules', got {verdict!r}")
    return verdict


def _examples(evidence: SpinEvidence) -> list[str]:
    """Distinct swaps, clearest first: thesaurus synonyms, then one word for one word."""
    ranked = sorted(
        (s for s in evidence.substitutions if s.a_text.lower() != s.b_text.lower()),
        key=lambda s: (s.synonym is not True, len(s.a_text.split()) + len(s.b_text.split()) > 2),
    )
    seen: set[str] = set()
    examples = []
    for s in ranked:
        example = f"{s.a_text} → {s.b_text}"
        if example.lower() not in seen:
            seen.add(example.lower())
            examples.append(example)
    return examples


def compare(
    a: str | Document,
    b: str | Document,
    *,
    lexicon: bool = True,
    verdict: str | VerdictMaker = "auto",
    seed_threshold: float = 0.3,
) -> Comparison:
    """Compare two articles and return a verdict with its evidence.

    Parameters
    ----------
    a, b : str or Document
        The two articles as raw text (or already normalised).
    lexicon : bool
        Use the WordNet synonym lexicon as one piece of spin evidence. The verdict
        does not rest on it: spun copies are recognised without it.
    verdict : {"auto", "model", "rules"} or VerdictMaker
        ``"auto"`` uses the calibrated model shipped with the package when present,
        else the documented rules.
    seed_threshold : float
        Minimum sentence similarity for alignment, in [0, 1].

    Returns
    -------
    Comparison

    Examples
    --------
    >>> text = "Officials said on Monday the giant bridge would close for repairs in May."
    >>> compare(text, text).verdict
    'duplicate'
    >>> compare(text, "The orchestra played Brahms to a full hall.").verdict
    'unrelated'
    """
    if (
        isinstance(seed_threshold, bool)
        or not isinstance(seed_threshold, Real)
        or not 0.0 <= seed_threshold <= 1.0
    ):
        raise ConfigError(f"seed_threshold must be a number in [0, 1], got {seed_threshold!r}")
    started = perf_counter()
    doc_a, doc_b = _as_document(a, "a"), _as_document(b, "b")
    maker = _verdict_maker(verdict)
    prepared = perf_counter()
    measures, alignment, evidence = measure(
        doc_a, doc_b, lexicon=lexicon, seed_threshold=seed_threshold
    )
    measured = perf_counter()
    guard_reason = None
    if doc_a.text == doc_b.text and doc_a.text:
        label, score = "duplicate", 1.0
    else:
        label, score = maker.decide(measures)
        if label in DERIVED_VERDICTS and measures.coverage_max < MIN_DERIVED_COVERAGE:
            # The model learned from whole-text copies; a few shared sentences (a quote,
            # a boilerplate paragraph) are not a copy of the whole.
            guard_reason = (
                f"Only {measures.coverage_max:.0%} of the shorter text lines up with the "
                f"other: a few shared passages, not a copy (the model said {label})."
            )
            label = "related" if measures.word_tfidf_cosine >= 0.2 else "unrelated"
            score = min(score, 0.49)
    decided = perf_counter()
    passages = []
    for a0, a1, b0, b1, sim in alignment.passages:
        ras, rae = doc_a.raw_span(doc_a.sentences[a0][0], doc_a.sentences[a1][1])
        rbs, rbe = doc_b.raw_span(doc_b.sentences[b0][0], doc_b.sentences[b1][1])
        passages.append(Passage(ras, rae, rbs, rbe, round(sim, 4)))
    sentence_pairs = []
    for g in alignment.groups:
        ras, rae = doc_a.raw_span(
            doc_a.sentences[g.a_sentences[0]][0], doc_a.sentences[g.a_sentences[-1]][1]
        )
        rbs, rbe = doc_b.raw_span(
            doc_b.sentences[g.b_sentences[0]][0], doc_b.sentences[g.b_sentences[-1]][1]
        )
        sentence_pairs.append(SentencePair(ras, rae, rbs, rbe, round(g.similarity, 4)))
    original = None
    original_reasons: tuple[str, ...] = ()
    if label in DERIVED_VERDICTS:
        prov = likely_original(
            doc_a,
            doc_b,
            evidence.substitutions,
            coverage_a=alignment.coverage_a,
            coverage_b=alignment.coverage_b,
            lexicon=lexicon,
        )
        original, original_reasons = prov.original, prov.reasons
    repeated = [f"{w} → {r} ×{n}" for w, r, n in evidence.repeated_swaps]
    reasons = describe(label, measures, _examples(evidence), repeated)
    if guard_reason:
        reasons.insert(0, guard_reason)
    if original is not None and original_reasons:
        reasons.append(f"Likely original: {original} ({original_reasons[0]}).")
    model_reasons = getattr(maker, "explain", None)
    if callable(model_reasons) and label == maker.decide(measures)[0]:
        reasons = list(model_reasons(measures)) + reasons
    logger.debug(
        "compared %d and %d tokens: %s (%.2f, %s) in %.1f ms: normalise and load the "
        "verdict maker %.1f ms, measure %.1f ms, verdict %.1f ms, provenance and reasons %.1f ms",
        len(doc_a.tokens),
        len(doc_b.tokens),
        label,
        score,
        maker.name,
        1000 * (perf_counter() - started),
        1000 * (prepared - started),
        1000 * (measured - prepared),
        1000 * (decided - measured),
        1000 * (perf_counter() - decided),
    )
    return Comparison(
        verdict=label,
        # A safety net, not a correction: the model's probabilities can sum to a hair
        # over 1, and a VerdictMaker passed in by a caller may return anything.
        score=min(1.0, max(0.0, float(score))),
        original=original,
        measures=measures,
        passages=tuple(passages),
        substitutions=evidence.substitutions,
        reasons=tuple(reasons),
        sentence_pairs=tuple(sentence_pairs),
        edits=evidence.edits,
        original_reasons=original_reasons,
        model=maker.name,
    )
