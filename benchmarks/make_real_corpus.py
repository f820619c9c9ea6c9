#!/usr/bin/env python3
"""Make a scan benchmark corpus of real text with planted copies.

Usage: python benchmarks/make_real_corpus.py --docs N --out DIR [--seed S]
                                             [--devdata DIR] [--jobs J] [--quiet]

Reads the team's development data (``../shared/devdata`` beside the project, or
``--devdata``, or ``$DETECTOR_DEVDATA``; it is third-party and not part of the
project). Without it, prints one line and exits with code 2 (skipped).

Writes, deterministically for (N, seed) whatever the number of jobs:

* ``DIR/docs.jsonl``: ``{"id", "text", "title", "date", "source"}`` per line, in a
  seeded random order;
* ``DIR/truth.jsonl``: ``{"original", "copy", "kind"}`` per planted copy, kind
  ``exact``, ``edit`` (a syndicated edit), ``partial`` or ``spun``; spun rows also
  give ``thesaurus``, ``strength`` and ``substitutions`` (how many words or phrases
  the spinner swapped; 0 leaves an identical text, as for a table of figures),
  partial rows ``host`` (the base text the passage was put into, which does not
  appear on its own) and ``words`` (the passage's words);
* ``DIR/pan_reuse.jsonl``: ``{"a", "b", "label", "chars_a", "chars_b"}`` for two
  documents cut from a PAN 2013 source and suspicious document whose reuse case
  (PAN's own truth) overlaps both pieces by at least 200 characters: real reuse the
  benchmark did not plant, listed for information;
* ``DIR/meta.json``: counts per kind and per origin, seed, sizes, what was generated
  (written last: its presence means the corpus is complete).

Base documents are real text:

* **Reuters-21578** stories (19,043 with a body): real title, real date (1987),
  source ``Reuters``, the dateline put back at the head of the first paragraph,
  the 80-column line wrapping undone, paragraphs separated by blank lines, the
  ``Reuter`` sign-off kept. Their own re-sends, corrections and updates stay in:
  real near-duplicates that no truth row labels;
* **PAN 2013** web documents (3,163 source and 880 suspicious documents), cut at
  line (paragraph) boundaries into pieces of 150-700 words (a line over 350 words is
  first split at sentence ends; a document under 150 words is left out, and a last
  piece under 150 words joins the one before when the two stay within 700 words, else
  it is left out). The title is the piece's first line when it is a heading of at
  most 15 words, else its first 10 words and ``...``. All pieces of one document
  share a date and a made-up web site name (source documents 2005-2008, suspicious
  ones 2008-2010); ids say where a piece comes from: ``pan13-src-00294-p2`` is piece
  2 of ``src/source-document00294.txt``.

When N needs more base texts than the dev data has (about 30,000), the rest are the
generated documents of ``make_corpus.py`` (``gen-0000001``...), and ``meta.json``
says how many.

Planted copies of randomly chosen base documents of at least 60 words (originals
drawn with replacement), each with a later date (1-30 days) and another source:

* ~5 % **exact**: the same title and text;
* ~5 % **edit**, a syndicated edit: a new headline, the last 1-2 paragraphs cut
  (keeping at least two, and at least 60 % of the words), 2-5 % of the words edited (``make_corpus``'s editor), the
  dateline dropped or rewritten, and page furniture a scraped copy carries, drawn
  at random: a byline, a copyright line, ``Read more:`` lines, a site footer;
* ~3 % **partial**: 2-4 consecutive paragraphs (else consecutive sentences, else a
  run of words) of 40-150 words and at most 60 % of an original of at least 100
  words, inserted at a paragraph boundary into another base text, which becomes the
  copy (that host text does not appear on its own);
* ~3 % **spun**: :func:`detector.lab.spinner.spin`, strength uniform in [0.3, 0.7],
  alternately with the WordNet thesaurus and the Moby table (as ``make_corpus.py``).

Every document is a function of (seed, its plan entry), so the files are streamed:
chunks of the plan are made in worker processes and written in order. Memory holds
the real base texts and the plan, not the documents written.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import gzip
import hashlib
import importlib.util
import json
import os
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(REPO) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO))

from detector.lab.devdata import (  # noqa: E402
    DEFAULT_DEVDATA,
    PAN_DOCUMENTS_FILE,
    PAN_PAIRS_FILE,
)

VERSION = 1
REUTERS_FILE = "reuters21578.jsonl.gz"
DEVDATA_FILES = (REUTERS_FILE, PAN_DOCUMENTS_FILE, PAN_PAIRS_FILE)
#: Fractions of N planted as copies (a partial copy replaces the base text it is put into).
FRACTIONS = {"exact": 0.05, "edit": 0.05, "partial": 0.03, "spun": 0.03}
KINDS = tuple(FRACTIONS)
MIN_COPY_WORDS = 60
MIN_PARTIAL_SOURCE_WORDS = 100
EDIT_KEEP_SHARE = 0.6
PASSAGE_WORDS = (40, 150)
PASSAGE_MAX_SHARE = 0.6
PIECE_WORDS = (150, 700)
UNIT_MAX_WORDS = 350
PAN_LINK_CHARS = 200
CHUNK = 250

#: Made-up names of the web sites the PAN pieces are said to come from.
WEB_SOURCES = (
    "HomeWise Online",
    "The Garden Patch",
    "Everyday Health Notes",
    "TravelBug Journal",
    "Kitchen Table Talk",
    "The Hobby Bench",
    "GreenStreet Living",
    "Family Finance Corner",
    "History Buff Digest",
    "Open Road Motoring",
    "PetCare Weekly",
    "The Learning Nook",
    "Backyard Science",
    "Crafty Hands",
    "Faith and Community",
    "City Guide Online",
    "Outdoor Trails",
    "The Book Nook",
    "TechTips Central",
    "Wellness Today",
)

#: Made-up outlets that carry copies: news sites, aggregators, scrapers. None is named
#: like a wire agency (no "press", "wire", "news service"), so no copy passes for one.
COPY_SOURCES = (
    "The Northfield Courier",
    "Riverside Daily Ledger",
    "The Coastal Herald",
    "Capital City Times",
    "The Morning Sentinel",
    "Lakeshore Gazette",
    "The Evening Chronicle",
    "Pinecrest Observer",
    "Metro Business Review",
    "Granite State Journal",
    "NewsNow Aggregator",
    "DailyFeed24",
    "TopStories Hub",
    "InfoStream Today",
    "The Market Bulletin",
    "Bayview Current",
    "Headline Digest",
    "World Report Online",
    "BizBuzz Daily",
    "The Content Depot",
)

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip
_MONTH_ABBR = {m[:3].upper(): i + 1 for i, m in enumerate(MONTHS)}

_WORD_RE = re.compile(r"\w+")
_REUTERS_DATE_RE = re.compile(r"(\d{1,2})-([A-Za-z]{3})-(\d{4})")
_REUTERS_PARA_RE = re.compile(r"\n[ \t]+|\n[ \t]*\n")
_SIGN_OFF_RE = re.compile(r"^reuter[s]?$", re.IGNORECASE)
_SENT_END_RE = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]?\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])")
_PAN_ID_RE = re.compile(r"^(src|susp)/[a-z-]*?(\d+)\.txt$")
# A dateline at the head of a first paragraph: "SALVADOR, Feb 26 - " (Reuters) or
# "PLACE, March 4 (Source) - " (make_corpus.py).
_DATELINE_RE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'\- ]*(?:, [A-Z][A-Z.'\- ]*)*),\s+(?P<day>[A-Z][a-z]{2,8}\.?\s+\d{1,2})"
    r"(?:\s+\([^()]{2,40}\))?\s+[-\u2013\u2014]+\s+"
)


class SkipError(Exception):
    """The development data is not there: nothing to build (exit code 2)."""


def _words(text: str) -> int:
    return len(_WORD_RE.findall(text))


# ----------------------------------------------------------------------------- modules


def _make_corpus_module() -> Any:
    """``benchmarks/make_corpus.py``, imported by path as ``bench_make_corpus``."""
    if "bench_make_corpus" not in sys.modules:
        spec = importlib.util.spec_from_file_location("bench_make_corpus", HERE / "make_corpus.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["bench_make_corpus"] = module
        spec.loader.exec_module(module)
    return sys.modules["bench_make_corpus"]


make_corpus = _make_corpus_module()


# ----------------------------------------------------------------------------- the real texts


@dataclass(frozen=True, slots=True)
class Text:
    """A real base text: a Reuters story or a piece of a PAN document."""

    id: str
    title: str
    text: str
    date: str
    source: str
    origin: str  # "reuters", "pan13-src" or "pan13-susp"
    words: int


@dataclass
class Pool:
    """The real base texts, in a fixed order, and what was left out."""

    texts: list[Text]
    spans: dict[str, tuple[str, int, int]]  # PAN piece id -> (document id, start, end)
    stats: dict[str, Any]
    digests: dict[str, str]


def devdata_folder(path: str | os.PathLike[str] | None = None) -> Path:
    """``path``, else ``$DETECTOR_DEVDATA``, else ``detector.lab.devdata.DEFAULT_DEVDATA``."""
    if path is not None:
        return Path(path)
    env = os.environ.get("DETECTOR_DEVDATA")
    return Path(env) if env else DEFAULT_DEVDATA


def check_devdata(folder: Path) -> None:
    """Raise :class:`SkipError` unless the three files this corpus reads are in ``folder``."""
    if not folder.is_dir():
        raise SkipError(
            f"dev data not found at {folder} (give --devdata DIR or set DETECTOR_DEVDATA)"
        )
    missing = [name for name in DEVDATA_FILES if not (folder / name).is_file()]
    if missing:
        raise SkipError(f"dev data at {folder} lacks {', '.join(missing)}")


def devdata_digests(folder: Path) -> dict[str, str]:
    """SHA-256 of each dev data file read (the corpus depends on them as on the seed)."""
    return {
        name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in DEVDATA_FILES
    }


def _read_jsonl_gz(path: Path) -> Iterator[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as fh:
            for number, line in enumerate(fh, 1):
                if line.strip():
                    try:
                        yield json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise ValueError(f"{path}:{number}: not JSON ({exc.msg})") from None
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read ({exc})") from None


def reuters_date(raw: str) -> str | None:
    """``26-FEB-1987 15:01:01.79`` -> ``1987-02-26``.

    >>> reuters_date("5-MAR-1987 09:02:50.88"), reuters_date("junk")
    ('1987-03-05', None)
    """
    m = _REUTERS_DATE_RE.search(raw)
    if m is None or m.group(2).upper() not in _MONTH_ABBR:
        return None
    try:
        day = dt.date(int(m.group(3)), _MONTH_ABBR[m.group(2).upper()], int(m.group(1)))
    except ValueError:
        return None
    return day.isoformat()


def reuters_text(title: str, dateline: str, body: str) -> str:
    """The story as a page shows it: title, blank line, paragraphs with the dateline first.

    >>> reuters_text("OIL UP", "TOKYO, March 2 -", "Oil rose\\ntoday.\\n    It fell.\\n Reuter")
    'OIL UP\\n\\nTOKYO, March 2 - Oil rose today.\\n\\nIt fell.\\n\\nReuter'
    """
    paras = [" ".join(p.split()) for p in _REUTERS_PARA_RE.split(body)]
    paras = [p for p in paras if p]
    dateline = " ".join(dateline.split())
    if paras and dateline:
        paras[0] = f"{dateline} {paras[0]}"
    return "\n\n".join([" ".join(title.split()), *paras])


def _split_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` in spans of at most UNIT_MAX_WORDS words, cut at sentence ends
    where possible, else between words."""
    words = [m.start() for m in _WORD_RE.finditer(text, start, end)]
    if len(words) <= UNIT_MAX_WORDS:
        return [(start, end)]
    cuts = [m.end() for m in _SENT_END_RE.finditer(text, start, end)]
    spans: list[tuple[int, int]] = []
    cursor = start
    while bisect.bisect_left(words, cursor) < len(words):
        first = bisect.bisect_left(words, cursor)
        if len(words) - first <= UNIT_MAX_WORDS:
            spans.append((cursor, end))
            break
        limit = words[first + UNIT_MAX_WORDS]  # the first word that would not fit
        i = bisect.bisect_right(cuts, limit) - 1
        cut = cuts[i] if i >= 0 and cuts[i] > words[first] else limit
        spans.append((cursor, cut))
        cursor = cut
    return [(s, e) for s, e in spans if _WORD_RE.search(text, s, e)]


