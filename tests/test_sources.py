"""Streaming record readers: every format, every refusal, fuzzing and memory bounds."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import sys
import tracemalloc
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detector.errors import ConfigError
from detector.inputs import pages, records
from detector.inputs.records import FieldMap, Pending, Record, Rejected, iter_records, resolve

DATA = Path(__file__).resolve().parent / "data" / "sources"

try:
    import pyarrow as pa
    import pyarrow.parquet as pq
except ImportError:  # pragma: no cover - depends on the environment
    pa = pq = None
try:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter
except ImportError:  # pragma: no cover - depends on the environment
    WARCWriter = StatusAndHeaders = None

needs_pyarrow = pytest.mark.skipif(
    pq is None, reason="pyarrow is not installed (pip install 'detector[parquet]')"
)
needs_warcio = pytest.mark.skipif(
    WARCWriter is None, reason="warcio is not installed (pip install 'detector[warc]')"
)


def run(*inputs: str | Path, **options: object) -> list[Record | Rejected]:
    return list(iter_records(list(inputs), **options))  # type: ignore[arg-type]


def brief(items: Iterable[Record | Rejected]) -> list[tuple[str, ...]]:
    """(R, id, origin) for records, (X, location, reason) for rejections."""
    return [
        ("R", r.id, r.origin) if isinstance(r, Record) else ("X", r.location, r.reason)
        for r in items
    ]


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if path.name.endswith(".gz"):
        raw = gzip.compress(raw)
    path.write_bytes(raw)
    return path


def jsonl(*objects: object) -> str:
    return "".join(json.dumps(o) + "\n" for o in objects)


# ----------------------------------------------------------------------------- API


def test_record_and_rejected_to_dict() -> None:
    record = Record("1", "Text.", title="T", origin="a.jsonl:1")
    assert record.to_dict() == {
        "id": "1",
        "text": "Text.",
        "title": "T",
        "date": None,
        "source": None,
        "origin": "a.jsonl:1",
    }
    assert Rejected("a.csv", "3", "text is empty", "x").to_dict() == {
        "file": "a.csv",
        "location": "3",
        "reason": "text is empty",
        "id": "x",
    }
    json.dumps([record.to_dict()])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"min_chars": 0}, "min_chars must be at least 1"),
        ({"max_bytes": 5, "min_chars": 6}, "must not be below min_chars"),
    ],
    ids=["min-zero", "max-below-min"],
)
def test_bad_limits_raise_at_the_call(options: dict[str, int], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        iter_records(["anything.jsonl"], **options)  # type: ignore[arg-type]


def test_a_single_path_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path / "a.jsonl", jsonl({"id": 1, "text": "x"}))
    assert brief(iter_records(str(path))) == [("R", "1", f"{path}:1")]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("missing.jsonl", "no such file or directory"),
        ("report.pdf", "unsupported input type .pdf; use a folder or .jsonl"),
        ("archive.tar.gz", "unsupported input type .tar.gz; use"),
        ("README", "unsupported input type (no extension); use"),
    ],
    ids=["missing", "pdf", "tar-gz", "no-extension"],
)
def test_unusable_inputs_are_one_file_level_rejection(
    tmp_path: Path, name: str, reason: str
) -> None:
    path = tmp_path / name
    if name != "missing.jsonl":
        write(path, "whatever")
    [item] = run(path)
    assert isinstance(item, Rejected)
    assert (item.file, item.location) == (str(path), "")
    assert item.reason.startswith(reason)


def test_inputs_are_read_in_order(tmp_path: Path) -> None:
    a = write(tmp_path / "a.jsonl", jsonl({"id": "a", "text": "x"}))
    b = write(tmp_path / "b.csv", "id,text\nb,y\n")
    assert [r.id for r in run(b, a, b)] == ["b", "a", "b"]


# ----------------------------------------------------------------------------- JSON Lines


def test_jsonl_fixture() -> None:
    path = DATA / "records.jsonl"
    items = run(path)
    assert brief(items) == [
        ("R", "a1", f"{path}:1"),
        ("R", "2", f"{path}:2"),
        (
            "X",
            "4",
            "missing text: no 'text' field (fields: 'id', 'story'); "
            "name the text field with --text-field",
        ),
    ]
    assert items[1] == Record("2", "Second article.", title="Two", origin=f"{path}:2")
    assert items[2].id == "a3"


JSONL_CASES = [
    ('{"id": "x", "text": "Fine."}', ("R", "x")),
    ('{"id": 42, "text": "Fine."}', ("R", "42")),
    ('{"id": 42.0, "text": "Fine."}', ("R", "42")),
    ('{"id": 4.5, "text": "Fine."}', ("R", "4.5")),
    ('{"id": -7, "text": "Fine."}', ("R", "-7")),
    ("not json", ("X", "invalid JSON: Expecting value at column 1")),
    ('{"id": 1, "text": "x"', ("X", "invalid JSON: Expecting ',' delimiter at column 22")),
    ("[1, 2]", ("X", "a line must be a JSON object, got list")),
    ('"just a string"', ("X", "a line must be a JSON object, got str")),
    (b'{"id": "x", "text": "caf\xe9"}', ("X", "not UTF-8 (byte 24); JSON Lines must be UTF-8")),
    (
        '{"text": "No id."}',
        ("X", "missing id: no 'id' field (fields: 'text'); name the id field with --id-field"),
    ),
    ('{"id": null, "text": "x"}', ("X", "missing id: field 'id' is null")),
    ('{"id": "", "text": "x"}', ("X", "id is empty")),
    ('{"id": true, "text": "x"}', ("X", "id must be a string or a number, got bool")),
    ('{"id": [1], "text": "x"}', ("X", "id must be a string or a number, got list")),
    ('{"id": NaN, "text": "x"}', ("X", "id must be a finite number, got nan")),
    (
        '{"id": "x"}',
        (
            "X",
            "missing text: no 'text' field (fields: 'id'); name the text field with --text-field",
        ),
    ),
    ('{"id": "x", "text": null}', ("X", "missing text: field 'text' is null")),
    ('{"id": "x", "text": 12}', ("X", "text must be a string, got int")),
    ('{"id": "x", "text": {"a": 1}}', ("X", "text must be a string, got dict")),
    ('{"id": "x", "text": ""}', ("X", "text is empty")),
    ('{"id": "x", "text": " \\n\\t "}', ("X", "text is empty (only whitespace)")),
    (
        '{"id": "x", "text": "' + "a" * 101 + '"}',
        ("X", "text is 101 bytes, over the limit of 100 bytes"),
    ),
    (
        '{"id": "x", "text": "ab\\ud800"}',
        ("X", "text holds a lone surrogate at character 2; it must be valid Unicode"),
    ),
    (
        '{"id": "x", "text": "ok", "title": ["a"]}',
        ("X", "field 'title' must be a string, got list"),
    ),
    (
        "{}",
        ("X", "missing id: no 'id' field (the object is empty); name the id field with --id-field"),
    ),
    ("[" * 100_000, ("X", "invalid JSON: nested too deeply")),
    (
        '{"id": ' + "9" * 5000 + ', "text": "x"}',
        (
            "X",
            "invalid JSON: Exceeds the limit (4300 digits) for integer string conversion: "
            "value has 5000 digits",
        ),
    ),
]


@pytest.mark.parametrize(
    ("line", "expected"),
    JSONL_CASES,
    ids=[
        "string-id", "int-id", "integral-float-id", "float-id", "negative-id", "not-json",
        "truncated", "list", "string", "latin-1", "no-id", "null-id", "empty-id", "bool-id",
        "list-id", "nan-id", "no-text", "null-text", "int-text", "dict-text", "empty-text",
        "whitespace-text", "over-max", "lone-surrogate", "list-title", "empty-object", "deep",
        "long-number",
    ],
)  # fmt: skip
def test_jsonl_line(tmp_path: Path, line: str | bytes, expected: tuple[str, str]) -> None:
    raw = line if isinstance(line, bytes) else line.encode("utf-8")
    path = write(tmp_path / "in.jsonl", b"\n" + raw + b"\n")
    [item] = run(path, max_bytes=100)
    if expected[0] == "R":
        assert isinstance(item, Record)
        assert (item.id, item.origin) == (expected[1], f"{path}:2")
    else:
        assert isinstance(item, Rejected)
        assert (item.file, item.location, item.reason) == (str(path), "2", expected[1])


def test_jsonl_rejection_keeps_the_id(tmp_path: Path) -> None:
    path = write(tmp_path / "in.jsonl", jsonl({"id": 9, "text": ""}))
    [item] = run(path)
    assert isinstance(item, Rejected) and item.id == "9"


def test_jsonl_optional_fields(tmp_path: Path) -> None:
    path = write(
        tmp_path / "in.jsonl",
        jsonl(
            {"id": 1, "text": "x", "title": "T", "date": "2024-01-02T03:04:05Z", "source": "s"},
            {"id": 2, "text": "x", "title": "", "date": 2024, "source": None},
        ),
    )
    first, second = run(path)
    assert first == Record("1", "x", "T", "2024-01-02T03:04:05Z", "s", f"{path}:1")
    assert second == Record("2", "x", None, "2024", None, f"{path}:2")


def test_jsonl_min_chars(tmp_path: Path) -> None:
    path = write(tmp_path / "in.jsonl", jsonl({"id": 1, "text": "short"}))
    [item] = run(path, min_chars=10)
    assert isinstance(item, Rejected)
    assert item.reason == "text has 5 characters, under the minimum of 10"


def test_jsonl_blank_lines_and_crlf_and_bom(tmp_path: Path) -> None:
    data = b'\xef\xbb\xbf{"id": 1, "text": "a"}\r\n\r\n   \n\t\n{"id": 2, "text": "b"}'
    path = write(tmp_path / "in.ndjson", data)
    assert brief(run(path)) == [("R", "1", f"{path}:1"), ("R", "2", f"{path}:5")]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"], ids=["utf-16", "utf-32"])
def test_jsonl_wide_encoding_rejects_the_file(tmp_path: Path, encoding: str) -> None:
    path = write(tmp_path / "in.jsonl", jsonl({"id": 1, "text": "a"}).encode(encoding))
    assert brief(run(path)) == [("X", "", f"file is {encoding.upper()}; JSON Lines must be UTF-8")]


def test_jsonl_field_map(tmp_path: Path) -> None:
    path = write(
        tmp_path / "in.jsonl",
        jsonl({"doc": "d1", "body": "Body.", "headline": "H", "published": "2024", "site": "s"}),
    )
    fields = FieldMap(id="doc", text="body", title="headline", date="published", source="site")
    [item] = run(path, fields=fields)
    assert item == Record("d1", "Body.", "H", "2024", "s", f"{path}:1")
    [item] = run(path)
    assert isinstance(item, Rejected) and item.reason.startswith("missing id: no 'id' field")
    # The parts left at their standard names are found under their aliases.
    [item] = run(path, fields=FieldMap(id="doc"))
    assert item == Record("d1", "Body.", "H", "2024", "s", f"{path}:1")
    [item] = run(path, fields=FieldMap(id="doc", text="story"))
    assert isinstance(item, Rejected)
    assert item.reason == (
        "missing text: no 'story' field (fields: 'doc', 'body', 'headline', 'published', "
        "'site'); name the text field with --text-field"
    )


def test_jsonl_many_fields_are_listed_briefly(tmp_path: Path) -> None:
    path = write(tmp_path / "in.jsonl", jsonl({f"k{i}": i for i in range(12)} | {"id": 1}))
    [item] = run(path)
    assert isinstance(item, Rejected)
    assert "'k7', … 5 more)" in item.reason and "\n" not in item.reason


def test_jsonl_key_with_newline_keeps_reason_on_one_line(tmp_path: Path) -> None:
    path = write(tmp_path / "in.jsonl", jsonl({"a\nb": 1, "id": 1}))
    [item] = run(path)
    assert isinstance(item, Rejected) and "\n" not in item.reason


def test_jsonl_gzip(tmp_path: Path) -> None:
    path = write(tmp_path / "in.jsonl.gz", jsonl({"id": 1, "text": "a"}, [1]))
    assert brief(run(path)) == [
        ("R", "1", f"{path}:1"),
        ("X", "2", "a line must be a JSON object, got list"),
    ]


def test_gzip_name_but_not_gzip(tmp_path: Path) -> None:
    path = tmp_path / "in.ndjson.gz"
    path.write_bytes(jsonl({"id": 1, "text": "a"}).encode())
    [item] = run(path)
    assert isinstance(item, Rejected) and item.location == ""
    assert item.reason.startswith("not a gzip file")


def test_truncated_gzip_keeps_what_was_read(tmp_path: Path) -> None:
    lines = jsonl(*({"id": i, "text": f"article {i} " * 20} for i in range(2000)))
    whole = gzip.compress(lines.encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    items = run(path)
    *records, last = items
    assert records and all(isinstance(r, Record) for r in records)
    assert isinstance(last, Rejected)
    assert last.location == str(len(records) + 1)
    assert last.reason == f"cannot read past line {len(records)}: compressed data is truncated"


def test_jsonl_overlong_line_is_skipped_not_held(tmp_path: Path) -> None:
    # max_bytes=10 gives a line limit of 60 bytes + 1 MiB.
    huge = json.dumps([{"id": i, "text": "x" * 100} for i in range(12_000)])
    path = write(tmp_path / "in.jsonl", huge + "\n" + jsonl({"id": "after", "text": "ok"}))
    first, second = run(path, max_bytes=10)
    assert isinstance(first, Rejected) and first.location == "1"
    assert first.reason == (
        f"line is {len(huge) + 1:,} bytes, over the limit of 1,048,636 bytes; "
        "put one JSON object per line"
    )
    assert isinstance(second, Record) and second.origin == f"{path}:2"


# ----------------------------------------------------------------------------- CSV


def test_csv_fixture_with_quotes_and_embedded_newlines() -> None:
    path = DATA / "records.csv"
    items = run(path)
    assert brief(items) == [
        ("R", "a1", f"{path}:2"),
        ("R", "a2", f"{path}:3"),
        ("X", "5", "row has 2 fields, header has 3"),
    ]
    assert items[0] == Record("a1", "Quoted, with comma.", title="One", origin=f"{path}:2")
    assert items[1].text == 'Two\r\nlines and "quotes"'  # type: ignore[union-attr]


CSV_CASES = [
    ("id,text\n1,hello\n", [("R", "1", ":2")]),
    ("id,text\n\n1,hello\n\n", [("R", "1", ":3")]),
    ("\ufeffid , text\n1,hello\n", [("R", "1", ":2")]),
    ("id,text\n1,\n", [("X", "2", "text is empty")]),
    ("id,text\n,hello\n", [("X", "2", "id is empty")]),
    ("id,text\n1\n", [("X", "2", "row has 1 field, header has 2")]),
    ("id,text\n1,a,b\n", [("X", "2", "row has 3 fields, header has 2")]),
    ('id,text\n1,"a\n\nb"\n2,c\n', [("R", "1", ":2"), ("R", "2", ":5")]),
    ('id,text\n1,"say ""hi"""\n', [("R", "1", ":2")]),
    ("id,text,title,date,source\n1,a,,,\n", [("R", "1", ":2")]),
    ("", [("X", "", "file is empty: a CSV file needs a header row naming its columns")]),
    ("\n\n", [("X", "", "file is empty: a CSV file needs a header row naming its columns")]),
    (
        "id,story\n1,a\n",
        [
            (
                "X",
                "",
                "no 'text' column in the header (columns: 'id', 'story'); name it with --text-field",
            )
        ],
    ),
    (
        "text\na\n",
        [("X", "", "no 'id' column in the header (columns: 'text'); name it with --id-field")],
    ),
    ("id,text,text\n1,a,b\n", [("X", "", "column 'text' appears 2 times in the header")]),
    (
        "id,text\n1," + "a" * 101 + "\n",
        [("X", "2", "text is 101 bytes, over the limit of 100 bytes")],
    ),
]


