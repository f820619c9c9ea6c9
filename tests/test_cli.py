"""The ``detector`` command line: refusals, ``compare`` output, ``pairs`` and ``--help``."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from detector.cli import app
from detector.inputs.text import read_text

REPO = Path(__file__).resolve().parent.parent
SEED_A = REPO / "corpus" / "seeds" / "000_6938627cd5ef1f07.txt"
SEED_B = REPO / "corpus" / "seeds" / "001_7281db72b9a8aca8.txt"
ARTICLES = Path(__file__).resolve().parent / "articles"
BASE = ARTICLES / "base.txt"
CONSOLE_SCRIPT = Path(sys.executable).parent / "detector"

runner = CliRunner()


def _assert_refused(exit_code: int, stdout: str, stderr: str) -> None:
    """Exit code 2 and exactly one line on stderr starting 'detector: error:'."""
    assert exit_code == 2, (stdout, stderr)
    assert stderr.startswith("detector: error:"), stderr
    assert stderr.endswith("\n") and stderr.count("\n") == 1, stderr
    assert "Traceback" not in stdout + stderr
    assert stdout == ""


# ----------------------------------------------------------------------------- refusals


def _write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


REFUSALS: dict[str, Callable[[Path], list[str]]] = {
    "missing-file": lambda t: ["compare", str(t / "missing.txt"), str(BASE)],
    "missing-second-file": lambda t: ["compare", str(BASE), str(t / "missing.txt")],
    "directory": lambda t: ["compare", str(t), str(BASE)],
    "empty-file": lambda t: ["compare", _write(t, "empty.txt", b""), str(BASE)],
    "whitespace-only": lambda t: ["compare", _write(t, "ws.txt", b" \n\t\r\n  \n"), str(BASE)],
    "binary-file": lambda t: [
        "compare",
        _write(t, "blob.bin", b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256))),
        str(BASE),
    ],
    "over-max-bytes": lambda t: [
        "compare",
        "--max-bytes",
        "100",
        _write(t, "long.txt", b"The council met on Monday. " * 10),
        str(BASE),
    ],
    "both-stdin": lambda t: ["compare", "-", "-"],
    "pairs-missing-input": lambda t: ["pairs", str(t / "missing.jsonl"), "-o", str(t / "o")],
}


@pytest.mark.parametrize("make_args", REFUSALS.values(), ids=REFUSALS.keys())
def test_refusal_is_one_clean_line(tmp_path: Path, make_args: Callable[[Path], list[str]]) -> None:
    result = runner.invoke(app, make_args(tmp_path), input="")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    _assert_refused(result.exit_code, result.stdout, result.stderr)


@pytest.mark.parametrize(
    "entry",
    [[str(CONSOLE_SCRIPT)], [sys.executable, "-m", "detector"]],
    ids=["console-script", "python-m"],
)
def test_refusal_in_a_real_process_has_no_traceback(tmp_path: Path, entry: list[str]) -> None:
    blob = _write(tmp_path, "blob.bin", b"\x00\x01\x02binary\x00" * 50)
    proc = subprocess.run(
        [*entry, "compare", blob, str(BASE)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    _assert_refused(proc.returncode, proc.stdout, proc.stderr)


# ----------------------------------------------------------------------------- encodings

CP1252_CAFE = "The café on Harbour Street reopened on Monday after a renovation, its owner said."
CP1252_DESSERT = (
    "The café on Harbour Street reopened on Monday after a two-month renovation, "
    "its owner said. Customers queued for the crème brûlée and the new espresso bar."
)
CP1252_FRENCH = "Le café était fermé, dit le maire. Les clients ont protesté devant la façade."


@pytest.mark.parametrize(
    "text",
    [
        CP1252_CAFE,
        CP1252_DESSERT,
        CP1252_FRENCH,
    ],
    ids=["cafe", "creme-brulee", "french"],
)
def test_cp1252_file_is_decoded_or_refused(tmp_path: Path, text: str) -> None:
    legacy = _write(tmp_path, "cp1252.txt", text.encode("cp1252"))
    utf8 = _write(tmp_path, "utf8.txt", text.encode("utf-8"))
    result = runner.invoke(app, ["compare", "--json", legacy, utf8])
    if result.exit_code != 0:
        _assert_refused(result.exit_code, result.stdout, result.stderr)
        return
    assert read_text(legacy) == text
    data = json.loads(result.stdout)
    assert data["verdict"] == "duplicate"
    assert data["substitutions"] == [] and data["edits"] == []


def test_undecodable_bytes_are_decoded_or_refused_cleanly(tmp_path: Path) -> None:
    junk = _write(tmp_path, "junk.txt", bytes(range(0x80, 0x100)) * 4)
    result = runner.invoke(app, ["compare", "--json", junk, str(BASE)])
    assert "Traceback" not in result.stdout + result.stderr
    if result.exit_code != 0:
        _assert_refused(result.exit_code, result.stdout, result.stderr)
    else:
        assert json.loads(result.stdout)["verdict"]


def test_utf16_with_bom_is_decoded(tmp_path: Path) -> None:
    text = BASE.read_text(encoding="utf-8")
    utf16 = _write(tmp_path, "utf16.txt", text.encode("utf-16"))
    result = runner.invoke(app, ["compare", "--json", utf16, str(BASE)])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["verdict"] == "duplicate"


# ----------------------------------------------------------------------------- compare


def test_compare_json_on_seed_pair() -> None:
    result = runner.invoke(app, ["compare", "--json", str(SEED_A), str(SEED_B)])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["verdict"] == "spun"
    assert data["original"] == "a"
    assert len(data["substitutions"]) >= 20


@pytest.mark.parametrize(
    "options", [[], ["--rules"], ["--no-lexicon"]], ids=["default", "rules", "no-lexicon"]
)
def test_compare_plain_output_names_the_verdict(options: list[str]) -> None:
    result = runner.invoke(app, ["compare", *options, str(SEED_A), str(SEED_B)])
    assert result.exit_code == 0, result.stderr
    assert "SPUN" in result.stdout
    assert "Traceback" not in result.stdout


@pytest.mark.parametrize("position", ["a", "b"], ids=["stdin-as-a", "stdin-as-b"])
def test_compare_reads_standard_input(position: str) -> None:
    args = ["-", str(BASE)] if position == "a" else [str(BASE), "-"]
    result = runner.invoke(app, ["compare", "--json", *args], input=BASE.read_bytes())
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["verdict"] == "duplicate"


def test_compare_empty_standard_input_is_refused() -> None:
    result = runner.invoke(app, ["compare", "-", str(BASE)], input=b"")
    _assert_refused(result.exit_code, result.stdout, result.stderr)


# ----------------------------------------------------------------------------- pairs


@pytest.fixture
def pairs_file(tmp_path: Path) -> Path:
    base = BASE.read_text(encoding="utf-8")
    syndicated = (ARTICLES / "base_syndicated.txt").read_text(encoding="utf-8")
    other = (ARTICLES / "other.txt").read_text(encoding="utf-8")
    lines = [
        json.dumps({"id": "good-1", "a": base, "b": syndicated}),
        '{"id": "broken", "a": "unterminated',
        json.dumps({"id": "good-2", "a": base, "b": other}),
        json.dumps({"id": "no-b", "a": base}),
        json.dumps({"id": "empty-a", "a": "", "b": other}),
    ]
    path = tmp_path / "pairs.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run_pairs(source: Path, out: Path, *options: str) -> list[dict[str, object]]:
    result = runner.invoke(app, ["pairs", str(source), "--out", str(out), *options])
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_pairs_writes_one_record_per_line_in_order(pairs_file: Path, tmp_path: Path) -> None:
    rows = _run_pairs(pairs_file, tmp_path / "out.jsonl", "--jobs", "1")
    assert len(rows) == 5
    assert [r["id"] for r in rows] == ["good-1", None, "good-2", "no-b", "empty-a"]
    assert rows[0]["verdict"] == "near_duplicate"
    assert rows[2]["verdict"] == "unrelated"
    for row in (rows[0], rows[2]):
        assert "error" not in row
    for row, line in ((rows[1], 2), (rows[3], 4), (rows[4], 5)):
        assert row["line"] == line
        assert isinstance(row["error"], str) and row["error"]
    assert "JSON" in str(rows[1]["error"])
    assert "b" in str(rows[3]["error"])
    assert "empty" in str(rows[4]["error"])


def test_pairs_output_does_not_depend_on_jobs(pairs_file: Path, tmp_path: Path) -> None:
    one = _run_pairs(pairs_file, tmp_path / "one.jsonl", "--jobs", "1")
    two = _run_pairs(pairs_file, tmp_path / "two.jsonl", "--jobs", "2")
    assert one == two
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()


def test_pairs_reads_standard_input(pairs_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "stdin.jsonl"
    result = runner.invoke(
        app, ["pairs", "-", "--out", str(out), "--jobs", "1"], input=pairs_file.read_bytes()
    )
    assert result.exit_code == 0, result.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 5


# ----------------------------------------------------------------------------- help

COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_known_commands_are_registered() -> None:
    assert {"compare", "pairs"} <= set(COMMANDS)


@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS)], ids=["app", *COMMANDS])
def test_help_works_for_every_command(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.stderr
    assert "Usage" in result.stdout
    assert "Traceback" not in result.stdout


def test_python_m_detector_help() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "detector", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Usage" in proc.stdout
    assert "compare" in proc.stdout
