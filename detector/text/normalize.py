"""Normalisation: raw article text -> clean body text, offset map, sentences and tokens.

Every later stage works on the clean text; every offset it reports is mapped back
through :attr:`Document.offsets` into the raw input, so evidence points at what the
user supplied.

What is stripped as "not body text":

* leading metadata lines (``date 2021-02-08``, ``source: ...``),
* a wire dateline at the start of the body (``NEW DELHI (Reuters) -``),
* bylines (``By Jane Doe``), credit lines (``Reporting by ...; Editing by ...``),
* photo captions (a paragraph ending in a bracketed credit ``[Name/Agency]``),
* page furniture lines (``Related: ...``, ``Advertisement``, ``(c) 2024 ...``).

Sentences are split with NLTK's Punkt algorithm (Kiss & Strunk 2006) with parameters
set here by hand (news abbreviations and frequent sentence starters), so no NLTK data
is needed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from types import ModuleType
from typing import Any, NamedTuple

from detector.text.wire import match_dateline

__all__ = [
    "Document",
    "Token",
    "normalize",
    "normalize_text",
    "split_sentences",
    "stem",
]

# One form for quotes, apostrophes, dashes and spaces. NFKC runs first, so only
# characters NFKC leaves alone need mapping here.
_CHAR_MAP = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u0060": "'",
    "\u00b4": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2033": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u2212": "-",
    "\u2044": "/",  # fraction slash, from NFKC of vulgar fractions
    "\u00ad": "",  # soft hyphen
    "\u200b": "",  # zero-width space
    "\u200c": "",
    "\u200d": "",
    "\u2060": "",
    "\ufeff": "",
}

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

_TOKEN_RE = re.compile(r"\d+(?:[.,:/]\d+)*%?|\w+(?:['\-]\w+)*", re.UNICODE)

_META_KEYS = (
    "date|published|updated|source|url|link|author|byline|title|headline|id|"
    "category|section|tags|language|lang|dateline|wordcount|words"
)
_META_LINE_RE = re.compile(
    rf"^[ \t]*(?:{_META_KEYS})[ \t]*[:=]?[ \t]+\S[^\n]{{0,120}}$", re.IGNORECASE
)
_BYLINE_RE = re.compile(
    r"^[ \t]*(?:by|from)[ \t]+[A-Z][\w.'\-]*(?:[ \t,]+(?:and[ \t]+)?[A-Z][\w.'\-]*){0,6}[ \t]*$",
    re.IGNORECASE,
)
_CREDIT_RE = re.compile(
    r"(?:^|(?<=[.!?\"'][ \t]))\(?(?i:(?:additional[ \t]+)?(?:reporting|writing|editing|edited|"
    r"compiled|produced|graphics?)[ \t]+by)[ \t]+[A-Z][^\n]*$",
    re.MULTILINE,
)
_CAPTION_RE = re.compile(
    r"(?:\[[^\[\]\n]{2,80}/[^\[\]\n]{2,80}\]|\((?:photo|image|picture|credit)[^()\n]{0,80}\))"
    r"[ \t]*$",
    re.IGNORECASE,
)
_FURNITURE_RE = re.compile(
    r"^[ \t]*(?:related(?:[ \t]+(?:stories|articles|coverage))?[ \t]*:.*|read[ \t]+more\b.*|"
    r"advertisement|share[ \t]+(?:this|on)\b.*|subscribe\b.*|sign[ \t]+up\b.*|"
    r"(?:\(c\)|©|copyright\b).*|all[ \t]+rights[ \t]+reserved.*|"
    r"follow[ \t]+us\b.*|click[ \t]+here\b.*|home[ \t]*[|>»].*|skip[ \t]+to[ \t]+content)[ \t]*$",
    re.IGNORECASE,
)


class Token(NamedTuple):
    """A word token of the clean text (a named tuple: immutable, and quick to make).

    ``start``/``end`` are offsets into :attr:`Document.text`; ``lower`` is the
    case-folded form, ``stem`` the Snowball stem.
    """

    lower: str
    start: int
    end: int
    stem: str
    sentence: int
    capitalized: bool
    numeric: bool


@dataclass(frozen=True)
class Document:
    """A normalised article.

    Attributes
    ----------
    raw : str
        The input exactly as given.
    text : str
        Clean body text.
    offsets : tuple of int
        ``offsets[i]`` is the raw index where ``text[i]`` starts; one extra entry
        holds ``len(raw)``.
    ends : tuple of int
        ``ends[i]`` is the raw index just past what ``text[i]`` came from (a
        character composed from several raw characters spans all of them).
    sentences : tuple of (int, int)
        Sentence spans in ``text``.
    tokens : tuple of Token
        Word tokens in ``text`` order.
    dateline : str or None
        The stripped wire dateline, if there was one.
    agency : str or None
        The agency named in the dateline, e.g. ``"Reuters"``.
    date : str or None
        A date from a metadata line, e.g. ``"2021-02-08"``.
    removed : tuple of (str, int, int)
        What was stripped: (kind, raw start, raw end).
    """

    raw: str
    text: str
    offsets: tuple[int, ...]
    ends: tuple[int, ...]
    sentences: tuple[tuple[int, int], ...]
    tokens: tuple[Token, ...]
    dateline: str | None = None
    agency: str | None = None
    date: str | None = None
    removed: tuple[tuple[str, int, int], ...] = ()

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a clean-text span ``[start, end)`` to a raw-text span.

        Examples
        --------
        >>> doc = normalize("Hello \\u201cworld\\u201d")
        >>> doc.text
        'Hello "world"'
        >>> s, e = doc.raw_span(7, 12)
        >>> doc.raw[s:e]
        'world'
        """
        if end <= start:
            pos = self.offsets[start]
            return pos, pos
        return self.offsets[start], max(self.ends[end - 1], self.offsets[start])

    def sentence_tokens(self) -> list[list[Token]]:
        """Tokens grouped by sentence index."""
        groups: list[list[Token]] = [[] for _ in self.sentences]
        for tok in self.tokens:
            groups[tok.sentence].append(tok)
        return groups


