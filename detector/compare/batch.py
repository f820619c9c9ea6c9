"""Many comparisons at once: JSON Lines of ``{"id", "a", "b"}`` in, one result per line out.

Work is spread over the processes of a :mod:`detector.parallel` engine, a few pairs in
flight per worker; results come back in input order.
A bad line becomes an error record carrying its line number, and the run goes on.

A pair may name its articles by id (``{"a": "bus-01", "b": "bus-01-rw"}``, as in a
labelled corpus): :func:`pair_records` looks the ids up in a mapping of id to text, and
refuses a file whose first pair looks like ids when there is nothing to look them up in.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from typing import IO, Any

from detector.errors import DetectorError, InputError
from detector.inputs.jsonl import JsonlRecord, read_jsonl
from detector.parallel import Engine, LocalEngine, ordered_map

__all__ = ["compare_jsonl", "compare_records", "looks_like_ids", "pair_records", "write_results"]

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
        if rec.value is None or rec.error is not None:
            pair_id = None if rec.value is None else rec.value.get("id")
            yield ("error", {"id": pair_id, "line": rec.line, "error": rec.error})
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


def looks_like_ids(value: dict[str, Any]) -> bool:
    """True when a pair's ``a`` and ``b`` are both single tokens: article ids, not texts.

    Examples
    --------
    >>> looks_like_ids({"a": "bus-01", "b": "bus-01-rw", "label": "rewrite"})
    True
    >>> looks_like_ids({"a": "Rates rose.", "b": "bus-01"})
    False
    """
    return _is_token(value.get("a")) and _is_token(value.get("b"))


def _is_token(value: Any) -> bool:
    return isinstance(value, str) and value != "" and not any(c.isspace() for c in value)


def _look_up(
    records: Iterable[JsonlRecord], articles: Mapping[str, str], articles_name: str
) -> Iterator[JsonlRecord]:
    for rec in records:
        if rec.value is None:
            yield rec
            continue
        value = dict(rec.value)
        unknown = None
        for side in ("a", "b"):
            found = value.get(side)
            if isinstance(found, str) and found in articles:
                value[side] = articles[found]
            elif unknown is None and _is_token(found):
                unknown = f"'{side}' is {found!r}, which is not an article id in {articles_name}"
        if unknown is None:
            yield replace(rec, value=value)
        else:
            # The pair's id is kept so that the error record names it.
            yield replace(rec, value={"id": value.get("id")}, error=unknown)


def pair_records(
    source: IO[bytes],
    *,
    name: str = "input",
    articles: Mapping[str, str] | None = None,
    articles_name: str = "the articles",
) -> Iterator[JsonlRecord]:
    """The pairs of a JSON Lines stream, their article ids replaced by the articles' texts.

    The first record is read at the call, so that a refusal comes before any output.

    Parameters
    ----------
    source : binary stream
        JSON Lines of ``{"id", "a", "b"}``.
    name : str
        The stream's name in messages.
    articles : mapping of id to text, optional
        Where ``a`` and ``b`` are looked up: a value that is an id there is replaced by
        its text; a single-token value that is not becomes an error record. Without it,
        ``a`` and ``b`` are texts.
    articles_name : str
        The articles' name in messages.

    Raises
    ------
    InputError
        Without ``articles``, when the first pair's ``a`` and ``b`` look like article ids
        (see :func:`looks_like_ids`): comparing the ids as texts would call every pair
        unrelated.
    """
    records = read_jsonl(source)
    first = next(records, None)
    if first is None:
        return iter(())
    if articles is None:
        if first.value is not None and looks_like_ids(first.value):
            raise InputError(
                f"{name}:{first.line}: 'a' and 'b' look like article ids, not texts; "
                "pass --articles FILE to look them up"
            )
        return itertools.chain([first], records)
    return _look_up(itertools.chain([first], records), articles, articles_name)


def write_results(
    records: Iterable[JsonlRecord], out: IO[str], *, jobs: int | None = None, **options: Any
) -> tuple[int, int]:
    """Compare every record into ``out``, one JSON line each; return (pairs, errors)."""
    import json

    done = errors = 0
    for result in compare_records(records, jobs=jobs, **options):
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        done += 1
        errors += "error" in result
    return done, errors


def compare_jsonl(
    source: IO[bytes],
    out: IO[str],
    *,
    jobs: int | None = None,
    articles: Mapping[str, str] | None = None,
    **options: Any,
) -> tuple[int, int]:
    """Compare every pair of a JSON Lines stream into ``out``; return (pairs, errors).

    ``articles`` maps ids to texts, for pairs that name their articles by id (see
    :func:`pair_records`).
    """
    return write_results(pair_records(source, articles=articles), out, jobs=jobs, **options)
