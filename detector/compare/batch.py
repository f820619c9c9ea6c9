"""Many comparisons at once: JSON Lines of ``{"id", "a", "b"}`` in, one result per line out.

Work is spread over the processes of a :mod:`detector.parallel` engine, a few pairs in
flight per worker; results come back in input order.
A bad line becomes an error record carrying its line number, and the run goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import IO, Any

from detector.errors import DetectorError
from detector.inputs.jsonl import JsonlRecord, read_jsonl
from detector.parallel import Engine, LocalEngine, ordered_map

__all__ = ["compare_jsonl", "compare_records"]

logger = logging.getLogger(__name__)


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


def _run(kind: str, payload: Any) -> dict[str, Any]:
    """One item of the stream: an error record passes through, a task is compared."""
    return payload if kind == "error" else _compare_one(payload)


def compare_records(
    records: Iterable[JsonlRecord],
    *,
    jobs: int | None = None,
    chunk: int = 8,
    engine: Engine | None = None,
    **options: Any,
) -> Iterator[dict[str, Any]]:
    """Compare each record's ``a`` and ``b``; yield one result dict per record, in order.

    Parameters
    ----------
    records : iterable of JsonlRecord
        As produced by :func:`detector.inputs.text.read_jsonl`.
    jobs : int, optional
        Worker processes (default: all cores). ``1`` runs in this process.
    chunk : int
        Pairs in flight per worker.
    engine : Engine, optional
        Where to run the comparisons (see :mod:`detector.parallel`); by default a
        :class:`~detector.parallel.LocalEngine` of ``jobs`` processes, closed at the end.
    **options
        Passed to :func:`detector.compare.pipeline.compare`.
    """
    owned = engine is None
    runner: Engine = LocalEngine(jobs) if engine is None else engine
    done = errors = 0
    try:
        for result in ordered_map(
            runner, _run, _tasks(records, options), window=runner.workers * chunk
        ):
            done += 1
            errors += "error" in result
            yield result
    finally:
        if owned:
            runner.close()
        logger.debug("compared %d records (%d errors) on %d workers", done, errors, runner.workers)


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
