"""A persistent archive of published articles, to check suspect texts against.

One SQLite file (standard library :mod:`sqlite3`) holds the articles and their LSH
band hashes, the same fingerprints a scan uses (:func:`detector.scan.fingerprint.fingerprint_batch`:
word 5-grams for copies, skeleton 6-grams that survive spinning, names and numbers
for rewrites); :mod:`detector.archive.schema` describes the file.

Concurrency and crashes: the file is in WAL mode, so readers (checks) run while one
writer adds; writers wait for each other (busy timeout). Each batch of :meth:`Archive.add`
is one transaction: a writer killed mid-batch leaves the committed batches complete
and the killed one absent.

A check (:meth:`Archive.check`) looks up the suspect's band hashes here and ranks,
screens and verifies the archived articles that share them with
:mod:`detector.archive.check`; normalised archived articles are cached between checks.

The file records the fingerprint settings and a probe of the fingerprint code; when
either changes, checks and adds refuse until :meth:`Archive.reindex` has recomputed
the bands from the stored texts.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from cachetools import LRUCache

from detector.archive.check import (
    MAX_BUCKET,
    ArchivedArticle,
    Match,
    rank_candidates,
    verify,
    with_semantic,
)
from detector.archive.schema import connect, prepare, record_settings, timestamp
from detector.archive.vectors import EmbeddingCoverage, SemanticChannel, vector_blobs
from detector.errors import ArchiveError, ConfigError, InputError
from detector.inputs.fields import first_surrogate
from detector.inputs.records import Record, Rejected, chunks
from detector.scan.fingerprint import fingerprint_batch
from detector.scan.options import ScanOptions
from detector.text.boilerplate import headline
from detector.text.embedding import load_embedder
from detector.text.normalize import Document

__all__ = ["AddResult", "Archive", "ArchiveError", "ArchivedArticle", "EmbeddingCoverage", "Match"]

#: Normalised archived articles kept in memory between checks.
DOCUMENT_CACHE = 256


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


def _text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _origin(origin: str) -> tuple[str, str]:
    found = re.fullmatch(r"(.*?)[:#](\d+)", origin)
    return (found.group(1), found.group(2)) if found else (origin, "")


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
        self._docs: LRUCache[int, tuple[str, Document]] = LRUCache(maxsize=DOCUMENT_CACHE)
        self._conn: sqlite3.Connection | None = None
        self._stale = False
        self._semantic = SemanticChannel(load_embedder)
        conn = connect(self.path, readonly=readonly)
        self._conn = conn
        try:
            self._stale = prepare(conn, str(self.path), readonly=readonly, options=self.options)
        except BaseException:
            conn.close()
            self._conn = None
            raise
        self._empty_keys = fingerprint_batch([""], self.options)[1][:, 0].view(np.int64).tolist()

    # ------------------------------------------------------------------ opening

    def _fresh(self) -> None:
        if self._stale:
            raise InputError(
                f"{self.path} was indexed with other fingerprint settings or code; reindex it "
                f"first (detector index reindex --db {self.path})"
            )

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
            finally:
                self._semantic.forget()

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
            if not _storable(article_id):
                return False
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

        A record without a title gets its first line of body text as title
        (:func:`detector.text.boilerplate.headline`).

        With the ``semantic`` extra, each new or changed text's document embedding is
        stored too (:mod:`detector.archive.vectors`), unless the archive's vectors are of
        another model (:meth:`embed` recomputes them).

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
                elif item.title:
                    good.append(item)
                else:
                    good.append(replace(item, title=headline(item.text)))
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
        with self._sql() as conn:
            embedding = self._semantic.usable(conn)
        vectors = dict(zip(todo, self._semantic.blobs(todo.values(), embedding), strict=True))
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
            embedding = self._semantic.usable(conn)
            vectors.update(
                zip(missing, self._semantic.blobs(missing.values(), embedding), strict=True)
            )
            embedded: list[tuple[int, str, bytes]] = []
            stamp = timestamp()
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
                blob = vectors.get(h)
                if embedding and blob is not None and num is not None:
                    embedded.append((num, h, blob))
            if embedded:
                self._semantic.store(conn, embedded)
        with self._lock:
            for row in current.values():
                self._docs.pop(row[0], None)
        return added, unchanged, replaced

    def remove(self, article_id: str) -> bool:
        """Remove an article and its band hashes; False when the id is not archived."""
        with self._write() as conn:
            if not _storable(article_id):
                return False
            row = conn.execute("SELECT num FROM articles WHERE id = ?", (article_id,)).fetchone()
            if row is None:
                return False
            conn.execute("DELETE FROM bands WHERE article = ?", (row[0],))
            conn.execute("DELETE FROM embeddings WHERE article = ?", (row[0],))
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
            record_settings(conn, self.options)
        self._stale = False
        return done

    def embed(self, *, batch: int = 500) -> int:
        """Store the document embedding of every article without one; returns the count.

        For archives made before the semantic channel or without the ``semantic`` extra.
        Vectors of another model are dropped and all recomputed.

        Raises
        ------
        ConfigError
            The ``semantic`` extra is not installed, or switched off.
        """
        if self.readonly:
            raise InputError(f"{self.path} is open read-only")
        if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
            raise ConfigError(f"batch must be a positive integer, got {batch!r}")
        self._semantic.require()
        with self._write() as conn:
            self._semantic.adopt(conn)
        done, after = 0, 0
        while True:
            with self._sql() as conn:
                rows = self._semantic.unembedded(conn, after, batch)
            if not rows:
                return done
            blobs = vector_blobs(self._semantic.vectors([text for _, _, text in rows]))
            with self._write() as conn:
                self._semantic.store(
                    conn, [(num, h, blob) for (num, h, _), blob in zip(rows, blobs, strict=True)]
                )
            done += len(rows)
            after = rows[-1][0]

    def embedding_coverage(self) -> EmbeddingCoverage:
        """How many archived articles the semantic channel can find, and with which model."""
        with self._sql() as conn:
            return self._semantic.coverage(conn)

    # ------------------------------------------------------------------ reading

    def get(self, article_id: str) -> ArchivedArticle | None:
        """The archived article with this id, or None."""
        with self._sql() as conn:
            if not _storable(article_id):
                return None
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
            embedded = self._semantic.embedded(conn)
            oldest, newest = conn.execute(
                "SELECT MIN(date), MAX(date) FROM articles WHERE date IS NOT NULL"
            ).fetchone()
        return {
            "path": str(self.path),
            "articles": articles,
            "bands": bands,
            "bands_per_article": sum(n for _, n in self.options.channels),
            "embeddings": embedded,
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
                return cached[1]
        doc = normalize(text)
        with self._lock:
            self._docs[num] = (content_hash, doc)
        return doc

    def candidates(self, text: str, *, max_candidates: int = 30) -> list[tuple[int, int, float]]:
        """Archived articles sharing band buckets with ``text``: ``(num, shared bands, weight)``.

        Best first: most shared bands, then the rarest buckets (weight: the sum over
        shared bands of ``log(1 + articles / bucket size)``).
        """
        return self._ranked(text)[:max_candidates]

    def _ranked(self, text: str) -> list[tuple[int, int, float]]:
        """Every archived article sharing band buckets with ``text``, best first."""
        self._fresh()
        bands = fingerprint_batch([text], self.options)[1]
        keys = bands[:, 0].view(np.int64).tolist()
        with self._sql() as conn:
            total = max(1, int(conn.execute("SELECT MAX(num) FROM articles").fetchone()[0] or 1))
            buckets = [
                [
                    row[0]
                    for row in conn.execute(
                        "SELECT article FROM bands WHERE band = ? AND key = ? LIMIT ?",
                        (band, key, MAX_BUCKET),
                    )
                ]
                for band, key in enumerate(keys)
                if key != self._empty_keys[band]
            ]
        return rank_candidates(buckets, total, total + 1)

    def check(
        self,
        text: str,
        *,
        top: int = 5,
        lexicon: bool = True,
        max_candidates: int = 30,
        include_all: bool = False,
        semantic: bool = True,
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
        semantic : bool
            With the ``semantic`` extra, verify the few articles nearest in meaning as
            well (:mod:`detector.archive.vectors`).

        Returns
        -------
        list of Match
            Best first: score, then shared bands.
        """
        if not isinstance(text, str):
            raise InputError(f"the suspect must be a string, got {type(text).__name__}")
        if not text.strip():
            raise InputError("the suspect text is empty")
        for name, value in (("top", top), ("max_candidates", max_candidates)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"{name} must be a positive integer, got {value!r}")
        everything = self._ranked(text)
        ranked = everything[:max_candidates]
        nearest = None
        if semantic:
            with self._sql() as conn:
                nearest = self._semantic.candidates(conn, text, [num for num, _, _ in ranked])
        ranked, cosines, semantic_only = with_semantic(everything, ranked, nearest)
        if not ranked:
            return []
        articles: dict[int, ArchivedArticle] = {}
        with self._sql() as conn:
            for part in chunks([num for num, _, _ in ranked], 500):
                marks = ",".join("?" * len(part))
                for num, *row in conn.execute(
                    "SELECT num, id, text, title, date, source, content_hash FROM articles"
                    f" WHERE num IN ({marks})",
                    part,
                ):
                    articles[num] = ArchivedArticle(*row)
        found = [
            (num, articles[num], shared)
            for num, shared, _ in ranked
            if num in articles  # else removed since the lookup
        ]
        matches = verify(
            text,
            found,
            options=self.options,
            document=self._document,
            lexicon=lexicon,
            include_all=include_all,
            cosines=cosines,
            semantic_only=semantic_only,
        )
        return matches[:top]


def _record_problem(record: Record) -> str | None:
    if not isinstance(record.id, str) or not record.id.strip():
        return "no id"
    if not isinstance(record.text, str) or not record.text.strip():
        return "empty text"
    for part in ("id", "text", "title", "date", "source"):
        value = getattr(record, part)
        if isinstance(value, str) and (bad := first_surrogate(value)):
            return f"{part} holds a lone surrogate at character {bad.start()}; it must be valid Unicode"
    return None


def _storable(article_id: object) -> bool:
    """False for an id SQLite cannot take (a lone surrogate), which is then never archived."""
    return not isinstance(article_id, str) or first_surrogate(article_id) is None


def archive_size(path: str | Path) -> int:
    """Bytes of an archive file and its write-ahead log."""
    return sum(os.path.getsize(p) for p in (str(path), f"{path}-wal") if os.path.exists(p))
