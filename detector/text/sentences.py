"""Sentence splitting: NLTK's Punkt (Kiss & Strunk 2006), set up by hand for news.

The Punkt parameters (news abbreviations and frequent sentence starters) are set here,
so no NLTK data is needed.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from detector.text.tokens import TOKEN_RE, load_nltk

__all__ = ["split_sentences"]

_NEWS_ABBREVIATIONS = frozenset(
    [
        "a.m",
        "p.m",
        "u.s",
        "u.k",
        "u.n",
        "e.u",
        "u.s.a",
        "d.c",
        "n.y",
        "l.a",
        "st",
        "mt",
        "ft",
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "rev",
        "sr",
        "jr",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "cmdr",
        "adm",
        "maj",
        "cpl",
        "pvt",
        "gov",
        "sen",
        "rep",
        "reps",
        "sens",
        "pres",
        "supt",
        "insp",
        "det",
        "atty",
        "inc",
        "corp",
        "co",
        "ltd",
        "llc",
        "plc",
        "bros",
        "dept",
        "univ",
        "assn",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "ala",
        "ariz",
        "ark",
        "calif",
        "colo",
        "conn",
        "del",
        "fla",
        "ga",
        "ill",
        "ind",
        "kan",
        "ky",
        "la",
        "md",
        "mass",
        "mich",
        "minn",
        "miss",
        "mo",
        "mont",
        "neb",
        "nev",
        "okla",
        "ore",
        "pa",
        "tenn",
        "tex",
        "va",
        "vt",
        "wash",
        "wis",
        "wyo",
        "no",
        "nos",
        "vs",
        "approx",
        "est",
        "etc",
        "al",
        "fig",
        "vol",
        "ed",
        "eds",
        "pp",
    ]
)

# Words that start sentences far more often than they follow an abbreviation
# inside one; Punkt splits after an abbreviation when one of these follows.
_SENTENCE_STARTERS = frozenset(
    [
        "the",
        "a",
        "an",
        "he",
        "she",
        "it",
        "they",
        "we",
        "i",
        "you",
        "his",
        "her",
        "its",
        "their",
        "our",
        "this",
        "that",
        "these",
        "those",
        "there",
        "but",
        "and",
        "however",
        "meanwhile",
        "in",
        "on",
        "at",
        "after",
        "before",
        "during",
        "while",
        "when",
        "if",
        "as",
        "since",
        "officials",
        "police",
        "authorities",
        "analysts",
        "critics",
        "residents",
    ]
)


@cache
def _punkt() -> Any:
    punkt = load_nltk("nltk.tokenize.punkt")
    params = punkt.PunktParameters()
    params.abbrev_types = set(_NEWS_ABBREVIATIONS)
    params.sent_starters = set(_SENTENCE_STARTERS)
    return punkt.PunktSentenceTokenizer(params)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of clean text: Punkt inside each paragraph or line.

    Very short fragments (fewer than three words, such as a stray ``farmers.``)
    are merged into the sentence before them.

    Examples
    --------
    >>> t = "The U.S. Senate met on Feb. 4 at 9 a.m. The vote failed. Mr. J. R. Smith left."
    >>> [t[s:e] for s, e in split_sentences(t)]
    ['The U.S. Senate met on Feb. 4 at 9 a.m.', 'The vote failed.', 'Mr. J. R. Smith left.']
    """
    spans: list[tuple[int, int]] = []
    tokenizer = _punkt()
    for block in re.finditer(r"[^\n]+", text):
        base = block.start()
        block_spans: list[tuple[int, int]] = []
        for s, e in tokenizer.span_tokenize(block.group()):
            if block_spans and len(TOKEN_RE.findall(block.group()[s:e])) < 3:
                block_spans[-1] = (block_spans[-1][0], e)
            else:
                block_spans.append((s, e))
        if (
            len(block_spans) > 1
            and len(TOKEN_RE.findall(block.group()[slice(*block_spans[0])])) < 3
        ):
            first = block_spans.pop(0)
            block_spans[0] = (first[0], block_spans[0][1])
        spans.extend((base + s, base + e) for s, e in block_spans)
    return spans
