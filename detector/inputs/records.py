"""Streaming record readers: many articles from JSON Lines, CSV, Parquet, WARC files and folders.

:func:`iter_records` turns a list of inputs into a stream of :class:`Record` (an article
to scan) and :class:`Rejected` (an input record that cannot be used, with a one-line
reason). Every input record gives exactly one of the two, so ``read = scanned +
rejected`` adds up; a whole file that cannot be read gives one :class:`Rejected` whose
``location`` is ``""``. Nothing is read whole into memory: JSON Lines go line by line,
gzip is decompressed as a stream, CSV goes through :mod:`csv` on a text stream, Parquet
by row batches, WARC record by record, and folders are walked lazily in sorted order.

Formats are chosen by extension (case-insensitive):

* ``.jsonl``, ``.ndjson`` (and ``.gz``): one JSON object per line; blank lines are not
  records. A line that is not UTF-8 is rejected on its own; a file that starts with a
  UTF-16/32 byte-order mark is rejected as a whole.
* ``.csv`` (and ``.csv.gz``): a header row naming the columns, then one record per row;
  blank lines are not records. A byte that is not UTF-8 rejects the row that holds it
  (or the whole file when it is in the header); a UTF-16/32 byte-order mark, a missing
  header or a header without the id or text column rejects the whole file.
* ``.parquet``: read with pyarrow (``pip install 'detector[parquet]'``); rows are
  numbered from 0.
* ``.warc``, ``.warc.gz``: read with warcio (``pip install 'detector[warc]'``). Only
  ``response`` records with a 2xx HTTP status and an HTML content type are articles;
  other records (requests, metadata, revisits, redirects, errors, images, ...) are
  skipped: they are not article records, so they count neither as read nor as rejected.
* a folder: walked recursively in sorted order, skipping hidden names (starting with
  ``.``). ``.txt``, ``.html``/``.htm`` and ``.json`` files are one article each, with
  the path relative to the folder (POSIX form) as the default id; record files (the
  formats above) inside it are read as such; any other file is rejected as
  ``unsupported file type``.
* ``.txt``, ``.html``, ``.htm``, ``.json`` given directly: one article, id = the path.

HTML is reduced to its article text with trafilatura when installed (``pip install
'detector[html]'``), else with :func:`detector.inputs.text.html_to_text`; the title comes
from ``<title>``. The :class:`FieldMap` names the fields of JSON, CSV and Parquet
records; it does not apply to text, HTML or WARC input.

Examples
--------
>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as folder:
...     path = pathlib.Path(folder, "a.jsonl")
...     _ = path.write_text('{"id": 7, "text": "Rates rose."}\\n\\n{"id": 8}\\n')
...     for item in iter_records([path]):
...         print(item.id, "|", item.text if isinstance(item, Record) else item.reason)
7 | Rates rose.
8 | missing text: no 'text' field (fields: 'id'); name the text field with --text-field
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import gzip
import html as html_lib
import io
import json
import math
import os
import re
import stat
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType
from typing import IO, Any, Literal, TypeVar, cast, overload
from urllib.parse import urlsplit

from detector.errors import ConfigError, InputError
from detector.inputs.text import (
    DEFAULT_MAX_BYTES,
    decode_bytes,
    html_to_text,
    looks_like_html,
    read_jsonl,
)

__all__ = ["FieldMap", "Pending", "Record", "Rejected", "iter_records", "resolve"]


@dataclass(frozen=True)
class Record:
    """One article to scan, and where it came from.

    ``origin`` is ``"path:line"`` (JSON Lines, CSV), ``"path#row"`` (Parquet),
    ``"path"`` (a file of a folder) or ``"path#offset"`` (WARC).
    """

    id: str
    text: str
    title: str | None = None
    date: str | None = None
    source: str | None = None
    origin: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (JSON-serialisable)."""
        return asdict(self)