@pytest.mark.parametrize(
    ("content", "expected"),
    CSV_CASES,
    ids=[
        "plain", "blank-lines", "bom-and-spaces-in-header", "empty-text", "empty-id",
        "too-few", "too-many", "embedded-blank-line", "doubled-quotes", "empty-optional",
        "empty-file", "only-blank-lines", "no-text-column", "no-id-column",
        "duplicate-column", "over-max",
    ],
)  # fmt: skip
def test_csv_cases(tmp_path: Path, content: str, expected: list[tuple[str, str, str]]) -> None:
    path = write(tmp_path / "in.csv", content)
    got = brief(run(path, max_bytes=100))
    want = [(k, a, f"{path}{b}") if k == "R" else (k, a, b) for k, a, b in expected]
    assert got == want


def test_csv_optional_fields_and_empty_strings(tmp_path: Path) -> None:
    path = write(tmp_path / "in.csv", "id,text,title,date,source\n1,a,T,2024-05-06,s\n2,b,,,\n")
    assert run(path) == [
        Record("1", "a", "T", "2024-05-06", "s", f"{path}:2"),
        Record("2", "b", None, None, None, f"{path}:3"),
    ]


def test_csv_field_map_and_gzip(tmp_path: Path) -> None:
    path = write(tmp_path / "in.csv.gz", "uid,body,extra\n7,Body text.,z\n")
    assert run(path, fields=FieldMap(id="uid", text="body")) == [
        Record("7", "Body text.", origin=f"{path}:2")
    ]


