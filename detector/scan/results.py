"""A scan's output folder read back: its clusters, pairs and documents, for browsing.

:class:`ScanResults` reads what :mod:`detector.scan.outputs` wrote to ``OUT``:
``clusters.jsonl`` and ``pairs.jsonl`` are held in memory (a cluster knows its pairs,
its verdicts and its best score); ``documents.jsonl``, which holds the texts and can be
large, is only indexed (the byte offset of each id's line) and read one line at a time
when a pair is shown. ``summary.json`` is read when there is one.

Examples
--------
>>> import json, tempfile
>>> from pathlib import Path
>>> out = Path(tempfile.mkdtemp())
>>> _ = (out / "clusters.jsonl").write_text(json.dumps(
...     {"cluster": 1, "members": ["x", "y"], "original": "x", "why": "earliest"}) + "\\n")
>>> _ = (out / "pairs.jsonl").write_text(json.dumps({"a": "x", "b": "y",
...     "verdict": "spun", "score": 0.97, "similarity": 0.8, "extent": "whole",
...     "original": "a"}) + "\\n")
>>> scan = ScanResults(out)
>>> [(c.cluster, c.size, c.verdicts, c.best_score) for c in scan.clusters()]
[(1, 2, (('spun', 1),), 0.97)]
>>> scan.clusters(verdict="duplicate"), scan.pair("y", "x").verdict
([], 'spun')
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from detector.errors import InputError
from detector.inputs.jsonl import parse_jsonl_line, read_jsonl

__all__ = ["ScanCluster", "ScanDocument", "ScanPair", "ScanResults"]


@dataclass(frozen=True)
class ScanPair:
    """One verified pair of a scan (a line of ``pairs.jsonl``)."""

    a: str
    b: str
    verdict: str
    score: float
    similarity: float | None
    extent: str | None
    original: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "verdict": self.verdict,
            "score": self.score,
            "similarity": self.similarity,
            "extent": self.extent,
            "original": self.original,
        }


@dataclass(frozen=True)
class ScanCluster:
    """One cluster of a scan, with what its pairs say: ``verdicts`` as (verdict, pairs)."""

    cluster: int
    members: tuple[str, ...]
    original: str | None
    why: str
    pairs: tuple[ScanPair, ...]
    verdicts: tuple[tuple[str, int], ...]
    best_score: float | None

    @property
    def size(self) -> int:
        return len(self.members)

    def pairs_where(self, verdict: str | None = None, min_score: float = 0.0) -> list[ScanPair]:
        """The cluster's pairs of ``verdict`` (any when None) scoring at least ``min_score``."""
        return [
            p
            for p in self.pairs
            if (verdict is None or p.verdict == verdict) and p.score >= min_score
        ]


@dataclass(frozen=True)
class ScanDocument:
    """One document of ``documents.jsonl``."""

    id: str
    text: str
    title: str | None
    date: str | None
    source: str | None


def _problem(path: Path, line: int, reason: str) -> InputError:
    return InputError(f"{path}, line {line}: {reason}; is this a scan's output folder?")


def _pair(value: dict[str, Any]) -> ScanPair:
    def number(key: str) -> float | None:
        x = value.get(key)
        return float(x) if isinstance(x, int | float) and not isinstance(x, bool) else None

    return ScanPair(
        a=str(value["a"]),
        b=str(value["b"]),
        verdict=str(value["verdict"]),
        score=number("score") or 0.0,
        similarity=number("similarity"),
        extent=value.get("extent"),
        original=value.get("original"),
    )


