"""The ``detector`` command line: parse, call the library, print.

One module per command group: :mod:`~detector.cli.compare` (compare, pairs),
:mod:`~detector.cli.lab` (spin, eval, train), :mod:`~detector.cli.scan` (scan) and
:mod:`~detector.cli.archive` (index, check, serve). They share the option aliases and
the one error handler of :mod:`~detector.cli.options`: library errors
(:class:`~detector.errors.DetectorError`) become one line on stderr and the error's
exit code; nothing here catches anything broader.
"""

from __future__ import annotations

import typer

from detector.cli import archive, compare, lab, scan
from detector.cli.options import Command

__all__ = ["app", "main"]

# Plain help (rich_markup_mode=None) through Command: no type placeholders.
app = typer.Typer(
    name="detector",
    help="Find copies, syndicated edits, machine-spun and rewritten versions of news articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.command(cls=Command)(compare.compare)
app.command(cls=Command)(compare.pairs)
app.command(cls=Command)(lab.spin)
app.command("eval", cls=Command)(lab.evaluate)
app.command(cls=Command)(lab.train)
app.command(cls=Command)(scan.scan)
app.command(cls=Command)(archive.serve)
app.command(cls=Command)(archive.check)
app.add_typer(archive.index_app, name="index")


def main() -> None:  # pragma: no cover - console entry point
    app()
