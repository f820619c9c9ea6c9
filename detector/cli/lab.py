"""The lab commands: ``detector spin``, ``detector eval`` and ``detector train``."""

from __future__ import annotations

import json
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
    verdict_option,
)
from detector.errors import InputError

__all__ = ["evaluate", "spin", "train"]


def spin(
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE", help="The article to spin: a file path, or - for standard input."
        ),
    ],
    strength: Annotated[
        float,
        typer.Option(
            "--strength",
            min=0.0,
            max=1.0,
            metavar="0..1",
            help="Share of eligible words to replace.",
        ),
    ] = 0.5,
    seed: Annotated[
        int,
        typer.Option(
            "--seed", metavar="N", help="Random seed: the same seed gives the same output."
        ),
    ] = 0,
    thesaurus: Annotated[
        str,
        typer.Option(
            "--thesaurus",
            metavar="wordnet|moby",
            help="Synonym source: wordnet (shipped) or moby (the corpus's table).",
        ),
    ] = "wordnet",
    thesaurus_file: Annotated[
        Path | None,
        typer.Option(
            "--thesaurus-file", metavar="FILE", help="Path of the Moby table (moby.tsv.gz)."
        ),
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

    with errors_as_messages():
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


def evaluate(
    pairs_path: Annotated[
        Path,
        typer.Argument(metavar="PAIRS", help='Labelled pairs, JSON Lines of {"a", "b", "label"}.'),
    ],
    split: Annotated[
        str | None, typer.Option("--split", metavar="NAME", help="Only pairs of this split.")
    ] = None,
    articles: Annotated[
        Path | None,
        typer.Option(
            "--articles",
            metavar="FILE",
            help="Articles by id (default: articles.jsonl beside PAIRS).",
        ),
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option("--model", metavar="FILE", help="A verdict model artifact to use."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    jobs: Jobs = 0,
    no_lexicon: NoLexicon = False,
    rules: Rules = False,
) -> None:
    """Measure the detector on labelled pairs: per-label P/R/F1, macro-F1, derived F1, confusion."""
    from detector.lab.corpus import iter_pairs, load_articles
    from detector.lab.evaluate import run_pairs, score_predictions, spinner_group

    with errors_as_messages():
        if not pairs_path.is_file():
            raise InputError(f"{pairs_path}: no such file")
        articles_path = articles or pairs_path.parent / "articles.jsonl"
        index = load_articles(articles_path) if articles_path.is_file() else {}
        verdict: object = verdict_option(rules)
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


def train(
    pairs_path: Annotated[
        Path, typer.Option("--pairs", metavar="FILE", help="Labelled pairs.")
    ] = Path("corpus/pairs.jsonl"),
    articles: Annotated[
        Path, typer.Option("--articles", metavar="FILE", help="Articles by id.")
    ] = Path("corpus/articles.jsonl"),
    out: Annotated[
        Path | None,
        typer.Option("--out", metavar="FILE", help="Where to write the verdict model artifact."),
    ] = None,
    spinner: Annotated[
        str,
        typer.Option(
            "--spinner",
            metavar="all|wordnet|moby",
            help="Train on the spun pairs of one spinner only, or of all.",
        ),
    ] = "all",
    devdata: Annotated[
        Path | None,
        typer.Option(
            "--devdata",
            metavar="DIR",
            help="Folder of the real development data (PAN 2013, MSRP) for the reuse model "
            "(default ../shared/devdata or $DETECTOR_DEVDATA).",
        ),
    ] = None,
    reuse_out: Annotated[
        Path | None,
        typer.Option(
            "--reuse-out", metavar="FILE", help="Where to write the reuse model artifact."
        ),
    ] = None,
    jobs: Jobs = 0,
) -> None:
    """Fit the verdict model on the corpus, and the reuse and similarity model on the corpus and
    the development data when it is there; write JSON artifacts."""
    from detector.compare.classifier import DEFAULT_MODEL_PATH, DEFAULT_REUSE_MODEL_PATH
    from detector.errors import ConfigError
    from detector.lab.devdata import PAN_PAIRS_FILE, devdata_path
    from detector.lab.evaluate import spinner_group
    from detector.lab.reuse_training import fit_reuse_model
    from detector.lab.training import (
        corpus_digest,
        fit_verdict_model,
        measures_for_split,
        write_artifact,
    )

    with errors_as_messages():
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
            f"T={artifact['temperature']:.3f}, dev macro-F1 {artifact['dev_macro_f1']:.3f}) "
            f"-> {target}",
            err=True,
        )
        dev_folder = devdata_path(devdata)
        if not (dev_folder / PAN_PAIRS_FILE).is_file():
            typer.echo(
                f"dev data not found at {dev_folder}: the reuse model is left as it is", err=True
            )
            return
        reuse = fit_reuse_model(
            str(pairs_path),
            str(articles),
            str(dev_folder),
            jobs=jobs or None,
            meta={"corpus_sha256": corpus_digest(articles, pairs_path)},
        )
        reuse_target = reuse_out or DEFAULT_REUSE_MODEL_PATH
        write_artifact(reuse, reuse_target)
    fitted, similar = reuse["reuse_training"], reuse["similarity_training"]
    typer.echo(
        f"reuse model on {fitted['n']} pairs (cross-validated AUC {fitted['cv_auc']:.3f}), "
        f"similarity on {similar['n']} pairs (AUC {similar['cv_auc']:.3f}) -> {reuse_target}",
        err=True,
    )
