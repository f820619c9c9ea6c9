"""The archive's semantic channel: document embeddings kept with the articles, searched exactly.

A condensed or reworded version of an archived story may share no word 5-gram, no
skeleton and few names with it, so no band bucket brings it to verification. With the
``semantic`` extra (:mod:`detector.text.embedding`) each archived article's prose (the
text :func:`detector.text.normalize.prose_text` gives, the text ``compare`` reads) is
embedded when it is added, and stored as ``float16`` in the ``embeddings`` table beside
the content hash it was computed from (a vector whose article has since changed is
ignored, whoever changed it). The file's ``meta`` records the model (:func:`model_key`);
vectors of another model are not used until ``detector index embed`` recomputes them.

A check embeds the suspect's prose the same way and takes the archived articles whose
cosine reaches :data:`SEMANTIC_THRESHOLD`, at most :data:`SEMANTIC_CANDIDATES` of them,
as extra candidates for verification. The search is exact: one ``float32``
matrix-vector product over every stored vector (:func:`nearest`), with the matrix read
once per open archive (half a second for 100,000 articles, 100 MB) and then kept up to
date with what other connections write (:class:`VectorIndex`; about a millisecond for a
few new articles); a search takes 8-13 ms on one core for 100,000 articles
(``benchmarks/check_bench.py``).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from detector.errors import ArchiveError, ConfigError
from detector.text.embedding import SEMANTIC_ENV, StaticEmbedder
from detector.text.normalize import prose_text

__all__ = [
    "MODEL_META",
    "SEMANTIC_CANDIDATES",
    "SEMANTIC_THRESHOLD",
    "SEQ_META",
    "EmbeddingCoverage",
    "VectorIndex",
    "document_vectors",
    "load_index",
    "model_key",
    "nearest",
    "vector_blobs",
]

#: Cosine of two articles' prose embeddings from which an archived article is verified.
#: On the corpus's train and dev pairs (``benchmarks/check_bench.py --thresholds``
#: prints the figures) every rewrite is at 0.84 or more and near-duplicates at 0.95 or
#: more, while articles about different stories stay at 0.66 or less (99.9 % below 0.56);
#: 0.75 is half-way. Independent coverage of the same event (0.50-0.86) is verified
#: too and called ``related``, not returned.
SEMANTIC_THRESHOLD = 0.75
#: Extra candidates the semantic channel may add per suspect (each costs one compare).
SEMANTIC_CANDIDATES = 5
#: The ``meta`` key naming the model of the stored vectors.
MODEL_META = "semantic_model"
#: The ``meta`` key counting the writes of vectors (``embeddings.seq``).
SEQ_META = "semantic_seq"

_PROBE = "The minister said on Monday that 1,178 accounts were removed, Reuters reported."


def model_key(embedder: StaticEmbedder) -> str:
    """The model as the file records it: name, dimensions and a probe of its vectors.

    Two models with the same name but other vectors (a rebuilt model) differ in the
    probe, the hash of a fixed sentence's ``float16`` embedding.
    """
    probe = embedder.embed([_PROBE]).astype(np.float16).tobytes()
    digest = hashlib.blake2b(probe, digest_size=8).hexdigest()
    return f"{embedder.name}; {embedder.dimensions}-d; probe {digest}"


def document_vectors(embedder: StaticEmbedder, texts: Sequence[str]) -> np.ndarray:
    """The L2-normalised ``float32`` embedding of each text's prose, one row per text."""
    return embedder.embed([prose_text(text) for text in texts])


def vector_blobs(vectors: np.ndarray) -> list[bytes]:
    """Rows as the file stores them: ``float16``, little-endian, one BLOB per row."""
    half = np.ascontiguousarray(vectors, dtype="<f2")
    return [row.tobytes() for row in half]


@dataclass(frozen=True)
class EmbeddingCoverage:
    """How much of the archive the semantic channel can see.

    ``model`` is the model of the stored vectors (``None`` before any), ``current`` the
    model this process would use (``None`` without the extra or with it switched off),
    ``embedded`` the articles with a vector of their present text. Checks use the
    vectors only when the two models agree (:attr:`active`).
    """

    articles: int
    embedded: int
    model: str | None
    current: str | None

    @property
    def missing(self) -> int:
        """Articles the semantic channel cannot find."""
        return self.articles - self.embedded

    @property
    def active(self) -> bool:
        """Whether checks run the semantic channel (the extra is there and the models agree)."""
        return self.current is not None and (self.model is None or self.model == self.current)

    def to_dict(self) -> dict[str, Any]:
        return {
            "active": self.active,
            "articles": self.articles,
            "embedded": self.embedded,
            "missing": self.missing,
            "model": self.model,
        }


