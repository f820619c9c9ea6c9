"""Many comparisons at once: JSON Lines of ``{"id", "a", "b"}`` in, one result per line out.

Work is spread over processes in fixed-size chunks; results come back in input order.
A bad line becomes an error record carrying its line number, and the run goes on.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import IO, Any

from detector.errors import DetectorError
from detector.inputs.text import JsonlRecord, read_jsonl

__all__ = ["compare_jsonl", "compare_records"]


def _compare_one(task: tuple[int, Any, Any, Any, dict[str, Any]]) -> dict[str, Any]:
    from detector.compare.pipeline import compare

    line, pair_id, a, b, options = task
    head = {"id": pair_id, "line": line}
    for name, value in (("a", a), ("b", b)):
        if not isinstance(value, str):
            return {**head, "error": f"field '{name}' must be a string, got {type(value).__name__}"}
        if not value.strip():
            return {**head, "error": f"field '{name}' is empty"}
    try:
        return {"id": pair_id, **compare(a, b, **options).to_dict()}
    except DetectorError as exc:
        return {**head, "error": str(exc)}


def _tasks(records: Iterable[JsonlRecord], options: dict[str, Any]) -> Iterator[Any]:
    for rec in records:
        if rec.value is None:
            yield ("error", {"id": None, "line": rec.line, "error": rec.error})
            continue
        missing = [k for k in ("a", "b") if k not in rec.value]
        if missing:
            yield (
                "error",
                {
                    "id": rec.value.get("id"),
                    "line": rec.line,
                    "error": f"missing field(s): {', '.join(missing)}",
                },
            )
            continue
        yield ("task", (rec.line, rec.value.get("id"), rec.value["a"], rec.value["b"], options))


def compare_records(
    records: Iterable[JsonlRecord], *, jobs: int | None = None, chunk: int = 8, **options: Any
) -> Iterator[dict[str, Any]]:
    """Compare each record's ``a`` and ``b``; yield one result dict per record, in order.

    Parameters
    ----------
    records : iterable of JsonlRecord
        As produced by :func:`detector.inputs.text.read_jsonl`.
    jobs : int, optional
        Worker processes (default: all cores). ``1`` runs in this process.
    **options
        Passed to :func:`detector.compare.pipeline`.
    """
    jobs = jobs or os.cpu_count() or 1
    items = _tasks(records, options)
    if jobs == 1:
        for kind, payload in items:
            yield payload if kind == "error" else _compare_one(payload)
        return
    import multiprocessing as mp

    ctx = mp.get_context("fork") if hasattr(os, "fork") else mp.get_context()
    with ctx.Pool(jobs) as pool:
        # Errors pass straight through; tasks go to the pool; order is kept.
        def run() -> Iterator[Any]:
            for kind, payload in items:
                yield payload if kind == "error" else pool.apply_async(_compare_one, (payload,))

        window: list[Any] = []
        item: Any
        for item in run():
            window.append(item)
            if len(window) >= jobs * chunk:
                head = window.pop(0)
                yield head if isinstance(head, dict) else head.get()
        for item in window:
            yield item if isinstance(item, dict) else item.get()


def compare_jsonl(
    source: IO[bytes], out: IO[str], *, jobs: int | None = None, **options: Any
) -> tuple[int, int]:
    """Compare every pair of a JSON Lines stream into ``out``; return (pairs, errors)."""
    import json

    done = errors = 0
    for result in compare_records(read_jsonl(source), jobs=jobs, **options):
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        done += 1
        errors += "error" in result
    return done, errors