def _is_joiner(ch: str) -> bool:
    # Characters that compose with what precedes them under NFKC.
    if unicodedata.combining(ch):
        return True
    code = ord(ch)
    return 0x1160 <= code <= 0x11FF or 0xD7B0 <= code <= 0xD7FF or unicodedata.category(ch) == "Mc"


# Printable ASCII other than the backtick: NFKC leaves it alone and _CHAR_MAP does not touch it.
_PLAIN_RUN = re.compile(r"[!-_a-~]+")
_ASCII_SPACE_RUN = re.compile(r"[ \t\r\n\f\v]+")


def _clean_chars(raw: str) -> tuple[str, list[int], list[int]]:
    """One pass of NFKC, character mapping and whitespace folding.

    Returns the cleaned text and, for each of its characters, the start and the
    (exclusive) end index in ``raw`` of what it came from: a character made from a
    cluster (``e`` + combining acute) spans the whole cluster. Runs of plain ASCII
    are copied in bulk; everything else goes cluster by cluster.
    """
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(raw)
    pending_space = -1  # index of a pending whitespace run, -1 if none
    pending_newlines = 0

    def flush_space() -> None:
        nonlocal pending_space, pending_newlines
        if pending_space >= 0:
            if out:
                sep = "\n\n" if pending_newlines >= 2 else ("\n" if pending_newlines else " ")
                out.append(sep)
                starts.extend([pending_space] * len(sep))
                ends.extend([pending_space + 1] * len(sep))
            pending_space = -1
            pending_newlines = 0

    while i < n:
        m = _PLAIN_RUN.match(raw, i)
        if m:
            j = m.end()
            if j < n and _is_joiner(raw[j]):
                j -= 1  # the last character composes with what follows: slow path
            if j > i:
                flush_space()
                out.append(raw[i:j])
                starts.extend(range(i, j))
                ends.extend(range(i + 1, j + 1))
                i = j
                continue
        m = _ASCII_SPACE_RUN.match(raw, i)
        if m:
            if pending_space < 0:
                pending_space = i
            pending_newlines += m.group().count("\n")
            i = m.end()
            continue
        j = i + 1
        while j < n and _is_joiner(raw[j]):
            j += 1
        cluster = unicodedata.normalize("NFKC", raw[i:j])
        if "\u2044" in cluster and out and out[-1][-1:].isalnum() and pending_space < 0:
            # 5½ -> "5 1/2", not "51/2"
            out.append(" ")
            starts.append(i)
            ends.append(i)
        for ch in cluster:
            for c in _CHAR_MAP.get(ch, ch):
                category = unicodedata.category(c)
                if c.isspace() or category in ("Cc", "Cf", "Zl", "Zp"):
                    if c == "\n" or category in ("Zl", "Zp"):
                        pending_newlines += 1
                    if pending_space < 0:
                        pending_space = i
                    continue
                flush_space()
                out.append(c)
                starts.append(i)
                ends.append(j)
        i = j
    return "".join(out), starts, ends


