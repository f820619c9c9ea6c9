"""Pages and folders of files: one article per ``.txt``, ``.html``/``.htm`` or ``.json`` file,
WARC web archives, and the walk through a folder.

HTML is reduced to its article text with trafilatura when installed (``pip install
'detector[html]'``), else with :func:`detector.inputs.text.html_to_text`; the title
comes from ``<title>``.

WARC files are read with warcio (``pip install 'detector[warc]'``). Only ``response``
records with a 2xx HTTP status and an HTML content type are articles; other records
(requests, metadata, revisits, redirects, errors, images, ...) are skipped: they are
not article records, so they count neither as read nor as rejected.

A folder is walked recursively in sorted order, skipping hidden names (starting with
``.``); what each file is read as is up to :func:`detector.inputs.records.iter_records`.
"""

from __future__ import annotations

import functools
import html as html_lib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from detector.errors import InputError
from detector.inputs.fields import ReadOptions, Record, Rejected, make_record
from detector.inputs.streams import one_line, open_binary, os_reason, plural, printable
from detector.inputs.text import decode_bytes, html_to_text, looks_like_html

__all__ = ["read_article", "read_warc", "walk_folder"]


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


def walk_folder(folder: Path, rel: str, name: str) -> Iterator[tuple[str, Path] | Rejected]:
    """Files under ``folder`` as (relative path, path), depth-first, sorted by name.

    Names starting with ``.`` are skipped; only one folder's listing is held at a time.
    """
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda e: e.name)
    except OSError as exc:
        yield Rejected(name, printable(rel), f"cannot list folder: {os_reason(exc)}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        child = f"{rel}/{entry.name}" if rel else entry.name
        where = printable(child)
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from walk_folder(Path(entry.path), child, name)
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
            yield Rejected(name, where, f"cannot read: {os_reason(exc)}")


def read_article(
    path: Path, kind: str, opts: ReadOptions, *, id_: str, file: str, location: str, origin: str
) -> Record | Rejected:
    """One article file: ``.txt``, ``.html``/``.htm`` or ``.json`` (one object)."""
    limit = opts.max_bytes
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        return Rejected(file, location, f"cannot read: {os_reason(exc)}")
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
        except ValueError as exc:
            # A number too long to convert; Python's advice after ";" is not for the user.
            reason = one_line(str(exc).split(";")[0])
            return Rejected(file, location, f"invalid JSON: {reason}")
        if not isinstance(value, dict):
            return Rejected(
                file,
                location,
                f"a .json file must hold one JSON object, got {type(value).__name__} "
                "(many records go in a .jsonl file, one object per line)",
            )
        return make_record(
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
    return make_record(
        {"id": id_, "text": text, "title": title},
        opts,
        file=file,
        location=location,
        origin=origin,
    )


# ----------------------------------------------------------------------------- WARC

_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)


def read_warc(path: Path, name: str, opts: ReadOptions) -> Iterator[Record | Rejected]:
    """One result per 2xx HTML ``response`` record; other records are not articles."""
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:
        yield Rejected(name, "", "reading WARC needs warcio: pip install 'detector[warc]'")
        return
    try:
        stream = open_binary(path, decompress=False)  # warcio decompresses itself
    except OSError as exc:
        yield Rejected(name, "", f"cannot read: {os_reason(exc)}")
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
                reason = one_line(str(exc)) or type(exc).__name__
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
                f"cannot read past offset {end}: the last {plural(size - end, 'byte')} "
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
        return f"WARC record is truncated: {plural(missing, 'byte')} of it missing"
    return body


def _warc_article(
    record: Any, page: bytes | str, name: str, offset: str, opts: ReadOptions
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
    return make_record(
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