@dataclass(frozen=True)
class Rejected:
    """One input record, or a whole file (``location == ""``), that cannot be used.

    ``location`` is a line number (JSON Lines, CSV), a row index (Parquet), a path
    relative to a folder, or a WARC offset, as text. ``reason`` is one line.
    """

    file: str
    location: str
    reason: str
    id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (JSON-serialisable)."""
        return asdict(self)


@dataclass(frozen=True)
class FieldMap:
    """Names of the fields that hold each part of a record in JSON, CSV and Parquet input."""

    id: str = "id"
    text: str = "text"
    title: str = "title"
    date: str = "date"
    source: str = "source"


@dataclass(frozen=True)
class _Options:
    fields: FieldMap
    max_chars: int
    min_chars: int
    defer: bool = False

    @property
    def max_bytes(self) -> int:
        """Largest single-article file or WARC page read (HTML is bigger than its text)."""
        return max(DEFAULT_MAX_BYTES, 8 * self.max_chars)

    @property
    def line_bytes(self) -> int:
        """Longest JSON line read: JSON escapes take up to 6 bytes per character."""
        return 6 * self.max_chars + (1 << 20)

    @property
    def csv_field_chars(self) -> int:
        return max(2 * self.max_chars, 131_072)


@overload
def iter_records(
    inputs: Sequence[str | Path],
    *,
    fields: FieldMap = ...,
    max_chars: int = ...,
    min_chars: int = ...,
    defer: Literal[False] = ...,
) -> Iterator[Record | Rejected]: ...


@overload
def iter_records(
    inputs: Sequence[str | Path],
    *,
    fields: FieldMap = ...,
    max_chars: int = ...,
    min_chars: int = ...,
    defer: bool,
) -> Iterator[Record | Rejected | Pending]: ...


def iter_records(
    inputs: Sequence[str | Path],
    *,
    fields: FieldMap = FieldMap(),
    max_chars: int = 1_000_000,
    min_chars: int = 1,
    defer: bool = False,
) -> Iterator[Record | Rejected | Pending]:
    """Stream the records of files and folders: one :class:`Record` or :class:`Rejected` each.

    Parameters
    ----------
    inputs : sequence of paths
        Files (format by extension) and folders (walked). A single path is accepted too.
    fields : FieldMap
        Field (column) names of JSON, CSV and Parquet records.
    max_chars, min_chars : int
        Texts longer or shorter than these (in characters) are rejected.
    defer : bool
        Yield each line of a JSON Lines file as a :class:`Pending` that is parsed and
        checked later with :func:`resolve`, possibly in another process: the reader
        then only splits lines, and a batch scan parses in its workers.

    Raises
    ------
    ConfigError
        At the call, when ``min_chars < 1`` or ``max_chars < min_chars``.
    """
    if min_chars < 1:
        raise ConfigError(f"min_chars must be at least 1, got {min_chars}")
    if max_chars < min_chars:
        raise ConfigError(f"max_chars ({max_chars}) must not be below min_chars ({min_chars})")
    items: list[str | Path] = [inputs] if isinstance(inputs, (str, Path)) else list(inputs)
    return _iter_inputs(items, _Options(fields, max_chars, min_chars, defer))


@dataclass(frozen=True)
class Pending:
    """A line of a JSON Lines file, read but not yet parsed (see ``iter_records(defer=True)``)."""

    raw: bytes
    number: int
    file: str
    opts: _Options

    def resolve(self) -> Record | Rejected:
        """Parse and check the line: exactly what the reader yields without ``defer``."""
        return _jsonl_line(self.raw, self.number, self.file, self.opts)


def resolve(item: Record | Rejected | Pending) -> Record | Rejected:
    """``item`` itself, or the Record or Rejected a :class:`Pending` line stands for."""
    return item.resolve() if isinstance(item, Pending) else item


def _iter_inputs(items: list[str | Path], opts: _Options) -> Iterator[Record | Rejected | Pending]:
    for item in items:
        yield from _read_input(Path(item), _printable(str(item)), opts)


# ----------------------------------------------------------------------------- dispatch

_KINDS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".jsonl.gz": "jsonl",
    ".ndjson.gz": "jsonl",
    ".csv": "csv",
    ".csv.gz": "csv",
    ".parquet": "parquet",
    ".warc": "warc",
    ".warc.gz": "warc",
    ".json": "json",
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
}
_SUFFIXES = sorted(_KINDS, key=len, reverse=True)
_ARTICLE_KINDS = frozenset({"json", "text", "html"})
_RECORD_FILES = ".jsonl, .ndjson, .csv (each optionally .gz), .parquet, .warc(.gz)"
_SUPPORTED = f"a folder or {_RECORD_FILES}, .json, .txt, .html"
_IN_FOLDER = f".txt, .html, .htm, .json (one article each) and {_RECORD_FILES}"


def _kind(name: str) -> str | None:
    lower = name.lower()
    return next((_KINDS[s] for s in _SUFFIXES if lower.endswith(s)), None)


def _suffix(name: str) -> str:
    suffixes = Path(name).suffixes
    if len(suffixes) >= 2 and suffixes[-1].lower() == ".gz":
        return "".join(suffixes[-2:])
    return suffixes[-1] if suffixes else "(no extension)"


def _printable(text: str) -> str:
    """A file name as valid Unicode: bytes that were not UTF-8 become ``\\xNN``."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _os_reason(exc: OSError) -> str:
    return exc.strerror.lower() if exc.strerror else _one_line(str(exc))


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _read_input(path: Path, name: str, opts: _Options) -> Iterator[Record | Rejected | Pending]:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        yield Rejected(name, "", "no such file or directory")
        return
    except OSError as exc:
        yield Rejected(name, "", f"cannot read: {_os_reason(exc)}")
        return
    if stat.S_ISDIR(mode):
        yield from _read_folder(path, name, opts)
        return
    kind = _kind(path.name)
    if kind is None:
        yield Rejected(name, "", f"unsupported input type {_suffix(path.name)}; use {_SUPPORTED}")
    elif kind in _ARTICLE_KINDS:
        yield _read_article(path, kind, opts, id_=name, file=name, location="", origin=name)
    else:
        yield from _read_records(path, kind, name, opts)


