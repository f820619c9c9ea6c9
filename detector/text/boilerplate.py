"""Page furniture: what is stripped from a raw article as "not body text".

* leading metadata lines (``date 2021-02-08``, ``source: ...``),
* a wire dateline at the start of the body (``NEW DELHI (Reuters) -``),
* bylines (``By Jane Doe``), credit lines (``Reporting by ...; Editing by ...``),
* photo captions (a paragraph ending in a bracketed credit ``[Name/Agency]``),
* page furniture lines (``Related: ...``, ``Advertisement``, ``(c) 2024 ...``).

:func:`headline` names a text that came without a title by its first line of body text.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from detector.text.wire import match_dateline

__all__ = ["HEADLINE_CHARS", "Boilerplate", "headline", "strip_boilerplate"]

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


#: The longest title :func:`headline` makes, in characters.
HEADLINE_CHARS = 80
#: How much of a text :func:`headline` reads: its first line of body text is near the top.
_HEADLINE_WINDOW = 4000


class Boilerplate(NamedTuple):
    """What :func:`strip_boilerplate` found in a raw article.

    Attributes
    ----------
    keep : list of (int, int)
        Raw spans of body text, in order.
    meta : dict
        ``dateline``, ``agency`` and ``date``, each ``None`` when absent.
    removed : list of (str, int, int)
        What was stripped: (kind, raw start, raw end).
    """

    keep: list[tuple[int, int]]
    meta: dict[str, str | None]
    removed: list[tuple[str, int, int]]


def strip_boilerplate(raw: str) -> Boilerplate:
    """Raw spans of body text, metadata found, and what was removed.

    Examples
    --------
    >>> raw = "date 2021-02-08\\nBy Jane Doe\\nOSLO (Reuters) - Prices rose.\\nAdvertisement"
    >>> found = strip_boilerplate(raw)
    >>> [raw[s:e] for s, e in found.keep], found.meta["agency"], found.meta["date"]
    (['Prices rose.'], 'Reuters', '2021-02-08')
    >>> [kind for kind, _, _ in found.removed]
    ['metadata', 'byline', 'dateline', 'furniture']
    """
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
    return Boilerplate(keep, meta, removed)


def headline(raw: str, max_chars: int = HEADLINE_CHARS) -> str | None:
    """A short title for a text without one: its first line of body text, trimmed.

    Metadata lines, bylines, furniture and the wire dateline are passed over; white
    space is folded; a longer line is cut at a word before ``max_chars`` and ends in
    "…". None when the text has no words.

    Examples
    --------
    >>> headline(" date 2021-02-08 \\n\\nOSLO (Reuters) - Prices rose again.\\nMore.")
    'Prices rose again.'
    >>> headline("Rates " * 30, max_chars=20)
    'Rates Rates Rates…'
    >>> headline("  \\n ") is None
    True
    """
    window = raw[:_HEADLINE_WINDOW]
    spans = strip_boilerplate(window).keep
    lines = [window[s:e] for s, e in spans] or window.splitlines()
    line = next((" ".join(x.split()) for x in lines if x.strip()), "")
    if not line:
        return None
    if len(line) <= max_chars:
        return line
    cut = line[: max_chars - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > max_chars // 2 else cut).rstrip(" ,;:-–—") + "…"