def test_csv_non_utf8_row_is_rejected_alone(tmp_path: Path) -> None:
    path = write(tmp_path / "in.csv", b"id,text\n1,caf\xe9\n2,fine\n")
    assert brief(run(path)) == [
        ("X", "2", "row is not UTF-8 (byte 0xe9); CSV files must be UTF-8"),
        ("R", "2", f"{path}:3"),
    ]


def test_csv_non_utf8_header_rejects_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "in.csv", b"id,t\xe9xt\n1,a\n")
    assert brief(run(path)) == [("X", "", "header row is not UTF-8; CSV files must be UTF-8")]


def test_csv_utf16_rejects_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "in.csv", "id,text\n1,a\n".encode("utf-16"))
    assert brief(run(path)) == [("X", "", "file is UTF-16; CSV files must be UTF-8")]


def test_csv_unclosed_quote_does_not_swallow_the_file(tmp_path: Path) -> None:
    # The field limit is max(2 * max_bytes, 131,072) characters.
    rows = "".join(f"{i},row {i}\n" for i in range(20_000))
    path = write(tmp_path / "in.csv", 'id,text\n0,"unclosed\n' + rows)
    items = run(path, max_bytes=10)
    assert isinstance(items[0], Rejected)
    assert items[0].location == "2"
    assert items[0].reason.startswith("cannot parse row: field larger than field limit")
    assert sum(isinstance(r, Record) for r in items) > 10_000


