"""The scan as a batch tool: bad inputs, output folders, the working folder, Ctrl-C."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detector.cli import app

REPO = Path(__file__).resolve().parent.parent
ARTICLES = REPO / "corpus" / "articles.jsonl"


def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "detector", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdin=None if stdin is not None else subprocess.DEVNULL,
    )


def _one_line_error(result: subprocess.CompletedProcess[str] | object) -> str:
    stderr = result.stderr  # type: ignore[attr-defined]
    assert result.returncode != 0 if hasattr(result, "returncode") else True
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("detector: error: "), stderr
    return lines[0]


def test_missing_input_is_an_error_for_scan_and_index_add(tmp_path: Path) -> None:
    missing = tmp_path / "nope.jsonl"
    result = _run("scan", str(missing), "--out", str(tmp_path / "out"), "--quiet")
    assert result.returncode == 2
    assert _one_line_error(result) == f"detector: error: {missing}: no such file or directory"
    assert not (tmp_path / "out" / "summary.json").exists()
    added = _run("index", "add", str(missing), "--db", str(tmp_path / "a.db"))
    assert added.returncode == 2
    assert _one_line_error(added) == f"detector: error: {missing}: no such file or directory"


def test_empty_standard_input_is_an_error(tmp_path: Path) -> None:
    result = _run("scan", "-", "--out", str(tmp_path / "out"), "--quiet", stdin="")
    assert result.returncode == 2
    assert _one_line_error(result) == "detector: error: no records in standard input"
    assert not (tmp_path / "out" / ".scan-work").exists()


def test_standard_input_is_read_as_json_lines(tmp_path: Path) -> None:
    lines = ARTICLES.read_text(encoding="utf-8").splitlines()[:30]
    result = _run("scan", "-", "--out", str(tmp_path / "out"), "--quiet", stdin="\n".join(lines))
    assert result.returncode == 0, result.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["records_read"] == summary["records_scanned"] == 30


def test_input_without_a_readable_record_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('not json\n{"id": "x"}\n{"id": "y", "text": " "}\n', encoding="utf-8")
    result = _run("scan", str(bad), "--out", str(tmp_path / "out"), "--quiet")
    assert result.returncode == 2
    assert _one_line_error(result) == (
        f"detector: error: no record could be read from {bad}: all 3 rejected "
        f"(first: {bad}:1: invalid JSON: Expecting value at column 1)"
    )
    added = _run("index", "add", str(bad), "--db", str(tmp_path / "a.db"))
    assert added.returncode == 2 and "Traceback" not in added.stderr
    assert added.stderr.splitlines()[-1] == (
        f"detector: error: no record could be read from {bad}: all 3 rejected"
    )


def test_an_earlier_scan_is_not_overwritten_without_force(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")  # the user's own file
    args = ["scan", str(ARTICLES), "--out", str(out), "--jobs", "1", "--quiet"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert not (out / ".scan-work").exists()  # removed after a finished scan
    before = (out / "pairs.jsonl").read_bytes()
    again = runner.invoke(app, args)
    assert again.exit_code == 2
    assert again.stderr == (
        f"detector: error: {out} holds the results of an earlier scan (pairs.jsonl): "
        "use --force to replace them, or another --out\n"
    )
    forced = runner.invoke(app, [*args, "--force", "--keep-work"])
    assert forced.exit_code == 0, forced.output
    assert (out / "pairs.jsonl").read_bytes() == before
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (out / ".scan-work" / "manifest.json").exists()  # kept on request


def test_max_bytes_rejects_larger_records(tmp_path: Path) -> None:
    records = tmp_path / "in.jsonl"
    records.write_text(
        json.dumps({"id": "small", "text": "Short text."})
        + "\n"
        + json.dumps({"id": "big", "text": "é" * 60})
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["scan", str(records), "--out", str(out), "--max-bytes", "100", "--quiet"]
    )
    assert result.exit_code == 0, result.output
    [rejected] = [json.loads(x) for x in (out / "rejected.jsonl").read_text().splitlines()]
    assert rejected["reason"] == "text is 120 bytes, over the limit of 100 bytes"


def _random_records(count: int, seed: int) -> list[str]:
    words = sorted({w for w in ARTICLES.read_text(encoding="utf-8").split() if w.isalpha()})
    rng = random.Random(seed)
    return [
        json.dumps({"id": f"r{n}", "text": " ".join(rng.choices(words, k=40))})
        for n in range(count)
    ]


def _outputs(out: Path) -> dict[str, bytes]:
    return {
        name: (out / name).read_bytes()
        for name in ("pairs.jsonl", "clusters.jsonl", "documents.jsonl", "rejected.jsonl")
    }


#: ``detector`` with small chunks and batches, so that a few hundred records make a
#: scan of several checkpointed chunks.
SMALL_CHUNKS = """
import dataclasses
from detector.scan.options import ScanOptions
names = [f.name for f in dataclasses.fields(ScanOptions)]
defaults = list(ScanOptions.__init__.__defaults__)
small = {"chunk_size": 100, "verify_batch": 10}
ScanOptions.__init__.__defaults__ = tuple(small.get(n, d) for n, d in zip(names, defaults))
from detector.cli import app
app(prog_name="detector")
"""


def test_ctrl_c_stops_the_scan_with_130_and_resume_finishes_it(tmp_path: Path) -> None:
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it) during a scan.

    The input is a named pipe that the test keeps open and feeds slowly, so the scan is
    still running when the signal comes, whatever the machine's speed: it has
    checkpointed its first chunk of records and waits for more input.
    """
    articles = ARTICLES.read_text(encoding="utf-8").splitlines()[:60]
    lines = articles + _random_records(20_000, seed=3)
    fifo = tmp_path / "in.jsonl"
    os.mkfifo(fifo)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(REPO)}

    def detector(*args: str) -> list[str]:
        return [sys.executable, "-c", SMALL_CHUNKS, *args]

    proc = subprocess.Popen(
        detector("scan", str(fifo), "--out", str(out), "--quiet", "--jobs", "2"),
        cwd=REPO,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    done = out / ".scan-work" / "chunk-000000.done"
    sent = 0
    with fifo.open("w", encoding="utf-8") as pipe:
        while not done.exists() and proc.poll() is None and sent < len(lines) - 20:
            pipe.write("\n".join(lines[sent : sent + 20]) + "\n")
            pipe.flush()
            sent += 20
            time.sleep(0.05)
        assert done.exists() and proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        os.killpg(proc.pid, signal.SIGINT)
        try:
            _, stderr = proc.communicate(timeout=120)  # a hang detector, not a timing
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail("the scan did not stop on Ctrl-C")
    assert proc.returncode == 130
    assert stderr == "detector: interrupted\n"
    # The input, now a file: resume reads past the checkpointed chunk.
    fifo.unlink()
    fifo.write_text("\n".join(lines[:sent]) + "\n", encoding="utf-8")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(detector(*args), cwd=REPO, env=env, capture_output=True, text=True)

    refused = run("scan", str(fifo), "--out", str(out), "--quiet")
    assert refused.returncode == 2 and "unfinished scan" in refused.stderr
    resumed = run("scan", str(fifo), "--out", str(out), "--quiet", "--resume")
    assert resumed.returncode == 0, resumed.stderr
    fresh = run("scan", str(fifo), "--out", str(tmp_path / "fresh"), "--quiet")
    assert fresh.returncode == 0, fresh.stderr
    assert _outputs(out) == _outputs(tmp_path / "fresh")
    assert (out / "pairs.jsonl").read_text(encoding="utf-8")  # the articles' pairs are found
