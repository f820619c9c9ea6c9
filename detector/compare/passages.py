"""Reused passages: aligned sentences grouped into the passages one text took from the other.

The sentence alignment (:mod:`detector.compare.align`) gives *seeds*: sentence pairs
that match. Reuse shows as a run of seeds that lie close together in both texts; a shared
quote or a common phrase is a lone seed. This module follows the extension and
filtering steps of Sanchez-Perez, Sidorov & Gelbukh (2014, PAN text alignment):

1. **Seeds**: aligned groups whose similarity is at least ``min_seed_similarity``.
2. **Extension**: clusters of seeds merge while two of them lie within ``near_gap``
   sentences of each other in one text and within ``far_gap`` sentences in the other.
   The rule is the same read from either text, so the passages do not depend on which
   text is given first. The loose side lets a reordered or summarised passage (whose
   sentences are spread out in the source) stay one passage.
3. **Filtering**: a passage must hold at least ``min_words`` (35) words of prose on its
   longer side (sentence pairs without function words, such as menus and keyword lists,
   may sit inside a passage but do not count), and a passage of one sentence pair at least ``min_single_words`` (60). Both were
   read off the development data (our corpus's train and dev pairs, PAN 2013's fit
   part): 35 words keeps a passage for 97 % of the derived pairs; one sentence in common
   is how independent reports of an event share a quote (up to 59 words in the corpus's
   related pairs), while lifted passages are runs of sentences.

Passages carry the sentence ranges and character spans (clean text) on both sides,
and what the later stages weigh: their length in words, the similarity of their seeds,
and the share of their words left unchanged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from detector.compare.align import AlignedGroup, Alignment
from detector.errors import ConfigError
from detector.text.normalize import Document
from detector.text.wordlists import FUNCTION_WORDS

__all__ = ["REUSE_FEATURES", "ReusedPassage", "find_passages", "reuse_features"]


@dataclass(frozen=True)
class ReusedPassage:
    """A passage of ``a`` that lines up with a passage of ``b``.

    Attributes
    ----------
    a_sentences, b_sentences : (int, int)
        First and last sentence index (inclusive) on each side.
    a_span, b_span : (int, int)
        Character span in each document's clean text, from the first to the last
        aligned word.
    groups : tuple of int
        Indices into ``Alignment.groups`` of the seeds the passage is made of.
    a_words, b_words : int
        Aligned words on each side.
    similarity : float
        Mean similarity of the seeds, weighted by their words.
    identity : float
        Unchanged words as a share of the shorter side's aligned words (a sentence
        boundary that pulls a few foreign words into one side does not lower it).
    """

    a_sentences: tuple[int, int]
    b_sentences: tuple[int, int]
    a_span: tuple[int, int]
    b_span: tuple[int, int]
    groups: tuple[int, ...]
    a_words: int
    b_words: int
    similarity: float
    identity: float

    @property
    def words(self) -> int:
        """Words on the longer side."""
        return max(self.a_words, self.b_words)


#: A passage of at least this share of each text's words, with at least
#: WHOLE_COPY_IDENTITY of them unchanged (the near-duplicate rule of
#: :class:`detector.compare.verdict.RuleVerdict`) and at least WHOLE_COPY_MIN_WORDS
#: words (as many as a one-sentence passage needs), is a whole copy: it is kept even
#: without prose (a results table, a list). On wire copy, light edits of results tables
#: were otherwise called related (benchmarks/README.md).
WHOLE_COPY_SHARE = 0.9
WHOLE_COPY_IDENTITY = 0.85
WHOLE_COPY_MIN_WORDS = 60


def _function_share(doc: Document, tokens: tuple[int, ...]) -> float:
    """Share of the tokens that are function words."""
    if not tokens:
        return 0.0
    return sum(doc.tokens[k].lower in FUNCTION_WORDS for k in tokens) / len(tokens)


def _gap(x: tuple[int, int], y: tuple[int, int]) -> int:
    """Sentences strictly between two inclusive ranges (0 when they touch or overlap)."""
    return max(0, y[0] - x[1] - 1, x[0] - y[1] - 1)


def _span(x: tuple[int, int], y: tuple[int, int]) -> tuple[int, int]:
    return min(x[0], y[0]), max(x[1], y[1])


@dataclass
class _Cluster:
    a: tuple[int, int]
    b: tuple[int, int]
    members: list[int]


def _cluster(seeds: list[tuple[int, AlignedGroup]], near: int, far: int) -> list[list[int]]:
    """Single-link clusters of seeds under the near/far rule, merged until stable."""
    clusters = [
        _Cluster(
            (min(g.a_sentences), max(g.a_sentences)), (min(g.b_sentences), max(g.b_sentences)), [i]
        )
        for i, g in seeds
    ]
    merged = True
    while merged:
        merged = False
        clusters.sort(key=lambda c: (c.a, c.b))
        i = 0
        while i < len(clusters):
            j = i + 1
            while j < len(clusters):
                p, c = clusters[i], clusters[j]
                ga, gb = _gap(p.a, c.a), _gap(p.b, c.b)
                if (ga <= near and gb <= far) or (gb <= near and ga <= far):
                    clusters[i] = _Cluster(_span(p.a, c.a), _span(p.b, c.b), p.members + c.members)
                    del clusters[j]
                    merged = True
                else:
                    j += 1
            i += 1
    return [sorted(c.members) for c in clusters]


def find_passages(
    a: Document,
    b: Document,
    alignment: Alignment,
    *,
    min_seed_similarity: float = 0.33,
    near_gap: int = 2,
    far_gap: int = 20,
    min_words: int = 35,
    min_single_words: int = 60,
    min_prose_share: float = 0.05,
) -> tuple[ReusedPassage, ...]:
    """The reused passages of a pair, longest first.

    Parameters
    ----------
    a, b : Document
        The normalised texts the alignment was made from.
    alignment : Alignment
        Their sentence alignment.
    min_seed_similarity : float
        Aligned groups below this similarity do not seed a passage.
    near_gap, far_gap : int
        Two seeds join one passage when, in one text, at most ``near_gap`` sentences
        lie between them and, in the other, at most ``far_gap``.
    min_words : int
        Passages with fewer aligned words on their longer side are dropped.
    min_single_words : int
        A passage made of one aligned sentence pair needs at least this many words: one
        sentence in common is a quote, not reuse, unless it is very long.
    min_prose_share : float
        A sentence pair whose words are less than this share function words on either
        side (a menu, a keyword list, a product template) may lie inside a passage but
        does not count towards its length: prose has function words, page furniture has
        few (the idea of SpotSigs, Theobald, Siddharth & Paepcke 2008).

    Examples
    --------
    >>> from detector.compare.align import align
    >>> from detector.text.normalize import normalize
    >>> story = ("The council approved the new budget on Tuesday after a long debate. "
    ...          "Spending on roads will rise by a fifth over the next two years. "
    ...          "The mayor said the plan would be reviewed in the spring.")
    >>> a = normalize("Tickets for the summer festival went on sale. " + story)
    >>> b = normalize(story + " In other news, the library will close early on Friday.")
    >>> [(p.a_sentences, p.b_sentences, p.words) for p in find_passages(a, b, align(a, b))]
    [((1, 3), (0, 2), 36)]
    """
    for name, value in (
        ("near_gap", near_gap),
        ("far_gap", far_gap),
        ("min_words", min_words),
        ("min_single_words", min_single_words),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigError(f"{name} must be a non-negative integer, got {value!r}")
    if not 0.0 <= min_seed_similarity <= 1.0:  # also refuses NaN
        raise ConfigError(f"min_seed_similarity must be in [0, 1], got {min_seed_similarity!r}")
    if not 0.0 <= min_prose_share <= 1.0:
        raise ConfigError(f"min_prose_share must be in [0, 1], got {min_prose_share!r}")
    if near_gap > far_gap:
        raise ConfigError(f"near_gap must not exceed far_gap, got {near_gap} > {far_gap}")
    groups = alignment.groups
    seeds = [
        (i, g)
        for i, g in enumerate(groups)
        if g.similarity >= min_seed_similarity and g.a_tokens and g.b_tokens
    ]
    prose = {
        i: min(_function_share(a, g.a_tokens), _function_share(b, g.b_tokens)) >= min_prose_share
        for i, g in seeds
    }
    passages = []
    for members in _cluster(seeds, near_gap, far_gap):
        chosen = [groups[i] for i in members]
        a_words = sum(len(g.a_tokens) for g in chosen)
        b_words = sum(len(g.b_tokens) for g in chosen)
        prose_words = max(
            sum(len(groups[i].a_tokens) for i in members if prose[i]),
            sum(len(groups[i].b_tokens) for i in members if prose[i]),
        )
        identity = sum(g.equal_tokens for g in chosen) / min(a_words, b_words)
        # Nearly all of both texts, nearly word for word: a whole copy, whatever its form
        # (a results table has no prose; a short text is one sentence).
        whole_copy = (
            min(a_words, b_words) >= WHOLE_COPY_MIN_WORDS
            and a_words >= WHOLE_COPY_SHARE * len(a.tokens)
            and b_words >= WHOLE_COPY_SHARE * len(b.tokens)
            and identity >= WHOLE_COPY_IDENTITY
        )
        if prose_words < min_words and not whole_copy:
            continue
        one_sentence = (
            len(chosen) == 1 and max(len(chosen[0].a_sentences), len(chosen[0].b_sentences)) == 1
        )
        if one_sentence and max(a_words, b_words) < min_single_words and not whole_copy:
            continue
        a_first = min(g.a_tokens[0] for g in chosen)
        a_last = max(g.a_tokens[-1] for g in chosen)
        b_first = min(g.b_tokens[0] for g in chosen)
        b_last = max(g.b_tokens[-1] for g in chosen)
        weight = sum(len(g.a_tokens) + len(g.b_tokens) for g in chosen)
        passages.append(
            ReusedPassage(
                a_sentences=(
                    min(min(g.a_sentences) for g in chosen),
                    max(max(g.a_sentences) for g in chosen),
                ),
                b_sentences=(
                    min(min(g.b_sentences) for g in chosen),
                    max(max(g.b_sentences) for g in chosen),
                ),
                a_span=(a.tokens[a_first].start, a.tokens[a_last].end),
                b_span=(b.tokens[b_first].start, b.tokens[b_last].end),
                groups=tuple(members),
                a_words=a_words,
                b_words=b_words,
                similarity=sum(g.similarity * (len(g.a_tokens) + len(g.b_tokens)) for g in chosen)
                / weight,
                identity=identity,
            )
        )
    passages.sort(key=lambda p: (-p.words, p.a_span, p.b_span))
    return tuple(passages)


#: The reuse features, in the order the reuse model's weights follow.
REUSE_FEATURES: tuple[str, ...] = (
    "passage_words_log",
    "passage_short_side_log",
    "passage_similarity",
    "passage_identity",
    "passage_seeds_log",
    "passage_best_seed",
    "passage_density_max",
    "passage_density_min",
    "passage_chain_log",
    "word_cosine",
    "passage_contrast",
    "seed_contrast",
    "best_group_similarity",
    "matched_words_log",
)

#: Aligned sentence pairs at least this similar count as matched words, passage or not.
MATCHED_SIMILARITY = 0.5


def _log_words(n: float) -> float:
    """Words on a log scale squeezed into [0, 1] (1 at 1,000 words and beyond)."""
    return min(1.0, math.log1p(max(0.0, n)) / math.log1p(1000.0))


def reuse_features(
    alignment: Alignment, passages: tuple[ReusedPassage, ...], word_cosine: float
) -> dict[str, float]:
    """What the reuse model weighs: the longest passage, and how it stands out from the rest.

    Reuse shows as a run of closely matching sentences that stands out from the texts'
    overall similarity (a passage lifted into another article); independent reports of
    one event are moderately alike throughout, with a quote or two in common. So beside
    the passage's length, similarity and unchanged share, the features hold the texts'
    whole-text word cosine and the *contrast* of the passage against it. Every feature
    is symmetric in the two texts and lies in [0, 1].

    Examples
    --------
    >>> from detector.compare.align import align
    >>> from detector.text.normalize import normalize
    >>> a = normalize("The council approved the budget on Tuesday after a long debate. "
    ...               "Spending on roads will rise by a fifth over the next two years.")
    >>> al = align(a, a)
    >>> f = reuse_features(al, find_passages(a, a, al, min_words=5), 1.0)
    >>> f["passage_identity"], f["passage_contrast"]
    (1.0, 0.5)
    """
    names = REUSE_FEATURES
    groups = alignment.groups
    overall = {
        "best_group_similarity": max((g.similarity for g in groups), default=0.0),
        "matched_words_log": _log_words(
            sum(
                (len(g.a_tokens) + len(g.b_tokens)) / 2
                for g in groups
                if g.similarity >= MATCHED_SIMILARITY
            )
        ),
    }
    if not passages:
        features = dict.fromkeys(names, 0.0)
        features["word_cosine"] = word_cosine
        features["passage_contrast"] = features["seed_contrast"] = (1.0 - word_cosine) / 2.0
        return {**features, **overall}
    best = passages[0]
    seeds = [alignment.groups[i] for i in best.groups]
    best_seed = max(g.similarity for g in seeds)
    a_count = sum(len(g.a_sentences) for g in seeds)
    b_count = sum(len(g.b_sentences) for g in seeds)
    density_a = a_count / (best.a_sentences[1] - best.a_sentences[0] + 1)
    density_b = b_count / (best.b_sentences[1] - best.b_sentences[0] + 1)
    # The longest chain of seeds that follow each other (at most one sentence apart,
    # forward) in both texts: a dynamic programme over the seeds, symmetric in a and b.
    ordered = sorted(seeds, key=lambda g: (min(g.a_sentences), min(g.b_sentences)))
    best_here: list[float] = []
    for i, g in enumerate(ordered):
        words = (len(g.a_tokens) + len(g.b_tokens)) / 2
        before = [
            best_here[j]
            for j, p in enumerate(ordered[:i])
            if 0 <= min(g.a_sentences) - max(p.a_sentences) - 1 <= 1
            and 0 <= min(g.b_sentences) - max(p.b_sentences) - 1 <= 1
        ]
        best_here.append(words + max(before, default=0.0))
    chain = max(best_here, default=0.0)
    return {
        "passage_words_log": _log_words(best.words),
        "passage_short_side_log": _log_words(min(best.a_words, best.b_words)),
        "passage_similarity": best.similarity,
        "passage_identity": min(1.0, best.identity),
        "passage_seeds_log": _log_words(len(seeds)),
        "passage_best_seed": best_seed,
        "passage_density_max": min(1.0, max(density_a, density_b)),
        "passage_density_min": min(1.0, density_a, density_b),
        "passage_chain_log": _log_words(chain),
        "word_cosine": word_cosine,
        "passage_contrast": (best.similarity - word_cosine + 1.0) / 2.0,
        "seed_contrast": (best_seed - word_cosine + 1.0) / 2.0,
        **overall,
    }