def test_csv_large_field_within_limit(tmp_path: Path) -> None:
    text = "word " * 60_000  # 300,000 characters: over csv's default field limit
    path = write(tmp_path / "in.csv", f'id,text\n1,"{text}"\n')
    [item] = run(path)
    assert isinstance(item, Record) and item.text == text


# ----------------------------------------------------------------------------- folders


def test_folder_fixture() -> None:
    root = DATA / "folder"
    items = run(root)
    assert brief(items) == [
        ("R", "local.txt", str(root / "local.txt")),
        (
            "X",
            "notes.md",
            "unsupported file type .md; a folder may hold .txt, .html, .htm, .json "
            "(one article each) and .jsonl, .ndjson, .csv (each optionally .gz), .parquet, "
            ".warc(.gz)",
        ),
        ("X", "world/blank.txt", "file has only whitespace"),
        ("R", "world/europe/rates.json", str(root / "world/europe/rates.json")),
        ("R", "wire-17", str(root / "world/europe/wire.json")),
        ("R", "world/summit.html", str(root / "world/summit.html")),
    ]
    assert all(r.file == str(root) for r in items if isinstance(r, Rejected))
    rates, summit = items[3], items[5]
    assert rates == Record(
        "world/europe/rates.json",
        "The central bank raised interest rates by a quarter point.",
        "Rates up",
        "2024-03-01",
        "example.org",
        str(root / "world/europe/rates.json"),
    )
    assert isinstance(summit, Record)
    assert summit.title == "Leaders meet & talk"
    assert "Leaders from twelve countries met in Geneva" in summit.text
    assert "Copyright" not in summit.text


def test_folder_reads_record_files_and_skips_hidden(tmp_path: Path) -> None:
    write(tmp_path / "b" / "shard.jsonl", jsonl({"id": "j1", "text": "a"}))
    write(tmp_path / "a.csv.gz", "id,text\nc1,b\n")
    write(tmp_path / ".hidden.txt", "secret")
    write(tmp_path / ".git" / "x.txt", "secret")
    write(tmp_path / "c" / "empty.txt", b"")
    write(tmp_path / "c" / "data.bin", b"\x00\x01")
    write(tmp_path / "d.TXT", "Upper case extension.")
    assert brief(run(tmp_path)) == [
        ("R", "c1", f"{tmp_path / 'a.csv.gz'}:2"),
        ("R", "j1", f"{tmp_path / 'b' / 'shard.jsonl'}:1"),
        ("X", "c/data.bin", "unsupported file type .bin; a folder may hold .txt, .html, .htm, .json (one article each) and .jsonl, .ndjson, .csv (each optionally .gz), .parquet, .warc(.gz)"),
        ("X", "c/empty.txt", "file is empty"),
        ("R", "d.TXT", str(tmp_path / "d.TXT")),
    ]  # fmt: skip


