"""The labelled corpus: articles by id and labelled pairs, streamed from JSON Lines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from detector.errors import InputError

__all__ = ["DEFAULT_CORPUS", "iter_pairs", "load_articles", "resolve_pair"]

DEFAULT_CORPUS = Path("corpus")


def load_articles(path: str | Path) -> dict[str, dict[str, Any]]:
    """Articles by id from a JSON Lines file of ``{"id", "text", ...}``."""
    path = Path(path)
    articles: dict[str, dict[str, Any]] = {}
    try:
        with path.open(encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path}:{number}: invalid JSON ({exc.msg})") from None
                if not isinstance(record, dict) or "id" not in record or "text" not in record:
                    raise InputError(f"{path}:{number}: an article needs 'id' and 'text'")
                articles[str(record["id"])] = record
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    return articles


def iter_pairs(path: str | Path, *, split: str | None = None) -> Iterator[dict[str, Any]]:
    """Labelled pairs from JSON Lines, optionally one split; each gets its line number."""
    path = Path(path)
    try:
        fh = path.open(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    with fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                pair = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{number}: invalid JSON ({exc.msg})") from None
            if not isinstance(pair, dict) or not {"a", "b", "label"} <= pair.keys():
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
