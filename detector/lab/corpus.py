"""The labelled corpus: articles by id and labelled pairs, streamed from JSON Lines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from detector.errors import InputError
from detector.inputs.jsonl import read_jsonl

__all__ = ["DEFAULT_CORPUS", "iter_pairs", "load_articles", "resolve_pair"]

DEFAULT_CORPUS = Path("corpus")


def _objects(path: Path) -> Iterator[tuple[int, dict[str, Any] | None]]:
    """(line number, object) for each non-blank line; None for a line that is not an object.

    A line that is not JSON (or not UTF-8) stops the reading with an :class:`InputError`.
    """
    try:
        fh = path.open("rb")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except ValueError as exc:  # a NUL in the path
        raise InputError(f"{path}: cannot read ({exc})") from None
    with fh:
        for record in read_jsonl(fh):
            if record.error is None or isinstance(record.cause, TypeError):
                yield record.line, record.value
                continue
            if isinstance(record.cause, json.JSONDecodeError):
                problem = f"invalid JSON ({record.cause.msg})"
            elif isinstance(record.cause, RecursionError):
                problem = "invalid JSON (nested too deeply)"
            else:  # not UTF-8, or a number too long
                problem = record.error
            raise InputError(f"{path}:{record.line}: {problem}")


def load_articles(path: str | Path) -> dict[str, dict[str, Any]]:
    """Articles by id from a JSON Lines file of ``{"id", "text", ...}``."""
    path = Path(path)
    articles: dict[str, dict[str, Any]] = {}
    for number, record in _objects(path):
        if record is None or "id" not in record or "text" not in record:
            raise InputError(f"{path}:{number}: an article needs 'id' and 'text'")
        articles[str(record["id"])] = record
    return articles


def iter_pairs(path: str | Path, *, split: str | None = None) -> Iterator[dict[str, Any]]:
    """Labelled pairs from JSON Lines, optionally one split; each gets its line number."""
    path = Path(path)
    for number, pair in _objects(path):
        if pair is None or not {"a", "b", "label"} <= pair.keys():
            raise InputError(f"{path}:{number}: a labelled pair needs 'a', 'b' and 'label'")
        if split is not None and pair.get("split") != split:
            continue
        yield {**pair, "line": number}


def resolve_pair(pair: dict[str, Any], articles: dict[str, dict[str, Any]]) -> tuple[str, str]:
    """The two texts of a pair: a value that is an article id is looked up, else it is the text."""
    texts = []
    for side in ("a", "b"):
        value = pair[side]
        if not isinstance(value, str):
            raise InputError(f"pair on line {pair.get('line')}: '{side}' must be a string")
        texts.append(articles[value]["text"] if value in articles else value)
    return texts[0], texts[1]
