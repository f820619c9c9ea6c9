"""Compare two articles: normalise, measure, align, diff, weigh the spin evidence, decide.

This is the one code path every front end uses: ``detector compare``, ``detector
pairs``, the scan's verification step and the archive check.
"""

from __future__ import annotations

from typing import Any, Protocol

from detector.compare.align import align
from detector.compare.evidence import spin_evidence
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
from detector.errors import ConfigError
from detector.models import DERIVED_VERDICTS, Comparison, Passage, SentencePair
from detector.text.normalize import Document, normalize

__all__ = ["MIN_DERIVED_COVERAGE", "VerdictMaker", "compare", "measure"]

#: A pair is called derived only when at least this share of the shorter text lines up
#: with the other (labelled derived pairs all have 0.44 or more).
MIN_DERIVED_COVERAGE = 0.25


class VerdictMaker(Protocol):
    """Anything that turns measures into ``(label, score)``: rules or a fitted model."""

    name: str

    def decide(self, measures: dict[str, float]) -> tuple[str, float]: ...


def _as_document(text: str | Document, name: str) -> Document:
    if isinstance(text, Document):
        return text
    if not isinstance(text, str):
        raise ConfigError(f"{name} must be a string, got {type(text).__name__}")
    return normalize(text)


def measure(
    a: Document, b: Document, *, lexicon: bool = True, seed_threshold: float = 0.3
) -> tuple[dict[str, float], Any, Any]:
    """All measures of a pair, with the alignment and spin evidence they came from.

    Returns
    -------
    measures : dict
        Name -> value in [0, 1].
    alignment : Alignment
    evidence : SpinEvidence
    """
    sh_a, sh_b = word_shingles(a, 5), word_shingles(b, 5)
    st_a, st_b = {t.stem for t in a.tokens}, {t.stem for t in b.tokens}
    en_a, en_b = entity_set(a), entity_set(b)
    alignment = align(a, b, seed_threshold=seed_threshold)
    evidence = spin_evidence(a, b, alignment, lexicon=lexicon)
    measures: dict[str, float] = {
        "shingle_jaccard": jaccard(sh_a, sh_b),
        "containment_a": containment(sh_a, sh_b),
        "containment_b": containment(sh_b, sh_a),
        "word_jaccard": jaccard(st_a, st_b),
        "word_tfidf_cosine": word_tfidf_cosine(a, b),
        "char_tfidf_cosine": char_tfidf_cosine(a, b),
        "stopword_containment": overlap_coefficient(stopword_ngrams(a), stopword_ngrams(b)),
        "entity_overlap": overlap_coefficient(en_a, en_b),
        "entity_jaccard": jaccard(en_a, en_b),
        "coverage_a": alignment.coverage_a,
        "coverage_b": alignment.coverage_b,
        "coverage_min": min(alignment.coverage_a, alignment.coverage_b),
        "coverage_max": max(alignment.coverage_a, alignment.coverage_b),
        "order": alignment.order,
        "mean_similarity": alignment.mean_similarity,
        "token_identity": alignment.token_identity,
    }
    measures.update(evidence.measures())
    measures = {k: min(1.0, max(0.0, float(v))) for k, v in measures.items()}
    return measures, alignment, evidence


def default_verdict_maker() -> VerdictMaker:
    from detector.compare.classifier import load_default_model

    model = load_default_model()
    return model if model is not None else RuleVerdict()


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
    if not 0.0 <= seed_threshold <= 1.0:
        raise ConfigError(f"seed_threshold must be in [0, 1], got {seed_threshold}")
    doc_a, doc_b = _as_document(a, "a"), _as_document(b, "b")
    maker: VerdictMaker
    if verdict == "auto":
        maker = default_verdict_maker()
    elif verdict == "rules":
        maker = RuleVerdict()
    elif verdict == "model":
        from detector.compare.classifier import load_default_model

        loaded = load_default_model()
        if loaded is None:
            from detector.errors import ModelError

            raise ModelError("no verdict model is installed; run 'detector train' or use --rules")
        maker = loaded
    elif isinstance(verdict, str):
        raise ConfigError(f"verdict must be 'auto', 'model' or 'rules', got {verdict!r}")
    else:
        maker = verdict
    measures, alignment, evidence = measure(
        doc_a, doc_b, lexicon=lexicon, seed_threshold=seed_threshold
    )
    guard_reason = None
    if doc_a.text == doc_b.text and doc_a.text:
        label, score = "duplicate", 1.0
    else:
        label, score = maker.decide(measures)
        if label in DERIVED_VERDICTS and measures["coverage_max"] < MIN_DERIVED_COVERAGE:
            # The model learned from whole-text copies; a few shared sentences (a quote,
            # a boilerplate paragraph) are not a copy of the whole.
            guard_reason = (
                f"Only {measures['coverage_max']:.0%} of the shorter text lines up with the "
                f"other: a few shared passages, not a copy (the model said {label})."
            )
            label = "related" if measures.get("word_tfidf_cosine", 0.0) >= 0.2 else "unrelated"
            score = min(score, 0.49)
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
    if label in ("duplicate", "near_duplicate", "spun", "rewrite"):
        prov = likely_original(
            doc_a,
            doc_b,
            evidence.substitutions,
            coverage_a=alignment.coverage_a,
            coverage_b=alignment.coverage_b,
            lexicon=lexicon,
        )
        original, original_reasons = prov.original, prov.reasons
    # Show the clearest swaps first: thesaurus synonyms, then one word for one word.
    ranked = sorted(
        (s for s in evidence.substitutions if s.a_text.lower() != s.b_text.lower()),
        key=lambda s: (s.synonym is not True, len(s.a_text.split()) + len(s.b_text.split()) > 2),
    )
    examples = [f"{s.a_text} → {s.b_text}" for s in ranked]
    seen: set[str] = set()
    unique_examples = [e for e in examples if not (e.lower() in seen or seen.add(e.lower()))]  # type: ignore[func-returns-value]
    repeated = [f"{w} → {r} ×{n}" for w, r, n in evidence.repeated_swaps]
    reasons = describe(label, measures, unique_examples, repeated)
    if guard_reason:
        reasons.insert(0, guard_reason)
    if original is not None and original_reasons:
        reasons.append(f"Likely original: {original} ({original_reasons[0]}).")
    model_reasons = getattr(maker, "explain", None)
    if callable(model_reasons) and label == maker.decide(measures)[0]:
        reasons = list(model_reasons(measures)) + reasons
    return Comparison(
        verdict=label,
        score=min(1.0, max(0.0, float(score))),
        original=original,
        measures=measures,
        passages=passages,
        substitutions=list(evidence.substitutions),
        reasons=reasons,
        sentence_pairs=sentence_pairs,
        edits=list(evidence.edits),
        original_reasons=list(original_reasons),
        model=maker.name,
    )