def _read_records(
    path: Path, kind: str, name: str, opts: _Options
) -> Iterator[Record | Rejected | Pending]:
    if kind == "jsonl":
        yield from _read_jsonl(path, name, opts)
    elif kind == "csv":
        yield from _read_csv(path, name, opts)
    elif kind == "parquet":
        yield from _read_parquet(path, name, opts)
    else:
        yield from _read_warc(path, name, opts)


# ----------------------------------------------------------------------------- fields

_MISSING = object()
_SURROGATE = re.compile("[\ud800-\udfff]")


def _surrogate(text: str) -> re.Match[str] | None:
    """The first lone surrogate in ``text`` (ASCII text, the common case, is skipped fast)."""
    return None if text.isascii() else _SURROGATE.search(text)


def _fields_hint(obj: Mapping[str, Any]) -> str:
    keys = [repr(k if len(k) <= 40 else k[:39] + "…") for k in list(obj)[:8]]
    more = f", … {len(obj) - 8} more" if len(obj) > 8 else ""
    return f" (fields: {', '.join(keys)}{more})" if keys else " (the object is empty)"


class _Reason(str):
    """A reason for rejection, told apart from a value that is also a str."""


def _as_id(value: Any) -> str | _Reason:
    """The id as text, or a :class:`_Reason` saying why it cannot be one."""
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            return _Reason("id is not UTF-8")
    if isinstance(value, str):
        if not value.strip():
            return _Reason("id is empty")
        if _surrogate(value):
            return _Reason("id holds a lone surrogate; it must be valid Unicode")
        return value
    if isinstance(value, bool):
        return _Reason("id must be a string or a number, got bool")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return _Reason(f"id must be a finite number, got {value}")
        return str(int(value)) if value.is_integer() else repr(value)
    return _Reason(f"id must be a string or a number, got {type(value).__name__}")


def _optional(value: Any, name: str) -> str | _Reason | None:
    if value is None or value is _MISSING:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        if _surrogate(value):
            value = value.encode("utf-8", "replace").decode("utf-8")
        return value or None
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return _Reason(f"field {name!r} must be a string, got {type(value).__name__}")


