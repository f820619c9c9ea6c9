#!/usr/bin/env python3
"""Make a synthetic news corpus with planted copies, for ``benchmarks/scan_bench.py``.

Usage: python benchmarks/make_corpus.py --docs N --out DIR [--seed S] [--jobs J]

Writes, deterministically for (N, seed) whatever the number of jobs:

* ``DIR/docs.jsonl``: one ``{"id", "text", "title", "date", "source"}`` per line,
  ids ``d0000001``, ``d0000002``, ... in file order;
* ``DIR/truth.jsonl``: one ``{"original", "copy", "kind"}`` per planted copy, kind
  ``exact``, ``near_duplicate`` or ``spun`` (spun rows also give the spinner's
  ``strength`` and ``thesaurus``);
* ``DIR/meta.json``: counts, seed and fractions (written last: its presence means
  the corpus is complete).

How the documents are made, from the project's own human-written articles
(``corpus/articles.jsonl``, kinds original, rewrite and related, made_by written):

* the articles are split into a pool of sentences (datelines and bylines dropped)
  and a pool of headlines;
* a **base** document (about 88 % of N) is a pool headline and 14-28 new sentences
  generated from word chains over the pool (order two, backing off to order one where
  a context has a single continuation, so no pool sentence is repeated verbatim and
  unrelated documents do not share whole sentences, as real ones rarely do), in
  paragraphs of 2-4 sentences, often opened by a wire dateline. Every base document is made distinct: capitalised names are replaced
  consistently (same name, same replacement, within the document) with names from
  generated first-name, surname and place lists, and every number with a fresh
  random number of similar magnitude in the same format (``1,178``, ``2.5%``,
  years stay years). Dates are in 2024-2026, sources from 30 outlets;
* **copies** of randomly chosen base documents (drawn with replacement, so some
  originals have several) sit at random positions, never next to their original:
  about 5 % **exact** copies (identical title and text), 5 % **near-duplicates**
  (a new headline, the last 1-2 paragraphs cut, and 2-5 % of the words edited: a
  word swapped for another word of the pool's vocabulary, a word deleted, or a
  number changed) and 2 % **spun** copies (:func:`detector.lab.spinner.spin` with a
  strength uniform in [0.3, 0.7], alternately with ``WordNetThesaurus()`` and the
  Moby table). A copy has a later date (1-30 days) and a different source.

Every document is a function of (seed, its position) only, so the file is
streamed: chunks of positions are generated in worker processes (spinning is the
slow part) and written in order. Memory stays flat in N.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import random
import re
import sys
import time
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
ARTICLES = REPO / "corpus" / "articles.jsonl"
MOBY = REPO / "corpus" / "thesaurus" / "moby.tsv.gz"

#: Fractions of N planted as copies; the rest are base documents.
FRACTIONS = {"exact": 0.05, "near_duplicate": 0.05, "spun": 0.02}
VERSION = 2
CHUNK = 250

SOURCES = (
    # wire agencies
    "Meridian Wire",
    "Harbor Newswire",
    "Continental Press",
    "Atlas News Agency",
    "Global Dispatch Service",
    # newspapers, broadcasters, sites
    "The Northfield Courier",
    "Riverside Daily Ledger",
    "The Coastal Herald",
    "Capital City Times",
    "The Morning Sentinel",
    "Lakeshore Gazette",
    "The Evening Chronicle",
    "Pinecrest Observer",
    "The Valley Tribune",
    "Metro Business Review",
    "The Weekly Standard-Post",
    "Granite State Journal",
    "The Harbour Examiner",
    "Summit Public Radio",
    "Channel 9 Newsdesk",
    "The Prairie Record",
    "Eastgate News Online",
    "The Industrial Monitor",
    "Southbank Press",
    "The Civic Reporter",
    "Highland Mail",
    "The Market Bulletin",
    "Bayview Current",
    "The Republic Sun",
    "Westmoor Daily News",
)

MONTHS = ("Jan", "Feb", "March", "April", "May", "June", "July", "Aug", "Sept", "Oct", "Nov", "Dec")


def _words(spaced: str) -> list[str]:
    return spaced.split()


# Capitalised words that are not names even though they never occur in lowercase.
_NOT_NAMES = frozenset(
    _words(
        """I Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March
    April May June July August September October November December Jan Feb Mar Apr Jun
    Jul Aug Sep Sept Oct Nov Dec Mr Mrs Ms Dr St"""
    )
)
_PLACE_CUES = frozenset(_words("in at from to near across outside of into around throughout"))

_WORD_RE = re.compile(r"[^\W\d_]+")
_NUMBER_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_SENT_SPLIT_RE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’']))\s+(?=[\"“‘']?[A-Z0-9])")
_ABBREV_END_RE = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Inc|Corp|Co|Ltd|No|Gov|Sen|Rep|Gen|Col|Lt|Prof|"
    r"Jan|Feb|Mar|Apr|Aug|Sept|Sep|Oct|Nov|Dec|vs|approx)|\b[A-Z]|\b[A-Z]\.[A-Z])\.$"
)
_DATELINE_RE = re.compile(
    r"^[A-Z][A-Z .'’-]+(?:, [A-Z][\w.' ]+)*?(?:, [A-Z][a-z]{2,4}\.? \d{1,2})? "
    r"\([^)]{2,40}\)\s*[-–—]+\s*"
)


# ----------------------------------------------------------------------------- pools


def split_sentences(paragraph: str) -> list[str]:
    """A simple regex sentence splitter that does not split after common abbreviations.

    >>> split_sentences('Mr. Smith said so. "It is done," he added. Prices rose 2.5% in Jan. to 3.')
    ['Mr. Smith said so.', '"It is done," he added.', 'Prices rose 2.5% in Jan. to 3.']
    """
    out: list[str] = []
    for piece in _SENT_SPLIT_RE.split(paragraph.strip()):
        piece = piece.strip()
        if not piece:
            continue
        if out and _ABBREV_END_RE.search(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def _syllable_names(
    rng: random.Random, count: int, endings: Sequence[str], lo: int, hi: int
) -> list[str]:
    onsets = _words("b br c ch d dr f g gr h j k kl l m n p pr r s sh st t tr v w z")
    nuclei = _words("a e i o u a e o ai ei ou")
    codas = ["", "", "", "n", "r", "l", "s", "m", "nd", "rt", "lk"]
    names: set[str] = set()
    while len(names) < count:
        parts = [
            rng.choice(onsets) + rng.choice(nuclei) + rng.choice(codas)
            for _ in range(rng.randint(lo, hi))
        ]
        name = "".join(parts) + rng.choice(endings)
        if 4 <= len(name) <= 12:
            names.add(name.capitalize())
    return sorted(names)


class Pools:
    """Sentences, headlines, vocabulary and name lists, built once per process."""

    def __init__(self, articles: Path = ARTICLES) -> None:
        sentences: list[str] = []
        headlines: list[str] = []
        with articles.open(encoding="utf-8") as fh:
            for line in fh:
                art = json.loads(line)
                if art["kind"] not in ("original", "rewrite", "related"):
                    continue
                if art.get("made_by", "written") != "written":
                    continue
                paras = [p.strip() for p in art["text"].split("\n\n") if p.strip()]
                if len(paras) < 3:
                    continue
                headlines.append(" ".join(paras[0].split()))
                for para in paras[1:]:
                    para = _DATELINE_RE.sub("", " ".join(para.split()))
                    for sent in split_sentences(para):
                        if 6 <= len(sent.split()) <= 70 and not sent.startswith("By "):
                            sentences.append(sent)
        self.sentences = sorted(set(sentences))
        self.headlines = sorted(set(headlines))
        lower: set[str] = set()
        capital: set[str] = set()
        for text in (*self.sentences, *self.headlines):
            for m in _WORD_RE.finditer(text):
                w = m.group()
                if w.islower():
                    lower.add(w)
                elif w[0].isupper() and not w.isupper():
                    capital.add(w)
        self.names = frozenset(w for w in capital if w.lower() not in lower and w not in _NOT_NAMES)
        self.vocabulary = sorted(w for w in lower if len(w) >= 3)
        # Word-level Markov chains over the pool, so base documents are new sentences
        # in news wording rather than pool sentences shared by many documents.
        self.starts: list[tuple[str, str]] = []
        self.successors2: dict[tuple[str, str], list[str]] = {}
        self.successors1: dict[str, list[str]] = {}
        for sent in self.sentences:
            words = sent.split()
            if len(words) < 3:
                continue
            self.starts.append((words[0], words[1]))
            for a, b, c in zip(words, words[1:], words[2:], strict=False):
                self.successors2.setdefault((a, b), []).append(c)
            for a, b in itertools.pairwise(words):
                self.successors1.setdefault(a, []).append(b)
        rng = random.Random("detector-bench-names")
        self.first_names = _syllable_names(rng, 1500, ["", "a", "o", "ie", "el", "an"], 1, 2)
        self.surnames = _syllable_names(
            rng, 4000, ["", "son", "ez", "ski", "ov", "ini", "ford", "well", "er", "ic"], 1, 2
        )
        self.places = _syllable_names(
            rng, 1500, ["ton", "burg", "ville", "port", "field", "stad", "abad", "mouth", "a"], 1, 2
        )


_POOLS: Pools | None = None


def articles_digest(path: Path = ARTICLES) -> str:
    """SHA-256 of the articles file: the corpus depends on it as much as on the seed."""
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def pools() -> Pools:
    global _POOLS
    if _POOLS is None:
        _POOLS = Pools()
    return _POOLS


@lru_cache(maxsize=2)
def _thesaurus(name: str) -> Any:
    from detector.lab.spinner import MobyThesaurus, WordNetThesaurus

    return WordNetThesaurus() if name == "wordnet" else MobyThesaurus.from_path(MOBY)


# ----------------------------------------------------------------------------- documents


def fresh_number(token: str, rng: random.Random) -> str:
    """A random number of similar magnitude (0.5-1.6 times, same number of digits), in
    the format of ``token``: thousands separators, decimals, leading zeros; years stay
    recent years.

    >>> rng = random.Random(3)
    >>> [fresh_number(t, rng) for t in ("1,178", "2.5", "2023", "7", "0.25", "07", "0")]
    ['1,211', '2.7', '2022', '9', '0.26', '08', '4']
    """
    plain = token.replace(",", "")
    whole, _, frac = plain.partition(".")
    decimals = len(frac)
    value = float(plain)
    if not frac and len(whole) == 4 and 1900 <= value <= 2035:
        return str(rng.randint(int(value) - 6, min(2030, int(value) + 3)))
    if whole.lstrip("0"):
        digits = len(whole.lstrip("0"))
        lo = max(value * 0.5, 10.0 ** (digits - 1))
        hi = min(value * 1.6, 10.0**digits - 10.0**-decimals)
    elif value > 0:  # 0.25
        lo, hi = value * 0.5, min(value * 1.6, 1.0 - 10.0**-decimals)
    else:  # 0, 0.0, 00
        lo, hi = 0.0, 9.0 if not decimals else 1.0 - 10.0**-decimals
    new = token
    for _ in range(4):
        new_value = rng.uniform(lo, hi)
        new = f"{new_value:.{decimals}f}" if decimals else str(round(new_value))
        if "," in token:
            head, _, tail = new.partition(".")
            new = f"{int(head):,}" + (f".{tail}" if tail else "")
        if len(whole) > 1 and whole.startswith("0"):
            new = new.zfill(len(plain))
        if new != token:
            break
    return new


class Personaliser:
    """Replaces names (consistently) and numbers (freshly) in one document's text."""

    def __init__(self, rng: random.Random, mapping: dict[str, str] | None = None) -> None:
        self.rng = rng
        self.p = pools()
        self.mapping: dict[str, str] = dict(mapping or {})

    def _name(self, word: str, role: str) -> str:
        if word not in self.mapping:
            table = {"first": self.p.first_names, "place": self.p.places}.get(role, self.p.surnames)
            self.mapping[word] = self.rng.choice(table)
        return self.mapping[word]

    def __call__(self, text: str) -> str:
        names = self.p.names
        words = list(_WORD_RE.finditer(text))
        out: list[str] = []
        cursor = 0
        for i, m in enumerate(words):
            w = m.group()
            if w not in names:
                continue
            prev_name = (
                i > 0
                and words[i - 1].group() in names
                and text[words[i - 1].end() : m.start()] == " "
            )
            next_name = (
                i + 1 < len(words)
                and words[i + 1].group() in names
                and text[m.end() : words[i + 1].start()] == " "
            )
            if next_name:
                role = "first"
            elif prev_name:
                role = "last"
            elif i > 0 and words[i - 1].group().lower() in _PLACE_CUES:
                role = "place"
            else:
                role = "last"
            out.append(text[cursor : m.start()])
            out.append(self._name(w, role))
            cursor = m.end()
        out.append(text[cursor:])
        text = "".join(out)
        return _NUMBER_RE.sub(lambda m: fresh_number(m.group(), self.rng), text)


