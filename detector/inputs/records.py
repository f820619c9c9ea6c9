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
* ``-``: standard input, read as JSON Lines (plain or gzip).

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

import gzip
import io
import os
import stat
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal, TypeVar, cast, overload

from detector.errors import ConfigError
from detector.inputs.fields import FieldMap, ReadOptions, Record, Rejected, make_record
from detector.inputs.jsonl import parse_jsonl_line, read_jsonl_lines
from detector.inputs.pages import read_article, read_warc, walk_folder
from detector.inputs.streams import GZIP_MAGIC, open_binary, os_reason, printable
from detector.inputs.tabular import read_csv, read_parquet
from detector.inputs.text import DEFAULT_MAX_BYTES

__all__ = [
    "STDIN",
    "FieldMap",
    "Pending",
    "Record",
    "Rejected",
    "chunks",
    "iter_records",
    "missing_inputs",
    "resolve",
]

_STANDARD_FIELDS = FieldMap()


@overload
def iter_records(
    inputs: Sequence[str | Path],
    *,
    fields: FieldMap = ...,
    max_bytes: int = ...,
    min_chars: int = ...,
    defer: Literal[False] = ...,
) -> Iterator[Record | Rejected]: ...


@overload
def iter_records(
    inputs: Sequence[str | Path],
    *,
    fields: FieldMap = ...,
    max_bytes: int = ...,
    min_chars: int = ...,
    defer: bool,
) -> Iterator[Record | Rejected | Pending]: ...