def _make(
    obj: Mapping[str, Any],
    opts: _Options,
    *,
    file: str,
    location: str,
    origin: str,
    default_id: str | None = None,
    names: FieldMap | None = None,
) -> Record | Rejected:
    """Check one record's fields and build a Record, or a Rejected with the first problem.

    ``names`` is the FieldMap to look fields up with (None: the standard names, for
    inputs the user does not name fields in, whose reasons then give no option hint).
    """
    fields = names or FieldMap()
    hint = names is not None

    def reject(reason: str, id_: str | None = None) -> Rejected:
        return Rejected(file, location, reason, id_)

    raw_id = obj.get(fields.id, _MISSING)
    if raw_id is _MISSING or raw_id is None:
        if default_id is not None:
            raw_id = default_id
        elif raw_id is None:
            return reject(f"missing id: field {fields.id!r} is null")
        else:
            advice = "; name the id field with --id-field" if hint else ""
            return reject(f"missing id: no {fields.id!r} field{_fields_hint(obj)}{advice}")
    id_ = _as_id(raw_id)
    if isinstance(id_, _Reason):
        return reject(str(id_))

    text = obj.get(fields.text, _MISSING)
    if text is _MISSING:
        advice = "; name the text field with --text-field" if hint else ""
        return reject(f"missing text: no {fields.text!r} field{_fields_hint(obj)}{advice}", id_)
    if text is None:
        return reject(f"missing text: field {fields.text!r} is null", id_)
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            return reject(f"text is not UTF-8 (byte {exc.start})", id_)
    if not isinstance(text, str):
        return reject(f"text must be a string, got {type(text).__name__}", id_)
    if not text.strip():
        return reject("text is empty" if not text else "text is empty (only whitespace)", id_)
    if len(text) < opts.min_chars:
        return reject(
            f"text has {len(text):,} characters, under the minimum of {opts.min_chars:,}", id_
        )
    if len(text) > opts.max_chars:
        return reject(
            f"text has {len(text):,} characters, over the limit of {opts.max_chars:,}", id_
        )
    bad = _surrogate(text)
    if bad:
        return reject(
            f"text holds a lone surrogate at character {bad.start()}; it must be valid Unicode",
            id_,
        )

    optional: dict[str, str | None] = {}
    for part in ("title", "date", "source"):
        name = getattr(fields, part)
        value = _optional(obj.get(name, _MISSING), name)
        if isinstance(value, _Reason):
            return reject(str(value), id_)
        optional[part] = value
    return Record(id_, text, origin=origin, **optional)


# ----------------------------------------------------------------------------- streams

_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
_STREAM_ERRORS = (OSError, EOFError, zlib.error)


def _open_binary(path: Path, *, decompress: bool = True) -> IO[bytes]:
    """The file as a binary stream; ``.gz`` files are decompressed as they are read."""
    if decompress and path.name.lower().endswith(".gz"):
        return cast(IO[bytes], gzip.GzipFile(path, "rb"))
    return open(path, "rb")


def _wide_bom(head: bytes) -> str | None:
    return next((name for bom, name in _WIDE_BOMS if head.startswith(bom)), None)


def _stream_reason(exc: BaseException) -> str:
    if isinstance(exc, gzip.BadGzipFile):
        return f"not a gzip file ({_one_line(str(exc))})"
    if isinstance(exc, EOFError):
        return "compressed data is truncated"
    if isinstance(exc, zlib.error):
        return f"compressed data is corrupt ({_one_line(str(exc))})"
    if isinstance(exc, OSError):
        return _os_reason(exc)
    return _one_line(str(exc)) or type(exc).__name__


# ----------------------------------------------------------------------------- JSON Lines