def pan_units(text: str) -> list[tuple[int, int, int]]:
    """Paragraph units ``(start, end, words)``: the non-blank lines, long ones split."""
    units: list[tuple[int, int, int]] = []
    for m in re.finditer(r"[^\n]+", text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        n = len(_WORD_RE.findall(text, s, e))
        if n <= UNIT_MAX_WORDS:
            if n:
                units.append((s, e, n))
            continue
        for a, b in _split_long(text, s, e):
            units.append((a, b, len(_WORD_RE.findall(text, a, b))))
    return units


def cut_pieces(doc_id: str, text: str) -> tuple[list[list[tuple[int, int, int]]], int]:
    """Pieces of 150-700 words at unit boundaries, and the words left out.

    Each piece takes units until it reaches a target length drawn per piece in
    [250, 600] words (from the document id, so pieces do not depend on the seed),
    never going over 700; a last piece under 150 words joins the one before when the
    two stay within 700 words, else it is left out.
    """
    lo, hi = PIECE_WORDS
    units = pan_units(text)
    total = sum(u[2] for u in units)
    if total < lo:
        return [], total
    rng = random.Random(f"pieces:{doc_id}")
    pieces: list[list[tuple[int, int, int]]] = []
    current: list[tuple[int, int, int]] = []
    count, target = 0, rng.randint(250, 600)
    for unit in units:
        if current and count + unit[2] > hi:
            pieces.append(current)
            current, count, target = [], 0, rng.randint(250, 600)
        current.append(unit)
        count += unit[2]
        if count >= target:
            pieces.append(current)
            current, count, target = [], 0, rng.randint(250, 600)
    dropped = 0
    if current:
        if count >= lo:
            pieces.append(current)
        elif pieces and sum(u[2] for u in pieces[-1]) + count <= hi:
            pieces[-1].extend(current)
        else:
            dropped = count
    return pieces, dropped


def piece_title(paragraphs: Sequence[str]) -> str:
    """The first line when it is a heading (at most 15 words), else the first 10 words.

    >>> piece_title(["Contraction Joints", "They are cut."])
    'Contraction Joints'
    >>> piece_title(["one two three four five six seven eight nine ten eleven. More."])
    'one two three four five six seven eight nine ten...'
    """
    first = " ".join(paragraphs[0].split())
    if _words(first) <= 15 and not first.endswith((".", "!", "?", ":")):
        return first
    return " ".join(first.split()[:10]).rstrip(",;:") + "..."


def _pan_meta(doc_id: str) -> tuple[str, str, str, str]:
    """Origin, id stem, date and source of a PAN document, fixed by its id."""
    m = _PAN_ID_RE.match(doc_id)
    kind, number = (m.group(1), m.group(2)) if m else ("src", doc_id)
    rng = random.Random(f"pan-page:{doc_id}")
    first, last = (dt.date(2005, 1, 1), dt.date(2008, 6, 30))
    if kind == "susp":
        first, last = dt.date(2008, 7, 1), dt.date(2010, 12, 31)
    date = first + dt.timedelta(days=rng.randrange((last - first).days + 1))
    return f"pan13-{kind}", f"pan13-{kind}-{number}", date.isoformat(), rng.choice(WEB_SOURCES)


def load_pool(folder: Path) -> Pool:
    """Every usable real base text: the Reuters stories in file order, then the PAN
    pieces in document order."""
    check_devdata(folder)
    texts: list[Text] = []
    stats: Counter[str] = Counter()
    for row in _read_jsonl_gz(folder / REUTERS_FILE):
        body = str(row.get("text") or "")
        date = reuters_date(str(row.get("date") or ""))
        if not _WORD_RE.search(body) or date is None or "id" not in row:
            stats["reuters_skipped"] += 1
            continue
        title = " ".join(str(row.get("title") or "").split())
        if not title:  # none in the 19,043; a story always gets a headline
            title = " ".join(body.split()[:8]).upper()
        text = reuters_text(title, str(row.get("dateline") or ""), body)
        texts.append(Text(str(row["id"]), title, text, date, "Reuters", "reuters", _words(text)))
        stats["reuters_stories"] += 1
    spans: dict[str, tuple[str, int, int]] = {}
    for row in _read_jsonl_gz(folder / PAN_DOCUMENTS_FILE):
        doc_id, raw = str(row.get("id") or ""), str(row.get("text") or "")
        origin, stem, date, source = _pan_meta(doc_id)
        pieces, dropped = cut_pieces(doc_id, raw)
        stats["pan_documents"] += 1
        stats["pan_words_left_out"] += dropped
        stats["pan_words"] += dropped
        if not pieces:
            stats["pan_documents_left_out"] += 1
            continue
        for number, units in enumerate(pieces):
            paras = [raw[s:e] for s, e, _ in units]
            piece_id = f"{stem}-p{number}"
            words = sum(n for _, _, n in units)  # units are apart: their words add up
            texts.append(
                Text(piece_id, piece_title(paras), "\n\n".join(paras), date, source, origin, words)
            )
            spans[piece_id] = (doc_id, units[0][0], units[-1][1])
            stats[f"{origin}_pieces"] += 1
            stats["pan_words"] += words
    return Pool(texts, spans, dict(sorted(stats.items())), devdata_digests(folder))


def pan_links(
    folder: Path, spans: dict[str, tuple[str, int, int]], out_ids: dict[str, str]
) -> list[dict[str, Any]]:
    """PAN's reuse cases between two pieces that are both in the corpus.

    A case maps a range of the source document onto a range of the suspicious one;
    each suspicious piece's share of that range is mapped back in proportion, and a
    (source piece, suspicious piece) link is kept when both sides overlap by at least
    PAN_LINK_CHARS characters. Approximate for obfuscated cases, whose lengths differ.
    """
    by_doc: dict[str, list[tuple[int, int, str]]] = {}
    for piece_id, (doc, start, end) in spans.items():
        if piece_id in out_ids:
            by_doc.setdefault(doc, []).append((start, end, out_ids[piece_id]))
    links: dict[tuple[str, str], dict[str, Any]] = {}
    for row in _read_jsonl_gz(folder / PAN_PAIRS_FILE):
        src, susp = by_doc.get(str(row.get("source"))), by_doc.get(str(row.get("suspicious")))
        if not src or not susp:
            continue
        for case in row.get("cases") or []:
            s0, t0 = int(case["source_offset"]), int(case["this_offset"])
            s1, t1 = s0 + int(case["source_length"]), t0 + int(case["this_length"])
            if s1 <= s0 or t1 <= t0:
                continue
            scale = (s1 - s0) / (t1 - t0)
            for b_start, b_end, b_id in susp:
                x0, x1 = max(t0, b_start), min(t1, b_end)
                if x1 - x0 < PAN_LINK_CHARS:
                    continue
                m0, m1 = s0 + (x0 - t0) * scale, s0 + (x1 - t0) * scale
                for a_start, a_end, a_id in src:
                    overlap = min(m1, a_end) - max(m0, a_start)
                    if overlap < PAN_LINK_CHARS:
                        continue
                    key = (a_id, b_id)
                    link = links.setdefault(
                        key,
                        {
                            "a": a_id,
                            "b": b_id,
                            "label": str(row["label"]),
                            "chars_a": 0,
                            "chars_b": 0,
                        },
                    )
                    link["chars_a"] += round(overlap)
                    link["chars_b"] += round(min(x1 - x0, overlap / scale))
    return [links[k] for k in sorted(links)]


_POOL: Pool | None = None
_POOL_FOLDER: Path | None = None


def pool(folder: Path | None = None) -> Pool:
    """The real texts, read once per process (workers forked after it inherit them)."""
    global _POOL, _POOL_FOLDER
    if _POOL is None or (folder is not None and folder.resolve() != _POOL_FOLDER):
        where = devdata_folder(folder).resolve()
        _POOL, _POOL_FOLDER = load_pool(where), where
    return _POOL


# ----------------------------------------------------------------------------- plan

Ref = tuple[str, int]  # ("real", index into the pool) or ("gen", make_corpus base number)
# (position, kind, output id, text ref, original ref, original id, serial)
Task = tuple[int, str, str, Ref, Ref, str, int]


def counts_for(n_docs: int) -> dict[str, int]:
    """Planted copies per kind and base documents for N documents."""
    counts = {kind: round(n_docs * f) for kind, f in FRACTIONS.items()}
    if n_docs - sum(counts.values()) < 2:
        counts = dict.fromkeys(FRACTIONS, 0)
    return {"base": n_docs - sum(counts.values()), **counts}


def _ref_words(p: Pool, ref: Ref) -> int:
    # make_corpus base documents have 14-28 generated sentences: far over 100 words
    return p.texts[ref[1]].words if ref[0] == "real" else 1000


def _ref_id(p: Pool, ref: Ref) -> str:
    return p.texts[ref[1]].id if ref[0] == "real" else f"gen-{ref[1] + 1:07d}"


def plan(n_docs: int, seed: int, p: Pool) -> tuple[list[Task], dict[str, Any]]:
    """What goes at each position, and the counts for meta.json.

    The base texts (bases and partial hosts) are a seeded sample of the real texts
    when there are enough, else all of them and generated documents after them. The
    kinds are shuffled over the positions; each copy draws an original among the base
    documents long enough for it and not next to it.
    """
    counts = counts_for(n_docs)
    rng = random.Random(f"real-plan:{seed}:{n_docs}")
    n_texts = counts["base"] + counts["partial"]
    available = len(p.texts)
    if n_texts <= available:
        refs: list[Ref] = [("real", i) for i in sorted(rng.sample(range(available), n_texts))]
    else:
        refs = [("real", i) for i in range(available)]
        refs += [("gen", k) for k in range(n_texts - available)]
    rng.shuffle(refs)
    host_candidates = [i for i, ref in enumerate(refs) if _ref_words(p, ref) >= MIN_COPY_WORDS]
    if len(host_candidates) < counts["partial"]:
        raise ValueError("too few base texts of 60 words or more for the partial copies")
    host_index = set(rng.sample(host_candidates, counts["partial"]))
    hosts = [ref for i, ref in enumerate(refs) if i in host_index]
    bases = [ref for i, ref in enumerate(refs) if i not in host_index]
    slots = [kind for kind, n in counts.items() for _ in range(n)]
    rng.shuffle(slots)
    base_at: list[tuple[int, Ref]] = []
    tasks: list[Task] = []
    base_iter, host_iter = iter(bases), iter(hosts)
    serials: Counter[str] = Counter()
    for pos, kind in enumerate(slots):
        if kind == "base":
            ref = next(base_iter)
            base_at.append((pos, ref))
            tasks.append((pos, kind, _ref_id(p, ref), ref, ref, "", -1))
        else:
            host = next(host_iter) if kind == "partial" else ("", -1)
            tasks.append((pos, kind, "", host, ("", -1), "", serials[kind]))
            serials[kind] += 1
    long_enough = [b for b in base_at if _ref_words(p, b[1]) >= MIN_COPY_WORDS]
    longer = [b for b in base_at if _ref_words(p, b[1]) >= MIN_PARTIAL_SOURCE_WORDS]
    by_origin: dict[str, Counter[str]] = {kind: Counter() for kind in KINDS}
    copy_number = 0
    for idx, (pos, kind, _, host, _, _, serial) in enumerate(tasks):
        if kind == "base":
            continue
        choices = longer if kind == "partial" else long_enough
        if not choices:
            raise ValueError(f"no base document long enough for a {kind} copy")
        for _ in range(100):
            orig_pos, orig_ref = rng.choice(choices)
            if abs(orig_pos - pos) > 1:
                break
        copy_number += 1
        tasks[idx] = (
            pos,
            kind,
            f"copy-{copy_number:06d}",
            host,
            orig_ref,
            _ref_id(p, orig_ref),
            serial,
        )
        by_origin[kind][_origin(p, orig_ref)] += 1
    bases_by_origin = Counter(_origin(p, ref) for ref in bases)
    hosts_by_origin = Counter(_origin(p, ref) for ref in hosts)
    generated = sum(1 for ref in refs if ref[0] == "gen")
    info = {
        "counts": counts,
        "bases_by_origin": dict(sorted(bases_by_origin.items())),
        "partial_hosts_by_origin": dict(sorted(hosts_by_origin.items())),
        "originals_by_origin": {k: dict(sorted(v.items())) for k, v in by_origin.items()},
        "real_texts_available": available,
        "real_texts_used": n_texts - generated,
        "generated_documents": generated,
        "generated_bases": sum(1 for ref in bases if ref[0] == "gen"),
        "generated_partial_hosts": sum(1 for ref in hosts if ref[0] == "gen"),
    }
    return tasks, info


def _origin(p: Pool, ref: Ref) -> str:
    return p.texts[ref[1]].origin if ref[0] == "real" else "generated"


# ----------------------------------------------------------------------------- documents


def base_record(seed: int, ref: Ref) -> dict[str, Any]:
    """A base document (title, text, date, source) from its reference."""
    if ref[0] == "real":
        t = pool().texts[ref[1]]
        return {"title": t.title, "text": t.text, "date": t.date, "source": t.source}
    doc = make_corpus.make_base(seed, ref[1])
    return {k: v for k, v in doc.items() if not k.startswith("_")}


def _body(base: dict[str, Any]) -> list[str]:
    """The paragraphs after the headline (a text that does not open with it: all)."""
    paras = [p for p in base["text"].split("\n\n") if p.strip()]
    if paras and paras[0].strip() == base["title"].strip() and len(paras) > 1:
        paras = paras[1:]
    return paras


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


_SMALL = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "of",
        "on",
        "or",
        "the",
        "to",
        "vs",
        "with",
    ]
)


