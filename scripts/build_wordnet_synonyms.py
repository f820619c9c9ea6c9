#!/usr/bin/env python3
"""Build the compact WordNet 3.0 synonym table shipped in ``detector/data``.

The table is built from a Princeton-format WordNet 3.0 ``dict`` directory (on
Debian/Ubuntu: ``apt-get install wordnet-base`` puts it in ``/usr/share/wordnet``),
never from the network. It holds:

* every synset's lemmas (lowercase, ``_`` replaced by a space, adjective syntactic
  markers such as ``(p)`` removed);
* for each synset its neighbours through the pointers similar-to (``&``),
  hypernym (``@``, ``@i``), hyponym (``~``, ``~i``), verb group (``$``) and
  also-see (``^``). Lexical pointers of these kinds are lifted to their synsets, and
  the relation is stored symmetrised (each of these pointer kinds is its own inverse
  or has its inverse in the set, so this only fills in the few missing back links);
* the morphology exception lists (``noun.exc``, ``verb.exc``, ``adj.exc``,
  ``adv.exc``), e.g. ``said -> say`` and ``geese -> goose``.

Output format (gzip, level 9, ``mtime=0``, no file name; the payload is)::

    WNSYN 1\\n
    <JSON header, keys sorted>\\n
    <sections, concatenated in the order listed in the header>

Sections (synset ids number the synsets sorted by (part of speech ``a``/``n``/``r``/``v``,
byte offset); lemma ids number the sorted lemma strings; ``u8``/``u16``/``u32`` are
unsigned little-endian integers; the three ``*_count`` sections give the row lengths of
the compressed-sparse-row tables that follow them):

``lemmas``           UTF-8 lemma strings, sorted, joined by ``\\n``
``lemma_pos``        u8 per lemma: bit mask n=1, v=2, a=4, r=8
``lemma_count``      u8 per lemma: number of synsets of the lemma
``lemma_synsets``    u32 synset ids of each lemma, ascending
``synset_pos``       one ASCII byte per synset: ``a``, ``n``, ``r`` or ``v``
``synset_count``     u8 per synset: number of lemmas of the synset
``synset_lemmas``    u32 lemma ids of each synset, ascending
``neighbour_count``  u16 per synset: number of neighbour synsets
``neighbours``       u32 neighbour synset ids of each synset, ascending
``hyphen_keys``      UTF-8, sorted, ``\\n``-joined: hyphenated lemmas with ``-`` read as a space
``hyphen_lemmas``    u32 lemma id of each ``hyphen_keys`` entry
``exception_keys``   UTF-8, sorted, ``\\n``-joined ``pos<TAB>inflected`` (``-`` read as a space)
``exception_bases``  UTF-8, ``\\n``-joined: each key's base forms joined by ``<TAB>``

The output is a pure function of the input files: rebuilding gives the same bytes.
The WordNet 3.0 licence (taken verbatim from the licence header of ``data.noun``)
is written next to the table as ``WORDNET_LICENSE``.

Usage::

    python scripts/build_wordnet_synonyms.py --wordnet-dir /usr/share/wordnet \\
        --out detector/data/wordnet_synonyms.bin.gz
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import re
import sys
from array import array
from collections.abc import Iterable
from pathlib import Path

FORMAT_MAGIC = b"WNSYN 1\n"
POS_FILES = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
POS_BITS = {"n": 1, "v": 2, "a": 4, "r": 8}
# Pointer symbols kept as "one hop" neighbours (wndb(5)).
KEPT_POINTERS = frozenset({"&", "@", "@i", "~", "~i", "$", "^"})
_ADJ_MARKER = re.compile(r"\((?:a|p|ip)\)$")
_LICENSE_LINE = re.compile(r"^  \d+ ?(.*?)\s*$")

SynsetKey = tuple[str, int]  # (pos in "anrv", byte offset)


def normalise_lemma(word: str) -> str:
    """Return WordNet's ``word`` field as a lowercase lemma with spaces."""
    return _ADJ_MARKER.sub("", word).replace("_", " ").lower()


def lookup_key(form: str) -> str:
    """Key under which ``detector.text.lexicon`` looks a form up: ``-`` read as a space."""
    return " ".join(form.replace("-", " ").split())