def _read_jsonl(path: Path, name: str, opts: _Options) -> Iterator[Record | Rejected | Pending]:
    """One result per non-blank line (lines split at ``\\n``; blank = only ASCII whitespace)."""
    try:
        stream = _open_binary(path)
    except OSError as exc:
        yield Rejected(name, "", f"cannot read: {_os_reason(exc)}")
        return
    limit = opts.line_bytes
    number = 0
    with stream:
        while True:
            size = 0
            try:
                raw = stream.readline(limit + 1)
                if len(raw) > limit and not raw.endswith(b"\n"):
                    # An overlong line (a whole JSON array on one line?): skip it in chunks.
                    size = len(raw)
                    chunk = raw
                    while chunk and not chunk.endswith(b"\n"):
                        chunk = stream.readline(1 << 20)
                        size += len(chunk)
            except _STREAM_ERRORS as exc:
                where = "" if number == 0 else str(number + 1)
                after = "" if number == 0 else f"cannot read past line {number}: "
                yield Rejected(name, where, after + _stream_reason(exc))
                return
            if not raw:
                return
            number += 1
            if size:
                yield Rejected(
                    name,
                    str(number),
                    f"line is {size:,} bytes, over the limit of {limit:,} bytes; "
                    "put one JSON object per line",
                )
                continue
            if number == 1:
                wide = _wide_bom(raw)
                if wide:
                    yield Rejected(name, "", f"file is {wide}; JSON Lines must be UTF-8")
                    return
                raw = raw.removeprefix(codecs.BOM_UTF8)
            if not raw.strip():
                continue
            yield (
                Pending(raw, number, name, opts)
                if opts.defer
                else _jsonl_line(raw, number, name, opts)
            )


def _jsonl_line(raw: bytes, number: int, name: str, opts: _Options) -> Record | Rejected:
    where = str(number)
    try:  # the common case, a good line, directly; anything else the careful way
        value = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        value = None
    if isinstance(value, dict):
        return _make(
            value, opts, file=name, location=where, origin=f"{name}:{number}", names=opts.fields
        )
    try:
        line = next(read_jsonl(io.BytesIO(raw.rstrip(b"\r\n"))))
    except RecursionError:
        return Rejected(name, where, "invalid JSON: nested too deeply")
    if line.value is None:
        reason = line.error or "invalid line"
        if reason.startswith("not UTF-8"):
            reason += "; JSON Lines must be UTF-8"
        return Rejected(name, where, reason)
    return _make(
        line.value, opts, file=name, location=where, origin=f"{name}:{number}", names=opts.fields
    )


# ----------------------------------------------------------------------------- CSV


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def _read_csv(path: Path, name: str, opts: _Options) -> Iterator[Record | Rejected]:
    """One result per non-blank row after the header.

    The bytes are decoded as UTF-8 with ``surrogateescape``: a byte that is not UTF-8
    cannot be a comma, quote or newline, so rows split exactly as the bytes say, and
    each row that holds such a byte is rejected on its own.
    """
    try:
        stream = _open_binary(path)
    except OSError as exc:
        yield Rejected(name, "", f"cannot read: {_os_reason(exc)}")
        return
    with stream:
        try:
            head = stream.peek(4)[:4] if hasattr(stream, "peek") else b""
        except _STREAM_ERRORS as exc:
            yield Rejected(name, "", _stream_reason(exc))
            return
        wide = _wide_bom(head)
        if wide:
            yield Rejected(name, "", f"file is {wide}; CSV files must be UTF-8")
            return
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
        limit = opts.csv_field_chars
        # Physical lines are read in bounded chunks, so one endless line cannot fill memory.
        lines = iter(functools.partial(text.readline, 4 * limit), "")
        reader = csv.reader(lines)
        columns: list[str] | None = None
        index: dict[str, int] = {}
        while True:
            start = reader.line_num + 1
            row = _next_row(reader, limit)
            if row is None:
                break
            if isinstance(row, csv.Error):
                if columns is None:
                    yield Rejected(name, "", f"cannot parse the header row: {row}")
                    return
                yield Rejected(name, str(start), f"cannot parse row: {row} (an unclosed quote?)")
                continue
            if isinstance(row, BaseException):
                where = "" if start == 1 else str(start)
                after = "" if start == 1 else f"cannot read past line {start - 1}: "
                yield Rejected(name, where, after + _stream_reason(row))
                return
            if not row:
                continue
            if columns is None:
                header = _csv_header(row, opts.fields)
                if isinstance(header, str):
                    yield Rejected(name, "", header)
                    return
                columns, index = row, header
                continue
            yield _csv_row(row, len(columns), index, start, name, opts)
        if columns is None:
            yield Rejected(
                name, "", "file is empty: a CSV file needs a header row naming its columns"
            )