_MAPPED_RE = re.compile("[" + re.escape("".join(_CHAR_MAP)) + "]")


def normalize_text(raw: str) -> str:
    """Unicode NFKC, one form for quotes/apostrophes/dashes, folded whitespace.

    Paragraph breaks (two or more newlines) survive as ``"\\n\\n"``, single line
    breaks as ``"\\n"``, other whitespace runs become one space. Idempotent.

    Examples
    --------
    >>> normalize_text("  India\\u2019s  \\u201cfarmers\\u201d \\u2013 protest\\n\\n\\nNext ")
    'India\\'s "farmers" - protest\\n\\nNext'
    >>> normalize_text(normalize_text("ﬁne\\u00a0print")) == normalize_text("ﬁne\\u00a0print")
    True
    """
    return _clean_text_with_offsets(raw)[0]


def _clean_text_with_offsets(raw: str) -> tuple[str, list[int], list[int]]:
    """Clean text with, per character, the start and exclusive end of its source in ``raw``."""
    text, starts, ends = _clean_chars(raw)
    # NFKC of a cleaned cluster can expose new compositions; iterate to a fixed point.
    for _ in range(3):
        if unicodedata.is_normalized("NFKC", text) and not _MAPPED_RE.search(text):
            break
        again, s2, e2 = _clean_chars(text)
        if again == text:
            break
        starts = [starts[k] for k in s2]
        ends = [ends[k - 1] if k > 0 else starts[0] for k in e2]
        text = again
    return text, starts, ends


def _import_punkt() -> ModuleType:
    """Import NLTK's Punkt module, keeping NLTK's package init from loading SciPy and sklearn.

    ``import nltk`` eagerly imports ``scipy.stats`` and scikit-learn when they are
    installed (for collocation statistics and a classifier wrapper, inside
    ``try/except ImportError``), which costs about a second of start-up. Punkt needs
    neither, so while NLTK initialises they are marked unavailable, and NLTK's own
    fallbacks take over; modules already imported are left alone.
    """
    import sys

    hidden = [m for m in ("scipy.stats", "sklearn") if m not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        from nltk.tokenize import punkt
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]
    return punkt


