"""Readable terminal rendering of a :class:`~detector.models.Comparison` with rich."""

from __future__ import annotations

from typing import TYPE_CHECKING

from detector.models import SUMMARY_MEASURES, Comparison

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.text import Text

__all__ = ["render_comparison"]

_VERDICT_STYLE = {
    "duplicate": "bold red",
    "near_duplicate": "bold red",
    "spun": "bold magenta",
    "rewrite": "bold yellow",
    "related": "bold cyan",
    "unrelated": "bold green",
}


def _highlight(raw: str, start: int, end: int, spans: list[tuple[int, int]], style: str) -> Text:
    from rich.text import Text

    text = Text(raw[start:end])
    for s, e in spans:
        if start <= s and e <= end:
            text.stylize(style, s - start, e - start)
    return text


def render_comparison(
    result: Comparison,
    a_raw: str,
    b_raw: str,
    *,
    a_name: str = "a",
    b_name: str = "b",
    max_pairs: int = 12,
) -> list[RenderableType]:
    """Renderables for a comparison: verdict panel, key measures, aligned sentences."""
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    out: list[RenderableType] = []
    head = Text()
    head.append(
        result.verdict.replace("_", " ").upper(), style=_VERDICT_STYLE.get(result.verdict, "bold")
    )
    head.append(f"   score {result.score:.2f}   similarity {result.similarity:.2f}")
    if result.extent:
        head.append(f"   {result.extent} reuse")
    if result.original:
        name = a_name if result.original == "a" else b_name
        head.append(f"   original: {result.original} ({name})")
    head.append(f"   [{result.model}]", style="dim")
    body = Text("\n").join([head, *(Text(f"• {r}") for r in result.reasons)])
    out.append(Panel(body, title=f"{a_name}  vs  {b_name}", expand=True))

    table = Table(title="Measures", show_header=True, header_style="bold")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for name in SUMMARY_MEASURES:
        if name in result.measures:
            table.add_row(name.replace("_", " "), f"{result.measures[name]:.2f}")
    if result.semantic is not None:
        table.add_row("meaning, sentences", f"{result.semantic.sentence_similarity:.2f}")
        table.add_row("meaning, whole text", f"{result.semantic.document_similarity:.2f}")
    out.append(table)

    if result.sentence_pairs:
        a_spans = [(s.a_start, s.a_end) for s in result.substitutions]
        b_spans = [(s.b_start, s.b_end) for s in result.substitutions]
        pairs = Table(
            title=f"Aligned sentences ({len(result.sentence_pairs)}; swapped words highlighted)",
            show_lines=True,
            header_style="bold",
        )
        pairs.add_column(a_name, ratio=1)
        pairs.add_column(b_name, ratio=1)
        pairs.add_column("sim", justify="right")
        for sp in result.sentence_pairs[:max_pairs]:
            pairs.add_row(
                _highlight(a_raw, sp.a_start, sp.a_end, a_spans, "bold red"),
                _highlight(b_raw, sp.b_start, sp.b_end, b_spans, "bold green"),
                f"{sp.similarity:.2f}",
            )
        if len(result.sentence_pairs) > max_pairs:
            pairs.caption = f"… {len(result.sentence_pairs) - max_pairs} more (use --json for all)"
        out.append(pairs)
    if result.substitutions:
        swaps = Table(title=f"Substitutions ({len(result.substitutions)})", header_style="bold")
        swaps.add_column(a_name)
        swaps.add_column(b_name)
        swaps.add_column("synonym")
        for sub in result.substitutions[:30]:
            mark = "" if sub.synonym is None else ("yes" if sub.synonym else "no")
            swaps.add_row(sub.a_text, sub.b_text, mark)
        if len(result.substitutions) > 30:
            swaps.caption = f"… {len(result.substitutions) - 30} more (use --json for all)"
        out.append(swaps)
    return out
