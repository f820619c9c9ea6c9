"""Stage 4 of a scan: clusters of verified pairs, each with its likely original.

A cluster is a connected component of the graph whose edges are the verified pairs
(copies, spins and rewrites; never mere candidates). Within a cluster the original is
the earliest-dated member, then a wire source, then the member the pair verdicts name as
the original most often; none when nothing tells the members apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from detector.text.wire import is_wire_source

__all__ = ["choose_original", "clusters", "connected_groups", "date_originals", "original_votes"]


def date_originals(pairs: Sequence[dict[str, Any]], meta: dict[int, dict[str, Any]]) -> None:
    """Where both records of a pair have dates and they differ, the earlier is the original.

    Record dates outrank the text evidence: each pair's ``original`` (``"a"`` for ``i``,
    ``"b"`` for ``j``) is set in place.
    """
    for r in pairs:
        da, db = meta[r["i"]].get("date"), meta[r["j"]].get("date")
        if da and db and da != db:
            r["original"] = "a" if str(da) < str(db) else "b"


def original_votes(pairs: Sequence[dict[str, Any]]) -> dict[int, int]:
    """Per record, how many more pair verdicts named it the original than the copy."""
    votes: dict[int, int] = {}
    for r in pairs:
        if r["original"] in ("a", "b"):
            orig, copy = (r["i"], r["j"]) if r["original"] == "a" else (r["j"], r["i"])
            votes[orig] = votes.get(orig, 0) + 1
            votes[copy] = votes.get(copy, 0) - 1
    return votes


def connected_groups(edges: Sequence[tuple[int, int]]) -> list[list[int]]:
    """The connected components of a graph given by its edges.

    Each component's members are sorted, and the components are ordered by their
    first (smallest) member.

    Examples
    --------
    >>> connected_groups([(4, 7), (0, 9), (7, 2), (5, 6)])
    [[0, 9], [2, 4, 7], [5, 6]]
    >>> connected_groups([])
    []
    """
    if not edges:
        return []
    ends = np.asarray(edges, dtype=np.int64)
    nodes, index = np.unique(ends, return_inverse=True)
    index = index.reshape(ends.shape)
    graph = coo_matrix(
        (np.ones(len(index), dtype=np.int32), (index[:, 0], index[:, 1])),
        shape=(len(nodes), len(nodes)),
    )
    _, labels = connected_components(graph, directed=False)
    groups: dict[int, list[int]] = {}
    for node, label in zip(nodes.tolist(), labels.tolist(), strict=True):
        groups.setdefault(label, []).append(node)
    return sorted(groups.values(), key=lambda g: g[0])


def choose_original(
    members: list[int], meta: dict[int, dict[str, Any]], votes: dict[int, int]
) -> tuple[int | None, str]:
    """The cluster member most likely to be the original, and the evidence that says so.

    The earliest date decides; among members it cannot tell apart (same date, or no
    dates), a wire source; then the pair verdicts' wording evidence (the member named
    the original more often than the copy: the least spun, or the fuller text). When
    nothing tells the members apart (identical undated texts from no wire, say), there
    is no original (None), and the reason says so. The reason names only the evidence
    that decided.
    """
    reasons: list[str] = []
    candidates = members
    dated = [m for m in members if meta[m].get("date")]
    if dated:
        earliest = min(str(meta[m]["date"]) for m in dated)
        first = sorted(m for m in dated if str(meta[m]["date"]) == earliest)
        undated = len(members) - len(dated)
        note = f"; {undated} member(s) undated" if undated else ""
        if len(first) == 1 and len(members) > 1:
            if len(dated) == 1:
                return first[0], f"the only dated member ({earliest}){note}"
            return first[0], f"earliest date ({earliest}){note}"
        candidates = first
        reasons.append(f"{len(first)} members share the earliest date ({earliest}){note}")
    wire = [m for m in candidates if is_wire_source(meta[m].get("source"))]
    if len(wire) == 1 and len(candidates) > 1:
        return wire[0], "; ".join([*reasons, f"wire source ({meta[wire[0]]['source']})"])
    if wire:
        candidates = wire
    best = max(votes.get(m, 0) for m in candidates)
    top = [m for m in candidates if votes.get(m, 0) == best]
    if best > 0 and len(top) == 1:
        wording = (
            f"named the original by {best} more pair verdict(s) than the copy "
            "(wording: the least spun or the fuller text)"
        )
        return top[0], "; ".join([*reasons, wording])
    if len(candidates) == 1:
        return candidates[0], "; ".join(reasons) or "one member"
    reasons.append("no date, source or wording evidence tells the original apart")
    return None, "; ".join(reasons)


def clusters(
    pairs: Sequence[dict[str, Any]], meta: dict[int, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The clusters of verified ``pairs``: largest first, then by their first member's id,
    numbered from 1.

    Each is ``{"cluster", "members", "original", "why"}``, with record ids, members
    sorted by id; ``original`` is None where no evidence tells it apart (see
    :func:`choose_original`). Nothing depends on the order of the input.
    """
    votes = original_votes(pairs)
    groups = connected_groups([(r["i"], r["j"]) for r in pairs])
    found: list[dict[str, Any]] = []
    for members in groups:
        ordered = sorted(members, key=lambda m: (str(meta[m]["id"]), m))
        original, why = choose_original(ordered, meta, votes)
        found.append(
            {
                "members": [meta[m]["id"] for m in ordered],
                "original": meta[original]["id"] if original is not None else None,
                "why": why,
            }
        )
    found.sort(key=lambda c: (-len(c["members"]), str(c["members"][0])))
    return [{"cluster": number, **c} for number, c in enumerate(found, start=1)]
