"""Meaning alignment: sentences that say the same thing in other words (the ``semantic`` extra).

A rewrite by a language model or a careful human keeps the story and changes nearly every
word, so the lexical alignment finds no passage. Here each sentence is embedded with the
static model of :mod:`detector.text.embedding`, and a sentence of one text is *aligned by
meaning* with a sentence of the other when each is the other's nearest sentence (a mutual
best match) and their cosine is at least :data:`MEANING_THRESHOLD`. Reuse is read from
runs of such sentences.

Reuse is read two ways: a whole text rewritten (each sentence's nearest sentence in the
other text is close on average), or a run of sentences aligned by meaning inside longer
texts (a summary or a translated passage). The thresholds were chosen on the corpus's
train and dev pairs and on PAN 2013's *fit* part only (``benchmarks/real_eval.py``
reports the held-out part; the README gives the figures).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from detector.compare.passages import ReusedPassage
from detector.compare.shingle import is_entity
from detector.compare.similarity import overlap_coefficient
from detector.text.embedding import StaticEmbedder
from detector.text.normalize import Document
from detector.text.wordlists import FUNCTION_WORDS

__all__ = [
    "HEADING_WORDS",
    "MEANING_MIN_ENTITIES",
    "MEANING_SCORE",
    "MEANING_THRESHOLD",
    "MIN_ALIGNED",
    "PROSE_SHARE",
    "RUN_GAP",
    "SUMMARY_CONTRAST",
    "SUMMARY_MIN_ENTITIES",
    "SUMMARY_MIN_SENTENCES",
    "SUMMARY_SPREAD",
    "SUMMARY_WINDOW",
    "WHOLE_MEANING_MIN_ENTITIES",
    "WHOLE_SIMILARITY",
    "MeaningAlignment",
    "align_meaning",
    "meaning_reasons",
]

#: Share of function words from which a sentence is prose (the lexical passages' rule).
PROSE_SHARE = 0.05
#: A line of at most this many words, most of them capitalised, is a heading or a menu.
HEADING_WORDS = 8
#: Cosine at which two mutually nearest sentences say the same thing. Independent
#: reports of one event reach 0.6 on a sentence or two; rewrites of a sentence 0.7-0.9.
MEANING_THRESHOLD = 0.70
#: Sentences aligned by meaning in one passage that make reuse (one or two, or a few
#: scattered through two reports of one event, are shared facts or quotes).
MIN_ALIGNED = 3
#: A whole text rewritten: its sentences' nearest sentences in the other text are this
#: close on average (:attr:`MeaningAlignment.sentence_similarity`), with at least
#: :data:`MIN_ALIGNED` sentences on each side. Set just above every pair without reuse
#: in the fit data (corpus related pairs reach 0.51, PAN no_plagiarism pairs 0.56).
WHOLE_SIMILARITY = 0.57
#: A summary inside a longer text: :data:`SUMMARY_WINDOW` consecutive sentences of one text
#: whose mean cosine with the whole other text stands :data:`SUMMARY_CONTRAST` above the
#: median sentence of their own text, and :data:`SUMMARY_SPREAD` median absolute deviations
#: above it, in a text of at least :data:`SUMMARY_MIN_SENTENCES` sentences. A summary
#: compresses several sentences into one, so no sentence of it is another's nearest; as a
#: block it is about the other text, and the rest of its text is not. Chosen on the fit
#: data (README, "Rewrites that share no wording").
SUMMARY_WINDOW = 3
SUMMARY_CONTRAST = 0.4
SUMMARY_SPREAD = 5.0
SUMMARY_MIN_SENTENCES = 8
#: Whatever the meaning says, a rewrite keeps the story's names and numbers: reuse by meaning
#: needs this share of them (overlap coefficient, :func:`detector.compare.shingle.is_entity`)
#: kept between the two sides of its passage. Independent reports of one event say the
#: same things with other figures and other sources: on the fit data every human rewrite
#: of the corpus keeps 0.81 or more of them, the related pairs keep up to 0.72 over the
#: whole text and the one whose sentences lined up 0.56 in its passage, and all 4 PAN
#: no_plagiarism pairs read as summaries 0.
MEANING_MIN_ENTITIES = 0.6
#: A summary keeps fewer of them, as a share of its own: on the fit data the PAN summaries
#: found by meaning keep 0.38 to 1 of theirs, the no_plagiarism pairs read as summaries 0.
SUMMARY_MIN_ENTITIES = 0.3
#: A whole text rewritten by meaning keeps at least this share of the names and numbers of
#: the texts (``entity_overlap``): on the fit data the corpus's independent reports of one
#: event keep at most 0.72 of them, its human rewrites at least 0.81.
WHOLE_MEANING_MIN_ENTITIES = 0.75

#: The reuse probability of a pair that only the meaning alignment calls derived: on the
#: corpus's train and dev pairs and PAN 2013's fit part, such calls were made on 1.0 % of
#: the derived pairs and 0.2 % of the others, so 0.82 of them are right when derived and
#: independent pairs are equally common.
MEANING_SCORE = 0.8
#: Aligned sentences at most this many sentences apart (in both texts' reading order of
#: the second) belong to one passage.
RUN_GAP = 2


@dataclass(frozen=True)
class MeaningAlignment:
    """How alike two texts are in meaning, and which sentences say the same thing.

    Attributes
    ----------
    document_similarity : float
        Cosine of the two texts' embeddings (mean of their sentence vectors weighted by
        words), clipped at 0.
    sentence_similarity : float
        For each sentence, the cosine of its nearest sentence in the other text, averaged
        over each text's words and then over the two texts; clipped at 0.
    pairs : tuple of (int, int, float)
        Sentence index in ``a``, in ``b`` and cosine of every pair aligned by meaning,
        in ``b`` order.
    passages : tuple of ReusedPassage
        Runs of aligned sentences (at most :data:`RUN_GAP` sentences apart), longest
        first; ``groups`` is empty and ``identity`` is the share of unchanged words. A
        whole text rewritten (:attr:`whole`) is one passage from first to last sentence.
    sentences : (int, int)
        Sentences in ``a`` and in ``b``.
    summary : (str, int, int) or None
        ``("a", first, last)`` when sentences ``first`` to ``last`` of ``a`` sum up ``b``
        as a whole (likewise ``"b"``), else ``None``.
    entities_kept : float
        Names and numbers shared by the two sides of the first passage, as a share of
        the side with fewer (0 without a passage).
    """

    document_similarity: float
    sentence_similarity: float
    pairs: tuple[tuple[int, int, float], ...]
    passages: tuple[ReusedPassage, ...]
    sentences: tuple[int, int] = (0, 0)
    summary: tuple[str, int, int] | None = None
    entities_kept: float = 0.0

    @property
    def whole(self) -> bool:
        """Whether each text, sentence by sentence, says what the other says."""
        return min(self.sentences) >= MIN_ALIGNED and self.sentence_similarity >= WHOLE_SIMILARITY

    @property
    def derived(self) -> bool:
        """Whether enough sentences say the same thing for one text to derive from the other:
        the whole text, a passage of at least :data:`MIN_ALIGNED` aligned sentences, or a
        summary of one text inside the other; and the passage keeps the names and numbers
        (a whole text's passage is the whole of both texts)."""
        if self.whole:
            floor = WHOLE_MEANING_MIN_ENTITIES
        elif self.summary is not None:
            floor = SUMMARY_MIN_ENTITIES
        else:
            floor = MEANING_MIN_ENTITIES
        return self.aligned and self.entities_kept >= floor

    @property
    def aligned(self) -> bool:
        """Whether the sentences line up by meaning, names and numbers aside."""
        return self.whole or self.longest_run >= MIN_ALIGNED or self.summary is not None

    @property
    def longest_run(self) -> int:
        """Aligned sentence pairs in the longest passage."""
        return max(
            (
                sum(p.b_sentences[0] <= j <= p.b_sentences[1] for _, j, _ in self.pairs)
                for p in self.passages
            ),
            default=0,
        )


def _sentence_texts(doc: Document) -> list[str]:
    return [doc.text[s:e] for s, e in doc.sentences]


def _prose(doc: Document) -> np.ndarray:
    """Which sentences are prose: at least :data:`PROSE_SHARE` of their words are function
    words, as for the lexical passages, and a short line is not mostly capitalised (menus,
    keyword lists, footers and title-case headings are not prose)."""
    words = np.zeros(len(doc.sentences))
    function = np.zeros(len(doc.sentences))
    capitals = np.zeros(len(doc.sentences))
    for t in doc.tokens:
        words[t.sentence] += 1
        function[t.sentence] += t.lower in FUNCTION_WORDS
        capitals[t.sentence] += t.capitalized
    heading = (capitals >= 0.5 * words) & (words <= HEADING_WORDS)
    return (words > 0) & (function >= PROSE_SHARE * words) & ~heading


def _words(texts: list[str]) -> np.ndarray:
    return np.array([max(1, len(t.split())) for t in texts], dtype=np.float32)


def _runs(pairs: list[tuple[int, int, float]]) -> list[list[tuple[int, int, float]]]:
    runs: list[list[tuple[int, int, float]]] = []
    for pair in pairs:
        if runs and pair[1] - runs[-1][-1][1] <= RUN_GAP + 1:
            runs[-1].append(pair)
        else:
            runs.append([pair])
    return runs


def _passage(a: Document, b: Document, run: list[tuple[int, int, float]]) -> ReusedPassage:
    a_first, a_last = min(p[0] for p in run), max(p[0] for p in run)
    b_first, b_last = run[0][1], run[-1][1]
    a_tokens = [t for t in a.tokens if a_first <= t.sentence <= a_last]
    b_tokens = [t for t in b.tokens if b_first <= t.sentence <= b_last]
    stems_a, stems_b = {t.stem for t in a_tokens}, {t.stem for t in b_tokens}
    return ReusedPassage(
        a_sentences=(a_first, a_last),
        b_sentences=(b_first, b_last),
        a_span=(a.sentences[a_first][0], a.sentences[a_last][1]),
        b_span=(b.sentences[b_first][0], b.sentences[b_last][1]),
        groups=(),
        a_words=len(a_tokens),
        b_words=len(b_tokens),
        similarity=float(np.mean([p[2] for p in run])),
        identity=overlap_coefficient(stems_a, stems_b),
    )


def _entities_kept(a: Document, b: Document, passage: ReusedPassage) -> float:
    first_a, last_a = passage.a_sentences
    first_b, last_b = passage.b_sentences
    in_a = {t.lower for t in a.tokens if first_a <= t.sentence <= last_a and is_entity(t)}
    in_b = {t.lower for t in b.tokens if first_b <= t.sentence <= last_b and is_entity(t)}
    return overlap_coefficient(in_a, in_b)


def _summary_run(vectors: np.ndarray, other: np.ndarray) -> tuple[int, int, float, float] | None:
    """The sentences of one text that sum up the other, if any: first, last, how far they
    stand out (median absolute deviations) and their mean cosine with the other text."""
    norm = float(np.linalg.norm(other))
    if len(vectors) < SUMMARY_MIN_SENTENCES or norm == 0:
        return None
    about = np.einsum("ik,k->i", vectors, other / norm)
    median = float(np.median(about))
    spread = float(np.median(np.abs(about - median))) + 1e-3
    window = np.convolve(about, np.ones(SUMMARY_WINDOW) / SUMMARY_WINDOW, mode="valid")
    best = int(window.argmax())
    contrast = float(window[best]) - median
    if contrast < SUMMARY_CONTRAST or contrast / spread < SUMMARY_SPREAD:
        return None
    first, last, cut = best, best + SUMMARY_WINDOW - 1, median + contrast / 2
    while first > 0 and about[first - 1] >= cut:
        first -= 1
    while last < len(about) - 1 and about[last + 1] >= cut:
        last += 1
    return first, last, contrast / spread, float(about[first : last + 1].mean())


def align_meaning(a: Document, b: Document, embedder: StaticEmbedder) -> MeaningAlignment:
    """Embed both texts' sentences and align those that say the same thing.

    Symmetric: ``align_meaning(b, a)`` has the same similarities and the mirrored pairs.

    Examples
    --------
    >>> from detector.text.embedding import load_embedder
    >>> from detector.text.normalize import normalize
    >>> emb = load_embedder()
    >>> doc = normalize("The bridge closed on Monday. Repairs will take a year. Traffic is diverted.")
    >>> emb is None or align_meaning(doc, doc, emb).derived
    True
    """
    texts_a, texts_b = _sentence_texts(a), _sentence_texts(b)
    if not texts_a or not texts_b:
        return MeaningAlignment(0.0, 0.0, (), ())
    vec_a, vec_b = embedder.embed(texts_a), embedder.embed(texts_b)
    words_a, words_b = _words(texts_a), _words(texts_b)
    doc_a, doc_b = words_a @ vec_a, words_b @ vec_b
    norms = float(np.linalg.norm(doc_a) * np.linalg.norm(doc_b))
    document = float(doc_a @ doc_b) / norms if norms > 0 else 0.0
    # Page furniture says nothing: shared menus and footers must not line up by meaning.
    vec_a[~_prose(a)] = 0.0
    vec_b[~_prose(b)] = 0.0
    # einsum, not BLAS: for a few dozen rows a threaded GEMM costs more than it saves,
    # and much more on a busy machine.
    cos = np.einsum("ik,jk->ij", vec_a, vec_b)
    sentence = 0.5 * (
        float(words_a @ cos.max(axis=1)) / float(words_a.sum())
        + float(words_b @ cos.max(axis=0)) / float(words_b.sum())
    )
    best_b_for_a, best_a_for_b = cos.argmax(axis=1), cos.argmax(axis=0)
    pairs = [
        (int(i), j, float(cos[i, j]))
        for j, i in enumerate(best_a_for_b)
        if best_b_for_a[i] == j and cos[i, j] >= MEANING_THRESHOLD
    ]
    result = MeaningAlignment(
        document_similarity=max(0.0, document),
        sentence_similarity=max(0.0, sentence),
        pairs=tuple(pairs),
        passages=(),
        sentences=(len(texts_a), len(texts_b)),
    )
    last_a, last_b = len(texts_a) - 1, len(texts_b) - 1
    if result.whole:
        whole = [(0, 0, sentence), (last_a, last_b, sentence)]
        result = replace(result, passages=(_passage(a, b, whole),))
    else:
        runs = sorted(_runs(pairs), key=lambda r: (-len(r), r[0][1]))
        result = replace(result, passages=tuple(_passage(a, b, run) for run in runs))
    if not result.aligned:
        in_a, in_b = _summary_run(vec_a, doc_b), _summary_run(vec_b, doc_a)
        if in_b is not None and (in_a is None or in_b[2] >= in_a[2]):
            first, last, _, cosine = in_b
            span = [(0, first, cosine), (last_a, last, cosine)]
            result = replace(result, summary=("b", first, last), passages=(_passage(a, b, span),))
        elif in_a is not None:
            first, last, _, cosine = in_a
            span = [(first, 0, cosine), (last, last_b, cosine)]
            result = replace(result, summary=("a", first, last), passages=(_passage(a, b, span),))
    if not result.passages:
        return result
    return replace(result, entities_kept=_entities_kept(a, b, result.passages[0]))


def meaning_reasons(
    meaning: MeaningAlignment, extent: str, coverage: tuple[float, float], flip: bool
) -> list[str]:
    """Why the meaning alignment calls a pair derived, in words.

    ``coverage`` is in the order the pair was aligned in; the texts are named in the
    caller's order (``flip``: the first text aligned is the caller's ``b``).
    """
    names = ("b", "a") if flip else ("a", "b")
    similar = (
        f"Similarity in meaning: {meaning.sentence_similarity:.2f} sentence by sentence, "
        f"{meaning.document_similarity:.2f} for the whole texts; "
        f"{meaning.entities_kept:.0%} of the names and numbers kept."
    )
    if meaning.summary is not None:
        side, first, last = meaning.summary
        inside, summed = (names[0], names[1]) if side == "a" else (names[1], names[0])
        return [
            f"Summarised in new words (partial reuse): {last - first + 1} consecutive "
            f"sentences of {inside} are, as a block, about {summed} as a whole, and the rest "
            f"of {inside} is not (aligned by meaning), though few words line up.",
            similar,
        ]
    share = dict(zip(names, coverage, strict=True))
    how = (
        f"{share['a']:.0%} of a and {share['b']:.0%} of b"
        if extent == "whole"
        else f"{len(meaning.passages)} passage{'s' if len(meaning.passages) != 1 else ''}"
    )
    return [
        f"Rewritten in new words ({extent} reuse, {how}): {len(meaning.pairs)} sentences say "
        f"the same thing in both texts (aligned by meaning, cosine at least "
        f"{MEANING_THRESHOLD:.2f}), though few words line up.",
        similar,
    ]
