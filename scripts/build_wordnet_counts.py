#!/usr/bin/env python3
"""Build ``detector/data/wordnet_counts.tsv.gz``: how often each WordNet lemma was seen.

The counts are WordNet 3.0's sense-tagged counts (``cntlist.rev``: sense key, sense
number, tag count, from the SemCor concordance), summed per lemma over its senses.
Provenance uses them to tell a common word from the rarer "synonym" a spinner put
in its place. Output: ``lemma<TAB>count`` sorted by lemma, lemmas with spaces for
underscores, gzip with mtime 0 so a rebuild is byte-identical.

Usage: python scripts/build_wordnet_counts.py [--wordnet-dir /usr/share/wordnet] [--out PATH]
"""

from __future__ import annotations

import argparse
import gzip
import io
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "detector" / "data" / "wordnet_counts.tsv.gz"


def build(wordnet_dir: Path) -> bytes:
    counts: Counter[str] = Counter()
    with (wordnet_dir / "cntlist.rev").open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) != 3 or "%" not in parts[0]:
                continue
            lemma = parts[0].split("%", 1)[0].replace("_", " ").lower()
            counts[lemma] += int(parts[2])
    text = "".join(f"{lemma}\t{counts[lemma]}\n" for lemma in sorted(counts) if counts[lemma] > 0)
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wordnet-dir", type=Path, default=Path("/usr/share/wordnet"))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    if not (args.wordnet_dir / "cntlist.rev").is_file():
        print(
            f"no cntlist.rev in {args.wordnet_dir}: install Debian's wordnet-base", file=sys.stderr
        )
        return 2
    args.out.write_bytes(build(args.wordnet_dir))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
