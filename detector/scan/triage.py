"""Cheap first checks that settle the clear candidate pairs of a scan before ``compare``.

A batch scan verifies every candidate pair. Most pairs in a scraped corpus are clear
cases that need none of the sentence alignment, TF-IDF and model of
:func:`detector.compare.pipeline`; two cheap checks on the texts' word tokens settle them, and
everything they do not settle goes on to ``compare``:

1. **Plain copy** (:func:`plain_copy`): word 5-gram containment. One text holding at
   least 75 % of the other's 5-grams, the other at least 50 %, is a copy: a duplicate
   when one holds 97.5 % and the other 90 %, else a near-duplicate.
2. **Word-for-word edit** (:func:`word_alignment`, :func:`aligned_verdict`): a
   token-level Levenshtein alignment of the two texts (rapidfuzz's bit-parallel
   implementation). Only a text that lines up word for word (85 % of the shorter
   text kept or swapped one for one) is settled here. Then the share of swapped
   words and which words they are decide: at most 4 % swapped, or at most 10 % when
   the swaps also hit function words and numbers (a copy editor's hand), is an
   edited copy, a near-duplicate. A spin is the evidence a spinner leaves, after
   Zhang et al. (DSpin, 2014): spinners swap content words and keep the
   "immutables" (function words and numbers) in place, so 8-50 % of words swapped,
   80 % of the swaps content words for content words, and 90 % of the aligned
   immutables kept. Everything between is left to ``compare``.

The thresholds come from the labelled pairs of the corpus's train and dev splits
(``corpus/pairs.jsonl``; ``tests/test_triage.py`` checks them there), with a wide
margin on each side:

=====================  ===========  ===========  ======================  ===========
measure                spun         near-dup     rewrite                 related
=====================  ===========  ===========  ======================  ===========
immutables kept        0.96 - 1.00  0.98 - 1.00  0.17 - 0.59             0.06 - 0.26
swapped share          0.09 - 0.32  0.00 - 0.03  0.46 - 0.88             0.82 - 0.97
content-word swaps     0.84 - 1.00  0.27 - 0.78  0.35 - 0.50             0.33 - 0.44
=====================  ===========  ===========  ======================  ===========

Independent texts and human rewrites keep a fifth to a half of their function words
in place by chance, so the immutables floor of 0.9 leaves them all to ``compare``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
from rapidfuzz.distance import Levenshtein

from detector.models import Substitution
from detector.scan.minhash import gram_hashes, is_number, light_tokens, prepare_text, token_hashes
from detector.scan.tokens import FUNCTION_WORD, gram_windows, tokenize, word_table
from detector.text.wordlists import FUNCTION_WORDS, NUMBER_WORDS

__all__ = [
    "Settled",
    "WordAlignment",
    "Words",
    "aligned_verdict",
    "cached_frequencies",
    "plain_copy",
    "settle",
    "word_alignment",
]

#: Aligned function words and numbers that must be kept in place for a word-for-word edit.
MIN_IMMUTABLES_KEPT = 0.9
#: Share of the shorter text's words that must line up (kept or swapped one for one).
MIN_LINED_UP = 0.85
#: At most this share of swapped words is a light edit: a near-duplicate.
MAX_EDIT_SWAPS = 0.04
#: Up to this share is still an edit when the swaps are not a spinner's (under
#: MIN_CONTENT_SWAPS of them content words): a copy editor touches function words too.
MAX_EDIT_SWAPS_MIXED = 0.1
#: At least this share of swapped words is a spin ...
MIN_SPIN_SWAPS = 0.08
#: ... at most this share (beyond it the texts hardly share wording) ...
MAX_SPIN_SWAPS = 0.5
#: ... and this share of the swaps replace a content word by a content word.
MIN_CONTENT_SWAPS = 0.8


@dataclass(frozen=True)
class Settled:
    """A verdict reached without ``compare``, and which check reached it."""

    verdict: str
    score: float
    original: str | None
    by: str


def _immutable(word: str) -> bool:
    return word in FUNCTION_WORDS or is_number(word)


class _ImmutableMemo(dict[str, bool]):
    """word -> whether it is a function word or a number, computed once per word."""

    def __missing__(self, word: str) -> bool:
        value = self[word] = _immutable(word)
        return value


_IMMUTABLE = _ImmutableMemo()


class Words:
    """A text's word tokens, prepared once for the checks of many pairs.

    Parameters
    ----------
    tokens : sequence of str
        The text's :func:`detector.scan.minhash.light_tokens`.
    k : int
        Shingle length of the copy check.

    Attributes
    ----------
    hashes : ndarray of uint64
        The tokens' :func:`detector.scan.minhash.token_hashes` (the same in every process).
    grams : frozenset of int
        The text's word ``k``-gram hashes (:func:`detector.scan.minhash.gram_hashes`).
    """

    hashes: np.ndarray
    grams: frozenset[int]
    _spans: tuple[str, np.ndarray, np.ndarray]
    _immutable: np.ndarray

    def __init__(self, tokens: Sequence[str], k: int = 5) -> None:
        self.__dict__["tokens"] = list(tokens)
        self.hashes = token_hashes(self.tokens)
        self.grams = frozenset(gram_hashes(self.hashes, k).tolist())

    @classmethod
    def batch(cls, texts: Sequence[str], k: int = 5) -> list[Words]:
        """``Words(light_tokens(text), k)`` for each text, with the batch tokenizer.

        Texts that are ASCII once prepared (nearly all news) are tokenized together by
        the byte-level tokenizer of :mod:`detector.scan.tokens`, which finds exactly the
        tokens of :func:`detector.scan.minhash.light_tokens` and their hashes, and their
        shingles are hashed together; token strings are only made when an alignment
        needs them. The other texts are prepared one by one.
        """
        prepared = [prepare_text(t) for t in texts]
        fast = [i for i, p in enumerate(prepared) if p.isascii()]
        out: list[Words | None] = [None] * len(texts)
        if fast:
            tok = tokenize([prepared[i] for i in fast])
            lowered = tok.data.tobytes().lower().decode("ascii")
            grams, _ = gram_windows(tok.hashes, tok.offsets, k)
            # Function words by token hash, as the skeleton finds them; numbers by digit.
            flags, _ = word_table().lookup(tok.hashes)
            immutable = (flags & FUNCTION_WORD).astype(bool) | tok.digits
            bounds = tok.offsets.tolist()
            for n, i in enumerate(fast):
                a, b = bounds[n], bounds[n + 1]
                if b - a < k:
                    continue  # one shorter gram: made one by one below
                words = cls.__new__(cls)
                words.hashes = tok.hashes[a:b]
                words.grams = frozenset(grams[a : b - k + 1].tolist())
                words._spans = (lowered, tok.starts[a:b], tok.ends[a:b])
                words._immutable = immutable[a:b]
                out[i] = words
        return [
            w if w is not None else cls(light_tokens(t), k) for w, t in zip(out, texts, strict=True)
        ]

    @cached_property
    def tokens(self) -> list[str]:
        """The token strings (made on demand for texts prepared in a batch)."""
        lowered, starts, ends = self._spans
        return [lowered[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]

    def word(self, i: int) -> str:
        """Token ``i`` as a string, without making all of them."""
        if "tokens" in self.__dict__ or not hasattr(self, "_spans"):
            return self.tokens[i]
        lowered, starts, ends = self._spans
        return lowered[int(starts[i]) : int(ends[i])]

    @cached_property
    def codes(self) -> list[int]:
        """The token hashes as Python integers, for the alignment."""
        codes: list[int] = self.hashes.tolist()
        return codes

    @cached_property
    def immutable(self) -> list[bool]:
        """Per token, whether it is a function word or a number (only the alignment needs it)."""
        if hasattr(self, "_immutable"):
            flags: list[bool] = self._immutable.tolist()
            return flags
        if len(_IMMUTABLE) > 1 << 20:
            _IMMUTABLE.clear()
        return list(map(_IMMUTABLE.__getitem__, self.tokens))

    def __len__(self) -> int:
        return len(self.hashes)


def _words(x: Words | Sequence[str], k: int = 5) -> Words:
    return x if isinstance(x, Words) else Words(x, k)


def plain_copy(a: Words | Sequence[str], b: Words | Sequence[str], k: int = 5) -> Settled | None:
    """Settle a clear copy from word ``k``-grams: one text contained in the other.

    Examples
    --------
    >>> words = ("the council voted on tuesday to close the old bridge to traffic from "
    ...          "march while engineers decide whether the crumbling span can be saved").split()
    >>> plain_copy(words, words + ["advertisement"]).verdict
    'duplicate'
    >>> plain_copy(words, words[:-4] + ["repaired", "at", "all"]).verdict
    'near_duplicate'
    >>> plain_copy(words, "a quite different sentence about the weather".split()) is None
    True
    """
    sa, sb = _words(a, k).grams, _words(b, k).grams
    if not sa or not sb:
        return None
    shared = len(sa & sb)
    in_a, in_b = shared / len(sa), shared / len(sb)
    # 75 % of one text's 5-grams in the other is a copy; spun copies keep under 65 %
    # and rewrites under 15 % (corpus/pairs.jsonl), so nothing else is settled here.
    if max(in_a, in_b) < 0.75 or min(in_a, in_b) < 0.5:
        return None
    original = _fuller(in_a, in_b)
    if max(in_a, in_b) >= 0.975 and min(in_a, in_b) >= 0.9:
        # One text whole in the other, which holds 90 % of it: the same text in
        # different page furniture. (Syndicated edits keep at most 96 % of the
        # edited text's 5-grams: corpus/pairs.jsonl, train and dev.)
        return Settled("duplicate", round(0.9 + 0.1 * min(in_a, in_b), 4), original, "shingles")
    return Settled("near_duplicate", round(0.8 + 0.1 * min(in_a, in_b), 4), original, "shingles")


def _fuller(in_a: float, in_b: float) -> str | None:
    """The fuller text is the likely original: syndicated copies are trimmed.

    ``in_a`` is the share of ``a`` found in ``b``, ``in_b`` likewise. A copy that is
    plainly a trimmed version lies almost whole in the original, the original only
    partly in it; a gap under 0.1 (a new headline or standfirst, a cut paragraph) says
    nothing either way.
    """
    if abs(in_a - in_b) < 0.1:
        return None
    return "a" if in_a < in_b else "b"


@dataclass(frozen=True)
class WordAlignment:
    """How two token sequences line up under a word-level Levenshtein alignment.

    Attributes
    ----------
    kept : int
        Words equal in both, in place.
    swapped : int
        Words replaced one for one.
    lined_up : float
        ``(kept + swapped)`` over the shorter text's length.
    immutables_kept : float
        Aligned function words and numbers (either side) that are kept, over all of them.
    swap_share : float
        ``swapped / (kept + swapped)``.
    content_swaps : float
        Swaps of a content word for a content word, over all swaps.
    swaps : tuple of (str, str)
        The swapped word pairs, in ``a`` order.
    share_a, share_b : float
        ``(kept + swapped)`` over each text's length.
    """

    kept: int
    swapped: int
    lined_up: float
    immutables_kept: float
    swap_share: float
    content_swaps: float
    swaps: tuple[tuple[str, str], ...]
    share_a: float
    share_b: float


def word_alignment(a: Words | Sequence[str], b: Words | Sequence[str]) -> WordAlignment:
    """Align two texts word by word (Levenshtein over tokens) and measure the edit.

    Examples
    --------
    >>> a = "the minister said the new laws were fair to 1,178 farmers".split()
    >>> b = "the minister mentioned the latest laws were fair to 1,178 farmers".split()
    >>> w = word_alignment(a, b)
    >>> w.kept, w.swapped, w.immutables_kept, w.swaps
    (9, 2, 1.0, (('said', 'mentioned'), ('new', 'latest')))
    """
    wa, wb = _words(a), _words(b)
    kept = swapped = imm_kept = imm_all = content = 0
    swaps: list[tuple[str, str]] = []
    for op in Levenshtein.opcodes(wa.codes, wb.codes):
        if op.tag == "equal":
            kept += op.src_end - op.src_start
            moved = sum(wa.immutable[op.src_start : op.src_end])
            imm_kept += moved
            imm_all += moved
        elif op.tag == "replace":  # one for one: equal lengths on both sides
            for i, j in zip(
                range(op.src_start, op.src_end), range(op.dest_start, op.dest_end), strict=True
            ):
                x, y = wa.word(i), wb.word(j)
                either = (
                    wa.immutable[i] or wb.immutable[j] or x in NUMBER_WORDS or y in NUMBER_WORDS
                )
                imm_all += either
                content += not either
                swaps.append((x, y))
            swapped += op.src_end - op.src_start
    lined = kept + swapped
    return WordAlignment(
        kept=kept,
        swapped=swapped,
        lined_up=min(1.0, lined / (min(len(wa), len(wb)) or 1)),
        immutables_kept=imm_kept / imm_all if imm_all else 0.0,
        swap_share=swapped / lined if lined else 0.0,
        content_swaps=content / swapped if swapped else 0.0,
        swaps=tuple(swaps),
        share_a=lined / len(wa) if len(wa) else 0.0,
        share_b=lined / len(wb) if len(wb) else 0.0,
    )


def aligned_verdict(
    a: Words | Sequence[str], b: Words | Sequence[str], *, lexicon: bool = True
) -> Settled | None:
    """Settle a word-for-word edit: a light edit (near-duplicate) or a spin; else None.

    Examples
    --------
    >>> a = ("the minister said on monday that the new laws were fair to the 1,178 "
    ...      "farmers who had protested outside the parliament for three weeks").split()
    >>> b = ("the minister mentioned on monday that the latest legislation were truthful to "
    ...      "the 1,178 growers who had demonstrated outside the parliament for three weeks").split()
    >>> aligned_verdict(a, b).verdict
    'spun'
    >>> aligned_verdict(a, "a report on the weather in the north for three weeks".split()) is None
    True
    """
    if not len(a) or not len(b):
        return None
    w = word_alignment(a, b)
    if w.lined_up < MIN_LINED_UP:
        return None
    score = round(w.lined_up * (1.0 - w.swap_share), 4)
    light = w.swapped < MIN_SPINNER_SWAPS or w.content_swaps < MIN_CONTENT_SWAPS
    if (w.swap_share <= MAX_EDIT_SWAPS and light) or (
        w.swap_share <= MAX_EDIT_SWAPS_MIXED and w.content_swaps < MIN_CONTENT_SWAPS
    ):
        # Nine words in ten kept in place, the text lined up: an edited copy.
        return Settled("near_duplicate", score, _fuller(w.share_a, w.share_b), "alignment")
    if (
        w.immutables_kept >= MIN_IMMUTABLES_KEPT
        and MIN_SPIN_SWAPS <= w.swap_share <= MAX_SPIN_SWAPS
        and w.content_swaps >= MIN_CONTENT_SWAPS
    ):
        score = round(w.lined_up * w.immutables_kept, 4)
        return Settled("spun", score, _spin_original(w.swaps, lexicon=lexicon), "alignment")
    return None


#: From this many content-word swaps, a copy's swaps may be a light spin's: ``compare``
#: decides (tests/test_scan_agreement.py).
MIN_SPINNER_SWAPS = 4

#: Swaps weighed for the direction: plenty for a clear majority, and bounded work.
MAX_DIRECTION_SWAPS = 30


def _spin_original(swaps: Sequence[tuple[str, str]], *, lexicon: bool) -> str | None:
    """The side whose words read as the source of the other's swaps (see provenance)."""
    from detector.compare.provenance import wording_direction

    if len(swaps) < 5:
        return None
    subs = [Substitution(a, b, 0, 0) for a, b in swaps[:MAX_DIRECTION_SWAPS]]
    direction = wording_direction(subs, cached_frequencies() if lexicon else None)
    # As in provenance.likely_original: the wording alone must weigh 1 point at 3 per unit.
    if abs(direction) < 1 / 3:
        return None
    return "a" if direction > 0 else "b"