class VectorIndex:
    """Stored vectors of an archive, as one ``float32`` matrix, kept up to date in place.

    ``nums`` (ascending) are the articles' numbers, ``matrix`` their vectors and
    ``hashes`` the content hashes they were computed from, row for row; ``seq`` the last
    write read (:func:`load_index`). Rows may have gone stale since (an article removed
    or its text replaced): :meth:`SemanticChannel.candidates` checks the hashes of what
    it uses. :meth:`update` adds what was written later; new articles (numbered above
    the others) go into spare rows, so the matrix (100 MB for 100,000 articles) is not
    copied for each one.
    """

    def __init__(self, nums: np.ndarray, matrix: np.ndarray, hashes: np.ndarray, seq: int = 0):
        self._nums, self._matrix, self._hashes = nums, matrix, hashes
        self._used = len(nums)
        self.seq = seq

    @property
    def nums(self) -> np.ndarray:
        return self._nums[: self._used]

    @property
    def matrix(self) -> np.ndarray:
        return self._matrix[: self._used]

    @property
    def hashes(self) -> np.ndarray:
        return self._hashes[: self._used]

    def __len__(self) -> int:
        return self._used

    def __repr__(self) -> str:
        return f"VectorIndex({self._used} vectors, seq={self.seq})"

    def hash_of(self, num: int) -> str | None:
        """The content hash the vector of article ``num`` was computed from, or None."""
        at = int(np.searchsorted(self.nums, num))
        return str(self.hashes[at]) if at < self._used and self.nums[at] == num else None

    def update(self, new: VectorIndex) -> None:
        """Add the rows of ``new`` (written later), or let them replace this index's own."""
        self.seq = max(self.seq, new.seq)
        if not len(new):
            return
        at = np.searchsorted(self.nums, new.nums)
        present = np.zeros(len(new), dtype=bool)
        inside = at < self._used
        present[inside] = self.nums[at[inside]] == new.nums[inside]
        self._matrix[at[present]] = new.matrix[present]
        self._hashes[at[present]] = new.hashes[present]
        fresh = ~present
        count = int(fresh.sum())
        if not count:
            return
        if self._used and new.nums[fresh][0] < self._nums[self._used - 1]:
            # numbered among the others (index embed filling in): sort afresh
            nums = np.concatenate([self.nums, new.nums[fresh]])
            order = np.argsort(nums, kind="stable")
            self._nums = nums[order]
            self._matrix = np.concatenate([self.matrix, new.matrix[fresh]])[order]
            self._hashes = np.concatenate([self.hashes, new.hashes[fresh]])[order]
            self._used = len(nums)
            return
        end = self._used + count
        if end > len(self._nums):
            spare = max(count, self._used // 8, 64)
            self._nums = np.resize(self._nums, self._used + spare)
            self._hashes = np.resize(self._hashes, self._used + spare)
            grown = np.empty((self._used + spare, self._matrix.shape[1]), dtype=np.float32)
            grown[: self._used] = self.matrix
            self._matrix = grown
        self._nums[self._used : end] = new.nums[fresh]
        self._matrix[self._used : end] = new.matrix[fresh]
        self._hashes[self._used : end] = new.hashes[fresh]
        self._used = end

    def cosines(self, query: np.ndarray, nums: Sequence[int]) -> dict[int, float]:
        """Cosine of ``query`` with each of ``nums`` that has a vector."""
        wanted = np.asarray(nums, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.nums, wanted), max(0, len(self.nums) - 1))
        have = (self.nums[at] == wanted) if len(self.nums) else np.zeros(len(wanted), bool)
        rows = at[have]
        scores = np.einsum("ij,j->i", self.matrix[rows], query)
        return {int(n): float(s) for n, s in zip(wanted[have], scores, strict=True)}

    def search(self, query: np.ndarray, *, k: int, threshold: float) -> list[tuple[int, float]]:
        """The ``k`` nearest articles at cosine ``threshold`` or more: ``(num, cosine)``."""
        rows, scores = nearest(self.matrix, query, k=k, threshold=threshold)
        return [(int(self.nums[r]), float(s)) for r, s in zip(rows, scores, strict=True)]


