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

from detector.errors import DetectorError, InputError
from detector.inputs.text import DEFAULT_MAX_BYTES

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
    html: Annotated[
        Path | None, typer.Option("--html", help="Also write the side-by-side HTML report.")
    ] = None,
) -> None:
    """Compare two articles: verdict, score, the likely original and the evidence."""
    from detector.compare.pipeline import compare as compare_texts
    from detector.inputs.text import read_text

    with _errors_as_messages():
        if a == "-" and b == "-":
            raise InputError("only one of A and B can be - (standard input)")
        text_a = read_text(a, max_bytes=max_bytes)
        text_b = read_text(b, max_bytes=max_bytes)
        result = compare_texts(
            text_a, text_b, lexicon=not no_lexicon, verdict=_verdict_option(rules)
        )
        if html:
            from detector.report.comparison import write_comparison_html

            write_comparison_html(html, result, text_a, text_b, a_name=a, b_name=b)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    from rich.console import Console

    from detector.report.terminal import render_comparison

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
    jobs: Jobs = 0,
    no_lexicon: NoLexicon = False,
    rules: Rules = False,
) -> None:
    """Compare many pairs at once; a bad line gets an error record and the run goes on."""
    from detector.compare.batch import compare_jsonl

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


@app.command()
def spin(
    file: Annotated[
        str, typer.Argument(help="The article to spin: a file path, or - for standard input.")
    ],
    strength: Annotated[
        float,
        typer.Option(
            "--strength", min=0.0, max=1.0, help="Share of eligible words to replace, 0..1."
        ),
    ] = 0.5,
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed: the same seed gives the same output.")
    ] = 0,
    thesaurus: Annotated[
        str,
        typer.Option(
            "--thesaurus", help="Synonym source: 'wordnet' (shipped) or 'moby' (corpus table)."
        ),
    ] = "wordnet",
    thesaurus_file: Annotated[
        Path | None, typer.Option("--thesaurus-file", help="Path of the Moby table (moby.tsv.gz).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the text and the substitutions as JSON.")
    ] = False,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
) -> None:
    """Spin an article the way content-farm spinners do (to make test data or show editors).

    Words and short phrases are replaced in place by thesaurus synonyms, blind to
    context; names and numbers are kept.
    """
    from detector.errors import ConfigError
    from detector.inputs.text import read_text
    from detector.lab.spinner import DEFAULT_MOBY_PATH, MobyThesaurus, WordNetThesaurus
    from detector.lab.spinner import spin as spin_text

    with _errors_as_messages():
        text = read_text(file, max_bytes=max_bytes)
        source: MobyThesaurus | WordNetThesaurus
        if thesaurus == "wordnet":
            source = WordNetThesaurus()
        elif thesaurus == "moby":
            path = thesaurus_file or DEFAULT_MOBY_PATH
            if not Path(path).is_file():
                raise InputError(f"Moby thesaurus table not found at {path}; pass --thesaurus-file")
            source = MobyThesaurus.from_path(path)
        else:
            raise ConfigError(f"--thesaurus must be 'wordnet' or 'moby', got {thesaurus!r}")
        result = spin_text(text, strength=strength, seed=seed, thesaurus=source)
    if as_json:
        subs = [{"original": o, "replacement": r, "start": i} for o, r, i in result.substitutions]
        typer.echo(
            json.dumps({"text": result.text, "substitutions": subs}, ensure_ascii=False, indent=2)
        )
    else:
        typer.echo(result.text, nl=not result.text.endswith("\n"))