class ScanResults:
    """The outputs of ``detector scan ... --out OUT``, read back.

    Parameters
    ----------
    out : path
        The scan's output folder.

    Raises
    ------
    InputError
        ``out`` is not a folder, or not one a scan wrote (no ``clusters.jsonl`` or
        ``pairs.jsonl``, or lines that are not what a scan writes).
    """

    def __init__(self, out: str | os.PathLike[str]) -> None:
        self.out = Path(out)
        if not self.out.is_dir():
            raise InputError(
                f"{self.out}: no such folder (make one with: detector scan INPUT --out {self.out})"
            )
        missing = [n for n in ("clusters.jsonl", "pairs.jsonl") if not (self.out / n).is_file()]
        if missing:
            raise InputError(
                f"{self.out} is not a scan's output folder: no {' or '.join(missing)} "
                f"(make one with: detector scan INPUT --out {self.out})"
            )
        pairs = self._read_pairs(self.out / "pairs.jsonl")
        self._pairs = {frozenset((p.a, p.b)): p for p in pairs}
        self._clusters = self._read_clusters(self.out / "clusters.jsonl", pairs)
        self._by_number = {c.cluster: c for c in self._clusters}
        self._cluster_of = {m: c.cluster for c in self._clusters for m in c.members}
        self._offsets: dict[str, int] | None = None
        self._lock = threading.Lock()
        self.summary: dict[str, Any] = {}
        summary = self.out / "summary.json"
        if summary.is_file():
            try:
                loaded = json.loads(summary.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError):
                loaded = None
            if isinstance(loaded, dict):
                self.summary = loaded

    # ------------------------------------------------------------------ reading

    @staticmethod
    def _read_pairs(path: Path) -> list[ScanPair]:
        pairs = []
        with path.open("rb") as fh:
            for record in read_jsonl(fh):
                if record.value is None:
                    raise _problem(path, record.line, str(record.error))
                try:
                    pairs.append(_pair(record.value))
                except (KeyError, TypeError, ValueError):
                    raise _problem(path, record.line, "not a pair") from None
        return pairs

    @staticmethod
    def _read_clusters(path: Path, pairs: list[ScanPair]) -> list[ScanCluster]:
        rows = []
        with path.open("rb") as fh:
            for record in read_jsonl(fh):
                value = record.value
                if value is None:
                    raise _problem(path, record.line, str(record.error))
                members = value.get("members")
                number = value.get("cluster")
                if not isinstance(members, list) or not isinstance(number, int):
                    raise _problem(path, record.line, "not a cluster")
                rows.append((number, tuple(map(str, members)), value))
        where = {m: number for number, members, _ in rows for m in members}
        by_cluster: dict[int, list[ScanPair]] = {}
        for p in pairs:
            if p.a in where:
                by_cluster.setdefault(where[p.a], []).append(p)
        clusters = []
        for number, members, value in rows:
            own = by_cluster.get(number, [])
            counts: dict[str, int] = {}
            for p in own:
                counts[p.verdict] = counts.get(p.verdict, 0) + 1
            original = value.get("original")
            clusters.append(
                ScanCluster(
                    cluster=number,
                    members=members,
                    original=None if original is None else str(original),
                    why=str(value.get("why") or ""),
                    pairs=tuple(sorted(own, key=lambda p: (-p.score, p.a, p.b))),
                    verdicts=tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
                    best_score=max((p.score for p in own), default=None),
                )
            )
        clusters.sort(key=lambda c: (-c.size, c.cluster))
        return clusters

    # ------------------------------------------------------------------ queries

    def clusters(self, *, verdict: str | None = None, min_score: float = 0.0) -> list[ScanCluster]:
        """Clusters, largest first, with a pair of ``verdict`` (any) scoring ``min_score``."""
        if verdict is None and min_score <= 0.0:
            return list(self._clusters)
        return [c for c in self._clusters if c.pairs_where(verdict, min_score)]

    def cluster(self, number: int) -> ScanCluster | None:
        """The cluster numbered ``number``, or None."""
        return self._by_number.get(number)

    def cluster_of(self, document_id: str) -> ScanCluster | None:
        """The cluster a document is in, or None."""
        number = self._cluster_of.get(document_id)
        return None if number is None else self._by_number[number]

    def pair(self, a: str, b: str) -> ScanPair | None:
        """The scan's pair of documents ``a`` and ``b`` (in either order), or None."""
        return self._pairs.get(frozenset((a, b)))

    def verdicts(self) -> list[str]:
        """The verdicts the scan's pairs have, most pairs first."""
        counts: dict[str, int] = {}
        for c in self._clusters:
            for verdict, n in c.verdicts:
                counts[verdict] = counts.get(verdict, 0) + n
        return sorted(counts, key=lambda v: (-counts[v], v))

    @property
    def has_documents(self) -> bool:
        """Whether the scan wrote ``documents.jsonl`` (scans before it was added did not)."""
        return (self.out / "documents.jsonl").is_file()

    def _index(self) -> dict[str, int]:
        """The byte offset of each document's line in ``documents.jsonl`` (read once)."""
        with self._lock:
            if self._offsets is None:
                offsets: dict[str, int] = {}
                path = self.out / "documents.jsonl"
                if path.is_file():
                    with path.open("rb") as fh:
                        at = 0
                        for number, raw in enumerate(fh, start=1):
                            if raw.strip():
                                value = parse_jsonl_line(raw, number).value
                                if value is not None and "id" in value:
                                    offsets.setdefault(str(value["id"]), at)
                            at += len(raw)
                self._offsets = offsets
            return self._offsets

    def document(self, document_id: str) -> ScanDocument | None:
        """The document with this id (its text, title, date, source), or None."""
        at = self._index().get(document_id)
        if at is None:
            return None
        with (self.out / "documents.jsonl").open("rb") as fh:
            fh.seek(at)
            value = parse_jsonl_line(fh.readline(), 0).value
        if value is None or not isinstance(value.get("text"), str):
            return None

        def text(key: str) -> str | None:
            x = value.get(key)
            return None if x is None else str(x)

        return ScanDocument(
            id=document_id,
            text=value["text"],
            title=text("title"),
            date=text("date"),
            source=text("source"),
        )
