"""``report.html`` for a scan: the summary, a histogram of pair scores, the largest clusters.

One self-contained file: the template ``scan.html`` (:mod:`detector.report.templates`)
with the stylesheet inlined and the histogram as inline SVG, nothing loaded from the
network. This module works out what the page shows. The web server's scan browser
(``detector serve --scan OUT``) serves the same page with each cluster linked to its
cluster page (:func:`report_html` with ``cluster_url``); the file on disk has no links.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from detector.report.templates import render

__all__ = ["report_html", "write_report"]

#: How many clusters the report lists, and how many members of each.
MAX_CLUSTERS = 25
MAX_MEMBERS = 12


def histogram(
    counts: list[int], *, width: int = 520, height: int = 180, pad: int = 28
) -> dict[str, Any]:
    """The geometry of an SVG bar chart of ``counts`` over [0, 1], in pixels.

    Examples
    --------
    >>> chart = histogram([1, 3])
    >>> [(b["low"], b["count"], round(b["height"])) for b in chart["bars"]]
    [(0.0, 1, 41), (0.5, 3, 124)]
    """
    top = max([*counts, 1])
    step = (width - 2 * pad) / max(len(counts), 1)
    bars = []
    for i, count in enumerate(counts):
        bar_height = (height - 2 * pad) * count / top
        x = pad + i * step
        bars.append(
            {
                "x": x,
                "y": height - pad - bar_height,
                "width": step - 2,
                "height": bar_height,
                "middle": x + step / 2,
                "count": count,
                "low": i / len(counts),
            }
        )
    return {"width": width, "height": height, "pad": pad, "axis_y": height - pad + 14, "bars": bars}


def report_html(
    summary: dict[str, Any],
    out: Path,
    *,
    cluster_url: str | None = None,
    browse_url: str | None = None,
) -> str:
    """The scan report of the scan in ``out``, whose summary is ``summary``.

    Parameters
    ----------
    summary : dict
        The scan's summary (``summary.json``).
    out : Path
        The scan's output folder (its ``clusters.jsonl`` is listed).
    cluster_url : str, optional
        Link each cluster to ``cluster_url`` followed by its number (the served copy).
    browse_url : str, optional
        Link to the page that lists every cluster.
    """
    clusters = []
    clusters_path = out / "clusters.jsonl"
    if clusters_path.exists():
        with clusters_path.open(encoding="utf-8") as fh:
            clusters = [json.loads(line) for line in fh if line.strip()]
    clusters.sort(key=lambda c: (-len(c["members"]), c["cluster"]))
    cards = [
        ("records read", summary["records_read"]),
        ("scanned", summary["records_scanned"]),
        ("rejected", summary["records_rejected"]),
        ("duplicate ids", summary["duplicate_ids"]["count"]),
        ("candidate pairs", summary["candidates"]),
        ("verified pairs", summary["pairs"]),
        ("clusters", summary["clusters"]),
    ]
    context = {
        "cards": cards,
        "pairs_by_verdict": sorted(summary["pairs_by_verdict"].items()),
        "histogram": histogram(summary.get("score_histogram", [])),
        "clusters": clusters[:MAX_CLUSTERS],
        "max_members": MAX_MEMBERS,
        "seconds": list(summary.get("seconds", {}).items()),
        "cluster_url": cluster_url,
        "browse_url": browse_url,
    }
    return render("scan.html", context)


def write_report(path: Path, summary: dict[str, Any], out: Path) -> None:
    """Write the scan report next to the other outputs (one file, no links out)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(report_html(summary, out), encoding="utf-8")
    tmp.replace(path)
