"""Tabular record files: CSV (optionally gzip-compressed) and Parquet.

CSV: a header row names the columns, then one record per row; blank lines are not
records. Rows are numbered by the line they start on. A byte that is not UTF-8
rejects the row that holds it (or the whole file when it is in the header); a
UTF-16/32 byte-order mark, a missing header or a header without the id or text
column rejects the whole file.

Parquet: read with pyarrow (``pip install 'detector[parquet]'``) in row batches,
only the mapped columns; rows are numbered from 0 across row groups.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from detector.inputs.fields import (
    FieldMap,
    ReadOptions,
    Record,
    Rejected,
    first_surrogate,
    make_record,
)
from detector.inputs.streams import (
    STREAM_ERRORS,
    one_line,
    open_binary,
    os_reason,
    plural,
    stream_reason,
    wide_bom,
)

__all__ = ["read_csv", "read_parquet"]


def read_csv(path: Path, name: str, opts: ReadOptions) -> Iterator[Record | Rejected]:
    """One result per non-blank row after the header.

    The bytes are decoded as UTF-8 with ``surrogateescape``: a byte that is not UTF-8
    cannot be a comma, quote or newline, so rows split exactly as the bytes say, and
    each row that holds such a byte is rejected on its own.
    """
    try:
        stream = open_binary(path)
    except OSError as exc:
        yield Rejected(name, "", f"cannot read: {os_reason(exc)}")
        return
    with stream:
        try:
            head = stream.peek(4)[:4] if hasattr(stream, "peek") else b""
        except STREAM_ERRORS as exc:
            yield Rejected(name, "", stream_reason(exc))
            return
        wide = wide_bom(head)
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
                yield Rejected(name, where, after + stream_reason(row))
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
    except (csv.Error, *STREAM_ERRORS) as exc:
        return exc
    finally:
        csv.field_size_limit(previous)
    return row


def _csv_header(row: list[str], fields: FieldMap) -> dict[str, int] | str:
    """Column index of each mapped field present, or the reason the header is unusable."""
    if any(first_surrogate(cell) for cell in row):
        return "header row is not UTF-8; CSV files must be UTF-8"
    names = [cell.strip() for cell in row]
    index: dict[str, int] = {}
    for option, part in (("--id-field", "id"), ("--text-field", "text")):
        field = fields.find(part, names)
        if field not in names:
            shown = ", ".join(repr(n) for n in names[:12]) + (", …" if len(names) > 12 else "")
            return f"no {field!r} column in the header (columns: {shown}); name it with {option}"
    for part in ("id", "text", "title", "date", "source"):
        field = fields.find(part, names)
        if names.count(field) > 1:
            return f"column {field!r} appears {names.count(field)} times in the header"
        if field in names:
            index[field] = names.index(field)
    return index


def _csv_row(
    row: list[str], width: int, index: dict[str, int], line: int, name: str, opts: ReadOptions
) -> Record | Rejected:
    where = str(line)
    if len(row) != width:
        return Rejected(name, where, f"row has {plural(len(row), 'field')}, header has {width}")
    for cell in row:
        bad = first_surrogate(cell)
        if bad:
            byte = ord(bad.group()) - 0xDC00
            return Rejected(
                name, where, f"row is not UTF-8 (byte 0x{byte:02x}); CSV files must be UTF-8"
            )
    obj = {field: row[i] for field, i in index.items()}
    return make_record(
        obj, opts, file=name, location=where, origin=f"{name}:{line}", names=opts.fields
    )


# ----------------------------------------------------------------------------- Parquet


def read_parquet(path: Path, name: str, opts: ReadOptions) -> Iterator[Record | Rejected]:
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
        yield Rejected(name, "", f"not a readable Parquet file: {one_line(str(exc))}")
        return
    with parquet:
        for option, part in (("--id-field", "id"), ("--text-field", "text")):
            field = fields.find(part, names)
            if field not in names:
                shown = ", ".join(repr(n) for n in names[:12]) + (", …" if len(names) > 12 else "")
                yield Rejected(
                    name, "", f"no {field!r} column (columns: {shown}); name it with {option}"
                )
                return
        wanted = list(
            dict.fromkeys(
                f
                for f in (
                    fields.find(part, names) for part in ("id", "text", "title", "date", "source")
                )
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
                yield Rejected(name, where, f"cannot read from row {row} on: {one_line(str(exc))}")
                return
            for j in range(batch.num_rows):
                obj = {n: values[j] for n, values in columns.items()}
                yield make_record(
                    obj, opts, file=name, location=str(row), origin=f"{name}#{row}", names=fields
                )
                row += 1
