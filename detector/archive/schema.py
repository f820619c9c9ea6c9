"""The archive file: an SQLite database with the archive's schema, marked as one.

The tables::

    meta(key, value)   format, version, fingerprint settings and probe, creation time
    articles(num INTEGER PRIMARY KEY, id TEXT UNIQUE, content_hash, title, date,
             source, text, added)
    bands(band, key, article) WITHOUT ROWID, primary key (band, key, article),
             and an index on article
    embeddings(article INTEGER PRIMARY KEY, content_hash, vector, seq), and an index on seq

``band`` is the row of the band matrix, ``key`` the band hash (``uint64`` stored as
signed ``int64``), ``article`` the article's ``num``. ``embeddings`` holds the
document embeddings of the semantic channel (:mod:`detector.archive.vectors`): the
``float16`` vector of the article's text with that ``content_hash``, written in the
write numbered ``seq`` (``meta`` key ``semantic_seq`` counts them, so that a reader can
fetch only what is new), and ``meta`` the model (key ``semantic_model``). It came after version 1 and changes nothing else, so the
version stays 1: an archive without it opens as before (read-only, the semantic channel
sees no vector; writable, the table is added), and an older detector ignores it. ``num`` is an explicit integer
key rather than SQLite's implicit rowid, which ``VACUUM`` may renumber.

:func:`connect` opens a file only after checking it can be an archive, and
:func:`prepare` sets the connection up, creates the schema in a new file and checks
the format and version of an existing one; every refusal is an
:class:`~detector.errors.InputError` naming the file.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from detector.errors import ArchiveError, InputError
from detector.scan.fingerprint import fingerprint_batch
from detector.scan.options import ScanOptions

__all__ = [
    "APPLICATION_ID",
    "EMBEDDINGS_SCHEMA",
    "FORMAT",
    "VERSION",
    "connect",
    "prepare",
    "probe",
    "record_settings",
    "settings_key",
    "timestamp",
]

FORMAT = "detector-archive"
VERSION = 1
#: ``PRAGMA application_id`` of an archive file ("DTCA").
APPLICATION_ID = 0x44544341
_SQLITE_HEADER = b"SQLite format 3\x00"
_PROBE = "The minister said on Monday that 1,178 accounts were removed, Reuters reported."

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

#: The table of the semantic channel; added to archives made before it when opened to write.
EMBEDDINGS_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS embeddings (
    article INTEGER PRIMARY KEY,
    content_hash TEXT NOT NULL,
    vector BLOB NOT NULL,
    seq INTEGER NOT NULL
)""",
    "CREATE INDEX IF NOT EXISTS embeddings_seq ON embeddings (seq)",
)


def timestamp() -> str:
    """Now, as the archive stores times: UTC, ISO 8601, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def settings_key(options: ScanOptions) -> str:
    """The fingerprint settings band hashes depend on, as the JSON the file records."""
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


def probe(options: ScanOptions) -> str:
    """Band hashes of a fixed sentence: they change when the fingerprint code changes."""
    return hashlib.blake2b(
        fingerprint_batch([_PROBE], options)[1].tobytes(), digest_size=8
    ).hexdigest()


def record_settings(conn: sqlite3.Connection, options: ScanOptions) -> None:
    """Record the settings and probe of ``options`` (after the bands were recomputed)."""
    for key, value in (("options", settings_key(options)), ("probe", probe(options))):
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


def connect(path: Path, *, readonly: bool) -> sqlite3.Connection:
    """Open ``path`` (created unless ``readonly``) once it is known it can be an archive.

    Raises
    ------
    InputError
        A folder, a missing file (``readonly``) or folder, an unreadable file, a file
        that is not an SQLite database, or one SQLite cannot open.
    """
    name = str(path)
    if path.is_dir():
        raise InputError(f"{name} is a directory, not an archive file")
    exists = path.exists()
    if readonly and not exists:
        raise InputError(f"{name}: no such archive")
    if exists:
        try:
            with path.open("rb") as fh:
                head = fh.read(len(_SQLITE_HEADER))
        except OSError as exc:
            raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None
        if head and head != _SQLITE_HEADER:
            raise InputError(f"{name} is not a detector archive (not an SQLite database)")
    elif not path.parent.is_dir():
        raise InputError(f"{name}: no such folder {path.parent}")
    try:
        if readonly:
            uri = path.resolve().as_uri() + "?mode=ro"
            return sqlite3.connect(
                uri, uri=True, timeout=30.0, isolation_level=None, check_same_thread=False
            )
        return sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
    except (sqlite3.Error, ValueError) as exc:  # ValueError: a NUL in the path
        raise InputError(f"{name}: cannot open ({exc})") from None


def prepare(conn: sqlite3.Connection, name: str, *, readonly: bool, options: ScanOptions) -> bool:
    """Set up a connection to an archive file; True when its bands need a reindex.

    A new (empty) file gets the schema unless ``readonly``. The bands need a reindex
    when they were made with other fingerprint settings or code than ``options``'.

    Raises
    ------
    InputError
        Not an archive, or an archive of another format or version.
    ArchiveError
        The file is locked by another connection.
    """
    try:
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("PRAGMA cache_size = -65536")
        tables = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if tables and not {"meta", "articles", "bands"} <= tables:
            raise InputError(f"{name} is not a detector archive (other tables)")
        if not tables and readonly:
            raise InputError(f"{name} is not a detector archive (empty database)")
        if not readonly:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise InputError(f"{name}: cannot switch the archive to WAL mode ({mode})")
            conn.execute("PRAGMA synchronous = NORMAL")
            if not tables:
                _create(conn, options)
            elif "embeddings" not in tables:
                for statement in EMBEDDINGS_SCHEMA:
                    conn.execute(statement)
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
    return meta.get("options") != settings_key(options) or meta.get("probe") != probe(options)


def _create(conn: sqlite3.Connection, options: ScanOptions) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in (*_SCHEMA.split(";"), *EMBEDDINGS_SCHEMA):
            if statement.strip():
                conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        for key, value in (
            ("format", FORMAT),
            ("version", str(VERSION)),
            ("options", settings_key(options)),
            ("probe", probe(options)),
            ("created", timestamp()),
        ):
            conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (key, value))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
