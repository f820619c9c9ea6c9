"""Clusters of verified pairs (detector.scan.cluster) against a plain union-find."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.scan.cluster import (
    choose_original,
    clusters,
    connected_groups,
    date_originals,
    original_votes,
)


def _union_find_groups(edges: list[tuple[int, int]]) -> list[list[int]]:
    """The obvious version: union-find over the edges, members sorted, groups by first member."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for node in sorted(parent):
        groups.setdefault(find(node), []).append(node)
    return sorted(groups.values(), key=lambda g: g[0])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=60))
def test_connected_groups_match_union_find(edges):
    pairs = [(min(a, b), max(a, b)) for a, b in edges if a != b]
    assert connected_groups(pairs) == _union_find_groups(pairs)


def _pair(i: int, j: int, original: str | None = None) -> dict:
    return {"i": i, "j": j, "verdict": "spun", "score": 0.9, "original": original}


def test_votes_count_each_pair_once_for_each_side():
    pairs = [_pair(0, 1, "a"), _pair(0, 2, "a"), _pair(1, 2, "b"), _pair(2, 3, None)]
    assert original_votes(pairs) == {0: 2, 1: -2, 2: 0}


@pytest.mark.parametrize(
    ("dates", "text_says", "expected"),
    [
        pytest.param(("2024-01-02", "2024-01-01"), "a", "b", id="earlier-date-wins"),
        pytest.param(("2024-01-01", "2024-01-01"), "b", "b", id="same-date-keeps-text"),
        pytest.param((None, "2024-01-01"), "a", "a", id="one-date-keeps-text"),
        pytest.param(("2024-01-01", "2024-03-01"), None, "a", id="dates-settle-an-open-pair"),
    ],
)
def test_dates_outrank_the_text_evidence(dates, text_says, expected):
    meta = {0: {"date": dates[0]}, 1: {"date": dates[1]}}
    pairs = [_pair(0, 1, text_says)]
    date_originals(pairs, meta)
    assert pairs[0]["original"] == expected


@pytest.mark.parametrize(
    ("meta", "votes", "expected", "why"),
    [
        pytest.param(
            {0: {"date": "2024-02-01"}, 1: {"date": "2024-01-01"}},
            {},
            1,
            "earliest date (2024-01-01)",
            id="date",
        ),
        pytest.param(
            {0: {"source": "Daily Blog"}, 1: {"source": "Reuters"}},
            {},
            1,
            "wire source (Reuters)",
            id="wire",
        ),
        pytest.param({0: {}, 1: {}}, {1: 2}, 1, "named the original by 2", id="votes"),
        pytest.param(
            {0: {"date": "2024-02-01"}, 1: {}},
            {},
            0,
            "the only dated member (2024-02-01); 1 member(s) undated",
            id="only-dated",
        ),
        pytest.param(
            {0: {"date": "2024-01-01", "source": "Reuters"}, 1: {"date": "2024-01-01"}},
            {},
            0,
            "2 members share the earliest date (2024-01-01); wire source (Reuters)",
            id="same-date-then-wire",
        ),
        pytest.param(
            {0: {}, 1: {}},
            {},
            None,
            "no date, source or wording evidence tells the original apart",
            id="no-evidence",
        ),
    ],
)
def test_choose_original(meta, votes, expected, why):
    best, reasons = choose_original([0, 1], meta, votes)
    assert best == expected
    assert reasons.startswith(why)


def test_clusters_are_numbered_largest_first_with_members_by_id():
    meta = {i: {"id": f"doc-{i}", "date": None, "source": None} for i in range(8)}
    pairs = [_pair(5, 7, "a"), _pair(2, 6), _pair(0, 6), _pair(3, 4)]
    found = clusters(pairs, meta)
    assert [c["cluster"] for c in found] == [1, 2, 3]
    assert [c["members"] for c in found] == [
        ["doc-0", "doc-2", "doc-6"],
        ["doc-3", "doc-4"],
        ["doc-5", "doc-7"],
    ]
    assert found[2]["original"] == "doc-5"
    assert found[1]["original"] is None  # undated, no wire source, no wording evidence
    assert found[1]["why"] == "no date, source or wording evidence tells the original apart"
    assert clusters([], meta) == []
