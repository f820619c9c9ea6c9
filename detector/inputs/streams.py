"""Files as byte streams, for the record readers: gzip, byte-order marks, read errors.

A gzip file (named ``.gz``, or starting with the gzip magic bytes) is decompressed
as it is read. Whatever stops a stream (an OS error, a truncated or corrupt gzip
member) becomes a one-line reason for a :class:`~detector.inputs.fields.Rejected`,
never an exception out of a reader.
"""

from __future__ import annotations

import codecs
import gzip
import zlib
from pathlib import Path
from typing import IO, cast

__all__ = [
    "GZIP_MAGIC",
    "STREAM_ERRORS",
    "one_line",
    "open_binary",
    "os_reason",
    "plural",
    "printable",
    "stream_reason",
    "wide_bom",
]

#: The first two bytes of every gzip file.
GZIP_MAGIC = b"\x1f\x8b"

#: What reading a (possibly gzip-compressed) file can raise.
STREAM_ERRORS = (OSError, EOFError, zlib.error)

_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def open_binary(path: Path, *, decompress: bool = True) -> IO[bytes]:
    """The file as a binary stream; gzip files are decompressed as they are read.

    A file is gzip when it is named ``.gz`` or starts with the gzip magic bytes
    (a compressed ``.jsonl`` is still compressed whatever its name).
    """
    if decompress and path.name.lower().endswith(".gz"):
        return cast(IO[bytes], gzip.GzipFile(path, "rb"))
    stream = open(path, "rb")  # noqa: SIM115  (returned open; the caller closes it)
    if not decompress:
        return stream
    try:
        magic = stream.peek(len(GZIP_MAGIC))[: len(GZIP_MAGIC)]
    except BaseException:
        stream.close()
        raise
    if magic == GZIP_MAGIC:
        stream.close()
        return cast(IO[bytes], gzip.GzipFile(path, "rb"))
    return stream


def wide_bom(head: bytes) -> str | None:
    """``"UTF-16"`` or ``"UTF-32"`` when ``head`` starts with that byte-order mark, else None.

    Examples
    --------
    >>> wide_bom(b"\\xff\\xfe{")
    'UTF-16'
    >>> wide_bom(b'{"id": 1}') is None
    True
    """
    return next((name for bom, name in _WIDE_BOMS if head.startswith(bom)), None)


def one_line(text: str, limit: int = 300) -> str:
    """``text`` on one line, whitespace runs collapsed, cut to ``limit`` characters.

    Examples
    --------
    >>> one_line("bad\\n  page", limit=8)
    'bad page'
    >>> one_line("x" * 10, limit=5)
    'xxxx…'
    """
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def os_reason(exc: OSError) -> str:
    """The reason of an OS error in lower case, e.g. ``"permission denied"``."""
    return exc.strerror.lower() if exc.strerror else one_line(str(exc))


def stream_reason(exc: BaseException) -> str:
    """Why a stream stopped, in one line (a bad gzip file, truncated data, an OS error)."""
    if isinstance(exc, gzip.BadGzipFile):
        return f"not a gzip file ({one_line(str(exc))})"
    if isinstance(exc, EOFError):
        return "compressed data is truncated"
    if isinstance(exc, zlib.error):
        return f"compressed data is corrupt ({one_line(str(exc))})"
    if isinstance(exc, OSError):
        return os_reason(exc)
    return one_line(str(exc)) or type(exc).__name__


def plural(n: int, word: str) -> str:
    """``n`` and ``word``, with an ``s`` unless ``n`` is 1.

    Examples
    --------
    >>> plural(1, "byte"), plural(1200, "byte")
    ('1 byte', '1,200 bytes')
    """
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def printable(text: str) -> str:
    """A file name as valid Unicode: bytes that were not UTF-8 become ``\\xNN``."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
