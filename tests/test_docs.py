"""Docs that cannot rot: every CLI command has help text and appears in the README."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from detector.cli import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _commands(typer_app: typer.Typer, prefix: str = "") -> list[str]:
    names = []
    for command in typer_app.registered_commands:
        names.append(prefix + (command.name or command.callback.__name__.replace("_", "-")))  # type: ignore[union-attr]
    for group in typer_app.registered_groups:
        names.extend(_commands(group.typer_instance, prefix + f"{group.name} "))  # type: ignore[arg-type]
    return names


COMMANDS = _commands(app)


def test_the_cli_has_the_expected_commands():
    assert {"compare", "pairs", "spin", "eval", "train", "scan"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_help_and_is_in_the_readme(command):
    result = CliRunner().invoke(app, [*command.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output
    assert f"detector {command}" in README, f"README does not show 'detector {command}'"


def test_readme_shows_the_two_commands_first():
    first_block = README.split("```")[1]
    assert "make demo" in first_block and "make test" in first_block
