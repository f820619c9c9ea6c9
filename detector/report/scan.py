"""``report.html`` for a scan: the summary, a histogram of pair scores, the largest clusters.

One self-contained file: inline CSS and SVG, nothing loaded from the network.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

__all__ = ["write_report"]

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:70rem;color:#222;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}
.num{text-align:right;font-variant-numeric:tabular-nums}.why{color:#555}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(11rem,1fr));gap:.75rem}
.card{border:1px solid #ddd;border-radius:.5rem;padding:.6rem .8rem}.card b{display:block;font-size:1.4rem}
svg text{font-size:11px;fill:#444}
@media print{body{margin:0;max-width:none}.card{break-inside:avoid}}
"""


def _histogram_svg(counts: list[int]) -> str:
    width, height, pad = 520, 180, 28
    top = max([*counts, 1])
    bar = (width - 2 * pad) / max(len(counts), 1)
    parts = [
        f'<svg width="{width}" height="{height}" role="img" aria-label="Histogram of pair scores">'
    ]
    for i, c in enumerate(counts):
        h = (height - 2 * pad) * c / top
        x = pad + i * bar
        y = height - pad - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" fill="#5b8def"/>'
        )
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle">{c}</text>')
        parts.append(f'<text x="{x:.1f}" y="{height - pad + 14}">{i / len(counts):.1f}</text>')
    parts.append(f'<text x="{width - pad:.1f}" y="{height - pad + 14}">1.0</text></svg>')
    return "".join(parts)


def write_report(path: Path, summary: dict[str, Any], out: Path) -> None:
    """Write the scan report next to the other outputs."""
    clusters = []
    clusters_path = out / "clusters.jsonl"
    if clusters_path.exists():
        with clusters_path.open(encoding="utf-8") as fh:
            clusters = [json.loads(line) for line in fh if line.strip()]
    clusters.sort(key=lambda c: (-len(c["members"]), c["cluster"]))
    esc = html.escape
    cards = [
        ("records read", summary["records_read"]),
        ("scanned", summary["records_scanned"]),
        ("rejected", summary["records_rejected"]),
        ("duplicate ids", summary["duplicate_ids"]["count"]),
        ("candidate pairs", summary["candidates"]),
        ("verified pairs", summary["pairs"]),
        ("clusters", summary["clusters"]),
    ]
    rows = []
    for c in clusters[:25]:
        members = ", ".join(esc(m) for m in c["members"][:12])
        if len(c["members"]) > 12:
            members += f" … (+{len(c['members']) - 12})"
        rows.append(
            f"<tr><td class=num>{c['cluster']}</td><td class=num>{len(c['members'])}</td>"
            f"<td>{esc(c['original'])}</td><td>{members}</td><td class=why>{esc(c['why'])}</td></tr>"
        )
    verdicts = "".join(
        f"<tr><td>{esc(v)}</td><td class=num>{n}</td></tr>"
        for v, n in sorted(summary["pairs_by_verdict"].items())
    )
    seconds = "".join(
        f"<tr><td>{esc(k.replace('_', ' '))}</td><td class=num>{v:.2f}</td></tr>"
        for k, v in summary.get("seconds", {}).items()
    )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>detector scan report</title><style>{_CSS}</style></head>
<body>
<h1>Scan report</h1>
<div class=grid>{"".join(f"<div class=card>{esc(label)}<b>{value:,}</b></div>" for label, value in cards)}</div>
<h2>Pairs by verdict</h2><table><tr><th>verdict</th><th class=num>pairs</th></tr>{verdicts}</table>
<h2>Scores of verified pairs</h2>{_histogram_svg(summary.get("score_histogram", []))}
<h2>Largest clusters</h2>
<table><tr><th class=num>#</th><th class=num>size</th><th>original</th><th>members</th><th>why this original</th></tr>{"".join(rows)}</table>
<h2>Time per stage (seconds)</h2><table>{seconds}</table>
</body></html>
"""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(path)
