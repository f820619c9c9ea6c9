"""The ``detector`` command line: parse, call the library, print.

Library errors (:class:`~detector.errors.DetectorError`) become one line on stderr
and the error's exit code; nothing here catches anything broader.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from .errors import DetectorError, InputError
from .readers import DEFAULT_MAX_BYTES

app = typer.Typer(
    name="detector",
    help="Find copies, syndicated edits, machine-spun and rewritten versions of news articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@contextmanager
def _errors_as_messages() -> Iterator[None]:
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
Rules = Annotated[
    bool,
    typer.Option("--rules", help="Use the documented rule-based verdict instead of the model."),
]


def _verdict_option(rules: bool) -> str:
    return "rules" if rules else "auto"


@app.command()
def compare(
    a: Annotated[str, typer.Argument(help="First article: a file path, or - for standard input.")],
    b: Annotated[str, typer.Argument(help="Second article: a file path, or - for standard input.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    no_lexicon: NoLexicon = False,
    rules: Rules = False,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
) -> None:
    """Compare two articles: verdict, score, the likely original and the evidence."""
    from .compare import compare as compare_texts
    from .readers import read_text

    with _errors_as_messages():
        if a == "-" and b == "-":
            raise InputError("only one of A and B can be - (standard input)")
        text_a = read_text(a, max_bytes=max_bytes)
        text_b = read_text(b, max_bytes=max_bytes)
        result = compare_texts(
            text_a, text_b, lexicon=not no_lexicon, verdict=_verdict_option(rules)
        )
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    from rich.console import Console

    from .render import render_comparison

    console = Console()
    for part in render_comparison(result, text_a, text_b, a_name=a, b_name=b):
        console.print(part)


@app.command()
def pairs(
    input_path: Annotated[
        str,
        typer.Argument(
            metavar="INPUT", help='JSON Lines of {"id", "a", "b"}; - for standard input.'
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write one result per line.")],
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=0, help="Worker processes; 0 = all cores.")
    ] = 0,
    no_lexicon: NoLexicon = False,
    rules: Rules = False,
) -> None:
    """Compare many pairs at once; a bad line gets an error record and the run goes on."""
    from .pairs import compare_jsonl

    with _errors_as_messages():
        if input_path == "-":
            source = sys.stdin.buffer
        else:
            path = Path(input_path)
            if not path.is_file():
                raise InputError(f"{input_path}: no such file")
            source = path.open("rb")
        try:
            with out.open("w", encoding="utf-8") as sink:
                done, errors = compare_jsonl(
                    source,
                    sink,
                    jobs=jobs or None,
                    lexicon=not no_lexicon,
                    verdict=_verdict_option(rules),
                )
        except OSError as exc:
            raise InputError(f"{out}: cannot write ({exc.strerror or exc})") from None
        finally:
            if source is not sys.stdin.buffer:
                source.close()
    typer.echo(f"{done} pairs: {done - errors} compared, {errors} with errors -> {out}", err=True)


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
