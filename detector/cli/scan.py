"""``detector scan``: copies, spun and rewritten versions across a whole corpus."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from detector.cli.options import (
    DEFAULT_MAX_BYTES,
    DateField,
    IdField,
    Jobs,
    MaxBytes,
    NoLexicon,
    SourceField,
    TextField,
    TitleField,
    errors_as_messages,
    field_map,
)
from detector.errors import ConfigError

__all__ = ["scan"]


def scan(
    inputs: Annotated[
        list[str],
        typer.Argument(
            metavar="INPUT...",
            help="JSON Lines (.jsonl, .jsonl.gz; - for standard input), CSV, Parquet, WARC files, "
            "or folders of .txt/.html/.json.",
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", metavar="DIR", help="Output folder.")],
    jobs: Jobs = 0,
    engine: Annotated[
        str, typer.Option("--engine", metavar="local|dask", help="Where the work runs.")
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler", metavar="ADDRESS", help="Dask scheduler address, with --engine dask."
        ),
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Finish an interrupted scan in the same folder.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the results of an earlier scan in OUT.")
    ] = False,
    keep_work: Annotated[
        bool,
        typer.Option(
            "--keep-work", help="Keep OUT/.scan-work (checkpoints, texts) after a finished scan."
        ),
    ] = False,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
    output_format: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            metavar="parquet|csv",
            help="Also write pairs and clusters in this format (may be repeated).",
        ),
    ] = None,
    id_field: IdField = "id",
    text_field: TextField = "text",
    title_field: TitleField = "title",
    date_field: DateField = "date",
    source_field: SourceField = "source",
    copy_threshold: Annotated[
        float,
        typer.Option(
            "--copy-threshold", metavar="0..1", help="Word 5-gram Jaccard for copy candidates."
        ),
    ] = 0.5,
    spin_threshold: Annotated[
        float,
        typer.Option(
            "--spin-threshold",
            metavar="0..1",
            help="Skeleton 6-gram Jaccard for spun candidates.",
        ),
    ] = 0.2,
    passages: Annotated[
        bool,
        typer.Option(
            "--passages/--no-passages",
            help="Also look for passages lifted into longer texts (the passage channel).",
        ),
    ] = True,
    rewrites: Annotated[
        bool,
        typer.Option(
            "--rewrites/--no-rewrites",
            help="Also make candidates of texts sharing their names and numbers, to find "
            "human rewrites; on wire copy most such candidates are templated stories.",
        ),
    ] = False,
    semantic: Annotated[
        bool | None,
        typer.Option(
            "--semantic/--no-semantic",
            help="Also make candidates of texts whose prose means the same in other words "
            "(nearest neighbours of sentence embeddings), for rewrites that share no words "
            "in a row. Default: on when the semantic extra is installed.",
            show_default=False,
        ),
    ] = None,
    no_lexicon: NoLexicon = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
) -> None:
    """Find copies, syndicated edits, spun and rewritten versions across a corpus.

    Writes pairs.jsonl, clusters.jsonl, documents.jsonl, rejected.jsonl, summary.json and report.html to OUT.
    """
    from detector.parallel import make_engine, running
    from detector.scan.options import ScanOptions
    from detector.scan.pipeline import scan as run_scan
    from detector.scan.semantic import channel_available

    with errors_as_messages():
        if semantic is None:
            semantic = channel_available()
        elif semantic and not channel_available():
            raise ConfigError(
                "--semantic needs the semantic extra (pip install 'detector[semantic]') "
                "and DETECTOR_SEMANTIC not set to 0"
            )
        options = ScanOptions(
            copy_threshold=copy_threshold,
            spin_threshold=spin_threshold,
            lexicon=not no_lexicon,
            max_bytes=max_bytes,
            passage_channel=passages,
            entity_channel=rewrites,
            semantic_channel=semantic,
            fields=field_map(id_field, text_field, title_field, date_field, source_field),
        )
        show = not quiet and sys.stderr.isatty()
        with (
            running(make_engine(engine, jobs=jobs or None, scheduler=scheduler)) as runner,
            _progress_display(show) as progress,
        ):
            result = run_scan(
                inputs,
                out,
                options=options,
                engine=runner,
                resume=resume,
                force=force,
                keep_work=keep_work,
                progress=progress,
                formats=output_format or (),
            )
    s = result.summary
    typer.echo(
        f"{s['records_read']} records read: {s['records_scanned']} scanned, {s['records_rejected']} rejected; "
        f"{s['pairs']} pairs in {s['clusters']} clusters -> {out}",
        err=True,
    )


@contextmanager
def _progress_display(show: bool) -> Iterator[Callable[[str, int, int | None], None] | None]:
    """A progress bar with a rate per stage on stderr (stdout stays free), or None."""
    if not show:
        yield None
        return
    import time

    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
    )

    started: dict[str, float] = {}
    tasks: dict[str, TaskID] = {}
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        transient=False,
        console=Console(stderr=True),
    ) as bar:

        def progress(stage: str, done: int, total: int | None) -> None:
            if stage not in tasks:
                started[stage] = time.perf_counter()
                tasks[stage] = bar.add_task(stage, total=total, rate="")
            elapsed = max(time.perf_counter() - started[stage], 1e-9)
            unit = "records/s" if stage == "read" else "pairs/s"
            bar.update(
                tasks[stage], completed=done, total=total, rate=f"{done / elapsed:,.0f} {unit}"
            )

        yield progress