class _Frequencies:
    """The lexicon's word frequencies, memoised: a scan looks up the same words often."""

    def __init__(self) -> None:
        from detector.text.lexicon import load_lexicon

        self.frequency = lru_cache(maxsize=1 << 16)(load_lexicon().frequency)


@lru_cache(maxsize=1)
def cached_frequencies() -> _Frequencies:
    """The lexicon's word frequencies, loaded once per process and memoised per word."""
    return _Frequencies()


def settle(
    a: Words | Sequence[str], b: Words | Sequence[str], *, k: int = 5, lexicon: bool = True
) -> Settled | None:
    """The first cheap check that settles the pair, or None (``compare`` decides).

    ``a`` and ``b`` are the texts' :func:`detector.scan.minhash.light_tokens`, or
    :class:`Words` made from them once for many pairs.
    """
    wa, wb = _words(a, k), _words(b, k)
    copy = plain_copy(wa, wb, k)
    if copy is None:
        return aligned_verdict(wa, wb, lexicon=lexicon)
    if copy.verdict == "near_duplicate":
        w = word_alignment(wa, wb)
        if w.swapped >= MIN_SPINNER_SWAPS and w.content_swaps >= MIN_CONTENT_SWAPS:
            # A few content words swapped one for one, the rest in place: a light
            # spin or a light edit, which compare's model tells apart.
            return None
    return copy
