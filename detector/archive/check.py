"""Checking a suspect against archived articles: rank the candidates, screen them, verify.

A check fingerprints the suspect, looks up each of its band hashes (at most
:data:`MAX_BUCKET` postings per bucket), ranks the archived articles that share
buckets by the number of shared bands (rarer buckets break ties: a spun copy may
share a single skeleton band with its original), keeps ``max_candidates``, and
drops those whose exact word 5-gram, skeleton 6-gram and name/number overlaps with
the suspect are all far below what any copy, spun copy or rewrite shows (about
1 ms each, against about 12 ms for normalising and comparing). The rest are
verified with :func:`detector.compare.pipeline.compare`, the same code as ``detector
compare``, the suspect normalised once.

The store (:class:`detector.archive.store.Archive`) does the lookups; this module
ranks, screens and verifies what they return.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from detector.models import DERIVED_VERDICTS, Comparison
from detector.scan.options import ScanOptions
from detector.text.boilerplate import headline
from detector.text.normalize import Document
from detector.text.wordlists import CALENDAR_WORDS

__all__ = [
    "FLOOR_ENTITIES",
    "FLOOR_SEMANTIC_ENTITIES",
    "FLOOR_SKELETON",
    "FLOOR_WORDS",
    "MAX_BUCKET",
    "ArchivedArticle",
    "Match",
    "overlap",
    "overlap_sets",
    "rank_candidates",
    "verify",
    "with_semantic",
]

#: Postings read per band bucket; a bigger bucket is boilerplate shared by very many
#: articles and counts as that many (its weight is low).
MAX_BUCKET = 1000
#: Candidates below all three floors are not verified: every copy, spun copy and
#: rewrite of the labelled corpus is far above at least one (word 5-gram overlap
#: >= 0.86 for copies, skeleton 6-gram overlap >= 0.37 for spun copies, name and
#: number overlap >= 0.68 for spun copies and rewrites); unrelated articles stay
#: below 0.01, 0.03 and 0.2.
FLOOR_WORDS = 0.10
FLOOR_SKELETON = 0.12
FLOOR_ENTITIES = 0.35
#: The floor of names and numbers for a candidate only the semantic channel found
#: (:mod:`detector.archive.vectors`). A rewrite keeps the story's facts: on the corpus's
#: train and dev pairs every rewrite keeps 0.79 or more of the shorter text's names and
#: numbers (spun copies 0.93, near-duplicates 0.95), half the related pairs less than
#: 0.47. Without it, short templated wire items (Reuters earnings tables, 30-60 words,
#: cosine 0.88-0.96 with each other) came to compare, which called them rewrites.
FLOOR_SEMANTIC_ENTITIES = 0.5


@dataclass(frozen=True)
class ArchivedArticle:
    """One article of the archive."""

    id: str
    text: str
    title: str | None
    date: str | None
    source: str | None
    content_hash: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def shown_title(self) -> str | None:
        """The title, or for an article archived without one its first line of body text."""
        return self.title or headline(self.text)

    @property
    def label(self) -> str:
        """How pages and reports name the article: ``id: title``, or the id alone.

        Examples
        --------
        >>> ArchivedArticle("bus-01", "OSLO (Reuters) - Rates rose.", None, None, None, "").label
        'bus-01: Rates rose.'
        """
        title = self.shown_title
        return f"{self.id}: {title}" if title else self.id


@dataclass(frozen=True)
class Match:
    """An archived article a suspect derives from (or is derived from).

    In ``comparison``, text ``a`` is the suspect and ``b`` the archived article.
    ``cosine`` is the cosine of the two texts' prose embeddings when the semantic
    channel ran and the article has a vector (:mod:`detector.archive.vectors`), else
    ``None`` (and left out of :meth:`to_dict`, which is then what it was before the
    channel existed).
    """

    article: ArchivedArticle
    comparison: Comparison
    shared_bands: int
    cosine: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.article.id,
            "title": self.article.title,
            "date": self.article.date,
            "source": self.article.source,
            "shared_bands": self.shared_bands,
        }
        if self.cosine is not None:
            out["cosine"] = round(self.cosine, 4)
        return {**out, **self.comparison.to_dict()}


def rank_candidates(
    buckets: Iterable[Sequence[int]], total: int, max_candidates: int
) -> list[tuple[int, int, float]]:
    """Articles by the buckets they share with a suspect: ``(num, shared bands, weight)``.

    ``buckets`` holds the article numbers of each band bucket the suspect falls in;
    ``total`` is the number of articles. Best first: most shared bands, then the
    rarest buckets (weight: the sum over shared bands of ``log(1 + total / bucket size)``).

    Examples
    --------
    >>> rank_candidates([[1, 2], [2], [3, 1, 2]], total=3, max_candidates=2)
    [(2, 3, 2.996), (1, 2, 1.609)]
    """
    shared: dict[int, int] = {}
    weight: dict[int, float] = {}
    for members in buckets:
        if not members:
            continue
        w = math.log1p(total / len(members))
        for m in members:
            shared[m] = shared.get(m, 0) + 1
            weight[m] = weight.get(m, 0.0) + w
    ranked = sorted(shared, key=lambda m: (-shared[m], -weight[m], m))[:max_candidates]
    return [(m, shared[m], round(weight[m], 3)) for m in ranked]


def overlap_sets(text: str, options: ScanOptions) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Word k-gram, skeleton k-gram and name/number hash sets, for screening candidates.

    Made with the scan's functions; the skeleton set holds every skeleton k-gram (the
    scan's LSH keys leave out the generic ones, :func:`~detector.scan.minhash.skeleton_gram_hashes`).
    """
    from detector.scan.minhash import (
        analyze,
        gram_hashes,
        mark_digits,
        numbers_of,
        shingle_hashes,
        skeleton_hashes,
        token_hashes,
    )

    tokens, names = analyze(text)
    t = token_hashes(tokens)
    digits = mark_digits(tokens)
    words = gram_hashes(t, options.shingle_k)
    skeleton = gram_hashes(skeleton_hashes(tokens, t, digits), options.skeleton_k)
    entities = shingle_hashes(
        [e for e in names if e not in CALENDAR_WORDS] + numbers_of(tokens, digits), 1
    )
    return words, skeleton, entities