def _next_row(reader: Any, limit: int) -> list[str] | BaseException | None:
    """The next row, the error that stopped it, or None at the end.

    csv's field size limit is process-wide, so it is set for this row and put back.
    """
    previous = csv.field_size_limit(limit)
    try:
        row: list[str] = next(reader)
    except StopIteration:
        return None
    except (csv.Error, *_STREAM_ERRORS) as exc:
        return exc
    finally:
        csv.field_size_limit(previous)
    return row


def _csv_header(row: list[str], fields: FieldMap) -> dict[str, int] | str:
    """Column index of each mapped field present, or the reason the header is unusable."""
    if any(_surrogate(cell) for cell in row):
        return "header row is not UTF-8; CSV files must be UTF-8"
    names = [cell.strip() for cell in row]
    index: dict[str, int] = {}
    for option, part in (("--id-field", "id"), ("--text-field", "text")):
        field = getattr(fields, part)
        if field not in names:
            shown = ", ".join(repr(n) for n in names[:12]) + (", …" if len(names) > 12 else "")
            return f"no {field!r} column in the header (columns: {shown}); name it with {option}"
    for part in ("id", "text", "title", "date", "source"):
        field = getattr(fields, part)
        if names.count(field) > 1:
            return f"column {field!r} appears {names.count(field)} times in the header"
        if field in names:
            index[field] = names.index(field)
    return index


def _csv_row(
    row: list[str], width: int, index: dict[str, int], line: int, name: str, opts: _Options
) -> Record | Rejected:
    where = str(line)
    if len(row) != width:
        return Rejected(name, where, f"row has {_plural(len(row), 'field')}, header has {width}")
    for cell in row:
        bad = _surrogate(cell)
        if bad:
            byte = ord(bad.group()) - 0xDC00
            return Rejected(
                name, where, f"row is not UTF-8 (byte 0x{byte:02x}); CSV files must be UTF-8"
            )
    obj = {field: row[i] for field, i in index.items()}
    return _make(obj, opts, file=name, location=where, origin=f"{name}:{line}", names=opts.fields)


# ----------------------------------------------------------------------------- Parquet


