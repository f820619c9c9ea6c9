"""A self-contained HTML report of one comparison: the editors' side-by-side view.

:func:`comparison_html` returns one HTML5 document with everything inline (CSS and a
few lines of optional JS; no fonts, images, scripts or any other network resource).
It shows the verdict, score, likely original and reasons, a small table of key
measures, then both raw texts side by side with aligned sentence pairs in matching,
numbered colours, swapped words marked in both texts (hover shows the pair; with JS
the counterpart lights up too), insertions and deletions shown lightly, and a
numbered table of every substitution so nothing depends on hovering or on screen.

Every piece of input text is escaped; offsets that fall outside a text are ignored,
and spans that cross each other are split so the markup always nests.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from itertools import pairwise

from detector.errors import InputError
from detector.models import Comparison

__all__ = ["comparison_html", "write_comparison_html"]

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

#: Pastel backgrounds for aligned pairs (dark text stays readable on all) and a stronger
#: shade of each for the numbered marker.
PAIR_COLOURS: tuple[tuple[str, str], ...] = (
    ("#dbeafe", "#1d4ed8"),
    ("#fde2c4", "#b45309"),
    ("#d7f5dc", "#15803d"),
    ("#f6dcf4", "#a21caf"),
    ("#fef3b0", "#a16207"),
    ("#cff4f1", "#0f766e"),
    ("#e6e0ff", "#6d28d9"),
    ("#ffdede", "#be123c"),
)

_SURROGATES = re.compile("[\ud800-\udfff]")


def _esc(text: str) -> str:
    """Escape text for element content or a quoted attribute value.

    Lone surrogates (which cannot be written as UTF-8) become U+FFFD; every other
    character is kept, so the text content of the page is the text itself.
    """
    return escape(_SURROGATES.sub("\ufffd", text), quote=True)


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
        return "<span" + "".join(f' {k}="{_esc(v)}"' for k, v in attrs.items()) + ">"


def _markup(text: str, marks: Iterable[_Mark]) -> str:
    """``text`` escaped, with every valid mark wrapped in a ``<span>``.

    Marks whose range is empty or falls outside ``[0, len(text)]`` are ignored. The
    text is cut at every mark boundary; on each piece the open spans are the marks
    covering it, outermost first (by level, then start). Where two marks cross, the
    inner one is closed and reopened, so the markup always nests and no character is
    lost or repeated. Attributes in ``first_attrs`` go on a mark's first piece only.
    """
    n = len(text)
    valid = [m for m in marks if 0 <= m.start < m.end <= n]
    if not valid:
        return _esc(text)
    bounds = sorted({0, n, *(m.start for m in valid), *(m.end for m in valid)})
    by_start: dict[int, list[_Mark]] = {}
    for m in valid:
        by_start.setdefault(m.start, []).append(m)
    out: list[str] = []
    stack: list[_Mark] = []
    active: list[_Mark] = []
    started: set[int] = set()
    for lo, hi in pairwise(bounds):
        active = [m for m in active if m.end > lo] + by_start.get(lo, [])
        want = sorted(active, key=lambda m: (m.level, m.start, -m.end, m.order))
        keep = 0
        while keep < len(stack) and keep < len(want) and stack[keep] is want[keep]:
            keep += 1
        out.extend("</span>" for _ in stack[keep:])
        for m in want[keep:]:
            out.append(m.open(id(m) not in started))
            started.add(id(m))
        stack = want
        out.append(_esc(text[lo:hi]))
    out.extend("</span>" for _ in stack)
    return "".join(out)


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
        colour = k % len(PAIR_COLOURS)
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


#: Background colours of the verdict badges, shared by this report and the web page.
VERDICT_BADGE_CSS = """\
.v-duplicate, .v-near_duplicate { background: #b42318; }
.v-spun { background: #8e24aa; }
.v-rewrite { background: #b54708; }
.v-related { background: #1f6feb; }
.v-unrelated { background: #2e7d32; }
.v-unknown { background: #57606a; }
"""

_CSS = """
:root {
  --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --paper: #ffffff; --soft: #f6f8fa;
  --sub-a: #b42318; --sub-b: #116329;
}
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body {
  margin: 0; padding: 24px 28px 40px; color: var(--ink); background: var(--paper);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "Noto Sans", "Liberation Sans", sans-serif;
}
.page { max-width: 1500px; margin: 0 auto; }
h1 { font-size: 1.35rem; margin: 0 0 12px; overflow-wrap: anywhere; }
h2 { font-size: 1.05rem; margin: 0 0 8px; }
h3 { font-size: .8rem; margin: 0 0 6px; text-transform: uppercase; letter-spacing: .04em;
  color: var(--muted); }
.verdict { display: flex; flex-wrap: wrap; align-items: baseline; gap: 10px 14px;
  margin-bottom: 14px; }
.badge { display: inline-block; padding: 3px 12px; border-radius: 999px; color: #fff;
  font-weight: 700; font-size: 1.05rem; letter-spacing: .02em; }
.score { font-size: 1.05rem; font-weight: 600; }
.model, .verdict-desc { color: var(--muted); }
.verdict-desc { flex-basis: 100%; margin: 0; }
.summary { display: grid; grid-template-columns: minmax(0, 1.25fr) minmax(0, 1fr); gap: 14px;
  align-items: start; }
.box { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px;
  background: var(--soft); }
.box + .box { margin-top: 14px; }
.box ul { margin: 0; padding-left: 1.2em; }
.box li + li { margin-top: 3px; }
.original strong { font-size: 1.02rem; }
.original p { margin: 0 0 6px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { font-size: .8rem; color: var(--muted); font-weight: 600; }
.measures td.v { text-align: right; font-variant-numeric: tabular-nums; font-weight: 600;
  white-space: nowrap; }
.measures td.help { color: var(--muted); font-size: .82rem; }
.bar { display: inline-block; width: 56px; height: 7px; border-radius: 4px; background: #e1e4e8;
  vertical-align: middle; margin-left: 6px; overflow: hidden; }
.bar > span { display: block; height: 100%; background: #57606a; }
.legend { margin: 18px 0 10px; display: flex; flex-wrap: wrap; gap: 6px 18px;
  align-items: center; font-size: .88rem; color: var(--muted); }
.legend .item { display: inline-flex; align-items: center; gap: 6px; }
.legend .sample { color: var(--ink); padding: 0 4px; border-radius: 3px; }
.chips { display: inline-flex; flex-wrap: wrap; gap: 4px; }
.chip { border-radius: 3px; padding: 0 5px; color: var(--ink); font-size: .8rem;
  font-variant-numeric: tabular-nums; }
.chip b + span { margin-left: 4px; font-weight: 400; }
.cols { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 18px; }
.col { border: 1px solid var(--line); border-radius: 8px; min-width: 0; }
.col h2 { margin: 0; padding: 8px 14px; background: var(--soft); border-bottom: 1px solid var(--line);
  border-radius: 8px 8px 0 0; overflow-wrap: anywhere; }
.col h2 .tag { display: inline-block; min-width: 1.6em; text-align: center; margin-right: 6px;
  border-radius: 4px; background: var(--ink); color: #fff; font-size: .85rem; }
.col h2 .meta { font-weight: 400; font-size: .82rem; color: var(--muted); margin-left: 8px; }
.text { padding: 12px 16px 16px; white-space: pre-wrap; overflow-wrap: anywhere;
  font-size: .95rem; line-height: 1.65; max-width: 80ch; }
.sp { border-radius: 3px; padding: 1px 0; -webkit-box-decoration-break: clone;
  box-decoration-break: clone; }
.sp[data-n]::before { content: attr(data-n); display: inline-block; vertical-align: super;
  font-size: .66em; line-height: 1; font-weight: 700; color: #fff; border-radius: 3px;
  padding: 2px 4px; margin-right: 3px; }
.sp.hl, .chip.hl { outline: 2px solid #57606a; }
.sub { font-weight: 700; text-decoration: underline; text-decoration-thickness: 2px;
  text-underline-offset: 2px; cursor: help; }
.sub-a { color: var(--sub-a); }
.sub-b { color: var(--sub-b); }
.sub:hover, .sub.hl { background: #fff08a; outline: 2px solid #e3b341; border-radius: 2px; }
.del { color: #6e7781; text-decoration: line-through; text-decoration-color: #8c959f; }
.ins { text-decoration: underline dotted #57606a; text-decoration-thickness: 1.5px;
  text-underline-offset: 3px; }
.subs { margin-top: 22px; max-width: 900px; }
.subs td.n { color: var(--muted); font-variant-numeric: tabular-nums; width: 3em; }
.subs td.a { color: var(--sub-a); font-weight: 600; }
.subs td.b { color: var(--sub-b); font-weight: 600; }
.subs tr.hl td { background: #fff08a; }
.subs tbody tr:hover td { background: #fff8c5; }
.empty { color: var(--muted); font-style: italic; }
footer { margin-top: 24px; color: var(--muted); font-size: .8rem; }
@media screen and (max-width: 900px) {
  .summary, .cols { grid-template-columns: minmax(0, 1fr); }
}
@media print {
  @page { margin: 12mm; }
  html, body, * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { padding: 0; font-size: 9.5pt; }
  .page { max-width: none; }
  .summary { grid-template-columns: minmax(0, 1.25fr) minmax(0, 1fr); }
  .cols { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 8px; }
  .col { border-color: #999; }
  .text { max-width: none; padding: 6px 8px; font-size: 8.5pt; line-height: 1.5; }
  .box, .subs tr, .legend { break-inside: avoid; }
  .sub { cursor: auto; }
  .sub:hover { background: none; outline: none; }
  .subs { max-width: none; }
  .noprint { display: none; }
}
@media print and (orientation: portrait) {
  .summary, .cols { grid-template-columns: minmax(0, 1fr); }
  .col { break-inside: auto; }
}
"""

_CSS += VERDICT_BADGE_CSS
_CSS += "".join(
    f".c{k} {{ background: {bg}; }} .c{k}[data-n]::before {{ background: {strong}; }}\n"
    for k, (bg, strong) in enumerate(PAIR_COLOURS)
)

# Optional: hovering a swapped word (or a table row) lights up all its marks, hovering
# an aligned sentence outlines its counterpart. Without JS the ``title`` tooltips and
# the substitution table carry the same information.
_JS = """
(function () {
  function toggle(el, attr, on) {
    var v = el.getAttribute(attr);
    var all = document.querySelectorAll("[" + attr + '="' + v + '"]');
    for (var i = 0; i < all.length; i++) all[i].classList.toggle("hl", on);
  }
  ["mouseover", "mouseout"].forEach(function (type) {
    document.addEventListener(type, function (ev) {
      var t = ev.target;
      if (!t || !t.closest) return;
      var sub = t.closest("[data-sub]");
      if (sub) toggle(sub, "data-sub", type === "mouseover");
      var pair = t.closest("[data-pair]");
      if (pair) toggle(pair, "data-pair", type === "mouseover");
    });
  });
})();
"""


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _verdict_block(result: Comparison) -> str:
    verdict = str(result.verdict)
    label, desc = VERDICT_LABELS.get(verdict, (verdict.replace("_", " ").capitalize(), ""))
    cls = f"v-{verdict}" if verdict in VERDICT_LABELS else "v-unknown"
    score = _num(result.score)
    parts = [
        '<div class="verdict">',
        f'<span class="badge {cls}" data-verdict="{_esc(verdict)}">{_esc(label)}</span>',
        f'<span class="score">score {score:.2f}</span>' if score is not None else "",
        f'<span class="model">verdict: <code>{_esc(verdict)}</code> · by {_esc(str(result.model))}</span>',
        f'<p class="verdict-desc">{_esc(desc)}</p>' if desc else "",
        "</div>",
    ]
    return "".join(parts)


def _original_block(result: Comparison, a_name: str, b_name: str) -> str:
    out = ['<div class="box original"><h3>Likely original</h3>']
    if result.original in ("a", "b"):
        name = a_name if result.original == "a" else b_name
        other = b_name if result.original == "a" else a_name
        out.append(
            f"<p><strong>{_esc(result.original)}: {_esc(name)}</strong>"
            f" — the other text ({_esc(other)}) reads as derived from it.</p>"
        )
    elif result.derived:
        out.append("<p>The evidence does not say which text came first.</p>")
    else:
        out.append("<p>Not applicable: neither text is derived from the other.</p>")
    if result.original_reasons:
        out.append("<ul>" + "".join(f"<li>{_esc(r)}</li>" for r in result.original_reasons))
        out.append("</ul>")
    out.append("</div>")
    return "".join(out)


def _reasons_block(result: Comparison) -> str:
    if not result.reasons:
        return ""
    items = "".join(f"<li>{_esc(str(r))}</li>" for r in result.reasons)
    return f'<div class="box reasons"><h3>Why</h3><ul>{items}</ul></div>'


def _measures_block(result: Comparison) -> str:
    rows = []
    measures = result.measures or {}
    for key, label, help_text in KEY_MEASURES:
        if key not in measures:
            continue
        value = _num(measures[key])
        if value is None:
            cell = "—"
        else:
            width = max(0.0, min(1.0, value)) * 100
            cell = f'{value:.2f}<span class="bar"><span style="width:{width:.0f}%"></span></span>'
        rows.append(
            f'<tr><td title="{_esc(key)}">{_esc(label)}</td><td class="v">{cell}</td>'
            f'<td class="help">{_esc(help_text)}</td></tr>'
        )
    if not rows:
        return ""
    return (
        '<div class="box"><h3>Key measures (0 – 1)</h3><table class="measures">'
        "<tbody>" + "".join(rows) + "</tbody></table></div>"
    )


def _legend(result: Comparison) -> str:
    chips = []
    for k, sp in enumerate(result.sentence_pairs or []):
        sim = _num(getattr(sp, "similarity", None))
        value = f"{sim:.2f}" if sim is not None else "—"
        chips.append(
            f'<span class="chip c{k % len(PAIR_COLOURS)}" data-pair="{k}" '
            f'title="Aligned pair {k + 1}, similarity {value}"><b>{k + 1}</b>'
            f"<span>{value}</span></span>"
        )
    pairs = (
        '<span class="item">Aligned sentence pairs (number · similarity): '
        f'<span class="chips">{"".join(chips)}</span></span>'
        if chips
        else '<span class="item">No sentences were aligned.</span>'
    )
    return (
        '<section class="legend" aria-label="Legend">'
        '<span class="item"><span class="sample sp c0">text</span>'
        '<span class="sample sp c1">text</span> same colour and number in both texts: '
        "an aligned sentence pair; no colour: not aligned</span>"
        '<span class="item"><span class="sample sub sub-a">word</span> → '
        '<span class="sample sub sub-b">word</span> swapped words (a → b; hover for the pair)'
        "</span>"
        '<span class="item"><span class="sample del">words</span> only in a</span>'
        '<span class="item"><span class="sample ins">words</span> only in b</span>'
        f"{pairs}</section>"
    )


def _column(side: str, name: str, text: str, result: Comparison) -> str:
    cov = _num((result.measures or {}).get(f"coverage_{side}"))
    meta = f"{len(text):,} characters" + (f" · {_pct(cov)} aligned" if cov is not None else "")
    return (
        f'<section class="col" aria-label="Text {side}">'
        f'<h2><span class="tag">{side}</span>{_esc(name)}<span class="meta">{meta}</span></h2>'
        f'<div class="text" id="text-{side}">{_markup(text, _marks(result, side))}</div>'
        "</section>"
    )


def _subs_table(result: Comparison, a_name: str, b_name: str) -> str:
    subs = list(result.substitutions or [])
    head = f'<section class="subs" id="substitutions"><h2>Swapped words ({len(subs)})</h2>'
    if not subs:
        return head + '<p class="empty">No one-for-one word swaps were found.</p></section>'
    pairs = [
        (k, _int(sp.a_start), _int(sp.a_end)) for k, sp in enumerate(result.sentence_pairs or [])
    ]
    rows = []
    for i, sub in enumerate(subs):
        syn = "yes" if sub.synonym is True else "no" if sub.synonym is False else "—"
        pos = _int(sub.a_start)
        where = next(
            (
                k
                for k, start, end in pairs
                if pos is not None and start is not None and end is not None and start <= pos < end
            ),
            None,
        )
        pair = (
            f'<span class="chip c{where % len(PAIR_COLOURS)}"><b>{where + 1}</b></span>'
            if where is not None
            else "—"
        )
        rows.append(
            f'<tr data-sub="{i}"><td class="n">{i + 1}</td><td class="a">{_esc(str(sub.a_text))}'
            f'</td><td class="b">{_esc(str(sub.b_text))}</td><td>{syn}</td><td>{pair}</td></tr>'
        )
    return (
        head + "<table><thead><tr><th>#</th>"
        f"<th>a: {_esc(a_name)}</th><th>b: {_esc(b_name)}</th>"
        '<th title="a WordNet synonym pair (— : not checked)">synonym</th>'
        '<th title="the aligned sentence pair it is in">pair</th></tr></thead>'
        "<tbody>" + "".join(rows) + "</tbody></table></section>"
    )


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
        The page title; by default ``"<a_name> vs <b_name>"``.

    Returns
    -------
    str
        The complete document. It loads nothing from the network.
    """
    page_title = title if title is not None else f"Comparison: {a_name} vs {b_name}"
    body = [
        '<div class="page">',
        f"<header><h1>{_esc(page_title)}</h1>",
        _verdict_block(result),
        '<div class="summary"><div>',
        _original_block(result, a_name, b_name),
        _reasons_block(result),
        "</div><div>",
        _measures_block(result),
        "</div></div></header>",
        _legend(result),
        '<main class="cols">',
        _column("a", a_name, a_text, result),
        _column("b", b_name, b_text, result),
        "</main>",
        _subs_table(result, a_name, b_name),
        "<footer>Generated by detector. Offsets are character positions in the raw texts; "
        "the texts above are shown exactly as supplied.</footer>",
        "</div>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_esc(page_title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(part for part in body if part)
        + f"\n<script>{_JS}</script>\n</body>\n</html>\n"
    )


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