def _date(rng: random.Random) -> dt.date:
    start = dt.date(2024, 1, 1)
    return start + dt.timedelta(days=rng.randrange((dt.date(2026, 11, 30) - start).days + 1))


def markov_sentence(p: Pools, rng: random.Random, max_words: int = 40) -> str:
    """A new sentence from the pool's word chains.

    Order two where the two-word context has more than one continuation; where it
    has only one (the chain would copy a pool sentence), usually back off to order
    one, so no long run of any pool sentence is repeated verbatim.
    """
    w1, w2 = rng.choice(p.starts)
    words = [w1, w2]
    while len(words) < max_words and not words[-1].endswith((".", "?", "!", '."', '?"')):
        options = p.successors2.get((w1, w2), [])
        if len(set(options)) < 2 and rng.random() < 0.8:
            options = p.successors1.get(w2, options)
        if not options:
            break
        w1, w2 = w2, rng.choice(options)
        words.append(w2)
    sentence = " ".join(words)
    return sentence if sentence.endswith((".", "?", "!", '."', '?"')) else sentence + "."


def make_base(seed: int, k: int) -> dict[str, Any]:
    """Base document number ``k`` (title, text, date, source), without its id."""
    p = pools()
    rng = random.Random(f"base:{seed}:{k}")
    personalise = Personaliser(rng)
    chosen = [markov_sentence(p, rng) for _ in range(rng.randint(14, 28))]
    paras: list[str] = []
    i = 0
    while i < len(chosen):
        left, n = len(chosen) - i, rng.randint(2, 4)
        if left - n == 1:  # never leave a one-sentence paragraph
            n = n - 1 if n > 2 else n + 1
        paras.append(" ".join(personalise(s) for s in chosen[i : i + n]))
        i += n
    date = _date(rng)
    source = rng.choice(SOURCES)
    if rng.random() < 0.6:
        place = rng.choice(p.places).upper()
        paras[0] = f"{place}, {MONTHS[date.month - 1]} {date.day} ({source}) - {paras[0]}"
    title = personalise(rng.choice(p.headlines))
    return {
        "title": title,
        "text": title + "\n\n" + "\n\n".join(paras),
        "date": date.isoformat(),
        "source": source,
        "_mapping": personalise.mapping,
    }


