"""The one JSON Lines reader, as pairs, record files and the labelled corpus use it."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detector.errors import InputError
from detector.inputs.jsonl import (
    JsonlLine,
    parse_jsonl_line,
    read_jsonl,
    read_jsonl_lines,
)
from detector.inputs.records import Record, iter_records
from detector.lab.corpus import iter_pairs, load_articles


def naive(data: bytes) -> list[tuple[int, bool]]:
    """(line number, is an object) per non-blank line: the obviously correct version."""
    found = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw.decode("utf-8"))
        except (ValueError, RecursionError):
            value = None
        found.append((number, isinstance(value, dict)))
    return found


ARTICLE = st.builds(
    lambda i, t: json.dumps({"id": i, "text": t}).encode("utf-8"),
    st.integers(0, 99),
    st.text(min_size=1, max_size=20).filter(str.strip),
)
OTHER = st.sampled_from(
    [
        b"",
        b"  \t",
        b"\r",
        b"not json",
        b"[1, 2]",
        b'"a string"',
        b'{"id": 1, "text": "cut',
        b'{"id": 2, "text": "caf\xe9"}',
        b"{} {}",
    ]
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.one_of(ARTICLE, OTHER), max_size=12), final_newline=st.booleans())
def test_every_caller_reads_the_same_lines(
    tmp_path: Path, lines: list[bytes], final_newline: bool
) -> None:
    data = b"\n".join(lines) + (b"\n" if final_newline and lines else b"")
    expected = naive(data)

    assert [(r.line, r.value is not None) for r in read_jsonl(io.BytesIO(data))] == expected

    path = tmp_path / "in.jsonl"
    path.write_bytes(data)
    items = list(iter_records([path]))
    assert [(item.location if not isinstance(item, Record) else item.origin) for item in items] == [
        f"{path}:{n}" if ok else str(n) for n, ok in expected
    ]

    bad = [n for n, ok in expected if not ok]
    if bad:
        with pytest.raises(InputError, match=rf"^{path}:{bad[0]}: "):
            load_articles(path)
    else:
        assert len(load_articles(path)) == len(
            {json.loads(line)["id"] for line in lines if line.strip()}
        )


PARSE_CASES = [
    (b'{"id": 1}', None, None),
    (b"not json", "invalid JSON: Expecting value at column 1", json.JSONDecodeError),
    (b"[1]", "a line must be a JSON object, got list", TypeError),
    (b'{"a": "caf\xe9"}', "not UTF-8 (byte 10)", UnicodeDecodeError),
    (b"[" * 100_000, "invalid JSON: nested too deeply", RecursionError),
    (
        b'{"a": ' + b"1" * 5000 + b"}",
        "invalid JSON: Exceeds the limit (4300 digits) for integer string conversion: "
        "value has 5000 digits",
        ValueError,
    ),
]


@pytest.mark.parametrize(
    ("raw", "error", "cause"),
    PARSE_CASES,
    ids=["object", "not-json", "list", "latin-1", "deep", "long-number"],
)
def test_parse_line(raw: bytes, error: str | None, cause: type[Exception] | None) -> None:
    record = parse_jsonl_line(raw, 7)
    assert (record.line, record.error) == (7, error)
    if cause is None:
        assert record.value == {"id": 1} and record.cause is None
    else:
        assert record.value is None and type(record.cause) is cause


def test_pairs_keep_the_column_of_the_line_with_its_ending() -> None:
    # Pairs parse a line with its "\n" (a cut line fails at column 1 of the next);
    # record files parse it without, so their column points into the line.
    [record] = read_jsonl(io.BytesIO(b'{"id": 1, "a": "x"\n'))
    assert record.error == "invalid JSON: Expecting ',' delimiter at column 1"


def test_lines_over_the_limit_are_skipped() -> None:
    data = b'{"a": 1}\n' + b"x" * 50 + b"\n" + b'{"b": 2}'
    lines = list(read_jsonl_lines(io.BytesIO(data), max_line_bytes=20))
    assert lines == [
        JsonlLine(1, b'{"a": 1}\n'),
        JsonlLine(2, error="line is 51 bytes, over the limit of 20 bytes; put one JSON object per line"),
        JsonlLine(3, b'{"b": 2}'),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xef\xbb\xbf", [JsonlLine(1, b"{}\n")]),
        (b"\xff\xfe", [JsonlLine(0, error="file is UTF-16; JSON Lines must be UTF-8")]),
        (b"\x00\x00\xfe\xff", [JsonlLine(0, error="file is UTF-32; JSON Lines must be UTF-8")]),
    ],
    ids=["utf-8", "utf-16", "utf-32"],
)
def test_byte_order_marks(head: bytes, expected: list[JsonlLine]) -> None:
    assert list(read_jsonl_lines(io.BytesIO(head + b"{}\n"), bom=True)) == expected
    # Without bom=True the mark is part of the first line, as pairs have always read it.
    assert next(read_jsonl_lines(io.BytesIO(head + b"{}\n"))).raw.startswith(head)


def test_read_errors_end_the_stream_or_are_raised() -> None:
    data = gzip.compress(b"".join(b'{"n": %d}\n' % i for i in range(2000)))[:-40]
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
        lines = list(read_jsonl_lines(stream, read_errors=True))
    *good, last = lines
    assert [line.number for line in good] == list(range(1, len(good) + 1))
    assert last == JsonlLine(
        len(good) + 1, error=f"cannot read past line {len(good)}: compressed data is truncated"
    )
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream, pytest.raises(EOFError):
        list(read_jsonl_lines(stream))


CORPUS_CASES = [
    (b"not json", "invalid JSON (Expecting value)"),
    (b"\xef\xbb\xbf" + b'{"id": 1, "text": "x"}', "invalid JSON (Unexpected UTF-8 BOM (decode using utf-8-sig))"),
    (b"[1]", "an article needs 'id' and 'text'"),
    (b'{"id": 1}', "an article needs 'id' and 'text'"),
    (b'{"id": 1, "text": "caf\xe9"}', "not UTF-8 (byte 22)"),
    (b"[" * 100_000, "invalid JSON (nested too deeply)"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("line", "message"),
    CORPUS_CASES,
    ids=["not-json", "utf-8-bom", "list", "no-text", "latin-1", "deep"],
)
def test_corpus_refuses_a_bad_article_line(tmp_path: Path, line: bytes, message: str) -> None:
    path = tmp_path / "articles.jsonl"
    path.write_bytes(line + b"\n")
    with pytest.raises(InputError) as caught:
        load_articles(path)
    assert str(caught.value) == f"{path}:1: {message}"


def test_corpus_pairs(tmp_path: Path) -> None:
    path = tmp_path / "pairs.jsonl"
    path.write_bytes(
        b'{"a": "x", "b": "y", "label": "spun", "split": "dev"}\n\n'
        b'{"a": "x", "b": "y", "label": "unrelated", "split": "test"}\n'
        b'{"a": "x", "label": "spun"}\n'
    )
    pairs = iter_pairs(path, split="test")
    assert next(pairs) == {"a": "x", "b": "y", "label": "unrelated", "split": "test", "line": 3}
    with pytest.raises(InputError) as caught:
        next(pairs)
    assert str(caught.value) == f"{path}:4: a labelled pair needs 'a', 'b' and 'label'"
    with pytest.raises(InputError, match="no such file"):
        load_articles(tmp_path / "missing.jsonl")
