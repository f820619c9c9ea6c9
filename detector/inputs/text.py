"""Reading article text from files and streams, with clear refusals.

Inputs are UTF-8 text; a byte-order mark selects UTF-16/32; other encodings are
detected with charset-normalizer or refused. HTML is reduced to its text. Empty
input, binary files and files over a size limit are refused with an
:class:`~detector.errors.InputError` whose message is one line.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from typing import IO

from detector.errors import InputError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "decode_bytes",
    "html_to_text",
    "looks_like_html",
    "read_text",
]

#: Most of a Latin-script text's letters are plain a-z; a text read from another code
#: page as Windows-1252 is mostly accented letters ("Ïðèâåò" for Russian "Привет").
_MIN_ASCII_LETTER_SHARE = 0.6

#: Default size limit for one article: 5 MB.
DEFAULT_MAX_BYTES = 5_000_000

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _is_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13, 27))
    return control > max(4, len(sample) // 100)


def decode_bytes(data: bytes, *, name: str = "input", max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Decode raw bytes to text, or raise :class:`InputError` with a one-line reason.

    Examples
    --------
    >>> decode_bytes("café".encode("utf-8"))
    'café'
    >>> decode_bytes(b"")
    Traceback (most recent call last):
    ...
    detector.errors.InputError: input is empty
    """
    if len(data) > max_bytes:
        raise InputError(f"{name} is {len(data):,} bytes, over the limit of {max_bytes:,} bytes")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                raise InputError(
                    f"{name} starts with a {encoding} byte-order mark but is not valid {encoding}"
                ) from None
            return _check_text(text, name)
    if _is_binary(data):
        raise InputError(f"{name} looks like a binary file, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        # Guesses between single-byte code pages are often a coin toss (cp1250 and
        # mac_latin2 read "crème" as "crčme", cp1006 reads "naïve" as "naﺅve"); for
        # news copy Windows-1252 is by far the commonest, so it wins whenever it reads
        # the bytes as Latin text. Otherwise (Cyrillic, Greek, ...) the detector decides.
        latin = _as_cp1252_latin(data)
        if latin is not None:
            return _check_text(latin, name)
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            raise InputError(
                f"{name} is not UTF-8 and its encoding could not be detected"
            ) from None
        text = str(best)
    return _check_text(text, name)


def _as_cp1252_latin(data: bytes) -> str | None:
    """``data`` read as Windows-1252 when that gives Latin text, else None.

    Latin text means: every letter is of the Latin script and most letters are a-z.

    Examples
    --------
    >>> _as_cp1252_latin(b"caf\\xe9 cr\\xe8me br\\xfbl\\xe9e")
    'café crème brûlée'
    >>> _as_cp1252_latin("Привет, как дела?".encode("cp1251")) is None
    True
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    letters = [char for char in text if char.isalpha()]
    if not letters:
        return text
    if not all(
        char.isascii() or unicodedata.name(char, "").startswith("LATIN") for char in letters
    ):
        return None
    plain = sum(char.isascii() for char in letters)
    return text if plain >= _MIN_ASCII_LETTER_SHARE * len(letters) else None


def _check_text(text: str, name: str) -> str:
    if not text.strip():
        raise InputError(f"{name} is empty" if not text else f"{name} has only whitespace")
    return text


_HTML_HINT = re.compile(r"<\s*(?:!doctype\s+html|html|body|head|p|div|article)\b", re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    """True when the text starts like an HTML document.

    Examples
    --------
    >>> looks_like_html("<!DOCTYPE html><html><body><p>Hi</p></body></html>")
    True
    >>> looks_like_html("Prices rose 3% <b>again</b>.")
    False
    """
    return bool(_HTML_HINT.match(text.lstrip()[:200]))


class _TextExtractor(HTMLParser):
    _SKIP = frozenset(
        {"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "svg", "figure"}
    )
    _BLOCK = frozenset(
        {
            "p",
            "div",
            "br",
            "li",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "article",
            "section",
            "blockquote",
            "tr",
            "title",
        }
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self.skip_depth += 1
        elif tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self.skip_depth:
            self.skip_depth -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Reduce an HTML page to its text: paragraphs kept, scripts, styles and navigation dropped.

    Examples
    --------
    >>> html_to_text("<html><nav>Home</nav><p>First &amp; second.</p><p>Third.</p></html>")
    'First & second.\\n\\nThird.'
    """
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    paragraphs = [
        re.sub(r"[ \t\r\f\v]*\n[ \t\r\f\v]*", " ", p).strip() for p in re.split(r"\n\s*\n", text)
    ]
    return "\n\n".join(p for p in paragraphs if p)


def read_text(
    source: str | Path | IO[bytes], *, max_bytes: int = DEFAULT_MAX_BYTES, name: str | None = None
) -> str:
    """Read one article from a path (``"-"`` is standard input) or a binary stream.

    HTML input is reduced to its text. Raises :class:`InputError` with a one-line
    message for missing, unreadable, empty, binary, undecodable or oversized input.
    """
    if isinstance(source, (str, Path)) and str(source) == "-":
        import sys

        source = sys.stdin.buffer
    if isinstance(source, (str, Path)):
        path = Path(source)
        label = name or str(path)
        if not path.exists():
            raise InputError(f"{label}: no such file")
        if path.is_dir():
            raise InputError(f"{label} is a directory, not a file")
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise InputError(
                    f"{label} is {size:,} bytes, over the limit of {max_bytes:,} bytes"
                )
            data = path.read_bytes()
        except PermissionError:
            raise InputError(f"{label}: permission denied") from None
        except OSError as exc:
            raise InputError(f"{label}: cannot read ({exc.strerror or exc})") from None
    else:
        label = name or "standard input"
        data = source.read(max_bytes + 1)
    text = decode_bytes(data, name=label, max_bytes=max_bytes)
    if looks_like_html(text):
        text = _check_text(html_to_text(text), label)
    return text
