"""``detector compare`` and ``detector pairs``: two articles, or many pairs at once."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from detector.cli.options import (
    DEFAULT_MAX_BYTES,
    Jobs,
    MaxBytes,
    NoLexicon,
    Rules,
    errors_as_messages,
    shown_name,
    verdict_option,
)
from detector.errors import InputError

__all__ = ["compare", "pairs"]


def compare(
    a: Annotated[
        str,
        typer.Argument(metavar="A", help="First article: a file path, or - for standard input."),
    ],
    b: Annotated[
        str,
        typer.Argument(metavar="B", help="Second article: a file path, or - for standard input."),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    no_lexicon: NoLexicon = False,
    rules: Rules = False,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
    html: Annotated[
        Path | None,
        typer.Option("--html", metavar="FILE", help="Also write the side-by-side HTML report."),
    ] = None,
) -> None:
    """Compare two articles: verdict, score, the likely original and the evidence."""
    from detector.compare.pipeline import compare as compare_texts
    from detector.inputs.text import read_text

    with errors_as_messages():
        if a == "-" and b == "-":
            raise InputError("only one of A and B can be - (standard input)")
        text_a = read_text(a, max_bytes=max_bytes)
        text_b = read_text(b, max_bytes=max_bytes)
        result = compare_texts(
            text_a, text_b, lexicon=not no_lexicon, verdict=verdict_option(rules)
        )
        if html:
            from detector.report.comparison import write_comparison_html

            write_comparison_html(
                html, result, text_a, text_b, a_name=shown_name(a), b_name=shown_name(b)
            )
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    from rich.console import Console

    from detector.report.terminal import render_comparison

    console = Console()
    for part in render_comparison(
        result, text_a, text_b, a_name=shown_name(a), b_name=shown_name(b)
    ):
        console.print(part)


def pairs(
    input_path: Annotated[
        str,
        typer.Argument(
            metavar="INPUT", help='JSON Lines of {"id", "a", "b"}; - for standard input.'
        ),
    ],
    out: Annotated[
        Path,
        typer.Option("--out", "-o", metavar="FILE", help="Where to write one result per line."),
    ],
    articles_path: Annotated[
        Path | None,
        typer.Option(
            "--articles",
            metavar="FILE",
            help='JSON Lines of {"id", "text"}: "a" and "b" that are ids here are looked up.',
        ),
    ] = None,
    jobs: Jobs = 0,
    no_lexicon: NoLexicon = False,
    rules: Rules = False,
) -> None:
    """Compare many pairs at once; a bad line gets an error record and the run goes on."""
    from detector.compare.batch import pair_records, write_results

    with errors_as_messages():
        articles = None
        if articles_path is not None:
            from detector.lab.corpus import load_articles

            articles = {
                article_id: article["text"]
                for article_id, article in load_articles(articles_path).items()
            }
        if input_path == "-":
            source = sys.stdin.buffer
            name = "standard input"
        else:
            path = Path(input_path)
            if not path.is_file():
                raise InputError(f"{input_path}: no such file")
            source = path.open("rb")
            name = input_path
        try:
            records = pair_records(
                source, name=name, articles=articles, articles_name=str(articles_path)
            )
            with out.open("w", encoding="utf-8") as sink:
                done, errors = write_results(
                    records,
                    sink,
                    jobs=jobs or None,
                    lexicon=not no_lexicon,
                    verdict=verdict_option(rules),
                )
        except OSError as exc:
            raise InputError(f"{out}: cannot write ({exc.strerror or exc})") from None
        finally:
            if source is not sys.stdin.buffer:
                source.close()
    typer.echo(f"{done} pairs: {done - errors} compared, {errors} with errors -> {out}", err=True)