def _edit_words(paras: list[str], rng: random.Random) -> list[str]:
    """Edit 2-5 % of the words: swap for a pool word, delete, or change a number."""
    vocab = pools().vocabulary
    words = [para.split(" ") for para in paras]
    slots = [(i, j) for i, ws in enumerate(words) for j in range(len(ws))]
    n_edits = max(1, round(len(slots) * rng.uniform(0.02, 0.05)))
    numeric = [s for s in slots if any(c.isdigit() for c in words[s[0]][s[1]])]
    deleted: set[tuple[int, int]] = set()
    for _ in range(n_edits):
        op = rng.random()
        if numeric and op < 0.2:
            i, j = rng.choice(numeric)
            words[i][j] = _NUMBER_RE.sub(lambda m: fresh_number(m.group(), rng), words[i][j])
            continue
        i, j = rng.choice(slots)
        if (i, j) in deleted:
            continue
        m = re.fullmatch(r"(\W*)([\w'’-]+)(\W*)", words[i][j])
        if m is None:
            continue
        if op < 0.65 or m.group(3):
            new = rng.choice(vocab)
            if m.group(2)[:1].isupper():
                new = new.capitalize()
            words[i][j] = m.group(1) + new + m.group(3)
        else:
            deleted.add((i, j))
    return [
        " ".join(w for j, w in enumerate(ws) if (i, j) not in deleted) for i, ws in enumerate(words)
    ]