def _pos_of(ss_type: str) -> str:
    # Adjective satellites ("s") live in data.adj and share its offsets.
    return "a" if ss_type == "s" else ss_type


def parse_data_file(
    path: Path, file_pos: str
) -> tuple[dict[SynsetKey, list[str]], list[tuple[SynsetKey, SynsetKey]]]:
    """Parse one ``data.*`` file into synset lemmas and kept pointer edges."""
    synsets: dict[SynsetKey, list[str]] = {}
    edges: list[tuple[SynsetKey, SynsetKey]] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("  "):  # licence header
                continue
            fields = line.split(" | ", 1)[0].split()
            offset = int(fields[0])
            pos = _pos_of(fields[2])
            if pos != file_pos:
                raise ValueError(f"{path}: synset {fields[0]} has type {fields[2]!r}")
            w_cnt = int(fields[3], 16)
            words = [normalise_lemma(fields[4 + 2 * i]) for i in range(w_cnt)]
            key = (pos, offset)
            synsets[key] = words
            i = 4 + 2 * w_cnt
            p_cnt = int(fields[i])
            i += 1
            for _ in range(p_cnt):
                symbol, target, target_pos = fields[i], int(fields[i + 1]), fields[i + 2]
                i += 4
                if symbol in KEPT_POINTERS:
                    edges.append((key, (_pos_of(target_pos), target)))
    return synsets, edges


def parse_exceptions(path: Path) -> dict[str, list[str]]:
    """Parse one ``*.exc`` file: inflected form -> base forms (in file order)."""
    table: dict[str, list[str]] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) < 2:
                continue
            inflected = normalise_lemma(parts[0])
            bases = table.setdefault(inflected, [])
            for base in parts[1:]:
                base = normalise_lemma(base)
                if base not in bases:
                    bases.append(base)
    return table


def read_license(path: Path) -> str:
    """Extract the WordNet licence from the numbered header of a data file."""
    lines: list[str] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.startswith("  "):
                break
            match = _LICENSE_LINE.match(line.rstrip("\n"))
            if match is None:
                raise ValueError(f"{path}: unexpected header line {line!r}")
            lines.append(match.group(1))
    text = "\n".join(lines).strip("\n")
    if "WordNet 3.0 Copyright 2006 by Princeton University" not in text:
        raise ValueError(f"{path}: licence header is not the WordNet 3.0 licence")
    return "WordNet Release 3.0\n\n" + text + "\n"


def _ints(typecode: str, values: Iterable[int]) -> bytes:
    arr = array(typecode, values)
    if arr.itemsize != {"B": 1, "H": 2, "I": 4}[typecode]:  # pragma: no cover
        raise RuntimeError(f"array({typecode!r}) has an unexpected item size")
    if sys.byteorder == "big":  # pragma: no cover
        arr.byteswap()
    return arr.tobytes()


def _csr(rows: list[list[int]], count_typecode: str) -> tuple[bytes, bytes]:
    """Return (row lengths, concatenated rows) for a ragged table of ids."""
    return (
        _ints(count_typecode, (len(row) for row in rows)),
        _ints("I", (value for row in rows for value in row)),
    )