def test_folder_json_cases(tmp_path: Path) -> None:
    write(tmp_path / "a.json", "[1, 2]")
    write(tmp_path / "b.json", "{not json")
    write(tmp_path / "c.json", json.dumps({"id": None, "body": "Body."}))
    items = run(tmp_path, fields=FieldMap(text="body"))
    assert brief(items) == [
        (
            "X",
            "a.json",
            "a .json file must hold one JSON object, got list "
            "(many records go in a .jsonl file, one object per line)",
        ),
        ("X", "b.json", "invalid JSON: Expecting property name enclosed in double quotes at line 1 column 2"),
        ("R", "c.json", str(tmp_path / "c.json")),
    ]  # fmt: skip


def test_json_file_with_a_number_too_long(tmp_path: Path) -> None:
    path = write(tmp_path / "a.json", '{"id": ' + "9" * 5000 + ', "text": "x"}')
    [item] = run(path)
    assert item == Rejected(
        str(path),
        "",
        "invalid JSON: Exceeds the limit (4300 digits) for integer string conversion: "
        "value has 5000 digits",
    )


def test_path_with_a_nul_byte_is_rejected_not_raised() -> None:
    assert run("a\0b.jsonl") == [Rejected("a\x00b.jsonl", "", "cannot read: embedded null byte")]


def test_folder_html_without_article_text(tmp_path: Path) -> None:
    write(tmp_path / "p.html", "<html><head><title>T</title></head><body></body></html>")
    [item] = run(tmp_path)
    assert item == Rejected(str(tmp_path), "p.html", "no article text in page", "p.html")


def test_txt_holding_html_is_reduced(tmp_path: Path) -> None:
    write(
        tmp_path / "x.txt", "<html><body><p>Real text here.</p><script>x()</script></body></html>"
    )
    [item] = run(tmp_path)
    assert isinstance(item, Record) and item.text == "Real text here."


def test_html_without_trafilatura_uses_html_to_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "trafilatura", None)
    pages._trafilatura.cache_clear()
    try:
        path = write(
            tmp_path / "p.htm", "<html><title>T</title><nav>Menu</nav><p>One.</p><p>Two.</p></html>"
        )
        [item] = run(path)
    finally:
        pages._trafilatura.cache_clear()
    assert item == Record(str(path), "One.\n\nTwo.", title="T", origin=str(path))


def test_article_file_given_directly(tmp_path: Path) -> None:
    path = write(tmp_path / "one.txt", "Just one article.")
    assert run(path) == [Record(str(path), "Just one article.", origin=str(path))]
    bad = write(tmp_path / "bad.txt", "")
    assert run(bad) == [Rejected(str(bad), "", "file is empty")]


def test_folder_order_is_sorted_and_deterministic(tmp_path: Path) -> None:
    for name in ["b.txt", "a/z.txt", "a/b.txt", "C.txt", "a.txt"]:
        write(tmp_path / name, f"Text of {name}.")
    assert [r.id for r in run(tmp_path)] == ["C.txt", "a/b.txt", "a/z.txt", "a.txt", "b.txt"]


