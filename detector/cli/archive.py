"""The archive commands: ``detector index ...``, ``detector check`` and ``detector serve``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from detector.cli.options import (
    DEFAULT_MAX_BYTES,
    ArchiveDb,
    Command,
    DateField,
    IdField,
    MaxBytes,
    NoLexicon,
    SourceField,
    TextField,
    TitleField,
    errors_as_messages,
    field_map,
    shown_name,
)
from detector.errors import DetectorError, InputError

if TYPE_CHECKING:
    from detector.archive.vectors import EmbeddingCoverage

__all__ = ["check", "index_app", "serve"]

index_app = typer.Typer(
    help="Keep an archive of published articles to check suspects against.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _existing_archive(db: Path) -> None:
    if not db.exists():
        raise InputError(f"{db}: no such archive")


@index_app.command("add", cls=Command)
def index_add(
    inputs: Annotated[
        list[str],
        typer.Argument(
            metavar="INPUT...",
            help="JSON Lines (- for standard input), CSV, Parquet, WARC files, or folders of "
            ".txt/.html/.json.",
        ),
    ],
    db: ArchiveDb,
    id_field: IdField = "id",
    text_field: TextField = "text",
    title_field: TitleField = "title",
    date_field: DateField = "date",
    source_field: SourceField = "source",
    batch: Annotated[
        int, typer.Option("--batch", min=1, metavar="N", help="Records per transaction.")
    ] = 500,
) -> None:
    """Add articles to the archive (created if missing); re-adding the same records is a no-op."""
    from detector.archive.store import Archive
    from detector.inputs.records import iter_records, missing_inputs

    with errors_as_messages():
        missing = missing_inputs(inputs)
        if missing:
            raise InputError(f"{missing[0]}: no such file or directory")
        fields = field_map(id_field, text_field, title_field, date_field, source_field)
        with Archive(db) as archive:
            result = archive.add(iter_records(inputs, fields=fields), batch=batch)
            coverage = archive.embedding_coverage()
        for r in result.rejected:
            where = f"{r.file}:{r.location}" if r.location else r.file
            typer.echo(f"rejected: {where}: {r.reason}", err=True)
        if not (result.added or result.unchanged or result.replaced):
            shown = ", ".join(inputs[:3])
            raise InputError(
                f"no records in {shown}"
                if not result.rejected
                else f"no record could be read from {shown}: all {len(result.rejected)} rejected"
            )
    typer.echo(
        f"{result.added} added, {result.unchanged} unchanged, {result.replaced} replaced, "
        f"{len(result.rejected)} rejected -> {db}",
        err=True,
    )
    if note := _embedding_note(coverage, db):
        typer.echo(note, err=True)


def _embedding_note(coverage: EmbeddingCoverage, db: Path) -> str | None:
    """A line for stderr when the semantic channel cannot see every archived article."""
    if coverage.current is None:
        return None
    if not coverage.active:
        return (
            f"note: the embeddings in {db} are of another model ({coverage.model}); the "
            f"semantic channel is off until: detector index embed --db {db}"
        )
    if not coverage.missing:
        return None
    return (
        f"note: {coverage.missing} of {coverage.articles} archived article(s) have no "
        f"embedding, so only their wording can find them; compute them with: "
        f"detector index embed --db {db}"
    )


@index_app.command("stats", cls=Command)
def index_stats(
    db: ArchiveDb,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Articles, band rows, file size, sources and date range of the archive."""
    from detector.archive.store import Archive

    with errors_as_messages(), Archive(db, readonly=True) as archive:
        stats = archive.stats()
    if as_json:
        typer.echo(json.dumps(stats, indent=2))
        return
    for key, value in stats.items():
        typer.echo(f"{key.replace('_', ' ')}: {value if value is not None else '-'}")


@index_app.command("remove", cls=Command)
def index_remove(
    article_id: Annotated[str, typer.Argument(metavar="ID", help="Id of the article to remove.")],
    db: ArchiveDb,
) -> None:
    """Remove one article from the archive."""
    from detector.archive.store import Archive

    with errors_as_messages():
        _existing_archive(db)
        with Archive(db) as archive:
            removed = archive.remove(article_id)
        if not removed:
            raise DetectorError(f"{article_id!r} is not in {db}")
    typer.echo(f"removed {article_id!r} from {db}", err=True)


@index_app.command("embed", cls=Command)
def index_embed(
    db: ArchiveDb,
    batch: Annotated[
        int, typer.Option("--batch", min=1, metavar="N", help="Articles per transaction.")
    ] = 500,
) -> None:
    """Compute the document embeddings the semantic channel of check needs (semantic extra)."""
    from detector.archive.store import Archive

    with errors_as_messages():
        _existing_archive(db)
        with Archive(db) as archive:
            done = archive.embed(batch=batch)
            coverage = archive.embedding_coverage()
    typer.echo(
        f"{done} article(s) embedded; {coverage.embedded} of {coverage.articles} have an "
        f"embedding in {db}",
        err=True,
    )


@index_app.command("reindex", cls=Command)
def index_reindex(db: ArchiveDb) -> None:
    """Recompute every article's fingerprints (after an upgrade changed how they are made)."""
    from detector.archive.store import Archive

    with errors_as_messages():
        _existing_archive(db)
        with Archive(db) as archive:
            done = archive.reindex()
    typer.echo(f"{done} article(s) reindexed in {db}", err=True)


def _numbered(path: Path, n: int) -> Path:
    return path.with_name(f"{path.stem}-{n}{path.suffix}")


