"""Sentence alignment and token diffs between two normalised articles.

This is the *seeding* step of the classical PAN text-alignment systems (Sanchez-Perez,
Sidorov & Gelbukh 2014): every sentence pair is scored by the mean of its word (stem)
TF-IDF cosine and its token-sequence similarity (rapidfuzz Indel, i.e. the Dice
coefficient of the longest common subsequence); stopwords are kept. Pairs over
``seed_threshold`` are paired one-to-one, best first; a sentence split in two on one
side joins its neighbour's pair. Extension and filtering into reused passages follow in
:mod:`detector.compare.passages`.

Inside each aligned group, a token diff (rapidfuzz Levenshtein opcodes over stems)
gives the change blocks: a short block between unchanged words is a substitution
"in the same frame", the mark of a spinner.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Real

import numpy as np

from detector.compare.similarity import tfidf_cosine_matrix
from detector.errors import ConfigError
from detector.text.normalize import Document
from detector.text.wordlists import FUNCTION_WORDS

__all__ = ["AlignedGroup", "Alignment", "ChangeBlock", "align", "longest_increasing"]

#: A change block is a substitution "in frame" when both sides have at most this many tokens.
MAX_FRAME_TOKENS = 3


@dataclass(frozen=True)
class ChangeBlock:
    """A maximal run of differing tokens inside an aligned group.

    Token ranges index the documents' ``tokens`` tuples, half-open.
    """

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    in_frame: bool

    @property
    def a_len(self) -> int:
        return self.a_end - self.a_start

    @property
    def b_len(self) -> int:
        return self.b_end - self.b_start


@dataclass(frozen=True)
class AlignedGroup:
    """Sentences of ``a`` aligned with sentences of ``b`` (usually one each)."""

    a_sentences: tuple[int, ...]
    b_sentences: tuple[int, ...]
    similarity: float
    a_tokens: tuple[int, ...]
    b_tokens: tuple[int, ...]
    equal_tokens: int
    blocks: tuple[ChangeBlock, ...]


@dataclass(frozen=True)
class Alignment:
    """The sentence alignment of two documents and what it measures."""

    groups: tuple[AlignedGroup, ...]
    coverage_a: float
    coverage_b: float
    order: float
    mean_similarity: float
    token_identity: float
    similarity_matrix: np.ndarray


def _is_fraction(value: object) -> bool:
    """A real number in [0, 1] (not a bool, not NaN)."""
    return not isinstance(value, bool) and isinstance(value, Real) and 0.0 <= float(value) <= 1.0


def _sentence_keys(doc: Document) -> list[list[str]]:
    return [[t.stem for t in sent] for sent in doc.sentence_tokens()]


def _similarity_matrix(a_keys: list[list[str]], b_keys: list[list[str]]) -> np.ndarray:
    from rapidfuzz import process
    from rapidfuzz.distance import Indel

    if not a_keys or not b_keys:
        return np.zeros((len(a_keys), len(b_keys)))
    cosine = tfidf_cosine_matrix(a_keys, b_keys)
    sequence = process.cdist(a_keys, b_keys, scorer=Indel.normalized_similarity, dtype=np.float32)
    result: np.ndarray = (cosine + sequence.astype(np.float64)) / 2.0
    return result


def longest_increasing(values: list[int]) -> int:
    """Length of the longest strictly increasing subsequence (patience sorting).

    Examples
    --------
    >>> longest_increasing([0, 8, 4, 12, 2, 10, 6, 14])
    4
    """
    import bisect

    tails: list[int] = []
    for v in values:
        i = bisect.bisect_left(tails, v)
        if i == len(tails):
            tails.append(v)
        else:
            tails[i] = v
    return len(tails)


def _pair_sentences(
    sim: np.ndarray, threshold: float, a_keys: list[list[str]], b_keys: list[list[str]]
) -> list[tuple[list[int], list[int], float]]:
    """One-to-one pairs best first, then split sentences joined to their neighbour's pair.

    A leftover sentence joins the group of its best partner only when that partner's
    group holds its neighbour and the joined token sequence matches better than before
    (a sentence split in two joins; a summary standfirst repeating a sentence does not).
    """
    from rapidfuzz.distance import Indel

    n, m = sim.shape
    order = np.argsort(-sim, axis=None, kind="stable")
    a_used: dict[int, int] = {}
    b_used: dict[int, int] = {}
    groups: list[tuple[list[int], list[int], float]] = []
    for flat in order:
        i, j = divmod(int(flat), m)
        value = float(sim[i, j])
        if value < threshold:
            break
        if i in a_used or j in b_used:
            continue
        a_used[i] = b_used[j] = len(groups)
        groups.append(([i], [j], value))

    def joined(sents: list[int], keys: list[list[str]]) -> list[str]:
        return [k for s in sorted(sents) for k in keys[s]]

    for side in ("a", "b"):
        own_used, other_used = (a_used, b_used) if side == "a" else (b_used, a_used)
        count = n if side == "a" else m
        for i in range(count):
            if i in own_used or sim.size == 0:
                continue
            row = sim[i] if side == "a" else sim[:, i]
            j = int(np.argmax(row))
            g = other_used.get(j)
            if g is None or row[j] < threshold:
                continue
            a_s, b_s, value = groups[g]
            own = a_s if side == "a" else b_s
            if i - 1 not in own and i + 1 not in own:
                continue
            before = Indel.normalized_similarity(joined(a_s, a_keys), joined(b_s, b_keys))
            grown = ([*a_s, i], b_s) if side == "a" else (a_s, [*b_s, i])
            after = Indel.normalized_similarity(joined(grown[0], a_keys), joined(grown[1], b_keys))
            if after > before:
                groups[g] = (grown[0], grown[1], value)
                own_used[i] = g
    return groups


_SEPARATORS = frozenset(',;:()[]"!?')


def _diff_keys(doc: Document, idx: list[int]) -> tuple[list[str], list[int]]:
    """Token stems with punctuation separators between them, and the token index of each key.

    Separators keep the sentence frame visible to the diff: ``said, adding`` ->
    ``mentioned, including`` gives two swaps, not one block.
    """
    keys: list[str] = []
    owners: list[int] = []
    for pos, k in enumerate(idx):
        keys.append(doc.tokens[k].stem)
        owners.append(k)
        if pos + 1 < len(idx):
            gap = doc.text[doc.tokens[k].end : doc.tokens[idx[pos + 1]].start]
            mark = next((c for c in gap if c in _SEPARATORS), None)
            if mark is not None:
                keys.append(mark)
                owners.append(-1)
    return keys, owners


def _tokens_in(owners: list[int], start: int, end: int) -> list[int]:
    return [k for k in owners[start:end] if k >= 0]


def _diff(
    a: Document, b: Document, a_idx: list[int], b_idx: list[int]
) -> tuple[int, list[ChangeBlock]]:
    from rapidfuzz.distance import Levenshtein

    a_keys, a_own = _diff_keys(a, a_idx)
    b_keys, b_own = _diff_keys(b, b_idx)
    ops = Levenshtein.opcodes(a_keys, b_keys)
    equal = 0
    runs: list[tuple[int, int, int, int]] = []
    for op in ops:
        if op.tag == "equal":
            equal += len(_tokens_in(a_own, op.src_start, op.src_end))
            continue
        if runs and runs[-1][1] == op.src_start and runs[-1][3] == op.dest_start:
            s1, _, d1, _ = runs[-1]
            runs[-1] = (s1, op.src_end, d1, op.dest_end)
        else:
            runs.append((op.src_start, op.src_end, op.dest_start, op.dest_end))
    # Content words deleted in one place and inserted in another were moved, not swapped.
    a_changed = {a.tokens[k].stem for s1, s2, _, _ in runs for k in _tokens_in(a_own, s1, s2)}
    b_changed = {b.tokens[k].stem for _, _, d1, d2 in runs for k in _tokens_in(b_own, d1, d2)}
    moved = (a_changed & b_changed) - FUNCTION_WORDS
    blocks: list[ChangeBlock] = []
    for s1, s2, d1, d2 in runs:
        a_run, b_run = _tokens_in(a_own, s1, s2), _tokens_in(b_own, d1, d2)
        if not a_run and not b_run:
            continue  # only punctuation changed
        has_left = s1 > 0 and d1 > 0
        has_right = s2 < len(a_keys) and d2 < len(b_keys)
        if _is_small(len(a_run), len(b_run)):
            blocks.extend(_frame_blocks(a, b, a_run, b_run, has_left or has_right))
            continue
        # A larger change: a short segment at its edge, next to an unchanged word and
        # bounded by punctuation or a moved word, is still a swap in the frame.
        a_segs = _segments(a, a_keys, a_own, s1, s2, moved)
        b_segs = _segments(b, b_keys, b_own, d1, d2, moved)
        head = tail = None
        at_left = has_left and a_segs and b_segs and a_segs[0][0] == s1 and b_segs[0][0] == d1
        if at_left and _is_small(len(a_segs[0][1]), len(b_segs[0][1])):
            head = (a_segs.pop(0)[1], b_segs.pop(0)[1])
        at_right = has_right and a_segs and b_segs and a_segs[-1][2] == s2 and b_segs[-1][2] == d2
        if at_right and _is_small(len(a_segs[-1][1]), len(b_segs[-1][1])):
            tail = (a_segs.pop()[1], b_segs.pop()[1])
        if head:
            blocks.extend(_frame_blocks(a, b, head[0], head[1], True))
        a_rest = [k for _, seg, _ in a_segs for k in seg]
        b_rest = [k for _, seg, _ in b_segs for k in seg]
        if a_rest or b_rest:
            a_start = a_rest[0] if a_rest else _next_token(a_own, s2, a_idx)
            b_start = b_rest[0] if b_rest else _next_token(b_own, d2, b_idx)
            if a_rest:
                blocks.append(ChangeBlock(a_start, a_rest[-1] + 1, b_start, b_start, False))
            if b_rest:
                blocks.append(ChangeBlock(a_start, a_start, b_start, b_rest[-1] + 1, False))
        if tail:
            blocks.extend(_frame_blocks(a, b, tail[0], tail[1], True))
    return equal, blocks


def _is_small(na: int, nb: int) -> bool:
    return (1 <= na <= MAX_FRAME_TOKENS and 1 <= nb <= MAX_FRAME_TOKENS) or (
        na == nb and 1 <= na <= 2 * MAX_FRAME_TOKENS
    )


def _frame_blocks(
    a: Document, b: Document, a_run: list[int], b_run: list[int], anchored: bool
) -> list[ChangeBlock]:
    """Blocks for a small change; equal-length swaps of content words split word by word."""
    na, nb = len(a_run), len(b_run)
    a_start, b_start = a_run[0], b_run[0]
    in_frame = anchored and _is_small(na, nb)
    content_only = all(
        doc.tokens[k].lower not in FUNCTION_WORDS
        for doc, run in ((a, a_run), (b, b_run))
        for k in run
    )
    if in_frame and na == nb and na > 1 and content_only:
        return [
            ChangeBlock(a_start + i, a_start + i + 1, b_start + i, b_start + i + 1, True)
            for i in range(na)
        ]
    return [ChangeBlock(a_start, a_start + na, b_start, b_start + nb, in_frame)]


def _segments(
    doc: Document, keys: list[str], owners: list[int], start: int, end: int, moved: set[str]
) -> list[tuple[int, list[int], int]]:
    """Split key positions ``[start, end)`` at separators and moved words.

    Returns (first key position, token indices, end key position) per segment; moved
    words form segments of their own.
    """
    segments: list[tuple[int, list[int], int]] = []
    current: list[int] = []
    seg_start = start
    for pos in range(start, end):
        k = owners[pos]
        if k < 0 or doc.tokens[k].stem in moved:
            if current:
                segments.append((seg_start, current, pos))
            if k >= 0:
                segments.append((pos, [k], pos + 1))
            current = []
            seg_start = pos + 1
            continue
        current.append(k)
    if current:
        segments.append((seg_start, current, end))
    return segments


def _next_token(owners: list[int], pos: int, idx: list[int]) -> int:
    """The token index at or after key position ``pos`` (for empty sides of a block)."""
    for k in owners[pos:]:
        if k >= 0:
            return k
    return idx[-1] + 1 if idx else 0


def _sentence_token_index(doc: Document) -> list[list[int]]:
    out: list[list[int]] = [[] for _ in doc.sentences]
    for k, tok in enumerate(doc.tokens):
        out[tok.sentence].append(k)
    return out


def align(
    a: Document,
    b: Document,
    *,
    seed_threshold: float = 0.3,
) -> Alignment:
    """Align the sentences of two documents and diff the aligned tokens.

    Parameters
    ----------
    a, b : Document
        Normalised articles.
    seed_threshold : float
        Minimum sentence-pair similarity (mean of TF-IDF cosine and token-sequence
        similarity) for two sentences to be aligned.

    Examples
    --------
    >>> from detector.text.normalize import normalize
    >>> a = normalize("The minister said the law was fair. Farmers disagreed loudly.")
    >>> b = normalize("The minister mentioned the law was fair. Farmers disagreed loudly.")
    >>> al = align(a, b)
    >>> [(g.a_sentences, g.b_sentences) for g in al.groups]
    [((0,), (0,)), ((1,), (1,))]
    >>> blk = al.groups[0].blocks[0]
    >>> a.tokens[blk.a_start].lower, b.tokens[blk.b_start].lower, blk.in_frame
    ('said', 'mentioned', True)
    """
    if not _is_fraction(seed_threshold):
        raise ConfigError(f"seed_threshold must be a number in [0, 1], got {seed_threshold!r}")
    a_keys, b_keys = _sentence_keys(a), _sentence_keys(b)
    sim = _similarity_matrix(a_keys, b_keys)
    a_tok, b_tok = _sentence_token_index(a), _sentence_token_index(b)
    groups: list[AlignedGroup] = []
    for a_set, b_set, value in _pair_sentences(sim, seed_threshold, a_keys, b_keys):
        a_sents, b_sents = tuple(sorted(a_set)), tuple(sorted(b_set))
        a_idx = [k for s in a_sents for k in a_tok[s]]
        b_idx = [k for s in b_sents for k in b_tok[s]]
        equal, blocks = _diff(a, b, a_idx, b_idx)
        groups.append(
            AlignedGroup(
                a_sentences=a_sents,
                b_sentences=b_sents,
                similarity=value,
                a_tokens=tuple(a_idx),
                b_tokens=tuple(b_idx),
                equal_tokens=equal,
                blocks=tuple(blocks),
            )
        )
    groups.sort(key=lambda g: g.a_sentences)
    a_aligned = sum(len(g.a_tokens) for g in groups)
    b_aligned = sum(len(g.b_tokens) for g in groups)
    b_order = [min(g.b_sentences) for g in groups]
    order = longest_increasing(b_order) / len(groups) if groups else 0.0
    return Alignment(
        groups=tuple(groups),
        coverage_a=a_aligned / len(a.tokens) if a.tokens else 0.0,
        coverage_b=b_aligned / len(b.tokens) if b.tokens else 0.0,
        order=order,
        mean_similarity=float(np.mean([g.similarity for g in groups])) if groups else 0.0,
        token_identity=(sum(g.equal_tokens for g in groups) / a_aligned) if a_aligned else 0.0,
        similarity_matrix=sim,
    )