def make_copy(
    seed: int, pos: int, kind: str, base: dict[str, Any], spun_serial: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A planted copy of ``base`` at file position ``pos``, and its extra truth fields."""
    rng = random.Random(f"{kind}:{seed}:{pos}")
    date = dt.date.fromisoformat(base["date"]) + dt.timedelta(days=rng.randint(1, 30))
    source = rng.choice([s for s in SOURCES if s != base["source"]])
    extra: dict[str, Any] = {}
    if kind == "exact":
        title, text = base["title"], base["text"]
    elif kind == "near_duplicate":
        paras = base["text"].split("\n\n")[1:]
        cut = min(rng.randint(1, 2), max(0, len(paras) - 2))
        paras = _edit_words(paras[: len(paras) - cut], rng)
        title = Personaliser(rng, base["_mapping"])(rng.choice(pools().headlines))
        text = title + "\n\n" + "\n\n".join(paras)
    elif kind == "spun":
        spun, strength, thesaurus = spun_copy(base["text"], rng, spun_serial)
        text = spun.text
        title = text.split("\n", 1)[0]
        extra = {"strength": strength, "thesaurus": thesaurus}
    else:
        raise ValueError(f"unknown copy kind {kind!r}")
    return {"title": title, "text": text, "date": date.isoformat(), "source": source}, extra


# ----------------------------------------------------------------------------- plan and output


def doc_id(pos: int) -> str:
    return f"d{pos + 1:07d}"


def counts_for(n_docs: int) -> dict[str, int]:
    counts = {kind: round(n_docs * f) for kind, f in FRACTIONS.items()}
    if n_docs - sum(counts.values()) < 1:
        counts = dict.fromkeys(FRACTIONS, 0)
    return {"base": n_docs - sum(counts.values()), **counts}


Task = tuple[int, str, int, int, int]  # position, kind, base number, original position, spun serial


def plan(n_docs: int, seed: int) -> list[Task]:
    """What goes at each position: a base document, or a copy of base document k."""
    rng = random.Random(f"plan:{seed}:{n_docs}")
    counts = counts_for(n_docs)
    kinds = [kind for kind, n in counts.items() for _ in range(n)]
    rng.shuffle(kinds)
    base_positions = [pos for pos, kind in enumerate(kinds) if kind == "base"]
    tasks: list[Task] = []
    spun_serial = 0
    for pos, kind in enumerate(kinds):
        if kind == "base":
            tasks.append((pos, kind, -1, pos, -1))
            continue
        for _ in range(100):
            k = rng.randrange(len(base_positions))
            if abs(base_positions[k] - pos) > 1:
                break
        tasks.append((pos, kind, k, base_positions[k], spun_serial if kind == "spun" else -1))
        if kind == "spun":
            spun_serial += 1
    # number base documents in file order
    k = 0
    for idx, (pos, kind, _, orig, serial) in enumerate(tasks):
        if kind == "base":
            tasks[idx] = (pos, kind, k, orig, serial)
            k += 1
    return tasks


def generate_chunk(seed: int, tasks: Sequence[Task]) -> list[tuple[str, str | None]]:
    """JSON lines (document, truth row or None) for a chunk of positions."""
    out: list[tuple[str, str | None]] = []
    for pos, kind, k, orig, serial in tasks:
        base = make_base(seed, k)
        truth = None
        if kind == "base":
            doc = {key: v for key, v in base.items() if not key.startswith("_")}
        else:
            doc, extra = make_copy(seed, pos, kind, base, serial)
            truth = json.dumps(
                {"original": doc_id(orig), "copy": doc_id(pos), "kind": kind, **extra}
            )
        line = json.dumps({"id": doc_id(pos), **doc}, ensure_ascii=False)
        out.append((line, truth))
    return out


def _chunks(tasks: list[Task], size: int) -> Iterator[list[Task]]:
    for i in range(0, len(tasks), size):
        yield tasks[i : i + size]


def spun_copy(text: str, rng: random.Random, serial: int) -> tuple[Any, float, str]:
    """``text`` spun at a strength drawn from [0.3, 0.7], by the WordNet thesaurus for
    even ``serial`` numbers and the Moby table for odd ones: the spinner's result, the
    strength and the thesaurus."""
    from detector.lab.spinner import spin

    thesaurus = "wordnet" if serial % 2 == 0 else "moby"
    strength = round(rng.uniform(0.3, 0.7), 3)
    spun = spin(text, strength=strength, seed=rng.randrange(2**31), thesaurus=_thesaurus(thesaurus))
    return spun, strength, thesaurus


def write_chunks(
    work: Sequence[Any],
    generate: Any,
    docs_fh: Any,
    truth_fh: Any,
    *,
    jobs: int,
    initializer: Any = None,
    initargs: tuple[Any, ...] = (),
    progress: tuple[float, int] | None = None,
) -> int:
    """``generate(item)`` for each work item, in ``jobs`` processes, results written in
    order: each result is a list of (document line, truth line or None). On an error or
    Ctrl-C the pool is terminated. ``progress`` is (start time, total documents) for a
    count on stderr. Returns the documents written.
    """
    pool = None
    if jobs > 1 and len(work) > 1:
        import multiprocessing as mp

        ctx = mp.get_context("fork") if hasattr(os, "fork") else mp.get_context()
        pool = ctx.Pool(min(jobs, len(work)), initializer=initializer, initargs=initargs)
        results: Iterator[list[tuple[str, str | None]]] = pool.imap(generate, work)
    else:
        results = map(generate, work)
    done = 0
    try:
        for chunk in results:
            for line, truth in chunk:
                docs_fh.write(line + "\n")
                if truth is not None:
                    truth_fh.write(truth + "\n")
            done += len(chunk)
            if progress:
                rate = done / (time.perf_counter() - progress[0])
                print(f"\r{done:,}/{progress[1]:,} docs ({rate:,.0f}/s)", end="", file=sys.stderr)
    except BaseException:
        if pool is not None:
            pool.terminate()
            pool.join()
            pool = None
        raise
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    return done


def _generate_star(args: tuple[int, list[Task]]) -> list[tuple[str, str | None]]:
    return generate_chunk(*args)


def make_corpus(
    n_docs: int, out: str | Path, *, seed: int = 1, jobs: int | None = None, progress: bool = False
) -> dict[str, Any]:
    """Write ``docs.jsonl``, ``truth.jsonl`` and ``meta.json`` to ``out``; return the meta."""
    if n_docs < 1:
        raise ValueError("--docs must be >= 1")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "meta.json").unlink(missing_ok=True)
    started = time.perf_counter()
    pools()
    tasks = plan(n_docs, seed)
    jobs = jobs or os.cpu_count() or 1
    work = [(seed, chunk) for chunk in _chunks(tasks, CHUNK)]
    # private temporary names and atomic renames: two runs making the same corpus at
    # once (e.g. two benchmarks sharing a cache) write identical bytes and never mix
    tmp = f".tmp-{os.getpid()}"
    docs_tmp, truth_tmp = out / f"docs.jsonl{tmp}", out / f"truth.jsonl{tmp}"
    with (
        docs_tmp.open("w", encoding="utf-8") as docs_fh,
        truth_tmp.open("w", encoding="utf-8") as truth_fh,
    ):
        try:
            write_chunks(
                work, _generate_star, docs_fh, truth_fh, jobs=jobs, initializer=pools,
                progress=(started, n_docs) if progress else None,
            )  # fmt: skip
        except BaseException:
            docs_tmp.unlink(missing_ok=True)
            truth_tmp.unlink(missing_ok=True)
            raise
    if progress:
        print(file=sys.stderr)
    docs_tmp.replace(out / "docs.jsonl")
    truth_tmp.replace(out / "truth.jsonl")
    counts = counts_for(n_docs)
    meta = {
        "docs": n_docs,
        "seed": seed,
        "version": VERSION,
        "counts": counts,
        "fractions": {kind: round(n / n_docs, 4) for kind, n in counts.items()},
        "target_fractions": FRACTIONS,
        "articles_sha256": articles_digest(),
        "sentence_pool": len(pools().sentences),
        "headline_pool": len(pools().headlines),
    }
    meta_tmp = out / f"meta.json{tmp}"
    meta_tmp.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    meta_tmp.replace(out / "meta.json")
    return {**meta, "seconds": round(time.perf_counter() - started, 2)}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, required=True, help="number of documents")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=0, help="worker processes (0 = all cores)")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)
    meta = make_corpus(
        args.docs, args.out, seed=args.seed, jobs=args.jobs or None, progress=not args.quiet
    )
    if not args.quiet:
        c = meta["counts"]
        print(
            f"{meta['docs']:,} docs in {meta['seconds']:.1f} s: {c['base']:,} base, "
            f"{c['exact']:,} exact, {c['near_duplicate']:,} near-duplicate, {c['spun']:,} spun "
            f"-> {args.out}",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
