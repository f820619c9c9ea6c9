"""A persistent archive of published articles, to check suspect texts against.

One SQLite file (standard library :mod:`sqlite3`) holds the articles and their LSH
band hashes, the same fingerprints a scan uses (:func:`detector.scan.fingerprint.fingerprint_batch`:
word 5-grams for copies, skeleton 6-grams that survive spinning, names and numbers
for rewrites)::

    articles(num INTEGER PRIMARY KEY, id TEXT UNIQUE, content_hash, title, date,
             source, text, added)
    bands(band, key, article) WITHOUT ROWID, primary key (band, key, article),
             and an index on article

``band`` is the row of the band matrix, ``key`` the band hash (``uint64`` stored as
signed ``int64``), ``article`` the article's ``num``. ``num`` is an explicit integer
key rather than SQLite's implicit rowid, which ``VACUUM`` may renumber.

Concurrency and crashes: the file is in WAL mode, so readers (checks) run while one
writer adds; writers wait for each other (busy timeout). Each batch of :meth:`Archive.add`
is one transaction: a writer killed mid-batch leaves the committed batches complete
and the killed one absent.

A check fingerprints the suspect, looks up each of its band hashes (at most
:data:`MAX_BUCKET` postings per bucket), ranks the archived articles that share
buckets by the number of shared bands (rarer buckets break ties: a spun copy may
share a single skeleton band with its original), keeps ``max_candidates``, and
drops those whose exact word 5-gram, skeleton 6-gram and name/number overlaps with
the suspect are all far below what any copy, spun copy or rewrite shows (about
1 ms each, against about 12 ms for normalising and comparing). The rest are
verified with :func:`detector.compare.pipeline.compare`, the same code as ``detector
compare``, the suspect normalised once and archived articles cached.

The file records the fingerprint settings and a probe of the fingerprint code; when
either changes, checks and adds refuse until :meth:`Archive.reindex` has recomputed
the bands from the stored texts.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from detector.errors import ArchiveError, ConfigError, InputError
from detector.inputs.records import Record, Rejected, chunks
from detector.models import DERIVED_VERDICTS, Comparison
from detector.scan.fingerprint import fingerprint_batch
from detector.scan.pipeline import ScanOptions
from detector.text.normalize import Document
from detector.text.wordlists import CALENDAR_WORDS

__all__ = ["AddResult", "Archive", "ArchiveError", "ArchivedArticle", "Match"]

FORMAT = "detector-archive"
VERSION = 1
#: ``PRAGMA application_id`` of an archive file ("DTCA").
APPLICATION_ID = 0x44544341
#: Postings read per band bucket; a bigger bucket is boilerplate shared by very many
#: articles and counts as that many (its weight is low).
MAX_BUCKET = 1000
#: Candidates below all three floors are not verified: every copy, spun copy and
#: rewrite of the labelled corpus is far above at least one (word 5-gram overlap
#: >= 0.86 for copies, skeleton 6-gram overlap >= 0.37 for spun copies, name and
#: number overlap >= 0.68 for spun copies and rewrites); unrelated articles stay
#: below 0.01, 0.03 and 0.2.
FLOOR_WORDS = 0.10
FLOOR_SKELETON = 0.12
FLOOR_ENTITIES = 0.35
#: Normalised archived articles kept in memory between checks.
DOCUMENT_CACHE = 256
_SQLITE_HEADER = b"SQLite format 3\x00"
_PROBE = "The minister said on Monday that 1,178 accounts were removed, Reuters reported."


@dataclass(frozen=True)
class ArchivedArticle:
    """One article of the archive."""

    id: str
    text: str
    title: str | None
    date: str | None
    source: str | None
    content_hash: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class AddResult:
    """What :meth:`Archive.add` did with its records.

    ``replaced`` counts records whose id was archived with another text or other
    metadata; ``rejected`` holds the records that could not be used.
    """

    added: int
    unchanged: int
    replaced: int
    rejected: list[Rejected] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "unchanged": self.unchanged,
            "replaced": self.replaced,
            "rejected": [r.to_dict() for r in self.rejected],
        }


@dataclass(frozen=True)
class Match:
    """An archived article a suspect derives from (or is derived from).

    In ``comparison``, text ``a`` is the suspect and ``b`` the archived article.
    """

    article: ArchivedArticle
    comparison: Comparison
    shared_bands: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.article.id,
            "title": self.article.title,
            "date": self.article.date,
            "source": self.article.source,
            "shared_bands": self.shared_bands,
            **self.comparison.to_dict(),
        }


def _text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _options_key(options: ScanOptions) -> str:
    key = {
        name: getattr(options, name)
        for name in (
            "copy_threshold",
            "copy_perm",
            "spin_threshold",
            "spin_perm",
            "entity_threshold",
            "entity_perm",
            "shingle_k",
            "skeleton_k",
        )
    }
    key["channels"] = [list(c) for c in options.channels]
    return json.dumps(key, sort_keys=True)


def _probe(options: ScanOptions) -> str:
    """Band hashes of a fixed sentence: they change when the fingerprint code changes."""
    return hashlib.blake2b(
        fingerprint_batch([_PROBE], options)[1].tobytes(), digest_size=8
    ).hexdigest()


def _origin(origin: str) -> tuple[str, str]:
    found = re.fullmatch(r"(.*?)[:#](\d+)", origin)
    return (found.group(1), found.group(2)) if found else (origin, "")


def _sets(text: str, options: ScanOptions) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Word k-gram, skeleton k-gram and name/number hash sets, for ranking candidates.

    Made with the scan's functions; the skeleton set holds every skeleton k-gram (the
    scan's LSH keys leave out the generic ones, :func:`~detector.scan.minhash.skeleton_gram_hashes`).
    """
    from detector.scan.minhash import (
        analyze,
        gram_hashes,
        mark_digits,
        numbers_of,
        shingle_hashes,
        skeleton_hashes,
        token_hashes,
    )

    tokens, names = analyze(text)
    t = token_hashes(tokens)
    digits = mark_digits(tokens)
    words = gram_hashes(t, options.shingle_k)
    skeleton = gram_hashes(skeleton_hashes(tokens, t, digits), options.skeleton_k)
    entities = shingle_hashes(
        [e for e in names if e not in CALENDAR_WORDS] + numbers_of(tokens, digits), 1
    )
    return words, skeleton, entities