def _sentence_case(title: str) -> str:
    words = []
    for i, w in enumerate(title.split()):
        keep = "." in w or any(c.isdigit() for c in w) or (len(w) <= 2 and w.isupper() and i > 0)
        if w.lower() in _SMALL:
            keep = False
        words.append(w if keep else w.lower())
    out = " ".join(words)
    return out[:1].upper() + out[1:]


def _title_case(title: str) -> str:
    words = []
    for i, w in enumerate(title.split()):
        low = w.lower()
        if "." in w or any(c.isdigit() for c in w):
            words.append(w)
        elif i and low in _SMALL:
            words.append(low)
        else:
            words.append(low[:1].upper() + low[1:])
    return " ".join(words)


def _plain_title(title: str) -> str:
    """A headline without stock tickers, in sentence case when it was in capitals.

    >>> _plain_title("STANDARD OIL <SRD> TO FORM UNIT")
    'Standard oil to form unit'
    """
    plain = " ".join(re.sub(r"<[^<>]*>", " ", title).split()).rstrip(".") or title
    return _sentence_case(plain) if _is_caps(plain) else plain


def new_headline(title: str, rng: random.Random, source: str) -> str:
    """A syndicated copy's headline: re-cased, tickers dropped, and sometimes a kicker,
    a site suffix or fewer words.

    >>> new_headline("STANDARD OIL <SRD> TO FORM UNIT", random.Random(1), "Lakeshore Gazette")
    'Standard oil to form unit'
    """
    plain = " ".join(re.sub(r"<[^<>]*>", " ", title).split()).rstrip(".") or title
    base = _plain_title(title)
    style = rng.random()
    if style < 0.3:
        new = base
    elif style < 0.5:
        new = _title_case(plain)
    elif style < 0.62:
        new = f"UPDATE {rng.randint(1, 3)}-{base}"
    elif style < 0.8:
        new = f"{base} {rng.choice(['|', '-', '::'])} {source}"
    elif style < 0.9:
        new = f"{rng.choice(['Report', 'Analysis', 'Breaking', 'Markets'])}: {base}"
    else:
        words = base.split()
        new = " ".join(words[: max(3, (len(words) * 2 + 2) // 3)])
    if new == title:
        new = f"{base} | {source}"
    return new


def _person(rng: random.Random) -> str:
    p = make_corpus.pools()
    return f"{rng.choice(p.first_names)} {rng.choice(p.surnames)}"


def _byline(rng: random.Random, source: str, date: dt.date) -> str:
    when = f"{MONTHS[date.month - 1]} {date.day}, {date.year}"
    forms = (
        lambda: f"By {_person(rng)}",
        lambda: f"By {_person(rng)}, {source}",
        lambda: f"By {_person(rng)} | {when}",
        lambda: f"Posted {when} by {_person(rng)}",
        lambda: f"{source} staff and wire reports",
        lambda: f"By {_person(rng).upper()}",
    )
    return rng.choice(forms)()


def _furniture(
    rng: random.Random, source: str, origin_source: str, date: dt.date, title: str
) -> list[str]:
    """Lines a scraped page carries after the story: some of copyright, read-more
    links, a footer; at least one."""
    texts = pool().texts
    out: list[str] = []
    while not out:
        if rng.random() < 0.55:
            year = date.year
            out.append(
                rng.choice(
                    (
                        f"Copyright {year} {origin_source}. All rights reserved.",
                        f"\u00a9 {year} {source}. All rights reserved.",
                        f"Copyright (c) {year} {origin_source}. All rights reserved. This "
                        "material may not be published, broadcast, rewritten or redistributed.",
                        f"(c) Copyright {origin_source} {year}. All Rights Reserved.",
                    )
                )
            )
        if rng.random() < 0.5:
            for _ in range(rng.randint(1, 3)):
                other = _plain_title(texts[rng.randrange(len(texts))].title)
                out.append(f"{rng.choice(('Read more:', 'Read more:', 'Related:'))} {other}")
        if rng.random() < 0.55:
            tags = [w.lower() for w in _WORD_RE.findall(title) if len(w) > 3][:4]
            out.append(
                rng.choice(
                    (
                        f"{source} | Home | News | Business | Sport | Contact us | Privacy policy",
                        "Share this article: Facebook | Twitter | Email | Print",
                        f"Follow {source} on Facebook and Twitter for the latest news.",
                        "Sign up for our daily newsletter. Comments (0) | Report an error",
                        f"Tags: {', '.join(tags) or 'news'}",
                        f"Back to top | {source} home | Terms of use | Advertise with us",
                    )
                )
            )
    return out


def _redateline(para: str, rng: random.Random, agency: str) -> str:
    """Drop or rewrite a wire dateline at the head of a paragraph."""
    m = _DATELINE_RE.match(para)
    if m is None:
        return para
    rest = para[m.end() :]
    place = m.group("place")
    choice = rng.random()
    if choice < 0.35:
        return rest[:1].upper() + rest[1:]
    if choice < 0.7:
        return f"{place} ({agency}) - {rest}"
    if choice < 0.85:
        return f"{place}, {m.group('day')} ({agency}) - {rest}"
    return f"{place.title()} - {rest}"


def make_edit(
    rng: random.Random, base: dict[str, Any], source: str, date: dt.date
) -> dict[str, Any]:
    """A syndicated edit of ``base`` as another outlet's page shows it."""
    body = _body(base)
    if len(body) > 1 and _SIGN_OFF_RE.match(body[-1].strip()):
        body = body[:-1]
    cut = min(rng.randint(1, 2), max(0, len(body) - 2))
    total = _words(" ".join(body))
    while cut and _words(" ".join(body[: len(body) - cut])) < EDIT_KEEP_SHARE * total:
        cut -= 1  # a trim never takes more than 40 % of the words
    body = body[: len(body) - cut]
    body[0] = _redateline(body[0], rng, base["source"])
    body = make_corpus._edit_words(body, rng)
    title = new_headline(base["title"], rng, source)
    head = [title]
    if rng.random() < 0.6:
        head.append(_byline(rng, source, date))
    tail = _furniture(rng, source, base["source"], date, title)
    return {"title": title, "text": "\n\n".join(head + body + tail)}


def _passage(rng: random.Random, paras: list[str], total: int) -> list[str]:
    """2-4 consecutive paragraphs of 40-150 words and at most 60 % of ``total``;
    else consecutive sentences; else a run of words."""
    lo, hi = PASSAGE_WORDS
    cap = min(hi, int(total * PASSAGE_MAX_SHARE))
    sizes = [_words(p) for p in paras]
    runs = [
        (i, n)
        for n in (2, 3, 4)
        for i in range(len(paras) - n + 1)
        if lo <= sum(sizes[i : i + n]) <= cap
    ]
    if runs:
        i, n = rng.choice(runs)
        return paras[i : i + n]
    sentences = [s for p in paras for s in make_corpus.split_sentences(p)]
    sizes = [_words(s) for s in sentences]
    spans = [
        (i, j)
        for i in range(len(sentences))
        for j in range(i + 1, len(sentences) + 1)
        if lo <= sum(sizes[i:j]) <= cap
    ]
    if spans:
        i, j = rng.choice(spans)
        return [" ".join(sentences[i:j])]
    words = " ".join(paras).split()
    n = min(len(words), max(lo, min(cap, rng.randint(lo, hi))))
    start = rng.randrange(len(words) - n + 1)
    return [" ".join(words[start : start + n])]


def make_partial(
    rng: random.Random, original: dict[str, Any], host: dict[str, Any]
) -> dict[str, Any]:
    """``host`` with a passage of ``original`` put in at a paragraph boundary after its lead."""
    source_paras = _body(original)
    if len(source_paras) > 1 and _SIGN_OFF_RE.match(source_paras[-1].strip()):
        source_paras = source_paras[:-1]
    passage = _passage(rng, source_paras, _words(" ".join(source_paras)))
    body = _body(host)
    signed = len(body) > 1 and _SIGN_OFF_RE.match(body[-1].strip()) is not None
    last = len(body) - 1 if signed else len(body)
    at = rng.randint(1, max(1, last))
    body = body[:at] + passage + body[at:]
    text = "\n\n".join(body)
    if host["text"].startswith(host["title"] + "\n\n"):
        text = host["title"] + "\n\n" + text
    return {"title": host["title"], "text": text, "words": _words(" ".join(passage))}


def make_copy(seed: int, task: Task) -> tuple[dict[str, Any], dict[str, Any]]:
    """The planted copy for a plan entry, and the extra fields of its truth row."""
    _, kind, _, host_ref, orig_ref, _, serial = task
    rng = random.Random(f"real-{kind}:{seed}:{serial}")
    base = base_record(seed, orig_ref)
    date = dt.date.fromisoformat(base["date"]) + dt.timedelta(days=rng.randint(1, 30))
    source = rng.choice([s for s in COPY_SOURCES if s != base["source"]])
    extra: dict[str, Any] = {}
    if kind == "exact":
        doc = {"title": base["title"], "text": base["text"]}
    elif kind == "edit":
        doc = make_edit(rng, base, source, date)
    elif kind == "partial":
        host = base_record(seed, host_ref)
        doc = make_partial(rng, base, host)
        extra = {"host": _ref_id(pool(), host_ref), "words": doc.pop("words")}
    elif kind == "spun":
        result, strength, thesaurus = make_corpus.spun_copy(base["text"], rng, serial)
        text = result.text
        if base["text"].startswith(base["title"] + "\n"):
            title = text.split("\n", 1)[0]
        else:
            title = piece_title([text.split("\n", 1)[0]])
        doc = {"title": title, "text": text}
        extra = {
            "thesaurus": thesaurus,
            "strength": strength,
            "substitutions": len(result.substitutions),
        }
    else:
        raise ValueError(f"unknown copy kind {kind!r}")
    return {**doc, "date": date.isoformat(), "source": source}, extra


_LINE_BREAKS = {"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _json_line(record: dict[str, Any]) -> str:
    """One JSON line, UTF-8 text as is except the characters that ``str.splitlines`` and
    some readers take for line ends (NEL, LINE and PARAGRAPH SEPARATOR), escaped.

    >>> _json_line({"t": "a\u2028b é"})
    '{"t": "a\\\\u2028b é"}'
    """
    line = json.dumps(record, ensure_ascii=False)
    for raw, escaped in _LINE_BREAKS.items():
        line = line.replace(raw, escaped)
    return line


def generate_chunk(seed: int, tasks: Sequence[Task]) -> list[tuple[str, str | None]]:
    """JSON lines (document, truth row or None) for a chunk of the plan."""
    out: list[tuple[str, str | None]] = []
    for task in tasks:
        _, kind, out_id, ref, _, orig_id, _ = task
        truth = None
        if kind == "base":
            doc = base_record(seed, ref)
        else:
            doc, extra = make_copy(seed, task)
            truth = json.dumps({"original": orig_id, "copy": out_id, "kind": kind, **extra})
        out.append((_json_line({"id": out_id, **doc}), truth))
    return out


def _generate_star(args: tuple[int, list[Task]]) -> list[tuple[str, str | None]]:
    return generate_chunk(*args)


def _init_worker(folder: str) -> None:
    pool(Path(folder))
    make_corpus.pools()


# ----------------------------------------------------------------------------- output


def make_real_corpus(
    n_docs: int,
    out: str | Path,
    *,
    seed: int = 1,
    devdata: str | os.PathLike[str] | None = None,
    jobs: int | None = None,
    progress: bool = False,
) -> dict[str, Any]:
    """Write ``docs.jsonl``, ``truth.jsonl``, ``pan_reuse.jsonl`` and ``meta.json`` to
    ``out``; return the meta (with ``seconds``). Raises :class:`SkipError` without the
    dev data, ``ValueError`` on bad arguments or unreadable data."""
    if n_docs < 1:
        raise ValueError("--docs must be >= 1")
    folder = devdata_folder(devdata).resolve()
    check_devdata(folder)
    started = time.perf_counter()
    p = pool(folder)
    make_corpus.pools()
    tasks, info = plan(n_docs, seed, p)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "meta.json").unlink(missing_ok=True)
    out_ids = {
        _ref_id(p, t[3]) if t[1] == "partial" else t[2]: t[2]
        for t in tasks
        if t[1] in ("base", "partial") and t[3][0] == "real"
    }
    links = pan_links(folder, p.spans, out_ids)
    jobs = jobs or os.cpu_count() or 1
    work = [(seed, tasks[i : i + CHUNK]) for i in range(0, len(tasks), CHUNK)]
    tmp = f".tmp-{os.getpid()}"
    names = ("docs.jsonl", "truth.jsonl", "pan_reuse.jsonl")
    temps = {name: out / f"{name}{tmp}" for name in names}
    try:
        with (
            temps["docs.jsonl"].open("w", encoding="utf-8") as docs_fh,
            temps["truth.jsonl"].open("w", encoding="utf-8") as truth_fh,
        ):
            make_corpus.write_chunks(
                work,
                _generate_star,
                docs_fh,
                truth_fh,
                jobs=jobs,
                initializer=_init_worker,
                initargs=(str(folder),),
                progress=(started, n_docs) if progress else None,
            )
        with temps["pan_reuse.jsonl"].open("w", encoding="utf-8") as fh:
            for link in links:
                fh.write(json.dumps(link) + "\n")
    except BaseException:
        for path in temps.values():
            path.unlink(missing_ok=True)
        raise
    if progress:
        print(file=sys.stderr)
    for name in names:
        temps[name].replace(out / name)
    counts = info.pop("counts")
    meta = {
        "docs": n_docs,
        "seed": seed,
        "version": VERSION,
        "counts": counts,
        "fractions": {kind: round(n / n_docs, 4) for kind, n in counts.items()},
        "target_fractions": FRACTIONS,
        **info,
        "pan_reuse_links": len(links),
        "pan_reuse_links_by_label": dict(sorted(Counter(x["label"] for x in links).items())),
        "pool": p.stats,
        "pan_pieces": (
            "each PAN document cut at line boundaries (lines over 350 words first split at "
            "sentence ends) into pieces of 150-700 words, a target drawn per piece in 250-600; "
            "documents under 150 words and short last pieces that cannot join the one before "
            "are left out (pool.pan_documents_left_out, pool.pan_words_left_out)"
        ),
        "rules": {
            "min_copy_words": MIN_COPY_WORDS,
            "min_partial_source_words": MIN_PARTIAL_SOURCE_WORDS,
            "edit_keep_share": EDIT_KEEP_SHARE,
            "partial_passage_words": list(PASSAGE_WORDS),
            "partial_passage_max_share": PASSAGE_MAX_SHARE,
            "pan_piece_words": list(PIECE_WORDS),
            "pan_unit_max_words": UNIT_MAX_WORDS,
            "pan_link_min_chars": PAN_LINK_CHARS,
        },
        "generated": [
            "ids copy-NNNNNN: every planted copy (truth.jsonl); edit copies take their edited "
            "words and byline names from make_corpus.py's pools",
            "dates and sources of the PAN pieces and of every copy",
            f"{info['generated_documents']} base texts from make_corpus.make_base "
            f"(ids gen-NNNNNNN; {info['generated_bases']} bases, "
            f"{info['generated_partial_hosts']} partial-copy hosts)",
        ],
        "devdata_sha256": p.digests,
        "make_corpus_version": make_corpus.VERSION,
        "articles_sha256": make_corpus.articles_digest(),
    }
    meta_tmp = out / f"meta.json{tmp}"
    meta_tmp.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    meta_tmp.replace(out / "meta.json")
    return {**meta, "seconds": round(time.perf_counter() - started, 2)}


class _Parser(argparse.ArgumentParser):
    """Argument errors in one line, exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _Parser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--docs", type=int, required=True, help="number of documents")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--devdata", type=Path, help="dev data folder (default ../shared/devdata)")
    parser.add_argument("--jobs", type=int, default=0, help="worker processes (0 = all cores)")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)
    if args.docs < 1:
        parser.error("--docs must be >= 1")
    if args.jobs < 0:
        parser.error("--jobs must be >= 0")
    try:
        meta = make_real_corpus(
            args.docs,
            args.out,
            seed=args.seed,
            devdata=args.devdata,
            jobs=args.jobs or None,
            progress=not args.quiet,
        )
    except SkipError as exc:
        print(f"skipped: {exc}", file=sys.stderr)
        return 2
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not args.quiet:
        c = meta["counts"]
        print(
            f"{meta['docs']:,} docs in {meta['seconds']:.1f} s: {c['base']:,} base "
            f"({meta['generated_bases']:,} generated), {c['exact']:,} exact, {c['edit']:,} edit, "
            f"{c['partial']:,} partial, {c['spun']:,} spun -> {args.out}",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