def build_payload(wordnet_dir: Path) -> bytes:
    """Return the uncompressed table built from ``wordnet_dir``."""
    synsets: dict[SynsetKey, list[str]] = {}
    edges: list[tuple[SynsetKey, SynsetKey]] = []
    exceptions: dict[str, dict[str, list[str]]] = {}
    for pos, name in POS_FILES.items():
        file_synsets, file_edges = parse_data_file(wordnet_dir / f"data.{name}", pos)
        synsets.update(file_synsets)
        edges.extend(file_edges)
        exceptions[pos] = parse_exceptions(wordnet_dir / f"{name}.exc")

    keys = sorted(synsets)
    synset_id = {key: i for i, key in enumerate(keys)}
    lemmas = sorted({lemma for words in synsets.values() for lemma in words})
    for lemma in lemmas:
        if "\n" in lemma or "\t" in lemma or lemma != " ".join(lemma.split()):
            raise ValueError(f"lemma {lemma!r} has a separator or stray space")
    lemma_id = {lemma: i for i, lemma in enumerate(lemmas)}

    synset_rows = [sorted({lemma_id[w] for w in synsets[key]}) for key in keys]
    lemma_rows: list[list[int]] = [[] for _ in lemmas]
    lemma_pos = bytearray(len(lemmas))
    for sid, (key, row) in enumerate(zip(keys, synset_rows, strict=True)):
        for lid in row:
            lemma_rows[lid].append(sid)  # sids ascend, so rows stay sorted
            lemma_pos[lid] |= POS_BITS[key[0]]

    neighbour_sets: list[set[int]] = [set() for _ in keys]
    for source, target in edges:
        if target not in synset_id:
            raise ValueError(f"pointer from {source} to missing synset {target}")
        s, t = synset_id[source], synset_id[target]
        if s != t:
            neighbour_sets[s].add(t)
            neighbour_sets[t].add(s)
    neighbour_rows = [sorted(row) for row in neighbour_sets]

    exception_table: dict[str, list[str]] = {}
    for pos, table in exceptions.items():
        for inflected, bases in table.items():
            merged = exception_table.setdefault(f"{pos}\t{lookup_key(inflected)}", [])
            merged.extend(base for base in bases if base not in merged)
    exception_keys = sorted(exception_table)

    hyphenated = sorted(
        (lookup_key(lemma), lid) for lid, lemma in enumerate(lemmas) if "-" in lemma
    )

    lemma_count, lemma_synsets = _csr(lemma_rows, "B")
    synset_count, synset_lemmas = _csr(synset_rows, "B")
    neighbour_count, neighbours = _csr(neighbour_rows, "H")
    sections: list[tuple[str, bytes]] = [
        ("lemmas", "\n".join(lemmas).encode("utf-8")),
        ("lemma_pos", bytes(lemma_pos)),
        ("lemma_count", lemma_count),
        ("lemma_synsets", lemma_synsets),
        ("synset_pos", "".join(key[0] for key in keys).encode("ascii")),
        ("synset_count", synset_count),
        ("synset_lemmas", synset_lemmas),
        ("neighbour_count", neighbour_count),
        ("neighbours", neighbours),
        ("hyphen_keys", "\n".join(key for key, _ in hyphenated).encode("utf-8")),
        ("hyphen_lemmas", _ints("I", (lid for _, lid in hyphenated))),
        ("exception_keys", "\n".join(exception_keys).encode("utf-8")),
        (
            "exception_bases",
            "\n".join("\t".join(exception_table[k]) for k in exception_keys).encode("utf-8"),
        ),
    ]
    header = {
        "source": "Princeton WordNet 3.0",
        "pointers": sorted(KEPT_POINTERS),
        "n_lemmas": len(lemmas),
        "n_synsets": len(keys),
        "sections": [[name, len(data)] for name, data in sections],
    }
    head = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("ascii")
    return b"".join([FORMAT_MAGIC, head, b"\n", *(data for _, data in sections)])


def compress(payload: bytes) -> bytes:
    """Gzip ``payload`` deterministically (level 9, mtime 0, no file name)."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
        gz.write(payload)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--wordnet-dir",
        type=Path,
        default=Path("/usr/share/wordnet"),
        help="Princeton WordNet 3.0 dict directory (default: %(default)s)",
    )
    parser.add_argument(
        "--out", type=Path, required=True, help="output table, e.g. detector/data/X.bin.gz"
    )
    parser.add_argument(
        "--license-out",
        type=Path,
        default=None,
        help="where to write the WordNet licence (default: WORDNET_LICENSE next to --out)",
    )
    args = parser.parse_args(argv)
    wordnet_dir: Path = args.wordnet_dir
    if not (wordnet_dir / "data.noun").is_file():
        parser.error(f"{wordnet_dir} is not a WordNet dict directory (no data.noun)")
    license_out: Path = args.license_out or args.out.with_name("WORDNET_LICENSE")

    blob = compress(build_payload(wordnet_dir))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(blob)
    license_out.write_bytes(read_license(wordnet_dir / "data.noun").encode("utf-8"))
    print(f"wrote {args.out} ({len(blob):,} bytes) and {license_out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