@cache
def _punkt() -> Any:
    punkt = _import_punkt()
    PunktParameters, PunktSentenceTokenizer = punkt.PunktParameters, punkt.PunktSentenceTokenizer

    params = PunktParameters()
    params.abbrev_types = set(_NEWS_ABBREVIATIONS)
    params.sent_starters = set(_SENTENCE_STARTERS)
    return PunktSentenceTokenizer(params)


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
            if block_spans and len(_TOKEN_RE.findall(block.group()[s:e])) < 3:
                block_spans[-1] = (block_spans[-1][0], e)
            else:
                block_spans.append((s, e))
        if (
            len(block_spans) > 1
            and len(_TOKEN_RE.findall(block.group()[slice(*block_spans[0])])) < 3
        ):
            first = block_spans.pop(0)
            block_spans[0] = (first[0], block_spans[0][1])
        spans.extend((base + s, base + e) for s, e in block_spans)
    return spans


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball (Porter2) stem of a lower-case word.

    Examples
    --------
    >>> stem("protests"), stem("protesting"), stem("said")
    ('protest', 'protest', 'said')
    """
    return _snowball().stem(word)


@cache
def _snowball() -> Any:
    _import_punkt()  # initialise NLTK the light way first
    from nltk.stem.snowball import SnowballStemmer

    return SnowballStemmer("english")


def _strip_boilerplate(raw: str) -> tuple[list[tuple[int, int]], dict[str, str | None], list]:
    """Raw spans to keep, metadata found, and what was removed."""
    removed: list[tuple[str, int, int]] = []
    meta: dict[str, str | None] = {"dateline": None, "agency": None, "date": None}
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]*", raw) if m.start() < len(raw)]
    # drop the zero-width matches that finditer yields after each line
    lines = [(s, e) for s, e in lines if e > s or (s == 0 or raw[s - 1] == "\n")]
    keep: list[tuple[int, int]] = []
    in_header = True
    content_lines = 0
    for s, e in lines:
        line = raw[s:e]
        stripped = line.strip()
        if not stripped:
            continue
        if in_header and _META_LINE_RE.match(line) and len(stripped.split()) <= 12:
            removed.append(("metadata", s, e))
            key, _, value = stripped.partition(" ")
            if key.lower().rstrip(":=") in ("date", "published") and meta["date"] is None:
                meta["date"] = value.strip(" :=")
            continue
        in_header = False
        is_navigation = stripped.count(" | ") >= 2 and len(stripped.split()) <= 16
        is_url = bool(re.fullmatch(r"(?:https?://|www\.)\S+", stripped))
        if (_FURNITURE_RE.match(line) and len(stripped.split()) <= 20) or is_navigation or is_url:
            removed.append(("furniture", s, e))
            continue
        if _BYLINE_RE.match(line):
            removed.append(("byline", s, e))
            continue
        if _CAPTION_RE.search(line):
            removed.append(("caption", s, e))
            continue
        start = s
        # The dateline opens the wire body, which may follow a headline and a local intro.
        if meta["dateline"] is None and content_lines < 3:
            dateline = match_dateline(line)
            if dateline:
                meta["dateline"] = dateline.text
                meta["agency"] = dateline.agency
                removed.append(("dateline", s, s + dateline.end))
                start = s + dateline.end
        content_lines += 1
        end = e
        credit = _CREDIT_RE.search(line, start - s)
        if credit:
            removed.append(("credit", s + credit.start(), e))
            end = s + credit.start()
        if raw[start:end].strip():
            keep.append((start, end))
    return keep, meta, removed


def normalize(raw: str) -> Document:
    """Normalise a raw article into a :class:`Document`.

    Parameters
    ----------
    raw : str
        The article as supplied: may contain metadata lines, a dateline, bylines,
        captions and credit lines, typographic quotes and odd whitespace.

    Returns
    -------
    Document
        Clean text with an offset map back into ``raw``, sentences and tokens.

    Examples
    --------
    >>> doc = normalize("date 2021-02-08\\n\\nNEW DELHI (Reuters) \\u2013 Twitter said Monday it "
    ...                 "was seeking talks.\\nReporting by A. Writer; Editing by B. Editor")
    >>> doc.text
    'Twitter said Monday it was seeking talks.'
    >>> doc.agency, doc.date
    ('Reuters', '2021-02-08')
    >>> s, e = doc.raw_span(0, 7)
    >>> doc.raw[s:e]
    'Twitter'
    """
    keep, meta, removed = _strip_boilerplate(raw)
    # Glue kept line fragments with paragraph breaks taken from the raw layout.
    pieces: list[str] = []
    piece_pos: list[int] = []
    prev_end = -1
    for s, e in keep:
        if prev_end >= 0:
            gap = raw[prev_end:s]
            sep = "\n\n" if gap.count("\n") >= 2 else "\n"
            pieces.append(sep)
            piece_pos.extend([prev_end] * len(sep))
        pieces.append(raw[s:e])
        piece_pos.extend(range(s, e))
        prev_end = e
    body = "".join(pieces)
    text, starts, stops = _clean_text_with_offsets(body)
    offsets = [piece_pos[p] for p in starts]
    offsets.append(len(raw))
    ends = [piece_pos[p - 1] + 1 if p > 0 else 0 for p in stops]
    sentences = split_sentences(text)
    tokens: list[Token] = []
    for index, (s, e) in enumerate(sentences):
        first = True
        for m in _TOKEN_RE.finditer(text, s, e):
            word = m.group()
            lower = word.lower()
            tokens.append(
                Token(
                    lower=lower,
                    start=m.start(),
                    end=m.end(),
                    stem=stem(lower),
                    sentence=index,
                    capitalized=word[:1].isupper() and not first,
                    numeric=any(c.isdigit() for c in word),
                )
            )
            first = False
    return Document(
        raw=raw,
        text=text,
        offsets=tuple(offsets),
        ends=tuple(ends),
        sentences=tuple(sentences),
        tokens=tuple(tokens),
        dateline=meta["dateline"],
        agency=meta["agency"],
        date=meta["date"],
        removed=tuple(removed),
    )
