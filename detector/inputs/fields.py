"""One record's fields: an object from a file checked into a :class:`Record` or a :class:`Rejected`.

Every reader (JSON Lines, CSV, Parquet, article files, WARC pages) hands each record
it finds, as a mapping of field names to values, to :func:`make_record`, which checks
the id, the text and the optional title, date and source the same way for all of
them and names the first problem in one line.

A part whose field keeps its standard name (``text``, ``title``, ``date``, ``source``)
is also found under the names other tools give it (:data:`FIELD_ALIASES`): the first
of the names a record (or a CSV header, a Parquet schema) has is used. A field named
otherwise (``--date-field pub``) is looked up under that name only.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Container, Mapping
from dataclasses import asdict, dataclass
from typing import Any

__all__ = [
    "FIELD_ALIASES",
    "FieldMap",
    "ReadOptions",
    "Record",
    "Rejected",
    "first_surrogate",
    "make_record",
]

#: Other names of each part of a record, tried in order after the standard name.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "id": (),
    "text": ("body", "content"),
    "title": ("headline",),
    "date": ("published", "published_at", "pubdate"),
    "source": ("site", "publisher"),
}


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
    """Names of the fields that hold each part of a record in JSON, CSV and Parquet input.

    Examples
    --------
    >>> FieldMap().names("date")
    ('date', 'published', 'published_at', 'pubdate')
    >>> FieldMap(date="issued").names("date")
    ('issued',)
    >>> FieldMap().find("date", ["id", "text", "published"])
    'published'
    """

    id: str = "id"
    text: str = "text"
    title: str = "title"
    date: str = "date"
    source: str = "source"

    def names(self, part: str) -> tuple[str, ...]:
        """The field names ``part`` is looked up under, in order.

        The standard name brings its aliases (:data:`FIELD_ALIASES`); a name given
        in its place stands alone.
        """
        name: str = getattr(self, part)
        return (name, *FIELD_ALIASES[part]) if name == part else (name,)

    def find(self, part: str, present: Container[str]) -> str:
        """The first of :meth:`names` among the ``present`` field names, else the first name."""
        names = self.names(part)
        return next((n for n in names if n in present), names[0])


@dataclass(frozen=True)
class ReadOptions:
    """What a reader needs to know: the field names, the text length bounds, deferral.

    ``defer`` makes JSON Lines readers yield lines unparsed (see
    :class:`~detector.inputs.records.Pending`).
    """

    fields: FieldMap
    max_bytes: int
    min_chars: int
    defer: bool = False

    @property
    def line_bytes(self) -> int:
        """Longest JSON line read: JSON escapes take up to 6 bytes per character."""
        return 6 * self.max_bytes + (1 << 20)

    @property
    def csv_field_chars(self) -> int:
        """Longest CSV field read, in characters."""
        return max(2 * self.max_bytes, 131_072)


_MISSING = object()


def utf8_size(text: str) -> int:
    """The size of ``text`` in UTF-8 bytes (a lone surrogate counts 3)."""
    return len(text.encode("utf-8", "surrogatepass"))


_SURROGATE = re.compile("[\ud800-\udfff]")


def first_surrogate(text: str) -> re.Match[str] | None:
    """The first lone surrogate in ``text`` (ASCII text, the common case, is skipped fast).

    Examples
    --------
    >>> first_surrogate("ab\\ud800").start()
    2
    >>> first_surrogate("café") is None
    True
    """
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
        if first_surrogate(value):
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
        if first_surrogate(value):
            value = value.encode("utf-8", "replace").decode("utf-8")
        return value or None
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return _Reason(f"field {name!r} must be a string, got {type(value).__name__}")


def make_record(
    obj: Mapping[str, Any],
    opts: ReadOptions,
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

    Examples
    --------
    >>> opts = ReadOptions(FieldMap(), max_bytes=100, min_chars=1)
    >>> make_record({"id": 7, "text": "Rates rose."}, opts, file="f", location="1", origin="f:1")
    Record(id='7', text='Rates rose.', title=None, date=None, source=None, origin='f:1')
    >>> make_record({"id": 7}, opts, file="f", location="1", origin="f:1").reason
    "missing text: no 'text' field (fields: 'id')"
    """
    fields = names or FieldMap()
    hint = names is not None

    def reject(reason: str, id_: str | None = None) -> Rejected:
        return Rejected(file, location, reason, id_)

    id_name, text_name = fields.find("id", obj), fields.find("text", obj)
    raw_id = obj.get(id_name, _MISSING)
    if raw_id is _MISSING or raw_id is None:
        if default_id is not None:
            raw_id = default_id
        elif raw_id is None:
            return reject(f"missing id: field {id_name!r} is null")
        else:
            advice = "; name the id field with --id-field" if hint else ""
            return reject(f"missing id: no {id_name!r} field{_fields_hint(obj)}{advice}")
    id_ = _as_id(raw_id)
    if isinstance(id_, _Reason):
        return reject(str(id_))

    text = obj.get(text_name, _MISSING)
    if text is _MISSING:
        advice = "; name the text field with --text-field" if hint else ""
        return reject(f"missing text: no {text_name!r} field{_fields_hint(obj)}{advice}", id_)
    if text is None:
        return reject(f"missing text: field {text_name!r} is null", id_)
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
    if len(text) > opts.max_bytes or (
        4 * len(text) > opts.max_bytes and utf8_size(text) > opts.max_bytes
    ):
        return reject(
            f"text is {utf8_size(text):,} bytes, over the limit of {opts.max_bytes:,} bytes", id_
        )
    bad = first_surrogate(text)
    if bad:
        return reject(
            f"text holds a lone surrogate at character {bad.start()}; it must be valid Unicode",
            id_,
        )

    optional: dict[str, str | None] = {}
    for part in ("title", "date", "source"):
        name = fields.find(part, obj)
        value = _optional(obj.get(name, _MISSING), name)
        if isinstance(value, _Reason):
            return reject(str(value), id_)
        optional[part] = value
    return Record(id_, text, origin=origin, **optional)
