"""Docs that cannot rot: every CLI command has clean help and appears in the README, and
the README's shell examples run as written.

Every ``sh``, ``bash``, ``shell`` or ``console`` block of README.md runs, in order, in one
copy of the repository (so an archive made in one block is there for the next), and each
command must exit with status 0; for a few commands, key lines of the output are checked
too (:data:`KEY_OUTPUT`). In a ``console`` block the lines starting with ``$`` are the
commands; in the others every line is. An HTML comment on the line before a block can
say otherwise:

* ``<!-- doc-test: skip: REASON -->``: not run (the test is reported as skipped with the
  reason), for what cannot run here: installing, this very test suite, minutes of work;
* ``<!-- doc-test: server: REASON -->``: a server that runs until stopped; it is started
  on a free port, its first page is fetched, and it is stopped.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from detector.cli import app

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent

# ----------------------------------------------------------------------------- commands


def _commands(typer_app: typer.Typer, prefix: str = "") -> list[str]:
    names = []
    for command in typer_app.registered_commands:
        names.append(prefix + (command.name or command.callback.__name__.replace("_", "-")))  # type: ignore[union-attr]
    for group in typer_app.registered_groups:
        names.append(prefix + str(group.name))
        names.extend(_commands(group.typer_instance, prefix + f"{group.name} "))  # type: ignore[arg-type]
    return names


COMMANDS = _commands(app)


def test_the_cli_has_the_expected_commands():
    assert {"compare", "pairs", "spin", "eval", "train", "scan", "index add"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_help_and_is_in_the_readme(command):
    result = CliRunner().invoke(app, [*command.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output
    assert f"detector {command}" in README, f"README does not show 'detector {command}'"


#: What typer and click print in place of words: ``<bool>``, ``<str>``, ``<int range>``,
#: ``<list[str]>``, ``{a}``, ``{INPUT...}``, and range notes such as ``x>=1``.
PLACEHOLDER = re.compile(r"<[a-z][\w\[\] ]*>|\{[A-Za-z_.]+\}|\bx\s*[<>]=|<=\s*x\b")


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_reads_without_placeholders(command):
    result = CliRunner().invoke(app, [*command.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert not PLACEHOLDER.findall(result.output), result.output
    # Arguments are named as the usage line names them, in capitals.
    usage = result.output.split("\n", 1)[0]
    assert usage.startswith(f"Usage: detector {command}".rstrip()), usage
    for word in usage.split()[2 + len(command.split()) :]:
        assert word == word.upper(), usage


def test_readme_shows_the_two_commands_first():
    first_block = README.split("```")[1]
    assert "make demo" in first_block and "make test" in first_block


# ----------------------------------------------------------------------------- README blocks

SHELL = frozenset({"sh", "bash", "shell", "console"})
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
MARKER = re.compile(r"^<!--\s*doc-test:\s*(\w+)\s*(?::\s*(.*?))?\s*-->$")


@dataclass(frozen=True)
class Block:
    """One fenced block of the README, with the doc-test marker on the line before it."""

    line: int
    language: str
    body: str
    marker: str | None = None
    reason: str = ""

    def commands(self) -> list[tuple[str, list[str]]]:
        """Each command with the output lines the README shows under it."""
        found: list[tuple[str, list[str]]] = []
        prompt = self.language == "console"
        lines = iter(self.body.splitlines())
        for line in lines:
            if prompt and not line.startswith("$ "):
                if found:
                    found[-1][1].append(line)
                continue
            command = line[2:] if prompt else line
            while command.endswith("\\"):
                command = command[:-1] + next(lines, "")
            if command.strip() and not command.lstrip().startswith("#"):
                found.append((command.strip(), []))
        return found

    def name(self) -> str:
        first = self.commands()[0][0].split(" #")[0].strip() if self.commands() else ""
        return f"README line {self.line}: {first[:40] or self.language}"


def readme_blocks(text: str = README) -> list[Block]:
    """Every fenced block of ``text``, in order."""
    blocks = []
    for match in FENCE.finditer(text):
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1].strip()
        marker = MARKER.match(before)
        blocks.append(
            Block(
                line=text.count("\n", 0, match.start()) + 1,
                language=match.group(1).strip(),
                body=match.group(2),
                marker=marker.group(1) if marker else None,
                reason=(marker.group(2) or "") if marker else "",
            )
        )
    return blocks


BLOCKS = readme_blocks()
SHELL_BLOCKS = [b for b in BLOCKS if b.language in SHELL]

#: Commands whose output must show these lines (each also shown in the README under it).
KEY_OUTPUT: dict[str, list[str]] = {
    "detector compare corpus/seeds/000_6938627cd5ef1f07.txt "
    "corpus/seeds/001_7281db72b9a8aca8.txt": ["SPUN", "original: a"],
    "detector compare tests/articles/llm_rewrite.source.txt "
    "tests/articles/llm_rewrite_condensed.txt": ["REWRITE", "Rewritten in new words"],
    "detector pairs examples/pairs.jsonl --out results.jsonl": [
        "3 pairs: 2 compared, 1 with errors -> results.jsonl"
    ],
    "cut -c1-80 results.jsonl": [
        '{"id": "p1", "verdict": "spun"',
        '{"id": "p2", "verdict": "related"',
        '{"id": "p3", "line": 3, "error": "missing field(s): b"}',
    ],
    "detector eval corpus/pairs.jsonl --split test": ["217 pairs", "macro-F1", "derived F1"],
    "detector scan corpus/articles.jsonl --out out/scan": [
        "662 records read: 662 scanned, 0 rejected"
    ],
    "grep seed out/scan/pairs.jsonl": ['"a": "seed-000", "b": "seed-001", "verdict": "spun"'],
    "detector index add examples/wire.jsonl --db archive.db": [
        "19 added, 0 unchanged, 0 replaced, 0 rejected -> archive.db"
    ],
    # the feed's "published" and "headline" fields are read without options
    "detector index stats --db archive.db": ["articles: 19", "oldest: 2021-02-08"],
    "detector check corpus/seeds/001_7281db72b9a8aca8.txt --db archive.db --top 3": [
        "│ spun ",
        "│ Twitter seeks talks",
    ],
}


def test_every_block_names_its_language():
    """A bare fence would hide a command from this test: each block says what it holds."""
    bare = [b.line for b in BLOCKS if not b.language]
    assert bare == [], f"README blocks without a language at lines {bare}"


def test_markers_are_known_few_and_say_why():
    marked = [b for b in BLOCKS if b.marker]
    assert all(b.marker in ("skip", "server") for b in marked), marked
    assert all(b.language in SHELL for b in marked), "a doc-test marker on a block that never runs"
    assert all(b.reason for b in marked), "a doc-test marker without a reason"
    assert len([b for b in marked if b.marker == "skip"]) <= 3
    assert any(b.marker is None for b in SHELL_BLOCKS)


def test_key_outputs_are_readme_commands_and_shown_there():
    shown = {command: output for b in SHELL_BLOCKS for command, output in b.commands()}
    for command, lines in KEY_OUTPUT.items():
        assert command in shown, f"not a README command: {command}"
        for line in lines:
            assert any(line in out for out in shown[command]), (command, line)


def test_examples_are_made_from_the_corpus(tmp_path: Path) -> None:
    script = REPO / "scripts" / "make_examples.py"
    subprocess.run(
        [sys.executable, str(script), "--out", str(tmp_path)], check=True, capture_output=True
    )
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == sorted(p.name for p in (REPO / "examples").iterdir())
    for name in made:
        assert (tmp_path / name).read_bytes() == (REPO / "examples" / name).read_bytes(), name


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of the repository, without the virtual environment and the build outputs."""
    copy = tmp_path_factory.mktemp("readme") / "repo"
    ignore = shutil.ignore_patterns(
        ".git",
        ".venv",
        "build",
        "dist",
        "out",
        "__pycache__",
        ".*cache",
        ".hypothesis",
        "*.egg-info",
    )
    shutil.copytree(REPO, copy, ignore=ignore)
    yield copy


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["COLUMNS"] = "100"  # the width of the README's examples
    env.pop("DETECTOR_TOKEN", None)
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(command: str, cwd: Path) -> str:
    """Start a server command on a free port, fetch its first page, stop it; its output."""
    port = _free_port()
    command = re.sub(r"\s--port[ =]\d+", "", command) + f" --port {port}"
    server = subprocess.Popen(
        ["bash", "-c", f"exec {command}"],
        cwd=cwd,
        env=_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        for _ in range(600):
            if server.poll() is not None:
                break
            try:
                with opener.open(f"http://127.0.0.1:{port}/", timeout=10) as response:
                    assert response.status == 200
                    assert "<form" in response.read().decode("utf-8")
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail(f"{command}: no answer on port {port}")
    finally:
        server.terminate()
        try:
            output, _ = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            output, _ = server.communicate()
    assert server.returncode in (0, -15), output  # stopped by our SIGTERM
    return output


@pytest.mark.slow
@pytest.mark.parametrize("block", SHELL_BLOCKS, ids=[b.name() for b in SHELL_BLOCKS])
def test_readme_block_runs(block: Block, workdir: Path) -> None:
    if block.marker == "skip":
        pytest.skip(f"{block.name()}: {block.reason}")
    if not (BIN / "detector").exists():
        pytest.skip(f"the detector command is not installed beside {sys.executable}")
    for command, _ in block.commands():
        if block.marker == "server":
            output = _serve(command, workdir)
        else:
            done = subprocess.run(
                ["bash", "-c", command],
                cwd=workdir,
                env=_environment(),
                capture_output=True,
                text=True,
                timeout=900,
            )
            output = done.stdout + done.stderr
            assert done.returncode == 0, f"$ {command}\n{output}"
        for line in KEY_OUTPUT.get(command, []):
            assert line in output, f"$ {command}\n{output}"
