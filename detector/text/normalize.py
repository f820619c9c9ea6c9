"""Normalisation: raw article text -> clean body text, offset map, sentences and tokens.

Every later stage works on the clean text; every offset it reports is mapped back
through :attr:`Document.offsets` into the raw input, so evidence points at what the
user supplied.

The stages, in order: page furniture, bylines, captions and the wire dateline are
stripped (:mod:`detector.text.boilerplate`); characters are cleaned (NFKC, one form for
quotes and dashes, folded whitespace; here); sentences are split with Punkt
(:mod:`detector.text.sentences`); words are tokenised and stemmed
(:mod:`detector.text.tokens`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from detector.text.boilerplate import strip_boilerplate
from detector.text.sentences import split_sentences
from detector.text.tokens import TOKEN_RE, Token, stem

__all__ = [
    "Document",
    "Token",
    "normalize",
    "normalize_text",
    "prose_text",
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


def _glue(
    raw: str, keep: list[tuple[int, int]], *, positions: bool = False
) -> tuple[str, list[int]]:
    """The kept line fragments glued with paragraph breaks taken from the raw layout,
    and (with ``positions``) the raw index of each character of the result."""
    pieces: list[str] = []
    piece_pos: list[int] = []
    prev_end = -1
    for s, e in keep:
        if prev_end >= 0:
            sep = "\n\n" if raw.count("\n", prev_end, s) >= 2 else "\n"
            pieces.append(sep)
            if positions:
                piece_pos.extend([prev_end] * len(sep))
        pieces.append(raw[s:e])
        if positions:
            piece_pos.extend(range(s, e))
        prev_end = e
    return "".join(pieces), piece_pos


def prose_text(raw: str) -> str:
    """The article's body as :func:`normalize` reads it, boilerplate stripped the same
    way (page furniture, bylines, captions, the dateline), before character cleaning.

    A batch scan fingerprints and checks this text, so that a shared byline or footer
    makes no candidate and no copy, as it makes none in ``compare``.

    Examples
    --------
    >>> prose_text("date 2021-02-08\\n\\nNEW DELHI (Reuters) - Twitter said it was seeking "
    ...            "talks.\\nReporting by A. Writer; Editing by B. Editor")
    'Twitter said it was seeking talks.'
    """
    return _glue(raw, strip_boilerplate(raw)[0])[0]


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
    keep, meta, removed = strip_boilerplate(raw)
    body, piece_pos = _glue(raw, keep, positions=True)
    text, starts, stops = _clean_text_with_offsets(body)
    offsets = [piece_pos[p] for p in starts]
    offsets.append(len(raw))
    ends = [piece_pos[p - 1] + 1 if p > 0 else 0 for p in stops]
    sentences = split_sentences(text)
    tokens: list[Token] = []
    for index, (s, e) in enumerate(sentences):
        first = True
        for m in TOKEN_RE.finditer(text, s, e):
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