def overlap(a: np.ndarray, b: np.ndarray) -> float:
    """|a & b| / min(|a|, |b|) of two sets of distinct hashes.

    Examples
    --------
    >>> overlap(np.array([1, 2, 3]), np.array([2, 3, 4, 5]))
    0.6666666666666666
    """
    if not len(a) or not len(b):
        return 0.0
    return len(np.intersect1d(a, b, assume_unique=True)) / min(len(a), len(b))


def verify(
    text: str,
    candidates: Iterable[tuple[int, ArchivedArticle, int]],
    *,
    options: ScanOptions,
    document: Callable[[int, str, str], Document],
    lexicon: bool,
    include_all: bool,
    cosines: Mapping[int, float] | None = None,
    semantic_only: Collection[int] = (),
) -> list[Match]:
    """Compare the suspect with each candidate ``(num, article, shared bands)`` that passes.

    A candidate passes when any overlap with the suspect reaches its floor, or always
    with ``include_all``; for the semantic channel's own candidates (their ``num`` in
    ``semantic_only``) the floor of names and numbers is :data:`FLOOR_SEMANTIC_ENTITIES`.
    ``document(num, content_hash, text)`` gives the normalised article (the store caches
    them); ``cosines`` (by ``num``) go into the matches. Returns the derived verdicts (any
    verdict with ``include_all``), best first: score, then shared bands, then id.
    """
    from detector.compare.pipeline import compare
    from detector.text.normalize import normalize

    suspect_sets = None if include_all else overlap_sets(text, options)
    suspect_doc: Document | None = None
    matches: list[Match] = []
    for num, article, shared in candidates:
        if suspect_sets is not None:
            sets = overlap_sets(article.text, options)
            entities = FLOOR_SEMANTIC_ENTITIES if num in semantic_only else FLOOR_ENTITIES
            if (
                overlap(suspect_sets[0], sets[0]) < FLOOR_WORDS
                and overlap(suspect_sets[1], sets[1]) < FLOOR_SKELETON
                and overlap(suspect_sets[2], sets[2]) < entities
            ):
                continue
        if suspect_doc is None:
            suspect_doc = normalize(text)
        doc = document(num, article.content_hash, article.text)
        result = compare(suspect_doc, doc, lexicon=lexicon)
        if include_all or result.verdict in DERIVED_VERDICTS:
            cosine = cosines.get(num) if cosines is not None else None
            matches.append(Match(article, result, shared, cosine))
    matches.sort(key=lambda m: (-m.comparison.score, -m.shared_bands, m.article.id))
    return matches


def with_semantic(
    everything: Sequence[tuple[int, int, float]],
    ranked: Sequence[tuple[int, int, float]],
    semantic: tuple[dict[int, float], list[tuple[int, float]]] | None,
) -> tuple[list[tuple[int, int, float]], dict[int, float] | None, set[int]]:
    """The band candidates ``ranked`` (of ``everything`` that share a bucket) and the
    semantic channel's: ``(candidates, cosines, semantic_only)``.

    ``semantic`` is ``(cosines, nearest)`` of
    :meth:`detector.archive.vectors.SemanticChannel.candidates`, or ``None`` when the
    channel did not run (then the band candidates alone, as without the channel). The
    nearest articles that are not band candidates already are added after them, with
    the bands they share (``semantic_only``).

    Examples
    --------
    >>> with_semantic([(4, 3, 1.0), (7, 1, 0.2)], [(4, 3, 1.0)], ({4: 0.9, 7: 0.8}, [(7, 0.8)]))
    ([(4, 3, 1.0), (7, 1, 0.0)], {4: 0.9, 7: 0.8}, {7})
    >>> with_semantic([(4, 3, 1.0)], [(4, 3, 1.0)], ({4: 0.9}, [(4, 0.9)]))
    ([(4, 3, 1.0)], {4: 0.9}, set())
    >>> with_semantic([(4, 3, 1.0)], [(4, 3, 1.0)], None)
    ([(4, 3, 1.0)], None, set())
    """
    if semantic is None:
        return list(ranked), None, set()
    cosines, nearest = semantic
    shared = {num: n for num, n, _ in everything}
    listed = {num for num, _, _ in ranked}
    extra = [(num, shared.get(num, 0), 0.0) for num, _ in nearest if num not in listed]
    return [*ranked, *extra], cosines, {num for num, _, _ in extra}
