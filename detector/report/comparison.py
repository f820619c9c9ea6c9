"""A self-contained HTML report of one comparison: the editors' side-by-side view.

:func:`comparison_html` returns one HTML5 document with everything inline (CSS and a
few lines of optional JS; no fonts, images, scripts or any other network resource).
It shows the verdict, score, likely original and reasons, a small table of key
measures, then both raw texts side by side with aligned sentence pairs in matching,
numbered colours, swapped words marked in both texts (hover shows the pair; with JS
the counterpart lights up too), insertions and deletions shown lightly, and a
numbered table of every substitution so nothing depends on hovering or on screen.

The page is the template ``comparison.html`` (:mod:`detector.report.templates`); this
module works out what it shows. The marked-up texts are built here: every piece of input
text is escaped, offsets that fall outside a text are ignored, and spans that cross each
other are split so the markup always nests.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from markupsafe import Markup, escape

from detector.compare.classifier import MODEL_REASON
from detector.errors import InputError
from detector.models import Comparison
from detector.report.templates import render

__all__ = [
    "VERDICT_LABELS",
    "comparison_context",
    "comparison_html",
    "paragraphs",
    "verdict_badge",
    "write_comparison_html",
]

#: Human-readable verdict names and one-line explanations.
VERDICT_LABELS: dict[str, tuple[str, str]] = {
    "duplicate": ("Duplicate", "The two texts are the same article."),
    "near_duplicate": (
        "Near-duplicate",
        "One text is a copy of the other with light edits (trims, headline, furniture).",
    ),
    "spun": (
        "Spun copy",
        "One text is a machine-style rewrite of the other: the same sentences in the same "
        "order, with words swapped one-for-one.",
    ),
    "rewrite": (
        "Rewrite",
        "One text retells the other in different words, keeping its names, numbers and wording.",
    ),
    "related": (
        "Related",
        "The texts cover the same story or topic, but neither is derived from the other.",
    ),
    "unrelated": ("Unrelated", "The texts have nothing substantial in common."),
}

#: Key measures for the summary table: name, label, what it means.
KEY_MEASURES: tuple[tuple[str, str, str], ...] = (
    ("coverage_a", "Coverage of a", "share of a inside aligned sentences"),
    ("coverage_b", "Coverage of b", "share of b inside aligned sentences"),
    ("token_identity", "Token identity", "share of aligned words kept unchanged"),
    ("substitution_rate", "Substitution rate", "share of aligned words swapped one-for-one"),
    ("synonym_share", "Synonym share", "share of swaps that are thesaurus synonyms"),
    ("shingle_jaccard", "Shingle Jaccard", "exact 5-word phrases shared (low for spun copies)"),
    ("word_tfidf_cosine", "TF-IDF cosine, words", "shared vocabulary, weighted by rarity"),
    ("char_tfidf_cosine", "TF-IDF cosine, characters", "shared character n-grams"),
    ("entity_overlap", "Entity overlap", "names and numbers found in both"),
)

#: How many colours aligned sentence pairs cycle through (``.c0`` to ``.c7`` in the stylesheet).
PAIR_COLOURS = 8


def _num(value: object) -> float | None:
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _int(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


# --------------------------------------------------------------------- nested markup


@dataclass
class _Mark:
    """One span to wrap around ``text[start:end]``; ``level`` 0 is the outermost."""

    start: int
    end: int
    level: int
    order: int
    cls: str
    attrs: dict[str, str] = field(default_factory=dict)
    first_attrs: dict[str, str] = field(default_factory=dict)

    def open(self, first: bool) -> str:
        attrs = {"class": self.cls, **self.attrs}
        if first:
            attrs.update(self.first_attrs)
        else:
            attrs["class"] += " cont"
        return "<span" + "".join(f' {k}="{escape(v)}"' for k, v in attrs.items()) + ">"


#: Paragraphs are separated by a blank line (or several); lines within one by a newline.
_NEWLINE = r"(?:\r\n|\r(?!\n)|\n)"
_PARAGRAPH_BREAK = re.compile(rf"{_NEWLINE}(?:[^\S\r\n]*{_NEWLINE})+")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def paragraphs(text: str) -> list[tuple[int, int]]:
    """The spans of ``text``'s paragraphs: runs of text between blank lines.

    White space around the paragraphs (the blank lines, and any at either end of the
    text) belongs to none.

    Examples
    --------
    >>> text = " date 2021-02-08 \\n\\n\\n\\nOSLO - Rates rose.\\nThey fell.\\n"
    >>> [text[s:e] for s, e in paragraphs(text)]
    [' date 2021-02-08 ', 'OSLO - Rates rose.\\nThey fell.\\n']
    """
    spans, start = [], 0
    for gap in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = gap.start() if gap else len(text)
        if text[start:end].strip():
            spans.append((start, end))
        if gap:
            start = gap.end()
    return spans


def _lines(piece: str) -> Markup:
    """``piece`` escaped, each newline kept and preceded by ``<br>``.

    The stylesheet shows the newline itself (``white-space: pre-wrap``) and hides the
    ``<br>``; a reader without it (a text browser, a mail client) shows the ``<br>``.
    """
    return Markup(_LINE_BREAK.sub(lambda m: "<br>" + m.group(), str(escape(piece))))


def _markup(text: str, marks: Iterable[_Mark]) -> Markup:
    """``text`` escaped, in paragraphs (``<p>``), with every valid mark wrapped in a ``<span>``.

    Marks whose range is empty or falls outside ``[0, len(text)]`` are ignored. The
    text is cut at every mark and paragraph boundary; on each piece inside a paragraph
    the open spans are the marks covering it, outermost first (by level, then start).
    Where two marks cross, or a mark crosses from one paragraph into the next, the
    inner one is closed and reopened, so the markup always nests and no character is
    lost or repeated (the white space between paragraphs is kept, unmarked). Attributes
    in ``first_attrs`` go on a mark's first piece only.
    """
    n = len(text)
    valid = [m for m in marks if 0 <= m.start < m.end <= n]
    blocks = paragraphs(text)
    bounds = sorted(
        {0, n, *(m.start for m in valid), *(m.end for m in valid), *(x for b in blocks for x in b)}
    )
    by_start: dict[int, list[_Mark]] = {}
    for m in valid:
        by_start.setdefault(m.start, []).append(m)
    out: list[str] = []
    stack: list[_Mark] = []
    active: list[_Mark] = []
    started: set[int] = set()
    block = 0
    in_paragraph = False
    for lo, hi in pairwise(bounds):
        active = [m for m in active if m.end > lo] + by_start.get(lo, [])
        while block < len(blocks) and blocks[block][1] <= lo:
            block += 1
        if block == len(blocks) or blocks[block][0] > lo:
            # Between paragraphs: everything closes, the white space stays as it is.
            out.extend("</span>" for _ in stack)
            stack = []
            if in_paragraph:
                out.append("</p>")
                in_paragraph = False
            out.append(escape(text[lo:hi]))
            continue
        if not in_paragraph:
            out.append("<p>")
            in_paragraph = True
        want = sorted(active, key=lambda m: (m.level, m.start, -m.end, m.order))
        keep = 0
        while keep < len(stack) and keep < len(want) and stack[keep] is want[keep]:
            keep += 1
        out.extend("</span>" for _ in stack[keep:])
        for m in want[keep:]:
            out.append(m.open(id(m) not in started))
            started.add(id(m))
        stack = want
        out.append(_lines(text[lo:hi]))
    out.extend("</span>" for _ in stack)
    if in_paragraph:
        out.append("</p>")
    return Markup("".join(out))


def _marks(result: Comparison, side: str) -> list[_Mark]:
    """The marks of one side (``"a"`` or ``"b"``): sentence pairs, substitutions, edits."""
    marks: list[_Mark] = []
    order = 0
    for k, sp in enumerate(result.sentence_pairs or []):
        start = _int(getattr(sp, f"{side}_start", None))
        end = _int(getattr(sp, f"{side}_end", None))
        if start is None or end is None:
            continue
        sim = _num(getattr(sp, "similarity", None))
        colour = k % PAIR_COLOURS
        tip = f"Aligned pair {k + 1}" + (f" · similarity {sim:.2f}" if sim is not None else "")
        marks.append(
            _Mark(
                start,
                end,
                0,
                order,
                f"sp c{colour}",
                {"data-pair": str(k), "title": tip},
                {"data-n": str(k + 1)},
            )
        )
        order += 1
    for i, sub in enumerate(result.substitutions or []):
        start = _int(getattr(sub, f"{side}_start", None))
        words = getattr(sub, f"{side}_text", None)
        if start is None or not isinstance(words, str):
            continue
        marks.append(
            _Mark(
                start,
                start + len(words),
                1,
                order,
                f"sub sub-{side}",
                {"data-sub": str(i), "title": _sub_tip(i, sub.a_text, sub.b_text, sub.synonym)},
            )
        )
        order += 1
    for edit in result.edits or []:
        start = _int(getattr(edit, "start", None))
        words = getattr(edit, "text", None)
        if getattr(edit, "side", None) != side or start is None or not isinstance(words, str):
            continue
        if side == "a":
            cls, tip = "ed del", "Only in a: not in the aligned sentence of b"
        else:
            cls, tip = "ed ins", "Only in b: added to the aligned sentence of a"
        marks.append(_Mark(start, start + len(words), 2, order, cls, {"title": tip}))
        order += 1
    return marks


def _sub_tip(i: int, a_text: object, b_text: object, synonym: object) -> str:
    tip = f"#{i + 1}: {a_text} → {b_text}"
    if synonym is True:
        tip += " · synonym"
    return tip


# --------------------------------------------------------------------------- page


def verdict_badge(verdict: str) -> dict[str, str]:
    """What the verdict badge shows: label, CSS class and one-line description.

    Examples
    --------
    >>> verdict_badge("spun")["label"], verdict_badge("spun")["css_class"]
    ('Spun copy', 'v-spun')
    >>> verdict_badge("very_odd")
    {'verdict': 'very_odd', 'label': 'Very odd', 'css_class': 'v-unknown', 'description': ''}
    """
    known = verdict in VERDICT_LABELS
    label, description = VERDICT_LABELS.get(verdict, (verdict.replace("_", " ").capitalize(), ""))
    return {
        "verdict": verdict,
        "label": label,
        "css_class": f"v-{verdict}" if known else "v-unknown",
        "description": description,
    }


def _original(result: Comparison, a_name: str, b_name: str) -> dict[str, str] | None:
    if result.original not in ("a", "b"):
        return None
    name, other = (a_name, b_name) if result.original == "a" else (b_name, a_name)
    return {"side": result.original, "name": name, "other": other}


def _measures(result: Comparison) -> list[dict[str, Any]]:
    """The key measures present, with the bar length of each value (clipped to [0, 1])."""
    measures = result.measures or {}
    rows = []
    for key, label, help_text in KEY_MEASURES:
        if key not in measures:
            continue
        value = _num(measures[key])
        bar = None if value is None else max(0.0, min(1.0, value))
        rows.append({"key": key, "label": label, "help": help_text, "value": value, "bar": bar})
    return rows


def _pairs(result: Comparison) -> list[dict[str, Any]]:
    pairs = []
    for k, sp in enumerate(result.sentence_pairs or []):
        sim = _num(getattr(sp, "similarity", None))
        similarity = f"{sim:.2f}" if sim is not None else "—"
        pairs.append({"index": k, "colour": k % PAIR_COLOURS, "similarity": similarity})
    return pairs


def _column(side: str, name: str, text: str, result: Comparison) -> dict[str, Any]:
    return {
        "side": side,
        "name": name,
        "length": len(text),
        "coverage": _num((result.measures or {}).get(f"coverage_{side}")),
        "markup": _markup(text, _marks(result, side)),
    }


def _substitutions(result: Comparison) -> list[dict[str, Any]]:
    """Every substitution, with the aligned pair (in a) it falls in, if any."""
    spans = [
        (k, _int(sp.a_start), _int(sp.a_end)) for k, sp in enumerate(result.sentence_pairs or [])
    ]
    rows = []
    for sub in result.substitutions or []:
        pos = _int(sub.a_start)
        where = next(
            (
                k
                for k, start, end in spans
                if pos is not None and start is not None and end is not None and start <= pos < end
            ),
            None,
        )
        rows.append(
            {
                "a_text": str(sub.a_text),
                "b_text": str(sub.b_text),
                "synonym": "yes" if sub.synonym is True else "no" if sub.synonym is False else "—",
                "pair": None if where is None else {"index": where, "colour": where % PAIR_COLOURS},
            }
        )
    return rows


def comparison_context(
    result: Comparison,
    a_text: str,
    b_text: str,
    *,
    a_name: str = "a",
    b_name: str = "b",
    title: str | None = None,
) -> dict[str, Any]:
    """What ``comparison.html`` shows; the arguments are those of :func:`comparison_html`.

    Pages that extend the template (the web app's) render it with this context.
    """
    score = _num(result.score)
    reasons = [str(r) for r in result.reasons or []]
    return {
        "title": title if title is not None else f"Comparison: {a_name} vs {b_name}",
        "verdict": verdict_badge(str(result.verdict)),
        "score": score,
        "similarity": _num(getattr(result, "similarity", None)),
        "extent": getattr(result, "extent", None),
        "coverage": (
            _num(getattr(result, "coverage_a", None)),
            _num(getattr(result, "coverage_b", None)),
        ),
        "model": str(result.model),
        "original": _original(result, a_name, b_name),
        "derived": bool(result.derived),
        "original_reasons": list(result.original_reasons or []),
        "reasons": reasons,
        "model_p": any(r.startswith(MODEL_REASON) for r in reasons),
        "measures": _measures(result),
        "pairs": _pairs(result),
        "columns": [
            _column("a", a_name, a_text, result),
            _column("b", b_name, b_text, result),
        ],
        "substitutions": _substitutions(result),
        "a_name": a_name,
        "b_name": b_name,
    }


def comparison_html(
    result: Comparison,
    a_text: str,
    b_text: str,
    *,
    a_name: str = "a",
    b_name: str = "b",
    title: str | None = None,
) -> str:
    """One self-contained HTML5 page showing a comparison side by side.

    Parameters
    ----------
    result : Comparison
        The comparison of ``a_text`` and ``b_text`` (from :func:`detector.compare.pipeline`).
    a_text, b_text : str
        The raw texts the comparison's offsets refer to.
    a_name, b_name : str
        How to call the texts (file names, URLs, ...); shown as text only.
    title : str, optional
        The page title; by default ``"Comparison: <a_name> vs <b_name>"``.

    Returns
    -------
    str
        The complete document. It loads nothing from the network.

    Examples
    --------
    >>> from detector import compare
    >>> a = "The council approved the budget on Monday."
    >>> b = "The council passed the budget on Monday."
    >>> page = comparison_html(compare(a, b), a, b, a_name="<a>")
    >>> page.startswith("<!DOCTYPE html>"), "&lt;a&gt;" in page
    (True, True)
    """
    context = comparison_context(result, a_text, b_text, a_name=a_name, b_name=b_name, title=title)
    return render("comparison.html", context)


def write_comparison_html(
    path: str | os.PathLike[str],
    result: Comparison,
    a_text: str,
    b_text: str,
    *,
    a_name: str = "a",
    b_name: str = "b",
    title: str | None = None,
) -> None:
    """Write :func:`comparison_html` (same keyword arguments) to ``path`` as UTF-8.

    Raises
    ------
    InputError
        If the file cannot be written (one-line message).
    """
    page = comparison_html(result, a_text, b_text, a_name=a_name, b_name=b_name, title=title)
    try:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(page)
    except OSError as exc:
        reason = (exc.strerror or str(exc)).replace("\n", " ")
        raise InputError(f"cannot write HTML report to {os.fspath(path)}: {reason}") from exc
