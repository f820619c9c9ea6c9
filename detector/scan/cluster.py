"""Stage 4 of a scan: clusters of verified pairs, each with its likely original.

A cluster is a connected component of the graph whose edges are the verified pairs
(copies, spins and rewrites; never mere candidates). Within a cluster the original is
the earliest-dated member, then a wire source, then the member the pair verdicts name as
the original most often.
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
) -> tuple[int, str]:
    """The cluster member most likely to be the original, and why.

    Earliest date first, then a wire source, then the member the pair verdicts most
    often named as the original (the least spun wording), then input order.
    """

    def key(m: int) -> tuple[str, bool, int, int]:
        date = meta[m].get("date") or "~"
        return (str(date), not is_wire_source(meta[m].get("source")), -votes.get(m, 0), m)

    best = min(members, key=key)
    reasons = []
    dates = [meta[m].get("date") for m in members if meta[m].get("date")]
    if meta[best].get("date") and len(set(dates)) > 1:
        reasons.append(f"earliest date ({meta[best]['date']})")
    if is_wire_source(meta[best].get("source")):
        reasons.append(f"wire source ({meta[best]['source']})")
    if votes.get(best, 0) > 0:
        reasons.append(
            f"named the original by {votes[best]} more pair verdict(s) than the copy (least spun wording)"
        )
    if not reasons:
        reasons.append("first in input order (no date, source or wording evidence)")
    return best, "; ".join(reasons)


def clusters(
    pairs: Sequence[dict[str, Any]], meta: dict[int, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The clusters of verified ``pairs``, numbered from 1 in order of their first member.

    Each is ``{"cluster", "members", "original", "why"}``, with record ids, members in
    input order.
    """
    votes = original_votes(pairs)
    groups = connected_groups([(r["i"], r["j"]) for r in pairs])
    out = []
    for number, members in enumerate(groups, start=1):
        original, why = choose_original(members, meta, votes)
        out.append(
            {
                "cluster": number,
                "members": [meta[m]["id"] for m in members],
                "original": meta[original]["id"],
                "why": why,
            }
        )
    return out
