"""What the commands share: option aliases, the field map options, and the one error handler.

Library errors (:class:`~detector.errors.DetectorError`) become one line on stderr
and the error's exit code; nothing here catches anything broader.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from detector.errors import DetectorError
from detector.inputs.text import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    from detector.inputs.records import FieldMap

__all__ = [
    "DEFAULT_MAX_BYTES",
    "ArchiveDb",
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


MaxBytes = Annotated[
    int, typer.Option("--max-bytes", min=1, help="Refuse inputs larger than this many bytes.")
]
NoLexicon = Annotated[
    bool, typer.Option("--no-lexicon", help="Do not use the WordNet synonym lexicon as evidence.")
]
Jobs = Annotated[int, typer.Option("--jobs", "-j", min=0, help="Worker processes; 0 = all cores.")]
# Field options shared by every command that reads records (scan, index add).
IdField = Annotated[str, typer.Option("--id-field", help="Field holding the record id.")]
TextField = Annotated[str, typer.Option("--text-field", help="Field holding the article text.")]
TitleField = Annotated[str, typer.Option("--title-field", help="Field holding the headline.")]
DateField = Annotated[str, typer.Option("--date-field", help="Field holding the publication date.")]
SourceField = Annotated[str, typer.Option("--source-field", help="Field holding the source name.")]
Rules = Annotated[
    bool,
    typer.Option("--rules", help="Use the documented rule-based verdict instead of the model."),
]
ArchiveDb = Annotated[Path, typer.Option("--db", help="The archive file (SQLite).")]


def verdict_option(rules: bool) -> str:
    """The ``verdict`` argument of the library for ``--rules``."""
    return "rules" if rules else "auto"


def field_map(id_field: str, text_field: str, title: str, date: str, source: str) -> FieldMap:
    """The :class:`FieldMap` of the ``--*-field`` options."""
    from detector.inputs.records import FieldMap

    return FieldMap(id=id_field, text=text_field, title=title, date=date, source=source)
