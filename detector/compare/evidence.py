"""Spin evidence: what the token diffs inside aligned sentences say about how b was made.

An article spinner replaces single words and short phrases with thesaurus
"synonyms" in place: the neighbours stay, the same word is replaced the same way
each time, and names and numbers are kept, since spinners cannot change every word
(the "immutables" of Zhang et al., DSpin, NDSS 2014). A human rewrite moves and
merges material instead, so its changes come in long blocks.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from detector.compare.align import Alignment
from detector.compare.shingle import is_entity
from detector.models import Edit, Substitution
from detector.text.normalize import Document
from detector.text.wordlists import FUNCTION_WORDS

__all__ = ["SpinEvidence", "spin_evidence"]

#: Changes assumed not in frame before any are seen (additive smoothing of in_frame_share).
IN_FRAME_PRIOR = 10


@dataclass(frozen=True)
class SpinEvidence:
    """Measures in [0, 1] and the substitutions and edits behind them."""

    substitution_rate: float
    in_frame_share: float
    consistency: float
    synonym_share: float | None
    entities_kept: float
    substitutions: tuple[Substitution, ...]
    edits: tuple[Edit, ...]
    repeated_swaps: tuple[tuple[str, str, int], ...]


def _raw_text(doc: Document, start: int, end: int) -> tuple[str, int]:
    """Raw surface and raw start of tokens ``doc.tokens[start:end]``."""
    first, last = doc.tokens[start], doc.tokens[end - 1]
    rs, re_ = doc.raw_span(first.start, last.end)
    return doc.raw[rs:re_], rs


def _phrase(doc: Document, start: int, end: int) -> str:
    return " ".join(t.lower for t in doc.tokens[start:end])


def spin_evidence(
    a: Document, b: Document, alignment: Alignment, *, lexicon: bool = True
) -> SpinEvidence:
    """Collect substitutions and spin measures from an alignment.

    Parameters
    ----------
    a, b : Document
        The two normalised articles.
    alignment : Alignment
        Their sentence alignment (see :func:`detector.compare.align.align`).
    lexicon : bool
        Check each substitution against the WordNet synonym lexicon. With ``False``,
        ``synonym_share`` is ``None`` and no substitution is marked as a synonym.

    Examples
    --------
    >>> from detector.text.normalize import normalize
    >>> from detector.compare.align import align
    >>> a = normalize("Officials said the giant firm was fined. Officials said it would appeal.")
    >>> b = normalize("Officials mentioned the large firm was fined. Officials mentioned it would appeal.")
    >>> ev = spin_evidence(a, b, align(a, b), lexicon=False)
    >>> [(s.a_text, s.b_text) for s in ev.substitutions]
    [('said', 'mentioned'), ('giant', 'large'), ('said', 'mentioned')]
    >>> ev.consistency, ev.repeated_swaps
    (1.0, (('said', 'mentioned', 2),))
    """
    lex = None
    if lexicon:
        from detector.text.lexicon import load_lexicon

        lex = load_lexicon()
    substitutions: list[Substitution] = []
    edits: list[Edit] = []
    aligned_a = swapped_a = changed_a = in_frame_a = 0
    swaps_by_word: dict[str, Counter[str]] = defaultdict(Counter)
    kept_by_word: Counter[str] = Counter()
    synonym_hits = synonym_checked = 0
    entities_total = entities_kept = 0
    for group in alignment.groups:
        aligned_a += len(group.a_tokens)
        changed_in_group: set[int] = set()
        b_words = {b.tokens[k].lower for k in group.b_tokens}
        for k in group.a_tokens:
            tok = a.tokens[k]
            if is_entity(tok):
                entities_total += 1
                entities_kept += tok.lower in b_words
        for block in group.blocks:
            changed_a += max(block.a_len, 1 if block.b_len else 0)
            changed_in_group.update(range(block.a_start, block.a_end))
            if block.in_frame:
                in_frame_a += block.a_len
                swapped_a += block.a_len
                a_text, a_start = _raw_text(a, block.a_start, block.a_end)
                b_text, b_start = _raw_text(b, block.b_start, block.b_end)
                a_phrase, b_phrase = (
                    _phrase(a, block.a_start, block.a_end),
                    _phrase(b, block.b_start, block.b_end),
                )
                synonym: bool | None = None
                if lex is not None and not all(w in FUNCTION_WORDS for w in a_phrase.split()):
                    synonym = lex.are_synonyms(a_phrase, b_phrase)
                    synonym_checked += 1
                    synonym_hits += synonym
                substitutions.append(Substitution(a_text, b_text, a_start, b_start, synonym))
                swaps_by_word[a_phrase][b_phrase] += 1
                continue
            if block.a_len:
                text, start = _raw_text(a, block.a_start, block.a_end)
                edits.append(Edit("a", text, start))
            if block.b_len:
                text, start = _raw_text(b, block.b_start, block.b_end)
                edits.append(Edit("b", text, start))
        for k in group.a_tokens:
            if k not in changed_in_group:
                kept_by_word[a.tokens[k].lower] += 1
    # Consistency: a word swapped more than once (or swapped and also kept) should be
    # swapped the same way every time.
    consistent = total = 0
    repeated: list[tuple[str, str, int]] = []
    for word, replacements in swaps_by_word.items():
        occurrences = sum(replacements.values()) + kept_by_word.get(word, 0)
        if occurrences < 2 or word in FUNCTION_WORDS:
            continue
        best, count = replacements.most_common(1)[0]
        consistent += count
        total += occurrences
        if count >= 2:
            repeated.append((word, best, count))
    repeated.sort(key=lambda r: (-r[2], r[0]))
    return SpinEvidence(
        substitution_rate=swapped_a / aligned_a if aligned_a else 0.0,
        # Smoothed: a handful of changes is too little to call a pattern.
        in_frame_share=in_frame_a / (changed_a + IN_FRAME_PRIOR),
        consistency=consistent / total if total else 0.5,
        synonym_share=(synonym_hits / synonym_checked if synonym_checked else 0.0) if lex else None,
        entities_kept=entities_kept / entities_total if entities_total else 0.0,
        substitutions=tuple(substitutions),
        edits=tuple(edits),
        repeated_swaps=tuple(repeated),
    )
