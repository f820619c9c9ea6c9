"""What the commands share: option aliases, the field map options, and the one error handler.

Library errors (:class:`~detector.errors.DetectorError`) become one line on stderr
and the error's exit code; nothing here catches anything broader.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand

from detector.errors import DetectorError
from detector.inputs.fields import FIELD_ALIASES
from detector.inputs.text import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    from detector.inputs.records import FieldMap

__all__ = [
    "DEFAULT_MAX_BYTES",
    "ArchiveDb",
    "Command",
    "DateField",
    "IdField",
    "Jobs",
    "MaxBytes",
    "NoLexicon",
    "Rules",
    "SourceField",
    "TextField",
    "TitleField",
    "errors_as_messages",
    "field_map",
    "shown_name",
    "verdict_option",
]


@contextmanager
def errors_as_messages() -> Iterator[None]:
    """Turn a library error into ``detector: error: ...`` on stderr and its exit code."""
    try:
        yield
    except DetectorError as exc:
        typer.echo(f"detector: error: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        typer.echo("detector: interrupted", err=True)
        raise typer.Exit(130) from None


class Command(TyperCommand):
    """A command whose ``--help`` reads as plain text.

    Arguments are shown by name as the usage line writes them (``A B``, ``INPUT...``),
    options that take a value by their metavar (``--out DIR``), flags bare: no type
    placeholders such as ``<str>``, ``<bool>`` or ``{a}``. Used with
    ``rich_markup_mode=None``, so the page is click's plain layout.
    """

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument" and not getattr(param, "hidden", False):
                pieces.append(_argument_usage(param))
        return pieces

    def get_short_help_str(self, limit: int = 45) -> str:
        """The first paragraph of the help, whole: the command list wraps it, never cuts it."""
        text = self.short_help or (self.help or "").split("\n\n")[0]
        return " ".join(text.split())

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments, options = [], []
        for param in self.get_params(ctx):
            if getattr(param, "hidden", False):
                continue
            if param.param_type_name == "argument":
                arguments.append((_argument_name(param), getattr(param, "help", None) or ""))
            elif (record := param.get_help_record(ctx)) is not None:
                options.append((record[0], without_range(record[1])))
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


# click's description of a number range: "x>=1", "0.0<=x<=1.0" (the metavar says it).
_RANGE = re.compile(r"(?:; )?(?:-?[\d.]+<=?x(?:<=?-?[\d.]+)?|x[<>]=?-?[\d.]+)(?=[;\]])")


def without_range(help_text: str) -> str:
    """An option's help without click's ``x>=1`` range notes (the metavar names the values).

    Examples
    --------
    >>> without_range("Matches shown.  [default: 5; x>=1]")
    'Matches shown.  [default: 5]'
    >>> without_range("Share.  [default: 0.5; 0.0<=x<=1.0]"), without_range("Port.  [x>=1]")
    ('Share.  [default: 0.5]', 'Port.')
    >>> without_range("Name.  [default: x]")
    'Name.  [default: x]'
    """
    text = _RANGE.sub("", help_text).replace("[; ", "[")
    return text.replace("  []", "").replace("[]", "").rstrip()


def _argument_name(param: Any) -> str:
    """``INPUT...`` for an argument that takes many values, else its metavar or NAME."""
    name = str(param.metavar or param.name.upper())
    return name if param.nargs == 1 or name.endswith("...") else f"{name}..."


def _argument_usage(param: Any) -> str:
    name = _argument_name(param)
    return name if param.required else f"[{name}]"


MaxBytes = Annotated[
    int,
    typer.Option(
        "--max-bytes", min=1, metavar="BYTES", help="Refuse inputs larger than this many bytes."
    ),
]
NoLexicon = Annotated[
    bool, typer.Option("--no-lexicon", help="Do not use the WordNet synonym lexicon as evidence.")
]
Jobs = Annotated[
    int,
    typer.Option("--jobs", "-j", min=0, metavar="N", help="Worker processes; 0 = all cores."),
]
# Field options shared by every command that reads records (scan, index add).


def _field_option(part: str, what: str) -> Any:
    """The ``--PART-field`` option; its help names the standard field and its aliases."""
    aliases = FIELD_ALIASES[part]
    tried = part
    if aliases:
        others = ", ".join(aliases[:-1]) + (" or " if len(aliases) > 1 else "") + aliases[-1]
        tried += f", else {others}"
    return typer.Option(
        f"--{part}-field",
        metavar="NAME",
        show_default=False,
        help=f"Field holding {what} (default: {tried}).",
    )


IdField = Annotated[str, _field_option("id", "the record id")]
TextField = Annotated[str, _field_option("text", "the article text")]
TitleField = Annotated[str, _field_option("title", "the headline")]
DateField = Annotated[str, _field_option("date", "the publication date")]
SourceField = Annotated[str, _field_option("source", "the source name")]
Rules = Annotated[
    bool,
    typer.Option("--rules", help="Use the documented rule-based verdict instead of the model."),
]
ArchiveDb = Annotated[Path, typer.Option("--db", metavar="FILE", help="The archive file (SQLite).")]


def shown_name(path: str) -> str:
    """How a report names an input given on the command line: its path, or standard input."""
    return "standard input" if path == "-" else path


def verdict_option(rules: bool) -> str:
    """The ``verdict`` argument of the library for ``--rules``."""
    return "rules" if rules else "auto"


def field_map(id_field: str, text_field: str, title: str, date: str, source: str) -> FieldMap:
    """The :class:`FieldMap` of the ``--*-field`` options."""
    from detector.inputs.records import FieldMap

    return FieldMap(id=id_field, text=text_field, title=title, date=date, source=source)