def _read_parquet(path: Path, name: str, opts: _Options) -> Iterator[Record | Rejected]:
    """One result per row; rows are numbered from 0 across row groups."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        yield Rejected(name, "", "reading Parquet needs pyarrow: pip install 'detector[parquet]'")
        return
    fields = opts.fields
    try:
        parquet = pq.ParquetFile(path)
        names = list(parquet.schema_arrow.names)
    except Exception as exc:  # pyarrow raises several types for unreadable files
        yield Rejected(name, "", f"not a readable Parquet file: {_one_line(str(exc))}")
        return
    with parquet:
        for option, part in (("--id-field", "id"), ("--text-field", "text")):
            field = getattr(fields, part)
            if field not in names:
                shown = ", ".join(repr(n) for n in names[:12]) + (", …" if len(names) > 12 else "")
                yield Rejected(
                    name, "", f"no {field!r} column (columns: {shown}); name it with {option}"
                )
                return
        wanted = list(
            dict.fromkeys(
                f
                for f in (fields.id, fields.text, fields.title, fields.date, fields.source)
                if f in names
            )
        )
        row = 0
        batches = parquet.iter_batches(batch_size=256, columns=wanted)
        while True:
            try:
                batch = next(batches, None)
                if batch is None:
                    return
                columns = {n: batch.column(n).to_pylist() for n in wanted}
            except Exception as exc:  # corrupt pages surface as pyarrow errors
                where = str(row)
                yield Rejected(name, where, f"cannot read from row {row} on: {_one_line(str(exc))}")
                return
            for j in range(batch.num_rows):
                obj = {n: values[j] for n, values in columns.items()}
                yield _make(
                    obj, opts, file=name, location=str(row), origin=f"{name}#{row}", names=fields
                )
                row += 1


# ----------------------------------------------------------------------------- HTML


@functools.cache
def _trafilatura() -> ModuleType | None:
    try:
        import trafilatura
    except ImportError:
        return None
    return trafilatura


_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)


def _html_title(page: str) -> str | None:
    match = _TITLE.search(page, 0, 200_000)
    if not match:
        return None
    title = " ".join(html_lib.unescape(re.sub(r"<[^>]*>", " ", match.group(1))).split())
    return title or None


def _html_article(page: str) -> tuple[str, str | None]:
    """The article text of an HTML page ("" when there is none) and its title."""
    module = _trafilatura()
    text: str | None = None
    if module is not None:
        try:
            text = module.extract(page, include_comments=False)
        except Exception:  # a parser failure on one page must not stop a batch
            text = html_to_text(_TITLE.sub(" ", page))
    else:
        text = html_to_text(_TITLE.sub(" ", page))
    return (text or "").strip(), _html_title(page)


# ----------------------------------------------------------------------------- folders


def _read_folder(root: Path, name: str, opts: _Options) -> Iterator[Record | Rejected | Pending]:
    for found in _walk(root, "", name):
        if isinstance(found, Rejected):
            yield found
            continue
        rel, path = found
        shown = _printable(rel)
        full = str(Path(name) / shown)
        kind = _kind(path.name)
        if kind is None:
            reason = f"unsupported file type {_suffix(path.name)}; a folder may hold {_IN_FOLDER}"
            yield Rejected(name, shown, reason)
        elif kind not in _ARTICLE_KINDS:
            yield from _read_records(path, kind, full, opts)
        elif shown != rel:
            yield Rejected(name, shown, "file name is not UTF-8; rename the file")
        else:
            yield _read_article(path, kind, opts, id_=rel, file=name, location=rel, origin=full)


def _walk(folder: Path, rel: str, name: str) -> Iterator[tuple[str, Path] | Rejected]:
    """Files under ``folder`` as (relative path, path), depth-first, sorted by name.

    Names starting with ``.`` are skipped; only one folder's listing is held at a time.
    """
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda e: e.name)
    except OSError as exc:
        yield Rejected(name, _printable(rel), f"cannot list folder: {_os_reason(exc)}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        child = f"{rel}/{entry.name}" if rel else entry.name
        where = _printable(child)
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(Path(entry.path), child, name)
            elif entry.is_symlink() and entry.is_dir():
                reason = "symbolic link to a folder is not followed; give the folder as an input"
                yield Rejected(name, where, reason)
            elif entry.is_file():
                yield child, Path(entry.path)
            elif entry.is_symlink():
                yield Rejected(name, where, "broken symbolic link")
            else:
                yield Rejected(name, where, "not a regular file")
        except OSError as exc:
            yield Rejected(name, where, f"cannot read: {_os_reason(exc)}")


def _read_article(
    path: Path, kind: str, opts: _Options, *, id_: str, file: str, location: str, origin: str
) -> Record | Rejected:
    """One article file: ``.txt``, ``.html``/``.htm`` or ``.json`` (one object)."""
    limit = opts.max_bytes
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        return Rejected(file, location, f"cannot read: {_os_reason(exc)}")
    if len(data) > limit:
        return Rejected(file, location, f"file is over the limit of {limit:,} bytes")
    try:
        text = decode_bytes(data, name="file", max_bytes=limit)
    except InputError as exc:
        return Rejected(file, location, str(exc))
    if kind == "json":
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            return Rejected(
                file, location, f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
            )
        except RecursionError:
            return Rejected(file, location, "invalid JSON: nested too deeply")
        if not isinstance(value, dict):
            return Rejected(
                file,
                location,
                f"a .json file must hold one JSON object, got {type(value).__name__} "
                "(many records go in a .jsonl file, one object per line)",
            )
        return _make(
            value,
            opts,
            file=file,
            location=location,
            origin=origin,
            default_id=id_,
            names=opts.fields,
        )
    title = None
    if kind == "html" or looks_like_html(text):
        text, title = _html_article(text)
        if not text:
            return Rejected(file, location, "no article text in page", id_)
    return _make(
        {"id": id_, "text": text, "title": title},
        opts,
        file=file,
        location=location,
        origin=origin,
    )


# ----------------------------------------------------------------------------- WARC

_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)


def _read_warc(path: Path, name: str, opts: _Options) -> Iterator[Record | Rejected]:
    """One result per 2xx HTML ``response`` record; other records are not articles."""
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:
        yield Rejected(name, "", "reading WARC needs warcio: pip install 'detector[warc]'")
        return
    try:
        stream = _open_binary(path, decompress=False)  # warcio decompresses itself
    except OSError as exc:
        yield Rejected(name, "", f"cannot read: {_os_reason(exc)}")
        return
    with stream:
        archive = ArchiveIterator(stream)
        records = iter(archive)
        seen = False
        while True:
            try:
                record = next(records, None)
                if record is None:
                    break
                offset = str(archive.offset)
                if record.format != "warc":
                    where = offset if seen else ""
                    yield Rejected(
                        name,
                        where,
                        f"not a WARC file: the record at offset {offset} is "
                        f"{record.format.upper()}, not WARC",
                    )
                    return
                seen = True
                if record.rec_type is None:
                    page: bytes | str | None = (
                        "malformed WARC record: no WARC-Type header (truncated file?)"
                    )
                else:
                    page = _warc_page(record, opts.max_bytes)
            except Exception as exc:  # warcio raises its own and many stream errors
                where = str(getattr(archive, "offset", "")) if seen else ""
                reason = _one_line(str(exc)) or type(exc).__name__
                if seen:
                    reason = f"cannot read past offset {where}: malformed or truncated ({reason})"
                else:
                    reason = f"not a WARC file: {reason}"
                yield Rejected(name, where, reason)
                return
            if page is not None:
                yield _warc_article(record, page, name, offset, opts)
        # warcio stops quietly at a cut-off gzip member: bytes left over mean a lost record.
        end, size = archive.offset, os.fstat(stream.fileno()).st_size
        if end < size:
            yield Rejected(
                name,
                str(end),
                f"cannot read past offset {end}: the last {_plural(size - end, 'byte')} "
                "are not a complete WARC record (truncated file?)",
            )


def _warc_page(record: Any, limit: int) -> bytes | str | None:
    """The body of an HTML 2xx response (bytes), a reason (str), or None when not an article."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    headers = record.http_headers
    status = headers.get_statuscode() or ""
    content_type = (headers.get_header("Content-Type") or "").lower()
    if not status.startswith("2") or not (
        "text/html" in content_type or "application/xhtml" in content_type
    ):
        return None
    body: bytes = record.content_stream().read(limit + 1)
    if len(body) > limit:
        return f"page is over the limit of {limit:,} bytes"
    raw = record.raw_stream
    while raw.read(1 << 16):
        pass
    missing = getattr(raw, "limit", 0)
    if isinstance(missing, int) and missing > 0:
        return f"WARC record is truncated: {_plural(missing, 'byte')} of it missing"
    return body


