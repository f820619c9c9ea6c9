"""Input defects: pairs of article ids, gzip files not named ``.gz``, Windows-1252 text.

Each test failed before its fix: ``detector pairs`` compared ids as texts, a gzipped
``.jsonl`` gave one "not UTF-8" rejection per line, and Latin bytes that are not UTF-8
could come back as Cyrillic or Urdu letters.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detector.cli import app
from detector.compare.pipeline import compare
from detector.inputs.records import Record, iter_records
from detector.inputs.text import decode_bytes

ARTICLES = Path(__file__).resolve().parent / "articles"
BASE = (ARTICLES / "base.txt").read_text(encoding="utf-8")
SYNDICATED = (ARTICLES / "base_syndicated.txt").read_text(encoding="utf-8")
OTHER = (ARTICLES / "other.txt").read_text(encoding="utf-8")

runner = CliRunner()


def _jsonl(path: Path, *objects: dict[str, object]) -> Path:
    path.write_text("".join(json.dumps(o) + "\n" for o in objects), encoding="utf-8")
    return path


def _articles(tmp_path: Path) -> Path:
    return _jsonl(
        tmp_path / "articles.jsonl",
        {"id": "base", "text": BASE},
        {"id": "base-syn", "text": SYNDICATED},
        {"id": "other", "text": OTHER},
    )


def _id_pairs(tmp_path: Path) -> Path:
    return _jsonl(
        tmp_path / "pairs.jsonl",
        {"a": "base", "b": "base-syn", "label": "copy", "made_by": "wire copy", "original": None},
        {"a": "base", "b": "other", "label": "unrelated"},
    )


# ----------------------------------------------------------------------------- 1. pairs of ids


def test_pairs_of_ids_without_articles_are_refused(tmp_path: Path) -> None:
    pairs, out = _id_pairs(tmp_path), tmp_path / "out.jsonl"
    result = runner.invoke(app, ["pairs", str(pairs), "--out", str(out), "-j", "1"])
    assert result.exit_code == 2, result.stderr
    assert result.stderr == (
        f"detector: error: {pairs}:1: 'a' and 'b' look like article ids, not texts; "
        "pass --articles FILE to look them up\n"
    )
    assert "Traceback" not in result.stdout + result.stderr
    assert not out.exists()


def test_pairs_of_ids_are_looked_up_in_articles(tmp_path: Path) -> None:
    pairs, out = _id_pairs(tmp_path), tmp_path / "out.jsonl"
    args = ["pairs", str(pairs), "--articles", str(_articles(tmp_path)), "--out", str(out)]
    result = runner.invoke(app, [*args, "-j", "1", "--rules"])
    assert result.exit_code == 0, result.stderr
    found = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # The reference: the two texts compared directly.
    expected = [
        {"id": None, **compare(BASE, SYNDICATED, verdict="rules").to_dict()},
        {"id": None, **compare(BASE, OTHER, verdict="rules").to_dict()},
    ]
    assert found == json.loads(json.dumps(expected))
    assert found[0]["verdict"] != "unrelated"


def test_an_id_missing_from_articles_is_an_error_record(tmp_path: Path) -> None:
    pairs = _jsonl(tmp_path / "pairs.jsonl", {"id": "p1", "a": "base", "b": "nope-1"})
    out = tmp_path / "out.jsonl"
    args = ["pairs", str(pairs), "--articles", str(_articles(tmp_path)), "--out", str(out)]
    result = runner.invoke(app, [*args, "-j", "1"])
    assert result.exit_code == 0, result.stderr
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record["id"] == "p1" and record["line"] == 1
    assert "'b' is 'nope-1'" in record["error"]


def test_pairs_of_texts_are_still_compared_without_articles(tmp_path: Path) -> None:
    pairs = _jsonl(tmp_path / "pairs.jsonl", {"id": "p1", "a": BASE, "b": SYNDICATED})
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["pairs", str(pairs), "--out", str(out), "-j", "1", "--rules"])
    assert result.exit_code == 0, result.stderr
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record == json.loads(
        json.dumps({"id": "p1", **compare(BASE, SYNDICATED, verdict="rules").to_dict()})
    )


# ----------------------------------------------------------------------------- 2. gzip by content


def test_gzipped_jsonl_named_jsonl_is_read(tmp_path: Path) -> None:
    lines = "".join(json.dumps({"id": n, "text": f"Rates rose {n} times."}) + "\n" for n in (1, 2))
    plain = tmp_path / "plain.jsonl"
    plain.write_text(lines, encoding="utf-8")
    packed = tmp_path / "x.jsonl"
    packed.write_bytes(gzip.compress(lines.encode("utf-8")))
    found = list(iter_records([packed]))
    assert all(isinstance(item, Record) for item in found), found
    # The reference: the same lines uncompressed.
    assert [(r.id, r.text) for r in found] == [(r.id, r.text) for r in iter_records([plain])]
    assert [r.id for r in found] == ["1", "2"]


# ----------------------------------------------------------------------------- 3. Windows-1252


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        pytest.param("café crème brûlée", "cp1252", id="creme-brulee"),
        pytest.param("naïve résumé", "cp1252", id="naive-resume"),
        pytest.param("Zürich Straße München Grüße", "cp1252", id="german"),
        pytest.param("Le café était fermé, dit le maire.", "cp1252", id="french"),
        pytest.param("Привет, как дела? Москва сегодня", "cp1251", id="russian-cp1251"),
    ],
)
def test_single_byte_text_is_decoded_in_its_code_page(text: str, encoding: str) -> None:
    assert decode_bytes(text.encode(encoding)) == text


def test_decoding_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    decode_bytes(b"caf\xe9 cr\xe8me br\xfbl\xe9e")
    assert capsys.readouterr() == ("", "")