def test_folder_symlinks(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    write(target / "a.txt", "Article.")
    root = tmp_path / "root"
    root.mkdir()
    (root / "linked").symlink_to(target, target_is_directory=True)
    (root / "file.txt").symlink_to(target / "a.txt")
    (root / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    assert brief(run(root)) == [
        ("X", "dangling.txt", "broken symbolic link"),
        ("R", "file.txt", str(root / "file.txt")),
        ("X", "linked", "symbolic link to a folder is not followed; give the folder as an input"),
    ]


def test_empty_folder(tmp_path: Path) -> None:
    assert run(tmp_path) == []


# ----------------------------------------------------------------------------- Parquet


@needs_pyarrow
def test_parquet_rows_in_batches(tmp_path: Path) -> None:
    path = tmp_path / "in.parquet"
    n = 700  # more than one batch and more than one row group
    table = pa.table(
        {
            "id": list(range(n)),
            "text": [f"Article {i}." if i % 100 else "" for i in range(n)],
            "title": [None if i % 2 else f"T{i}" for i in range(n)],
            "date": [dt.datetime(2024, 1, 1, 12, 0) for _ in range(n)],
            "unused": [b"x"] * n,
        }
    )
    pq.write_table(table, path, row_group_size=300)
    items = run(path)
    assert len(items) == n
    rejected = [r for r in items if isinstance(r, Rejected)]
    assert [(r.location, r.reason, r.id) for r in rejected] == [
        (str(i), "text is empty", str(i)) for i in range(0, n, 100)
    ]
    assert items[1] == Record("1", "Article 1.", None, "2024-01-01T12:00:00", None, f"{path}#1")
    assert items[2].title == "T2"  # type: ignore[union-attr]
    assert items[699].origin == f"{path}#699"  # type: ignore[union-attr]


@needs_pyarrow
def test_parquet_field_map_and_types(tmp_path: Path) -> None:
    path = tmp_path / "in.parquet"
    pq.write_table(
        pa.table(
            {
                "doc": ["a", "b", "c", None],
                "body": ["Body.", None, "x", "y"],
                "n": [1, 2, 3, 4],
            }
        ),
        path,
    )
    items = run(path, fields=FieldMap(id="doc", text="body", title="n"))
    assert brief(items) == [
        ("R", "a", f"{path}#0"),
        ("X", "1", "missing text: field 'body' is null"),
        ("R", "c", f"{path}#2"),
        ("X", "3", "missing id: field 'doc' is null"),
    ]
    assert items[0].title == "1"  # type: ignore[union-attr]
    [item] = run(path)
    assert item == Rejected(
        str(path), "", "no 'id' column (columns: 'doc', 'body', 'n'); name it with --id-field"
    )


@needs_pyarrow
def test_parquet_non_string_text(tmp_path: Path) -> None:
    path = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": ["a"], "text": [3.5]}), path)
    assert brief(run(path)) == [("X", "0", "text must be a string, got float")]


@needs_pyarrow
def test_parquet_unreadable(tmp_path: Path) -> None:
    path = write(tmp_path / "in.parquet", b"PAR1 this is not parquet")
    [item] = run(path)
    assert isinstance(item, Rejected) and item.location == ""
    assert item.reason.startswith("not a readable Parquet file: ")


def test_parquet_without_pyarrow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    path = write(tmp_path / "in.parquet", b"whatever")
    assert run(path) == [
        Rejected(str(path), "", "reading Parquet needs pyarrow: pip install 'detector[parquet]'")
    ]


# ----------------------------------------------------------------------------- WARC

ARTICLE_HTML = (
    "<!DOCTYPE html><html><head><title>Flood  warning &amp; more</title></head><body>"
    "<nav>Home | News</nav><article><p>Heavy rain caused the river to burst its banks "
    "on Sunday night, flooding dozens of homes.</p><p>Residents were moved to a school "
    "hall while crews pumped out the water.</p></article></body></html>"
)


def _warc(path: Path, records: list[tuple[str, str, str, bytes, str]]) -> list[int]:
    """Write (type, uri, content type, body, status) records; return their offsets."""
    offsets = []
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=path.name.endswith(".gz"))
        for kind, uri, content_type, body, status in records:
            if kind == "request":
                http = StatusAndHeaders("GET / HTTP/1.1", [("Host", "x")], is_http_request=True)
            else:
                http = StatusAndHeaders(
                    status, [("Content-Type", content_type)], protocol="HTTP/1.1"
                )
            record = writer.create_warc_record(
                uri,
                kind,
                payload=io.BytesIO(body),
                http_headers=http,
                warc_headers_dict={"WARC-Date": "2024-05-01T10:00:00Z"},
            )
            offsets.append(out.tell())
            writer.write_record(record)
    return offsets


@needs_warcio
@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"], ids=["plain", "gzip"])
def test_warc(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    offsets = _warc(
        path,
        [
            ("request", "https://news.example.com/flood", "", b"", ""),
            ("response", "https://news.example.com/flood", "text/html; charset=utf-8",
             ARTICLE_HTML.encode(), "200 OK"),
            ("response", "https://news.example.com/logo.png", "image/png", b"\x89PNG....", "200 OK"),
            ("response", "https://news.example.com/old", "text/html", b"<p>Moved</p>", "301 Moved"),
            ("response", "https://news.example.com/empty", "text/html",
             b"<html><head><title>Empty</title></head><body></body></html>", "200 OK"),
            ("response", "https://news.example.com/blank", "text/html", b"", "200 OK"),
            ("response", "http://other.example.org:8080/a?x=1", "application/xhtml+xml",
             ARTICLE_HTML.replace("Flood", "Storm").encode("latin-1"), "200 OK"),
        ],
    )  # fmt: skip
    items = run(path)
    assert [(r.location if isinstance(r, Rejected) else r.origin) for r in items] == [
        f"{path}#{offsets[1]}",
        str(offsets[4]),
        str(offsets[5]),
        f"{path}#{offsets[6]}",
    ]
    first, empty, blank, last = items
    assert isinstance(first, Record) and isinstance(last, Record)
    assert first.id.startswith("<urn:uuid:") and first.id != last.id
    assert first.source == "news.example.com" and last.source == "other.example.org"
    assert first.date == "2024-05-01T10:00:00Z"
    assert first.title == "Flood warning & more"
    assert "river to burst its banks" in first.text and "Home | News" not in first.text
    assert last.title == "Storm warning & more"
    assert isinstance(empty, Rejected) and isinstance(blank, Rejected)
    assert empty.reason == "no article text in page" and empty.id
    assert blank.reason == "no article text in page (empty response body)"
    assert empty.file == str(path)


@needs_warcio
def test_warc_not_a_warc(tmp_path: Path) -> None:
    path = write(tmp_path / "x.warc", "this is not a WARC file\n")
    [item] = run(path)
    assert isinstance(item, Rejected) and item.location == ""
    assert item.reason.startswith("not a WARC file: ")


@needs_warcio
@pytest.mark.parametrize(
    ("name", "cut", "reason"),
    [
        ("x.warc.gz", 40, "cannot read past offset {o}: the last 40 bytes are not a complete WARC record (truncated file?)"),
        ("x.warc.gz", 255, "cannot read past offset {o}: the last 255 bytes are not a complete WARC record (truncated file?)"),
        ("x.warc", 40, "malformed WARC record: no WARC-Type header (truncated file?)"),
        ("x.warc", 357, "cannot read past offset {o}: the last 357 bytes are not a complete WARC record (truncated file?)"),
        ("x.warc", -5, "WARC record is truncated: 1 byte of it missing"),
    ],
    ids=["gz-in-header", "gz-in-body", "plain-in-header", "plain-in-body", "plain-last-byte"],
)  # fmt: skip
def test_warc_truncated_keeps_what_was_read(
    tmp_path: Path, name: str, cut: int, reason: str
) -> None:
    path = tmp_path / name
    page = ("response", "https://a.example/x", "text/html", ARTICLE_HTML.encode(), "200 OK")
    offsets = _warc(path, [page, page, page])
    data = path.read_bytes()
    end = offsets[2] + cut if cut > 0 else len(data) + cut
    path.write_bytes(data[:end])
    items = run(path)
    assert [type(r).__name__ for r in items] == ["Record", "Record", "Rejected"]
    assert isinstance(items[2], Rejected)
    assert (items[2].location, items[2].reason) == (str(offsets[2]), reason.format(o=offsets[2]))


@needs_warcio
@pytest.mark.parametrize("name", ["x.warc", "x.warc.gz"], ids=["plain", "gzip"])
def test_warc_missing_only_trailing_bytes_is_complete(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    page = ("response", "https://a.example/x", "text/html", ARTICLE_HTML.encode(), "200 OK")
    _warc(path, [page])
    data = path.read_bytes()
    path.write_bytes(data[:-1])  # the final blank line (plain) or gzip trailer byte (gzip)
    assert [type(r).__name__ for r in run(path)] == ["Record"]


def test_warc_without_warcio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "warcio.archiveiterator", None)
    path = write(tmp_path / "x.warc.gz", b"whatever")
    assert run(path) == [
        Rejected(str(path), "", "reading WARC needs warcio: pip install 'detector[warc]'")
    ]


# ----------------------------------------------------------------------------- fuzzing
#
# The accounting rule: a file gives EITHER exactly one file-level Rejected (location "")
# and nothing else, OR exactly one Record/Rejected per record:
#   JSON Lines: per non-blank line (split at b"\n"; blank = only ASCII whitespace). A line
#     that is not UTF-8 is rejected on its own; only a UTF-16/32 byte-order mark at the
#     start rejects the whole file.
#   CSV: per non-empty row after the header, as csv.reader parses the bytes decoded as
#     UTF-8 with surrogateescape (a non-UTF-8 byte is never a comma, quote or newline, so
#     the rows are those of the bytes; rows holding one are rejected on their own). The
#     whole file is rejected when the header is missing or unusable or the file has a
#     UTF-16/32 byte-order mark.

FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _check_accounting(items: list[Record | Rejected], expected: int) -> None:
    assert all(isinstance(r, (Record, Rejected)) for r in items)
    file_level = [r for r in items if isinstance(r, Rejected) and r.location == ""]
    if file_level:
        assert len(items) == 1, items
    else:
        assert len(items) == expected, items
    for r in items:
        if isinstance(r, Rejected):
            assert r.reason and "\n" not in r.reason
            r.reason.encode("utf-8")
        else:
            assert r.text.strip()
            json.dumps(r.to_dict(), ensure_ascii=False).encode("utf-8")


def _jsonl_expected(data: bytes) -> int:
    return sum(1 for line in data.split(b"\n") if line.strip())


def _csv_expected(data: bytes) -> int:
    text = data.decode("utf-8", "surrogateescape").removeprefix("\ufeff")
    rows = [row for row in csv.reader(io.StringIO(text, newline="")) if row]
    return max(len(rows) - 1, 0)


@FUZZ
@given(data=st.binary(max_size=2000))
def test_fuzz_jsonl_bytes(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path / "fuzz.jsonl", data)
    _check_accounting(run(path), _jsonl_expected(data))
    # Deferred parsing (a scan parses lines in its workers) resolves to the same items.
    deferred = [resolve(item) for item in iter_records([path], defer=True)]
    assert deferred == run(path)


def test_deferred_lines_resolve_to_the_same_records(tmp_path: Path) -> None:
    jsonl = DATA / "records.jsonl"
    packed = tmp_path / "packed.jsonl.gz"
    packed.write_bytes(gzip.compress(jsonl.read_bytes()))
    inputs = [jsonl, packed, DATA]
    items = list(iter_records(inputs, defer=True))
    assert any(isinstance(item, Pending) for item in items)
    assert [resolve(item) for item in items] == list(iter_records(inputs))


@FUZZ
@given(
    values=st.lists(
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
            lambda children: (
                st.lists(children, max_size=4)
                | st.dictionaries(
                    st.sampled_from(["id", "text", "title", "date", "source", "x"]),
                    children,
                    max_size=5,
                )
            ),
            max_leaves=12,
        ),
        max_size=25,
    )
)
def test_fuzz_jsonl_values(tmp_path: Path, values: list[object]) -> None:
    data = "".join(json.dumps(v) + "\n" for v in values).encode("utf-8", "surrogatepass")
    path = write(tmp_path / "fuzz.jsonl", data)
    items = run(path)
    _check_accounting(items, len(values))
    for number, (value, item) in enumerate(zip(values, items, strict=True), start=1):
        if isinstance(item, Record):
            assert item.origin == f"{path}:{number}"
        assert (isinstance(item, Record), item.id) == _expected_json(value)
        if isinstance(item, Record):
            assert isinstance(value, dict) and item.text == value["text"]


def _expected_json(value: object) -> tuple[bool, str | None]:
    """An independent model of the rules: (accepted?, id when known)."""
    if not isinstance(value, dict):
        return False, None
    raw_id = value.get("id")
    if isinstance(raw_id, str) and raw_id.strip():
        id_ = raw_id
    elif isinstance(raw_id, int) and not isinstance(raw_id, bool):
        id_ = str(raw_id)
    elif isinstance(raw_id, float) and raw_id == raw_id and abs(raw_id) != float("inf"):
        id_ = str(int(raw_id)) if raw_id.is_integer() else repr(raw_id)
    else:
        return False, None
    text = value.get("text")
    ok = (
        isinstance(text, str)
        and bool(text.strip())
        and all(
            value.get(k) is None
            or (isinstance(value.get(k), (str, int, float)) and not isinstance(value.get(k), bool))
            for k in ("title", "date", "source")
        )
    )
    return ok, id_


@FUZZ
@given(data=st.binary(max_size=2000), header=st.booleans())
def test_fuzz_csv_bytes(tmp_path: Path, data: bytes, header: bool) -> None:
    if header:
        data = b"id,text\n" + data
    path = write(tmp_path / "fuzz.csv", data)
    items = run(path)
    _check_accounting(items, _csv_expected(data))
    if header:
        assert not any(isinstance(r, Rejected) and r.location == "" for r in items)


@FUZZ
@given(
    rows=st.lists(
        st.lists(
            st.text(alphabet=st.characters(codec="utf-8"), max_size=15), min_size=1, max_size=4
        ),
        max_size=20,
    )
)
def test_fuzz_csv_rows_round_trip(tmp_path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["id", "text"])
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    path = write(tmp_path / "fuzz.csv", data)
    items = run(path)
    _check_accounting(items, _csv_expected(data))
    assert len(items) == len(rows)  # csv.writer never writes a blank line for a row
    for row, item in zip(rows, items, strict=True):
        if len(row) != 2:
            assert isinstance(item, Rejected)
            assert item.reason.startswith(f"row has {len(row)} field")
        elif row[0].strip() and row[1].strip():
            assert isinstance(item, Record)
            assert (item.id, item.text) == (row[0], row[1])
        else:
            assert isinstance(item, Rejected)
            assert item.reason in {
                "id is empty",
                "text is empty",
                "text is empty (only whitespace)",
            }


# ----------------------------------------------------------------------------- streaming


def test_streaming_first_record_without_reading_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.jsonl"
    line = json.dumps({"id": 0, "text": "An article about the weather. " * 10}) + "\n"
    with open(path, "w", encoding="utf-8") as out:
        for i in range(200_000):
            out.write(line.replace('"id": 0', f'"id": {i}', 1))
    size = path.stat().st_size
    assert size > 50_000_000
    opened: list[_CountingFile] = []

    def counting_open(file: Path, *, decompress: bool = True) -> io.BufferedReader:
        opened.append(_CountingFile(file, "rb"))
        return io.BufferedReader(opened[-1])

    monkeypatch.setattr(records, "open_binary", counting_open)
    tracemalloc.start()
    try:
        stream = iter_records([path])
        first = next(stream)
        read_first = opened[0].bytes_read
        _, peak = tracemalloc.get_traced_memory()
        for _ in range(999):
            next(stream)
        read_after = opened[0].bytes_read
        _, peak_after = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(first, Record) and first.id == "0"
    # The first record comes after one buffer of the file is read, the thousandth after
    # about a thousand lines: the reader streams, it does not read the file first.
    assert read_first <= 64 * 1024, read_first
    assert read_after <= 1000 * (len(line) + 10) + 64 * 1024 < size, read_after
    assert peak < 3_000_000, peak
    assert peak_after < 3_000_000, peak_after


class _CountingFile(io.FileIO):
    """A file that counts the bytes read from it, to see how much of it a reader needed."""

    bytes_read = 0

    def readinto(self, buffer: Any) -> int | None:
        n = super().readinto(buffer)
        self.bytes_read += n or 0
        return n


def test_streaming_over_a_generator_is_lazy(tmp_path: Path) -> None:
    missing = tmp_path / "later.jsonl"
    stream = iter_records([write(tmp_path / "a.jsonl", jsonl({"id": 1, "text": "a"})), missing])
    assert isinstance(next(stream), Record)
    write(missing, jsonl({"id": 2, "text": "b"}))  # created after the stream started
    assert [r.id for r in stream] == ["2"]


def test_text_limit_counts_utf8_bytes_not_characters(tmp_path: Path) -> None:
    # 40 characters of Greek are 80 bytes: over a 60-byte limit, though under 60 characters.
    path = write(
        tmp_path / "in.jsonl", jsonl({"id": "g", "text": "α" * 40}, {"id": "a", "text": "a" * 40})
    )
    greek, ascii_ = run(path, max_bytes=60)
    assert (
        isinstance(greek, Rejected)
        and greek.reason == "text is 80 bytes, over the limit of 60 bytes"
    )
    assert isinstance(ascii_, Record)