def _warc_article(
    record: Any, page: bytes | str, name: str, offset: str, opts: _Options
) -> Record | Rejected:
    headers = record.rec_headers
    record_id = headers.get_header("WARC-Record-ID")
    if isinstance(page, str):
        return Rejected(name, offset, page, record_id)
    if not record_id:
        return Rejected(name, offset, "WARC record has no WARC-Record-ID")
    uri = headers.get_header("WARC-Target-URI") or ""
    try:
        host = urlsplit(uri).hostname
    except ValueError:
        host = None
    if not page.strip():
        return Rejected(name, offset, "no article text in page (empty response body)", record_id)
    content_type = record.http_headers.get_header("Content-Type") or ""
    charset = _CHARSET.search(content_type)
    html: str | None = None
    if charset:
        try:
            html = page.decode(charset.group(1), errors="replace")
        except LookupError:
            html = None
    if html is None:
        try:
            html = decode_bytes(page, name="page", max_bytes=opts.max_bytes)
        except InputError as exc:
            return Rejected(name, offset, str(exc), record_id)
    text, title = _html_article(html)
    if not text:
        return Rejected(name, offset, "no article text in page", record_id)
    return _make(
        {
            "id": record_id,
            "text": text,
            "title": title,
            "date": headers.get_header("WARC-Date"),
            "source": host,
        },
        opts,
        file=name,
        location=offset,
        origin=f"{name}#{offset}",
    )


T = TypeVar("T")


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of ``size`` items (the last may be shorter), streamed.

    Examples
    --------
    >>> list(chunks(range(5), 2))
    [[0, 1], [2, 3], [4]]
    """
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
