"""JSON Lines: the one reader, for pairs to compare, labelled corpora and record files.

A stream is split into lines at ``\\n``, numbered from 1; a blank line (only ASCII
whitespace) is not a record. :func:`read_jsonl_lines` yields the other lines as bytes,
and :func:`parse_jsonl_line` turns one into a :class:`JsonlRecord`: the object, or the
reason the line is not one, never an exception. :func:`read_jsonl` does both.

Record files (:func:`detector.inputs.records.iter_records`) ask the line reader for
more: a bound on a line's length, a byte-order mark honoured, and a read error
(I/O, gzip) reported as a last line rather than raised.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from detector.inputs.streams import STREAM_ERRORS, one_line, stream_reason, wide_bom

__all__ = ["JsonlLine", "JsonlRecord", "parse_jsonl_line", "read_jsonl", "read_jsonl_lines"]


@dataclass(frozen=True)
class JsonlRecord:
    """One line of a JSON Lines file: its number, and the object or the reason it is bad.

    ``cause`` is what the reason comes from: the :class:`UnicodeDecodeError`,
    :class:`json.JSONDecodeError`, :class:`RecursionError` or other :class:`ValueError`
    of a line that is not JSON, or a :class:`TypeError` for JSON that is not an object.
    """

    line: int
    value: dict[str, Any] | None
    error: str | None = None
    cause: Exception | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class JsonlLine:
    """One non-blank line as read (``raw``, with its line ending), or why it cannot be read.

    With an ``error``, ``number`` is the line's number, or 0 when the error is about the
    whole stream (it then ends there).
    """

    number: int
    raw: bytes = b""
    error: str | None = None


def read_jsonl_lines(
    stream: IO[bytes],
    *,
    max_line_bytes: int | None = None,
    bom: bool = False,
    read_errors: bool = False,
) -> Iterator[JsonlLine]:
    """The non-blank lines of a JSON Lines stream, read one at a time.

    Parameters
    ----------
    stream : binary stream
    max_line_bytes : int, optional
        A longer line gives an error and is skipped, read in bounded chunks.
    bom : bool
        Skip a UTF-8 byte-order mark; a UTF-16/32 one ends the stream with an error.
    read_errors : bool
        A read error ends the stream with an error (numbered as the line it stopped
        at, or 0 before the first line) instead of being raised.

    Examples
    --------
    >>> import io
    >>> [(n.number, n.raw, n.error) for n in read_jsonl_lines(io.BytesIO(b'{}\\n \\n[1]'))]
    [(1, b'{}\\n', None), (3, b'[1]', None)]
    >>> [n.error for n in read_jsonl_lines(io.BytesIO(b"\\xff\\xfe{"), bom=True)]
    ['file is UTF-16; JSON Lines must be UTF-8']
    """
    number = 0
    while True:
        size = 0
        try:
            if max_line_bytes is None:
                raw = stream.readline()
            else:
                raw = stream.readline(max_line_bytes + 1)
                if len(raw) > max_line_bytes and not raw.endswith(b"\n"):
                    # An overlong line (a whole JSON array on one line?): skip it in chunks.
                    size = len(raw)
                    chunk = raw
                    while chunk and not chunk.endswith(b"\n"):
                        chunk = stream.readline(1 << 20)
                        size += len(chunk)
        except STREAM_ERRORS as exc:
            if not read_errors:
                raise
            after = "" if number == 0 else f"cannot read past line {number}: "
            yield JsonlLine(0 if number == 0 else number + 1, error=after + stream_reason(exc))
            return
        if not raw:
            return
        number += 1
        if size:
            yield JsonlLine(
                number,
                error=f"line is {size:,} bytes, over the limit of {max_line_bytes:,} bytes; "
                "put one JSON object per line",
            )
            continue
        if bom and number == 1:
            wide = wide_bom(raw)
            if wide:
                yield JsonlLine(0, error=f"file is {wide}; JSON Lines must be UTF-8")
                return
            raw = raw.removeprefix(codecs.BOM_UTF8)
        if raw.strip():
            yield JsonlLine(number, raw)


def parse_jsonl_line(raw: bytes, number: int) -> JsonlRecord:
    """One line parsed: a record with the object, or with the reason it is not one.

    Examples
    --------
    >>> parse_jsonl_line(b'{"id": 1}', 4)
    JsonlRecord(line=4, value={'id': 1}, error=None)
    >>> parse_jsonl_line(b"[" * 100_000, 5).error
    'invalid JSON: nested too deeply'
    >>> parse_jsonl_line(b"[1]", 6).error
    'a line must be a JSON object, got list'
    """
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return JsonlRecord(number, None, f"not UTF-8 (byte {exc.start})", exc)
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        return JsonlRecord(number, None, f"invalid JSON: {exc.msg} at column {exc.colno}", exc)
    except RecursionError as exc:
        return JsonlRecord(number, None, "invalid JSON: nested too deeply", exc)
    except ValueError as exc:
        # A number too long to convert; Python's advice after ";" is not for the user.
        reason = one_line(str(exc).split(";")[0])
        return JsonlRecord(number, None, f"invalid JSON: {reason}", exc)
    if not isinstance(value, dict):
        kind = type(value).__name__
        return JsonlRecord(
            number, None, f"a line must be a JSON object, got {kind}", TypeError(kind)
        )
    return JsonlRecord(number, value)


def read_jsonl(stream: IO[bytes]) -> Iterator[JsonlRecord]:
    """Stream a JSON Lines file; a bad line yields a record with an error, never an exception.

    Examples
    --------
    >>> import io
    >>> [(r.line, r.error) for r in read_jsonl(io.BytesIO(b'{"id": 1}\\n\\nnot json\\n[1]\\n'))]
    [(1, None), (3, 'invalid JSON: Expecting value at column 1'), (4, 'a line must be a JSON object, got list')]
    """
    for line in read_jsonl_lines(stream):
        yield parse_jsonl_line(line.raw, line.number)