def iter_records(
    inputs: Sequence[str | Path],
    *,
    fields: FieldMap = _STANDARD_FIELDS,
    max_bytes: int = DEFAULT_MAX_BYTES,
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
    max_bytes : int
        Texts over this many bytes (UTF-8), and article files and pages over it, are
        rejected: the same limit as ``detector compare --max-bytes``.
    min_chars : int
        Texts shorter than this many characters are rejected.
    defer : bool
        Yield each line of a JSON Lines file as a :class:`Pending` that is parsed and
        checked later with :func:`resolve`, possibly in another process: the reader
        then only splits lines, and a batch scan parses in its workers.

    Raises
    ------
    ConfigError
        At the call, when ``min_chars < 1`` or ``max_bytes < min_chars``.
    """
    if min_chars < 1:
        raise ConfigError(f"min_chars must be at least 1, got {min_chars}")
    if max_bytes < min_chars:
        raise ConfigError(f"max_bytes ({max_bytes}) must not be below min_chars ({min_chars})")
    items: list[str | Path] = [inputs] if isinstance(inputs, (str, Path)) else list(inputs)
    return _iter_inputs(items, ReadOptions(fields, max_bytes, min_chars, defer))


@dataclass(frozen=True)
class Pending:
    """A line of a JSON Lines file, read but not yet parsed (see ``iter_records(defer=True)``)."""

    raw: bytes
    number: int
    file: str
    opts: ReadOptions

    def resolve(self) -> Record | Rejected:
        """Parse and check the line: exactly what the reader yields without ``defer``."""
        return _jsonl_record(self.raw, self.number, self.file, self.opts)


def resolve(item: Record | Rejected | Pending) -> Record | Rejected:
    """``item`` itself, or the Record or Rejected a :class:`Pending` line stands for."""
    return item.resolve() if isinstance(item, Pending) else item


def _iter_inputs(
    items: list[str | Path], opts: ReadOptions
) -> Iterator[Record | Rejected | Pending]:
    for item in items:
        yield from _read_input(Path(item), printable(str(item)), opts)


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


def _read_input(path: Path, name: str, opts: ReadOptions) -> Iterator[Record | Rejected | Pending]:
    if str(path) == STDIN:
        yield from _read_jsonl(path, "<stdin>", opts)
        return
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        yield Rejected(name, "", "no such file or directory")
        return
    except OSError as exc:
        yield Rejected(name, "", f"cannot read: {os_reason(exc)}")
        return
    except ValueError as exc:  # a NUL in the path
        yield Rejected(name, "", f"cannot read: {exc}")
        return
    if stat.S_ISDIR(mode):
        yield from _read_folder(path, name, opts)
        return
    kind = _kind(path.name)
    if kind is None:
        yield Rejected(name, "", f"unsupported input type {_suffix(path.name)}; use {_SUPPORTED}")
    elif kind in _ARTICLE_KINDS:
        yield read_article(path, kind, opts, id_=name, file=name, location="", origin=name)
    else:
        yield from _read_records(path, kind, name, opts)


def _read_records(
    path: Path, kind: str, name: str, opts: ReadOptions
) -> Iterator[Record | Rejected | Pending]:
    if kind == "jsonl":
        yield from _read_jsonl(path, name, opts)
    elif kind == "csv":
        yield from read_csv(path, name, opts)
    elif kind == "parquet":
        yield from read_parquet(path, name, opts)
    else:
        yield from read_warc(path, name, opts)


def _read_folder(root: Path, name: str, opts: ReadOptions) -> Iterator[Record | Rejected | Pending]:
    for found in walk_folder(root, "", name):
        if isinstance(found, Rejected):
            yield found
            continue
        rel, path = found
        shown = printable(rel)
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
            yield read_article(path, kind, opts, id_=rel, file=name, location=rel, origin=full)


# ----------------------------------------------------------------------------- JSON Lines

#: The input name that stands for standard input (read as JSON Lines).
STDIN = "-"


def _stdin() -> IO[bytes]:
    """Standard input as a binary stream, gzip or plain (closing it leaves stdin open)."""
    raw: io.BufferedReader
    try:
        fd = sys.stdin.fileno()
    except (AttributeError, OSError, ValueError):  # replaced by a stream without a descriptor
        raw = io.BufferedReader(io.BytesIO(sys.stdin.buffer.read()))
    else:
        raw = io.BufferedReader(io.FileIO(os.dup(fd), "rb"))
    if raw.peek(2)[:2] == GZIP_MAGIC:
        return cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb"))
    return raw


def missing_inputs(inputs: Sequence[str | Path]) -> list[str]:
    """The inputs that name no file or folder (standard input, ``-``, always exists).

    Examples
    --------
    >>> missing_inputs(["-", "no/such/file.jsonl"])
    ['no/such/file.jsonl']
    """
    return [str(i) for i in inputs if str(i) != STDIN and not os.path.lexists(i)]


def _read_jsonl(path: Path, name: str, opts: ReadOptions) -> Iterator[Record | Rejected | Pending]:
    """One result per non-blank line (lines split at ``\\n``; blank = only ASCII whitespace)."""
    try:
        stream = _stdin() if str(path) == STDIN else open_binary(path)
    except OSError as exc:
        yield Rejected(name, "", f"cannot read: {os_reason(exc)}")
        return
    with stream:
        for line in read_jsonl_lines(
            stream, max_line_bytes=opts.line_bytes, bom=True, read_errors=True
        ):
            if line.error is not None:
                yield Rejected(name, str(line.number) if line.number else "", line.error)
            elif opts.defer:
                yield Pending(line.raw, line.number, name, opts)
            else:
                yield _jsonl_record(line.raw, line.number, name, opts)


def _jsonl_record(raw: bytes, number: int, name: str, opts: ReadOptions) -> Record | Rejected:
    where = str(number)
    # Without its line ending, so that the column of an error points into the line.
    parsed = parse_jsonl_line(raw.rstrip(b"\r\n"), number)
    if parsed.value is None:
        reason = parsed.error or "invalid line"
        if isinstance(parsed.cause, UnicodeDecodeError):
            reason += "; JSON Lines must be UTF-8"
        return Rejected(name, where, reason)
    return make_record(
        parsed.value, opts, file=name, location=where, origin=f"{name}:{number}", names=opts.fields
    )


# ----------------------------------------------------------------------------- chunks


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
