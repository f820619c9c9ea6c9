"""Stage 3 of a scan: every candidate pair is verified before it becomes a pair.

Identical texts are duplicates; the cheap checks of :mod:`detector.scan.triage` settle
plain copies (word 5-gram containment) and word-for-word edits (a token-level alignment
that tells a light edit from a spin by the swaps, with function words and numbers kept
in place); everything else goes through :func:`detector.compare.pipeline.compare`, the
same code as ``detector compare``. These functions run in the engine's workers, which
read the texts from the scan's working folder (:mod:`detector.scan.workdir`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from detector.scan.anchors import longest_shared_run
from detector.scan.candidates import PASSAGE
from detector.scan.options import ScanOptions
from detector.scan.triage import cached_frequencies, settle
from detector.scan.workdir import document_of, forget_old_scans, prepare_words, words_of

__all__ = ["verify_batch", "verify_pairs", "warm_up"]


def verify_pairs(
    work: str,
    pairs: np.ndarray,
    identical: np.ndarray,
    flipped: np.ndarray,
    channels: np.ndarray,
    options: ScanOptions,
) -> list[dict[str, Any]]:
    """Verify candidate pairs; one result per pair, in order.

    Identical texts are duplicates; :func:`detector.scan.triage.settle` settles clear
    copies and word-for-word edits from the word tokens; the rest go to ``compare``.
    A ``flipped`` pair is read as ``(j, i)``, the scan's input-independent order, and
    its result mirrored back, so that verdicts do not depend on the input order. A
    pair only the passage channel found goes further only when the texts share a run
    of ``min_passage_run`` words (:func:`detector.scan.anchors.longest_shared_run`).
    """
    forget_old_scans(work)
    out: list[dict[str, Any]] = []
    prepare_words(work, np.unique(pairs[~identical]).tolist(), options.shingle_k)
    rows = zip(pairs.tolist(), identical.tolist(), flipped.tolist(), channels.tolist(), strict=True)
    for (i, j), same, flip, found_by in rows:
        out.append({"i": i, "j": j, **_verify_one(work, i, j, same, flip, found_by, options)})
    return out


def _verify_one(
    work: str, i: int, j: int, same: bool, flip: bool, found_by: int, options: ScanOptions
) -> dict[str, Any]:
    """The verdict of one candidate pair (see :func:`verify_pairs`), without ``i``/``j``."""
    from detector.compare.pipeline import compare

    if same:
        return _result("duplicate", 1.0, 1.0, "whole", None, "identical")
    x, y = (j, i) if flip else (i, j)
    k = options.shingle_k
    if found_by == PASSAGE:
        run = longest_shared_run(words_of(work, x, k).hashes, words_of(work, y, k).hashes, k)
        if run < options.min_passage_run:
            # Stock phrases in common, no passage: nothing was lifted.
            return _result("related", 0.0, None, None, None, "no_passage")
    settled = settle(words_of(work, x, k), words_of(work, y, k), k=k, lexicon=options.lexicon)
    if settled is not None:
        # The cheap checks settle whole-text copies and spins only, without the
        # comparison that grades similarity.
        original = _mirrored(settled.original, flip)
        return _result(settled.verdict, settled.score, None, "whole", original, settled.by)
    result = compare(document_of(work, x), document_of(work, y), lexicon=options.lexicon)
    return _result(
        result.verdict,
        round(result.score, 4),
        round(result.similarity, 4),
        result.extent,
        _mirrored(result.original, flip),
        "compare",
    )


def _result(
    verdict: str,
    score: float,
    similarity: float | None,
    extent: str | None,
    original: str | None,
    by: str,
) -> dict[str, Any]:
    return {
        "verdict": verdict,
        "score": score,
        "similarity": similarity,
        "extent": extent,
        "original": original,
        "by": by,
    }


def _mirrored(original: str | None, flip: bool) -> str | None:
    """``original`` of a pair read as ``(j, i)``, said of ``(i, j)``."""
    if not flip or original is None:
        return original
    return "b" if original == "a" else "a"


def verify_batch(
    p: int,
    work: str,
    pairs: np.ndarray,
    identical: np.ndarray,
    flipped: np.ndarray,
    channels: np.ndarray,
    *,
    options: ScanOptions,
) -> tuple[int, list[dict[str, Any]]]:
    """:func:`verify_pairs` of batch ``p`` (an engine job); returns ``p`` and the results."""
    return p, verify_pairs(work, pairs, identical, flipped, channels, options)


def warm_up(lexicon: bool) -> None:
    """Import and load what verification uses (the model, the lexicon, Punkt) once."""
    from detector.compare.pipeline import default_verdict_maker
    from detector.text.normalize import normalize

    default_verdict_maker()
    normalize("Warm up. The model, the lexicon and the sentence splitter load once.")
    if lexicon:
        cached_frequencies().frequency("said")