def _overlap(a: np.ndarray, b: np.ndarray) -> float:
    """|a & b| / min(|a|, |b|) of two sets of distinct hashes."""
    if not len(a) or not len(b):
        return 0.0
    return len(np.intersect1d(a, b, assume_unique=True)) / min(len(a), len(b))


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    num INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL,
    title TEXT,
    date TEXT,
    source TEXT,
    text TEXT NOT NULL,
    added TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_date ON articles (date);
CREATE TABLE IF NOT EXISTS bands (
    band INTEGER NOT NULL,
    key INTEGER NOT NULL,
    article INTEGER NOT NULL,
    PRIMARY KEY (band, key, article)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS bands_article ON bands (article);
"""


class Archive:
    """An archive of articles in one SQLite file; check suspects against it.

    Parameters
    ----------
    path : path
        The archive file. Created, with its schema, when missing (unless ``readonly``).
    readonly : bool
        Open for checks only; a missing file is an error.

    One instance may be shared by threads (calls are serialised on its connection);
    for concurrent checks and writes, open one instance per thread or process.

    Raises
    ------
    InputError
        The file is missing (``readonly``), not an SQLite database, not an archive,
        or an archive of another format or fingerprint version.
    """

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self.options = ScanOptions()
        self._lock = threading.RLock()
        self._docs: OrderedDict[int, tuple[str, Document]] = OrderedDict()
        self._conn: sqlite3.Connection | None = None
        self._stale = False
        name = str(self.path)
        if self.path.is_dir():
            raise InputError(f"{name} is a directory, not an archive file")
        exists = self.path.exists()
        if readonly and not exists:
            raise InputError(f"{name}: no such archive")
        if exists:
            try:
                with self.path.open("rb") as fh:
                    head = fh.read(len(_SQLITE_HEADER))
            except OSError as exc:
                raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None
            if head and head != _SQLITE_HEADER:
                raise InputError(f"{name} is not a detector archive (not an SQLite database)")
        elif not self.path.parent.is_dir():
            raise InputError(f"{name}: no such folder {self.path.parent}")
        try:
            if readonly:
                uri = self.path.resolve().as_uri() + "?mode=ro"
                conn = sqlite3.connect(
                    uri, uri=True, timeout=30.0, isolation_level=None, check_same_thread=False
                )
            else:
                conn = sqlite3.connect(
                    self.path, timeout=30.0, isolation_level=None, check_same_thread=False
                )
        except sqlite3.Error as exc:
            raise InputError(f"{name}: cannot open ({exc})") from None
        self._conn = conn
        try:
            self._setup(conn)
        except BaseException:
            conn.close()
            self._conn = None
            raise
        self._empty_keys = fingerprint_batch([""], self.options)[1][:, 0].view(np.int64).tolist()

    # ------------------------------------------------------------------ opening

    def _setup(self, conn: sqlite3.Connection) -> None:
        name = str(self.path)
        try:
            conn.execute("PRAGMA busy_timeout = 30000")
            conn.execute("PRAGMA cache_size = -65536")
            tables = {
                row[0]
                for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            if tables and not {"meta", "articles", "bands"} <= tables:
                raise InputError(f"{name} is not a detector archive (other tables)")
            if not tables and self.readonly:
                raise InputError(f"{name} is not a detector archive (empty database)")
            if not self.readonly:
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    raise InputError(f"{name}: cannot switch the archive to WAL mode ({mode})")
                conn.execute("PRAGMA synchronous = NORMAL")
                if not tables:
                    self._create(conn)
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise ArchiveError(f"{name}: {exc}") from None
            raise InputError(f"{name}: cannot open as an archive ({exc})") from None
        except sqlite3.DatabaseError as exc:
            raise InputError(f"{name} is not a detector archive ({exc})") from None
        if meta.get("format") != FORMAT:
            raise InputError(f"{name} is not a detector archive")
        if meta.get("version") != str(VERSION):
            raise InputError(
                f"{name} is a version {meta.get('version')} archive; "
                f"this detector reads version {VERSION}"
            )
        self._stale = meta.get("options") != _options_key(self.options) or meta.get(
            "probe"
        ) != _probe(self.options)

    def _fresh(self) -> None:
        if self._stale:
            raise InputError(
                f"{self.path} was indexed with other fingerprint settings or code; reindex it "
                f"first (detector index reindex --db {self.path})"
            )

    def _create(self, conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            for key, value in (
                ("format", FORMAT),
                ("version", str(VERSION)),
                ("options", _options_key(self.options)),
                ("probe", _probe(self.options)),
                ("created", _now()),
            ):
                conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (key, value))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    # ------------------------------------------------------------------ plumbing

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ArchiveError(f"{self.path}: the archive is closed")
        return self._conn

    @contextmanager
    def _sql(self) -> Iterator[sqlite3.Connection]:
        """The connection, under the instance lock, with SQLite errors as one-liners."""
        with self._lock:
            conn = self._db()
            try:
                yield conn
            except sqlite3.Error as exc:
                raise ArchiveError(f"{self.path}: {exc}") from None

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed whole, or rolled back."""
        if self.readonly:
            raise InputError(f"{self.path} is open read-only")
        with self._sql() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            self._docs.clear()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        with self._sql() as conn:
            return int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def __contains__(self, article_id: object) -> bool:
        if not isinstance(article_id, str):
            return False
        with self._sql() as conn:
            row = conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row is not None

    def __repr__(self) -> str:
        return f"Archive({str(self.path)!r}, readonly={self.readonly})"

    # ------------------------------------------------------------------ writing

    def _band_rows(self, texts: Sequence[str]) -> list[list[tuple[int, int]]]:
        """Per text, its (band, key) pairs; empty-set buckets (no grams) are left out."""
        if not texts:
            return []
        bands = fingerprint_batch(texts, self.options)[1]
        keys = bands.view(np.int64).T.tolist()
        empty = self._empty_keys
        return [[(b, k) for b, k in enumerate(col) if k != empty[b]] for col in keys]

    def add(self, records: Iterable[Record | Rejected], *, batch: int = 500) -> AddResult:
        """Add records; one transaction per ``batch`` records.

        Idempotent by id and content: a record whose id is archived with the same
        text and metadata is ``unchanged``; with another text or metadata it is
        ``replaced`` (and, for a new text, its old band hashes go). :class:`Rejected`
        items (as :func:`detector.inputs.records.iter_records` yields them) and records
        without an id or text are returned in ``rejected``.
        """
        if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
            raise ConfigError(f"batch must be a positive integer, got {batch!r}")
        if isinstance(records, (Record, Rejected)):
            records = [records]
        self._fresh()
        added = unchanged = replaced = 0
        rejected: list[Rejected] = []
        for chunk in chunks(records, batch):
            good: list[Record] = []
            for item in chunk:
                if isinstance(item, Rejected):
                    rejected.append(item)
                elif not isinstance(item, Record):
                    raise ConfigError(f"add() takes Record objects, got {type(item).__name__}")
                elif problem := _record_problem(item):
                    file, location = _origin(item.origin)
                    rejected.append(Rejected(file, location, problem, item.id or None))
                else:
                    good.append(item)
            if good:
                a, u, r = self._add_batch(good)
                added, unchanged, replaced = added + a, unchanged + u, replaced + r
        return AddResult(added, unchanged, replaced, rejected)

    def add_text(
        self,
        article_id: str,
        text: str,
        *,
        title: str | None = None,
        date: str | None = None,
        source: str | None = None,
    ) -> AddResult:
        """Add one article; raises :class:`InputError` for an empty id or text."""
        record = Record(article_id, text, title, date, source)
        if problem := _record_problem(record):
            raise InputError(f"cannot add {article_id!r}: {problem}")
        return self.add([record])

    def _existing(
        self, conn: sqlite3.Connection, ids: Sequence[str]
    ) -> dict[str, tuple[int, str, tuple[str | None, str | None, str | None]]]:
        out = {}
        for part in chunks(ids, 500):
            marks = ",".join("?" * len(part))
            for num, id_, h, title, date, source in conn.execute(
                f"SELECT num, id, content_hash, title, date, source FROM articles WHERE id IN ({marks})",
                part,
            ):
                out[id_] = (num, h, (title, date, source))
        return out

    def _add_batch(self, records: list[Record]) -> tuple[int, int, int]:
        final: dict[str, Record] = {}
        for r in records:
            final[r.id] = r
        hashes = {r.id: _text_hash(r.text) for r in final.values()}
        ids = list(final)
        # Fingerprint before taking the write lock; re-checked inside the transaction.
        with self._sql() as conn:
            before = self._existing(conn, ids)
        todo = {
            hashes[i]: final[i].text for i in ids if i not in before or before[i][1] != hashes[i]
        }
        prints = dict(zip(todo, self._band_rows(list(todo.values())), strict=True))
        added = unchanged = replaced = 0
        with self._write() as conn:
            current = self._existing(conn, ids)
            state = {i: (row[1], row[2]) for i, row in current.items()}
            for r in records:
                now = (_text_hash(r.text), (r.title, r.date, r.source))
                if r.id not in state:
                    added += 1
                elif state[r.id] == now:
                    unchanged += 1
                else:
                    replaced += 1
                state[r.id] = now
            missing = {
                hashes[i]: final[i].text
                for i in ids
                if hashes[i] not in prints and (i not in current or current[i][1] != hashes[i])
            }
            prints.update(zip(missing, self._band_rows(list(missing.values())), strict=True))
            stamp = _now()
            for i in ids:
                r, h = final[i], hashes[i]
                meta = (r.title, r.date, r.source)
                row = current.get(i)
                if row is None:
                    cur = conn.execute(
                        "INSERT INTO articles (id, content_hash, title, date, source, text, added)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (i, h, *meta, r.text, stamp),
                    )
                    num = cur.lastrowid
                elif row[1] != h:
                    num = row[0]
                    conn.execute(
                        "UPDATE articles SET content_hash = ?, title = ?, date = ?, source = ?,"
                        " text = ?, added = ? WHERE num = ?",
                        (h, *meta, r.text, stamp, num),
                    )
                    conn.execute("DELETE FROM bands WHERE article = ?", (num,))
                else:
                    if row[2] != meta:
                        conn.execute(
                            "UPDATE articles SET title = ?, date = ?, source = ? WHERE num = ?",
                            (*meta, row[0]),
                        )
                    continue
                conn.executemany(
                    "INSERT INTO bands (band, key, article) VALUES (?, ?, ?)",
                    [(b, k, num) for b, k in prints[h]],
                )
        with self._lock:
            for row in current.values():
                self._docs.pop(row[0], None)
        return added, unchanged, replaced

    def remove(self, article_id: str) -> bool:
        """Remove an article and its band hashes; False when the id is not archived."""
        with self._write() as conn:
            row = conn.execute("SELECT num FROM articles WHERE id = ?", (article_id,)).fetchone()
            if row is None:
                return False
            conn.execute("DELETE FROM bands WHERE article = ?", (row[0],))
            conn.execute("DELETE FROM articles WHERE num = ?", (row[0],))
        with self._lock:
            self._docs.pop(row[0], None)
        return True

    def reindex(self, *, batch: int = 500) -> int:
        """Recompute every article's band hashes (after a fingerprint change); returns the count."""
        if self.readonly:
            raise InputError(f"{self.path} is open read-only")
        done = 0
        with self._sql() as conn:
            nums = [row[0] for row in conn.execute("SELECT num FROM articles ORDER BY num")]
        for part in chunks(nums, batch):
            with self._write() as conn:
                marks = ",".join("?" * len(part))
                rows = conn.execute(
                    f"SELECT num, text FROM articles WHERE num IN ({marks})", part
                ).fetchall()
                for (num, _), pairs in zip(
                    rows, self._band_rows([t for _, t in rows]), strict=True
                ):
                    conn.execute("DELETE FROM bands WHERE article = ?", (num,))
                    conn.executemany(
                        "INSERT INTO bands (band, key, article) VALUES (?, ?, ?)",
                        [(b, k, num) for b, k in pairs],
                    )
                done += len(rows)
        with self._write() as conn:
            for key, value in (
                ("options", _options_key(self.options)),
                ("probe", _probe(self.options)),
            ):
                conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
        self._stale = False
        return done

    # ------------------------------------------------------------------ reading

    def get(self, article_id: str) -> ArchivedArticle | None:
        """The archived article with this id, or None."""
        with self._sql() as conn:
            row = conn.execute(
                "SELECT id, text, title, date, source, content_hash FROM articles WHERE id = ?",
                (article_id,),
            ).fetchone()
        return ArchivedArticle(*row) if row else None

    def stats(self) -> dict[str, Any]:
        """Counts and sizes: articles, band rows, file bytes, sources, oldest and newest date."""
        with self._sql() as conn:
            articles = int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
            bands = int(conn.execute("SELECT COUNT(*) FROM bands").fetchone()[0])
            sources = int(conn.execute("SELECT COUNT(DISTINCT source) FROM articles").fetchone()[0])
            oldest, newest = conn.execute(
                "SELECT MIN(date), MAX(date) FROM articles WHERE date IS NOT NULL"
            ).fetchone()
        return {
            "path": str(self.path),
            "articles": articles,
            "bands": bands,
            "bands_per_article": sum(n for _, n in self.options.channels),
            "file_bytes": archive_size(self.path),
            "sources": sources,
            "oldest": oldest,
            "newest": newest,
        }

    def _document(self, num: int, content_hash: str, text: str) -> Document:
        from detector.text.normalize import normalize

        with self._lock:
            cached = self._docs.get(num)
            if cached is not None and cached[0] == content_hash:
                self._docs.move_to_end(num)
                return cached[1]
        doc = normalize(text)
        with self._lock:
            self._docs[num] = (content_hash, doc)
            while len(self._docs) > DOCUMENT_CACHE:
                self._docs.popitem(last=False)
        return doc

    def candidates(self, text: str, *, max_candidates: int = 30) -> list[tuple[int, int, float]]:
        """Archived articles sharing band buckets with ``text``: ``(num, shared bands, weight)``.

        Best first: most shared bands, then the rarest buckets (weight: the sum over
        shared bands of ``log(1 + articles / bucket size)``).
        """
        self._fresh()
        bands = fingerprint_batch([text], self.options)[1]
        keys = bands[:, 0].view(np.int64).tolist()
        shared: dict[int, int] = {}
        weight: dict[int, float] = {}
        with self._sql() as conn:
            total = max(1, int(conn.execute("SELECT MAX(num) FROM articles").fetchone()[0] or 1))
            for band, key in enumerate(keys):
                if key == self._empty_keys[band]:
                    continue
                members = [
                    row[0]
                    for row in conn.execute(
                        "SELECT article FROM bands WHERE band = ? AND key = ? LIMIT ?",
                        (band, key, MAX_BUCKET),
                    )
                ]
                if not members:
                    continue
                w = math.log1p(total / len(members))
                for m in members:
                    shared[m] = shared.get(m, 0) + 1
                    weight[m] = weight.get(m, 0.0) + w
        ranked = sorted(shared, key=lambda m: (-shared[m], -weight[m], m))[:max_candidates]
        return [(m, shared[m], round(weight[m], 3)) for m in ranked]

    def check(
        self,
        text: str,
        *,
        top: int = 5,
        lexicon: bool = True,
        max_candidates: int = 30,
        include_all: bool = False,
    ) -> list[Match]:
        """Archived articles that ``text`` copies, spins or rewrites (or that copy it).

        Parameters
        ----------
        text : str
            The suspect article.
        top : int
            Return at most this many matches.
        lexicon : bool
            Use the WordNet synonym lexicon as spin evidence (see :func:`detector.compare.pipeline`).
        max_candidates : int
            Archived articles considered, by shared band hashes; those that pass the
            overlap floors are verified with :func:`detector.compare.pipeline.compare`.
        include_all : bool
            Verify every candidate and return any verdict, not only derived ones
            (duplicate, near_duplicate, spun, rewrite).

        Returns
        -------
        list of Match
            Best first: score, then shared bands.
        """
        from detector.compare.pipeline import compare
        from detector.text.normalize import normalize

        if not isinstance(text, str):
            raise InputError(f"the suspect must be a string, got {type(text).__name__}")
        if not text.strip():
            raise InputError("the suspect text is empty")
        for name, value in (("top", top), ("max_candidates", max_candidates)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"{name} must be a positive integer, got {value!r}")
        ranked = self.candidates(text, max_candidates=max_candidates)
        if not ranked:
            return []
        rows: dict[int, tuple[str, str, str | None, str | None, str | None, str]] = {}
        with self._sql() as conn:
            for part in chunks([num for num, _, _ in ranked], 500):
                marks = ",".join("?" * len(part))
                for num, *row in conn.execute(
                    "SELECT num, id, text, title, date, source, content_hash FROM articles"
                    f" WHERE num IN ({marks})",
                    part,
                ):
                    rows[num] = tuple(row)
        suspect_sets = None if include_all else _sets(text, self.options)
        suspect_doc: Document | None = None
        matches: list[Match] = []
        for num, shared, _ in ranked:
            row = rows.get(num)
            if row is None:  # removed since the lookup
                continue
            article = ArchivedArticle(*row)
            if suspect_sets is not None:
                sets = _sets(article.text, self.options)
                if (
                    _overlap(suspect_sets[0], sets[0]) < FLOOR_WORDS
                    and _overlap(suspect_sets[1], sets[1]) < FLOOR_SKELETON
                    and _overlap(suspect_sets[2], sets[2]) < FLOOR_ENTITIES
                ):
                    continue
            if suspect_doc is None:
                suspect_doc = normalize(text)
            doc = self._document(num, article.content_hash, article.text)
            result = compare(suspect_doc, doc, lexicon=lexicon)
            if include_all or result.verdict in DERIVED_VERDICTS:
                matches.append(Match(article, result, shared))
        matches.sort(key=lambda m: (-m.comparison.score, -m.shared_bands, m.article.id))
        return matches[:top]


def _record_problem(record: Record) -> str | None:
    if not isinstance(record.id, str) or not record.id.strip():
        return "no id"
    if not isinstance(record.text, str) or not record.text.strip():
        return "empty text"
    return None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def archive_size(path: str | Path) -> int:
    """Bytes of an archive file and its write-ahead log."""
    return sum(os.path.getsize(p) for p in (str(path), f"{path}-wal") if os.path.exists(p))