def check(
    suspects: Annotated[
        list[str],
        typer.Argument(metavar="SUSPECT...", help="Articles to check: file paths, - for stdin."),
    ],
    db: ArchiveDb,
    top: Annotated[
        int, typer.Option("--top", min=1, metavar="N", help="Matches shown per suspect.")
    ] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print the matches as JSON.")] = False,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html",
            metavar="FILE",
            help="Write the side-by-side report of the best match (FILE-1, FILE-2... for several suspects).",
        ),
    ] = None,
    no_lexicon: NoLexicon = False,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
) -> None:
    """Check suspect articles against the archive: copies, spun copies and rewrites found."""
    from detector.archive.store import Archive
    from detector.inputs.text import read_text
    from detector.report.comparison import write_comparison_html

    results = []
    with errors_as_messages():
        if suspects.count("-") > 1:
            raise InputError("only one SUSPECT can be - (standard input)")
        texts = [read_text(s, max_bytes=max_bytes) for s in suspects]
        with Archive(db, readonly=True) as archive:
            for name, text in zip(suspects, texts, strict=True):
                results.append((name, text, archive.check(text, top=top, lexicon=not no_lexicon)))
            coverage = archive.embedding_coverage()
        if note := _embedding_note(coverage, db):
            typer.echo(note, err=True)
        if html is not None:
            for n, (name, text, matches) in enumerate(results, start=1):
                if not matches:
                    typer.echo(f"{name}: no match, no HTML report", err=True)
                    continue
                best = matches[0]
                target = html if len(results) == 1 else _numbered(html, n)
                write_comparison_html(
                    target,
                    best.comparison,
                    text,
                    best.article.text,
                    a_name=shown_name(name),
                    b_name=best.article.label,
                )
    if as_json:
        # The semantic figures only with the extra, so that without it the output is as it was.
        semantic = {"semantic": coverage.to_dict()} if coverage.current is not None else {}
        out = [
            {"suspect": name, "matches": [m.to_dict() for m in matches], **semantic}
            for name, _, matches in results
        ]
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    sides = {"a": "suspect", "b": "archived"}
    for name, _, matches in results:
        if not matches:
            console.print(f"{name}: no copy found in the archive")
            continue
        table = Table(title=f"{name}: {len(matches)} match(es)")
        for col in ("rank", "id", "verdict", "score", "original", "title", "date"):
            table.add_column(
                col, justify="right" if col in ("rank", "score") else "left", overflow="fold"
            )
        for rank, m in enumerate(matches, start=1):
            table.add_row(
                str(rank),
                m.article.id,
                m.comparison.verdict,
                f"{m.comparison.score:.3f}",
                sides.get(m.comparison.original or "", "-"),
                m.article.shown_title or "",
                m.article.date or "",
            )
        console.print(table)


def serve(
    db: Annotated[
        Path | None,
        typer.Option(
            "--db", metavar="FILE", help="The archive database to check against and add to."
        ),
    ] = None,
    scan_out: Annotated[
        Path | None,
        typer.Option(
            "--scan",
            metavar="OUT",
            help="A scan's output folder (detector scan ... --out OUT) to browse under /scan.",
        ),
    ] = None,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            metavar="ADDRESS",
            help="Address to listen on; 127.0.0.1 keeps it on this machine.",
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, metavar="N", help="Port to listen on.")
    ] = 8000,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            metavar="N",
            help="Processes that run checks and comparisons (default: one per core; "
            "1 runs them in the server's own process).",
        ),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            metavar="TOKEN",
            envvar="DETECTOR_TOKEN",
            show_envvar=True,
            help="Bearer token required for writes (POST /api/articles), or for every "
            "request with --token-for read.",
        ),
    ] = None,
    token_for: Annotated[
        str,
        typer.Option(
            "--token-for",
            metavar="write|read",
            help="write: the token guards writes only; read: every request needs it "
            "(browsers sign in once and keep it in a cookie).",
        ),
    ] = "write",
) -> None:
    """Serve the editors' pages, the scan browser and the JSON API (docs at /docs); needs the web extra."""
    import importlib.util
    import os

    from detector.errors import ConfigError

    with errors_as_messages():
        if db is None and scan_out is None:
            raise InputError("serve needs --db ARCHIVE, --scan OUT, or both")
        if db is not None and not db.is_file():
            raise InputError(
                f"{db}: no such archive (make one with: detector index add --db {db} ...)"
            )
        if token_for not in ("write", "read"):
            raise ConfigError(f"--token-for must be 'write' or 'read', got {token_for!r}")
        if token_for == "read" and not token:
            raise ConfigError("--token-for read needs a token (--token or DETECTOR_TOKEN)")
        needed = ("fastapi", "uvicorn")
        missing = [m for m in needed if importlib.util.find_spec(m) is None]
        if not any(importlib.util.find_spec(m) for m in ("python_multipart", "multipart")):
            missing.append("python-multipart")
        if missing:
            raise ConfigError(
                f"the web server needs {', '.join(missing)}: pip install 'detector[web]'"
            )
        import uvicorn

        from detector.web.app import create_app, is_loopback
        from detector.web.workers import Workers

        pool = Workers(workers or os.cpu_count() or 1)
        application = create_app(
            db, scan=scan_out, token=token or None, token_for=token_for, workers=pool
        )
    if not is_loopback(host) and not token:
        typer.echo(
            f"detector: warning: listening on {host} without a token: anyone who can reach "
            "it can add articles (use --token or DETECTOR_TOKEN)",
            err=True,
        )
    uvicorn.run(application, host=host, port=port, log_level="info")