def nearest(
    matrix: np.ndarray, query: np.ndarray, *, k: int, threshold: float
) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``matrix`` with the ``k`` highest dot products with ``query`` at ``threshold`` or more.

    Best first; equal scores in row order. With L2-normalised rows and query the dot
    product is the cosine.

    Examples
    --------
    >>> m = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]], dtype=np.float32)
    >>> rows, scores = nearest(m, np.array([0.8, 0.6], dtype=np.float32), k=2, threshold=0.5)
    >>> rows.tolist(), [round(float(s), 2) for s in scores]
    ([1, 0], [0.96, 0.8])
    """
    if not len(matrix) or k < 1:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    # einsum, not BLAS: the same speed on one core (the product is bound by memory), and
    # no BLAS threads to contend with the web server's one worker process per core.
    scores = np.einsum("ij,j->i", matrix, query)
    above = np.flatnonzero(scores >= threshold)
    if len(above) > k:
        # argpartition keeps the k best; ties at the cut are settled by row below.
        kth = np.partition(scores[above], len(above) - k)[len(above) - k]
        above = above[scores[above] >= kth]
    order = np.lexsort((above, -scores[above]))[:k]
    rows = above[order]
    return rows.astype(np.int64), scores[rows]


def load_index(
    conn: sqlite3.Connection, dimensions: int, *, since: int | None = None
) -> VectorIndex:
    """Read the vectors computed from their article's present text, or those written after
    write ``since`` (checked for staleness when used; cheap, by the index on ``seq``).

    The caller checks that the stored model is the current one.
    """
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (SEQ_META,)).fetchone()
    seq = int(row[0]) if row else 0
    query = (
        "SELECT e.article, e.content_hash, e.vector FROM embeddings AS e JOIN articles AS a"
        " ON a.num = e.article AND a.content_hash = e.content_hash ORDER BY e.article"
        if since is None
        # no ORDER BY: SQLite would walk the whole table in article order, not the seq index
        else "SELECT article, content_hash, vector FROM embeddings WHERE seq > ?"
    )
    nums: list[int] = []
    hashes: list[str] = []
    blobs: list[bytes] = []
    width = 2 * dimensions
    for num, content_hash, blob in conn.execute(query, () if since is None else (since,)):
        if len(blob) == width:
            nums.append(num)
            hashes.append(content_hash)
            blobs.append(blob)
    matrix = np.frombuffer(b"".join(blobs), dtype="<f2").astype(np.float32)
    order = np.argsort(np.array(nums, dtype=np.int64), kind="stable")
    return VectorIndex(
        np.array(nums, dtype=np.int64)[order],
        matrix.reshape(len(nums), dimensions)[order],
        np.array(hashes, dtype=object)[order],
        seq,
    )


def _has_table(conn: sqlite3.Connection) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'embeddings'"
    ).fetchone()
    return row is not None


class SemanticChannel:
    """The semantic channel of one open archive: the embedder, and the vectors read once.

    Parameters
    ----------
    load : callable
        Gives the embedder, or ``None`` (the extra absent or switched off: nothing is
        embedded or searched); called on first need, so that opening an archive to read
        its statistics or remove an article does not load the model.

    The connection is the caller's (:class:`detector.archive.store.Archive` calls under
    its lock). The vectors are read on the first search; when SQLite's ``PRAGMA
    data_version`` says another connection has committed (or the archive calls
    :meth:`forget` after its own writes), only the vectors written since are read.
    """

    def __init__(self, load: Callable[[], StaticEmbedder | None]) -> None:
        self._load = load
        self._loaded = False
        self._embedder: StaticEmbedder | None = None
        self._model: str | None = None
        self._index: VectorIndex | None = None
        self._version: int | None = None
        self._coverage: tuple[int, EmbeddingCoverage] | None = None

    @property
    def embedder(self) -> StaticEmbedder | None:
        """The embedder (loaded on first use), or None."""
        if not self._loaded:
            self._embedder = self._load()
            self._model = model_key(self._embedder) if self._embedder is not None else None
            self._loaded = True
        return self._embedder

    @property
    def model(self) -> str | None:
        """:func:`model_key` of the embedder, or None."""
        return self._model if self.embedder is not None else None

    def forget(self) -> None:
        """The archive changed: read what is new before the next search."""
        self._version = None
        self._coverage = None

    def stored_model(self, conn: sqlite3.Connection) -> str | None:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (MODEL_META,)).fetchone()
        return row[0] if row else None

    def usable(self, conn: sqlite3.Connection) -> bool:
        """Whether vectors of this process's model can be stored and searched here."""
        if self.embedder is None or not _has_table(conn):
            return False
        stored = self.stored_model(conn)
        return stored is None or stored == self.model

    def require(self) -> StaticEmbedder:
        """The embedder; :class:`ConfigError` without the extra or with it switched off."""
        if self.embedder is None:
            raise ConfigError(
                "embeddings need the semantic extra (pip install 'detector[semantic]') "
                f"and {SEMANTIC_ENV} not set to 0"
            )
        return self.embedder

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Document vectors of ``texts`` (:meth:`require` the embedder)."""
        return document_vectors(self.require(), texts)

    def blobs(self, texts: Iterable[str], embedding: bool) -> list[bytes | None]:
        """Per text, its stored document vector when ``embedding``, else None."""
        texts = list(texts)
        if not embedding or not texts:
            return [None] * len(texts)
        return list(vector_blobs(self.vectors(texts)))

    def store(self, conn: sqlite3.Connection, rows: Sequence[tuple[int, str, bytes]]) -> None:
        """Write ``(num, content_hash, vector BLOB)`` rows, in the caller's transaction.

        Raises :class:`ArchiveError` when the archive's vectors are of another model.
        """
        stored = self.stored_model(conn)
        if stored is not None and stored != self.model:
            raise ArchiveError(f"the archive's vectors are of another model ({stored})")
        if stored is None:
            conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (MODEL_META, self.model))
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (SEQ_META,)).fetchone()
        seq = (int(row[0]) if row else 0) + 1
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (SEQ_META, str(seq)))
        conn.executemany(
            "INSERT OR REPLACE INTO embeddings (article, content_hash, vector, seq)"
            " VALUES (?, ?, ?, ?)",
            [(*r, seq) for r in rows],
        )

    def adopt(self, conn: sqlite3.Connection) -> bool:
        """Make this process's model the archive's, dropping vectors of another; True if dropped."""
        stored = self.stored_model(conn)
        if stored == self.model:
            return False
        conn.execute("DELETE FROM embeddings")
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (MODEL_META, self.model)
        )
        return stored is not None

    def unembedded(
        self, conn: sqlite3.Connection, after: int, limit: int
    ) -> list[tuple[int, str, str]]:
        """``(num, content_hash, text)`` of articles past ``after`` without a vector of their text."""
        return conn.execute(
            "SELECT a.num, a.content_hash, a.text FROM articles AS a LEFT JOIN embeddings AS e"
            " ON e.article = a.num AND e.content_hash = a.content_hash"
            " WHERE e.article IS NULL AND a.num > ? ORDER BY a.num LIMIT ?",
            (after, limit),
        ).fetchall()

    def embedded(self, conn: sqlite3.Connection) -> int:
        """Articles with a vector of their present text (of whichever model)."""
        if not _has_table(conn):
            return 0
        return int(
            conn.execute(
                "SELECT COUNT(*) FROM embeddings AS e JOIN articles AS a"
                " ON a.num = e.article AND a.content_hash = e.content_hash"
            ).fetchone()[0]
        )

    def coverage(self, conn: sqlite3.Connection) -> EmbeddingCoverage:
        """:class:`EmbeddingCoverage`, counted again only after the archive changed.

        (The count joins every vector with its article's row: a quarter of a second for
        100,000 articles, too much to pay on every check.)
        """
        version = int(conn.execute("PRAGMA data_version").fetchone()[0])
        if self._coverage is None or self._coverage[0] != version:
            self._coverage = (version, self._count(conn))
        return self._coverage[1]

    def _count(self, conn: sqlite3.Connection) -> EmbeddingCoverage:
        articles = int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
        stored = self.stored_model(conn) if _has_table(conn) else None
        return EmbeddingCoverage(articles, self.embedded(conn), stored, self.model)

    def index(self, conn: sqlite3.Connection) -> VectorIndex | None:
        """The archive's usable vectors, read once and kept until the archive changes."""
        if self.embedder is None:
            return None
        version = int(conn.execute("PRAGMA data_version").fetchone()[0])
        if self._version != version:
            dimensions = self.embedder.dimensions
            if not self.usable(conn) or self.stored_model(conn) != self.model:
                self._index = None
            elif self._index is None:
                self._index = load_index(conn, dimensions)
            else:  # what was written since: 100,000 vectors take half a second to read
                self._index.update(load_index(conn, dimensions, since=self._index.seq))
            self._version = version
        return self._index

    def candidates(
        self, conn: sqlite3.Connection, text: str, nums: Sequence[int]
    ) -> tuple[dict[int, float], list[tuple[int, float]]] | None:
        """For a suspect: the cosines of ``nums`` and the channel's own candidates.

        ``None`` when the channel does not run (no embedder, no usable vector).
        """
        index = self.index(conn)
        if index is None or not len(index):
            return None
        query = self.vectors([text])[0]
        # a few spare in case some went stale since they were read
        found = index.search(query, k=2 * SEMANTIC_CANDIDATES, threshold=SEMANTIC_THRESHOLD)
        cosines = index.cosines(query, nums)
        cosines.update(found)
        current: dict[int, str] = {}
        listed = list(cosines)
        for start in range(0, len(listed), 500):
            part = listed[start : start + 500]
            marks = ",".join("?" * len(part))
            current.update(
                conn.execute(f"SELECT num, content_hash FROM articles WHERE num IN ({marks})", part)
            )
        cosines = {n: c for n, c in cosines.items() if current.get(n) == index.hash_of(n)}
        return cosines, [(n, c) for n, c in found if n in cosines][:SEMANTIC_CANDIDATES]