@app.command("eval")
def evaluate(
    pairs_path: Annotated[
        Path,
        typer.Argument(metavar="PAIRS", help='Labelled pairs, JSON Lines of {"a", "b", "label"}.'),
    ],
    split: Annotated[str | None, typer.Option("--split", help="Only pairs of this split.")] = None,
    articles: Annotated[
        Path | None,
        typer.Option("--articles", help="Articles by id (default: articles.jsonl beside PAIRS)."),
    ] = None,
    model: Annotated[
        Path | None, typer.Option("--model", help="A verdict model artifact to use.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    jobs: Jobs = 0,
    no_lexicon: NoLexicon = False,
    rules: Rules = False,
) -> None:
    """Measure the detector on labelled pairs: per-label P/R/F1, macro-F1, derived F1, confusion."""
    from detector.lab.corpus import iter_pairs, load_articles
    from detector.lab.evaluate import run_pairs, score_predictions, spinner_group

    with _errors_as_messages():
        if not pairs_path.is_file():
            raise InputError(f"{pairs_path}: no such file")
        articles_path = articles or pairs_path.parent / "articles.jsonl"
        index = load_articles(articles_path) if articles_path.is_file() else {}
        verdict: object = _verdict_option(rules)
        if model is not None:
            from detector.compare.classifier import VerdictModel

            verdict = VerdictModel.from_path(model)
        pairs_list = list(iter_pairs(pairs_path, split=split))
        if not pairs_list:
            raise InputError(
                f"{pairs_path}: no labelled pairs" + (f" in split {split!r}" if split else "")
            )
        results = run_pairs(
            pairs_list, index, jobs=jobs or None, lexicon=not no_lexicon, verdict=verdict
        )
        errors = [r for _, r in results if "error" in r]
        if errors:
            raise InputError(
                f"{len(errors)} pair(s) could not be compared, first: {errors[0]['error']}"
            )
        report = score_predictions(
            [p["label"] for p, _ in results],
            [r["verdict"] for _, r in results],
            [spinner_group(p.get("made_by")) for p, _ in results],
        )
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=f"{pairs_path}" + (f" [{split}]" if split else "") + f": {report.n} pairs")
    for col in ("label", "precision", "recall", "f1", "support"):
        table.add_column(col, justify="left" if col == "label" else "right")
    for label, f in report.per_label.items():
        table.add_row(
            label,
            f"{f['precision']:.3f}",
            f"{f['recall']:.3f}",
            f"{f['f1']:.3f}",
            str(f["support"]),
        )
    console.print(table)
    console.print(f"macro-F1 {report.macro_f1:.3f}   derived F1 {report.derived_f1:.3f}")
    if report.related_called_derived is not None:
        console.print(f"related pairs called derived: {report.related_called_derived:.1%}")
    for name, g in report.groups.items():
        console.print(
            f"spinner {name}: spun recall {g['spun_recall']:.3f}, precision {g['spun_precision']:.3f} (n={g['support']})"
        )
    confusion = Table(title="Confusion (rows: gold, columns: predicted)")
    confusion.add_column("gold")
    labels = list(report.confusion)
    for label in labels:
        confusion.add_column(label[:8], justify="right")
    for gold in labels:
        confusion.add_row(gold, *(str(report.confusion[gold][p]) for p in labels))
    console.print(confusion)


@app.command()
def train(
    pairs_path: Annotated[Path, typer.Option("--pairs", help="Labelled pairs.")] = Path(
        "corpus/pairs.jsonl"
    ),
    articles: Annotated[Path, typer.Option("--articles", help="Articles by id.")] = Path(
        "corpus/articles.jsonl"
    ),
    out: Annotated[
        Path | None, typer.Option("--out", help="Where to write the model artifact.")
    ] = None,
    spinner: Annotated[
        str,
        typer.Option(
            "--spinner", help="Train on spun pairs of one spinner only: all, wordnet or moby."
        ),
    ] = "all",
    jobs: Jobs = 0,
) -> None:
    """Fit the calibrated verdict model on the train split, tuned on dev; write a JSON artifact."""
    from detector.compare.classifier import DEFAULT_MODEL_PATH
    from detector.errors import ConfigError
    from detector.lab.evaluate import spinner_group
    from detector.lab.training import (
        corpus_digest,
        fit_verdict_model,
        measures_for_split,
        write_artifact,
    )

    with _errors_as_messages():
        if spinner not in ("all", "wordnet", "moby"):
            raise ConfigError(f"--spinner must be all, wordnet or moby, got {spinner!r}")
        for path in (pairs_path, articles):
            if not path.is_file():
                raise InputError(f"{path}: no such file")
        data = {}
        for split in ("train", "dev"):
            rows, labels, pairs_list = measures_for_split(
                pairs_path, articles, split, jobs=jobs or None
            )
            keep = [
                i
                for i, p in enumerate(pairs_list)
                if spinner == "all"
                or p["label"] != "spun"
                or spinner_group(p.get("made_by")) == spinner
            ]
            data[split] = ([rows[i] for i in keep], [labels[i] for i in keep])
        artifact = fit_verdict_model(
            *data["train"],
            *data["dev"],
            meta={"corpus_sha256": corpus_digest(articles, pairs_path), "spinners": spinner},
        )
        target = out or DEFAULT_MODEL_PATH
        write_artifact(artifact, target)
    typer.echo(
        f"trained on {sum(artifact['train_counts'].values())} pairs (C={artifact['C']}, "
        f"T={artifact['temperature']:.3f}, dev macro-F1 {artifact['dev_macro_f1']:.3f}) -> {target}",
        err=True,
    )


@app.command()
def scan(
    inputs: Annotated[
        list[str],
        typer.Argument(
            metavar="INPUT...",
            help="JSON Lines (.jsonl, .jsonl.gz), CSV, Parquet, WARC files, or folders of .txt/.html/.json.",
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")],
    jobs: Jobs = 0,
    engine: Annotated[str, typer.Option("--engine", help="'local' (default) or 'dask'.")] = "local",
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Dask scheduler address, with --engine dask.")
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Finish an interrupted scan in the same folder.")
    ] = False,
    output_format: Annotated[
        list[str] | None,
        typer.Option("--format", help="Also write pairs and clusters as parquet or csv."),
    ] = None,
    id_field: IdField = "id",
    text_field: TextField = "text",
    title_field: TitleField = "title",
    date_field: DateField = "date",
    source_field: SourceField = "source",
    copy_threshold: Annotated[
        float, typer.Option("--copy-threshold", help="Word 5-gram Jaccard for copy candidates.")
    ] = 0.5,
    spin_threshold: Annotated[
        float, typer.Option("--spin-threshold", help="Skeleton 6-gram Jaccard for spun candidates.")
    ] = 0.2,
    no_lexicon: NoLexicon = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
) -> None:
    """Find copies, syndicated edits, spun and rewritten versions across a corpus.

    Writes pairs.jsonl, clusters.jsonl, rejected.jsonl, summary.json and report.html to OUT.
    """
    from detector.inputs.records import FieldMap
    from detector.parallel import make_engine
    from detector.scan.pipeline import ScanOptions
    from detector.scan.pipeline import scan as run_scan

    with _errors_as_messages():
        options = ScanOptions(
            copy_threshold=copy_threshold,
            spin_threshold=spin_threshold,
            lexicon=not no_lexicon,
            fields=FieldMap(
                id=id_field,
                text=text_field,
                title=title_field,
                date=date_field,
                source=source_field,
            ),
        )
        runner = make_engine(engine, jobs=jobs or None, scheduler=scheduler)
        show = not quiet and sys.stderr.isatty()
        try:
            if show:
                from rich.console import Console
                from rich.progress import (
                    BarColumn,
                    MofNCompleteColumn,
                    Progress,
                    TaskID,
                    TextColumn,
                    TimeElapsedColumn,
                )

                started = {}
                import time

                with Progress(
                    TextColumn("{task.description}"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TextColumn("{task.fields[rate]}"),
                    TimeElapsedColumn(),
                    transient=False,
                    console=Console(stderr=True),  # stdout stays free for the user's output
                ) as bar:
                    tasks: dict[str, TaskID] = {}

                    def progress(stage: str, done: int, total: int | None) -> None:
                        if stage not in tasks:
                            started[stage] = time.perf_counter()
                            tasks[stage] = bar.add_task(stage, total=total, rate="")
                        elapsed = max(time.perf_counter() - started[stage], 1e-9)
                        unit = "records/s" if stage == "read" else "pairs/s"
                        bar.update(
                            tasks[stage],
                            completed=done,
                            total=total,
                            rate=f"{done / elapsed:,.0f} {unit}",
                        )

                    result = run_scan(
                        inputs,
                        out,
                        options=options,
                        engine=runner,
                        resume=resume,
                        progress=progress,
                        formats=output_format or (),
                    )
            else:
                result = run_scan(
                    inputs,
                    out,
                    options=options,
                    engine=runner,
                    resume=resume,
                    formats=output_format or (),
                )
        finally:
            runner.close()
    s = result.summary
    typer.echo(
        f"{s['records_read']} records read: {s['records_scanned']} scanned, {s['records_rejected']} rejected; "
        f"{s['pairs']} pairs in {s['clusters']} clusters -> {out}",
        err=True,
    )


@app.command()
def serve(
    db: Annotated[
        Path, typer.Option("--db", help="The archive database to check against and add to.")
    ],
    host: Annotated[
        str,
        typer.Option("--host", help="Address to listen on; 127.0.0.1 keeps it on this machine."),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")
    ] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="DETECTOR_TOKEN",
            show_envvar=True,
            help="Bearer token required for writes (POST /api/articles).",
        ),
    ] = None,
) -> None:
    """Serve the editors' web page and the JSON API (docs at /docs); needs the web extra."""
    import importlib.util

    from detector.errors import ConfigError

    with _errors_as_messages():
        if not db.is_file():
            raise InputError(
                f"{db}: no such archive (make one with: detector index add --db {db} ...)"
            )
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

        application = create_app(db, token=token or None)
    if not is_loopback(host) and not token:
        typer.echo(
            f"detector: warning: listening on {host} without a token: anyone who can reach "
            "it can add articles (use --token or DETECTOR_TOKEN)",
            err=True,
        )
    uvicorn.run(application, host=host, port=port, log_level="info")


# ----------------------------------------------------------------------------- archive

index_app = typer.Typer(
    help="Keep an archive of published articles to check suspects against.",
    no_args_is_help=True,
)
app.add_typer(index_app, name="index")

ArchiveDb = Annotated[Path, typer.Option("--db", help="The archive file (SQLite).")]


def _existing_archive(db: Path) -> None:
    if not db.exists():
        raise InputError(f"{db}: no such archive")


@index_app.command("add")
def index_add(
    inputs: Annotated[
        list[str],
        typer.Argument(
            metavar="INPUT...",
            help="JSON Lines, CSV, Parquet, WARC files, or folders of .txt/.html/.json.",
        ),
    ],
    db: ArchiveDb,
    id_field: IdField = "id",
    text_field: TextField = "text",
    title_field: TitleField = "title",
    date_field: DateField = "date",
    source_field: SourceField = "source",
    batch: Annotated[int, typer.Option("--batch", min=1, help="Records per transaction.")] = 500,
) -> None:
    """Add articles to the archive (created if missing); re-adding the same records is a no-op."""
    from detector.archive.store import Archive
    from detector.inputs.records import FieldMap, iter_records

    with _errors_as_messages():
        fields = FieldMap(
            id=id_field, text=text_field, title=title_field, date=date_field, source=source_field
        )
        with Archive(db) as archive:
            result = archive.add(iter_records(inputs, fields=fields), batch=batch)
    for r in result.rejected:
        where = f"{r.file}:{r.location}" if r.location else r.file
        typer.echo(f"rejected: {where}: {r.reason}", err=True)
    typer.echo(
        f"{result.added} added, {result.unchanged} unchanged, {result.replaced} replaced, "
        f"{len(result.rejected)} rejected -> {db}",
        err=True,
    )


@index_app.command("stats")
def index_stats(
    db: ArchiveDb,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Articles, band rows, file size, sources and date range of the archive."""
    from detector.archive.store import Archive

    with _errors_as_messages(), Archive(db, readonly=True) as archive:
        stats = archive.stats()
    if as_json:
        typer.echo(json.dumps(stats, indent=2))
        return
    for key, value in stats.items():
        typer.echo(f"{key.replace('_', ' ')}: {value if value is not None else '-'}")


@index_app.command("remove")
def index_remove(
    article_id: Annotated[str, typer.Argument(metavar="ID", help="Id of the article to remove.")],
    db: ArchiveDb,
) -> None:
    """Remove one article from the archive."""
    from detector.archive.store import Archive

    with _errors_as_messages():
        _existing_archive(db)
        with Archive(db) as archive:
            removed = archive.remove(article_id)
    if not removed:
        typer.echo(f"detector: error: {article_id!r} is not in {db}", err=True)
        raise typer.Exit(1)
    typer.echo(f"removed {article_id!r} from {db}", err=True)


@index_app.command("reindex")
def index_reindex(db: ArchiveDb) -> None:
    """Recompute every article's fingerprints (after an upgrade changed how they are made)."""
    from detector.archive.store import Archive

    with _errors_as_messages():
        _existing_archive(db)
        with Archive(db) as archive:
            done = archive.reindex()
    typer.echo(f"{done} article(s) reindexed in {db}", err=True)


def _numbered(path: Path, n: int) -> Path:
    return path.with_name(f"{path.stem}-{n}{path.suffix}")


@app.command()
def check(
    suspects: Annotated[
        list[str],
        typer.Argument(metavar="SUSPECT...", help="Articles to check: file paths, - for stdin."),
    ],
    db: ArchiveDb,
    top: Annotated[int, typer.Option("--top", min=1, help="Matches shown per suspect.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print the matches as JSON.")] = False,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html",
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
    with _errors_as_messages():
        if suspects.count("-") > 1:
            raise InputError("only one SUSPECT can be - (standard input)")
        texts = [read_text(s, max_bytes=max_bytes) for s in suspects]
        with Archive(db, readonly=True) as archive:
            for name, text in zip(suspects, texts, strict=True):
                results.append((name, text, archive.check(text, top=top, lexicon=not no_lexicon)))
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
                    a_name=name,
                    b_name=best.article.id,
                    title=f"{name} vs {best.article.id}",
                )
    if as_json:
        out = [
            {"suspect": name, "matches": [m.to_dict() for m in matches]}
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
                m.article.title or "",
                m.article.date or "",
            )
        console.print(table)


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
