"""Where the web server's checks and comparisons run: the project's process pool.

A check or a comparison takes tens of milliseconds of Python; run in the server's own
process, every request would hold the one interpreter the others wait for.
:class:`Workers` hands them to :class:`detector.parallel.LocalEngine` instead, sized by
``detector serve --workers N`` (default: one process per core). The API's handlers
await the answer on the event loop (:meth:`Workers.run_async`); the pages' handlers,
which the server runs in its thread pool, wait for it there (:meth:`Workers.run`).
Either way the event loop goes on serving other requests. With ``workers=1`` the work
runs in the server's own threads, as before the pool existed (the configuration the load
benchmark compares against).

The functions sent to the workers (:func:`check_matches`, :func:`check_json`,
:func:`compare_pair`, :func:`compare_json`) are top-level, so they pickle by name. Each
worker keeps one read-only :class:`~detector.archive.store.Archive` per database (per
thread, since an SQLite connection belongs to one), so the archive's cache of
normalised articles lasts from one request to the next. The JSON answers of the API are
encoded in the worker too, leaving the server's process little to do per request.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool

from detector.archive.store import Archive, Match
from detector.compare.pipeline import compare
from detector.errors import DetectorError
from detector.models import Comparison
from detector.parallel import LocalEngine

__all__ = [
    "Workers",
    "WorkersUnavailable",
    "check_json",
    "check_matches",
    "compare_json",
    "compare_pair",
    "warm_up",
]

_local = threading.local()


class WorkersUnavailable(DetectorError):
    """No worker answered in time (the server answers 503)."""


def _archive(db: str) -> Archive:
    """This thread's read-only archive at ``db``, opened on first use."""
    archives: dict[str, Archive] | None = getattr(_local, "archives", None)
    if archives is None:
        archives = _local.archives = {}
    archive = archives.get(db)
    if archive is None:
        archive = archives[db] = Archive(db, readonly=True)
    return archive


def _json(value: Any) -> bytes:
    # What starlette's JSONResponse would write, done here in the worker.
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


def check_matches(db: str, text: str, top: int) -> list[Match]:
    """The archive's matches for ``text``, best first (``Archive.check``)."""
    return _archive(db).check(text, top=top)


def check_json(db: str, text: str, top: int) -> bytes:
    """``{"matches": [...]}`` of :func:`check_matches`, encoded as JSON.

    With the ``semantic`` extra, ``"semantic"`` says how many archived articles the
    semantic channel can see (:meth:`~detector.archive.store.Archive.embedding_coverage`).
    """
    answer: dict[str, Any] = {"matches": [m.to_dict() for m in check_matches(db, text, top)]}
    coverage = _archive(db).embedding_coverage()
    if coverage.current is not None:
        answer["semantic"] = coverage.to_dict()
    return _json(answer)


def compare_pair(a: str, b: str) -> Comparison:
    """:func:`detector.compare.pipeline.compare` of ``a`` and ``b``."""
    return compare(a, b)


def compare_json(a: str, b: str) -> bytes:
    """``compare(a, b).to_dict()``, encoded as JSON."""
    return _json(compare(a, b).to_dict())


def warm_up() -> None:
    """Load the models and the synonym lexicon (run as each worker starts)."""
    compare("The council approved the budget on Monday.", "The council passed the budget.")


class Workers:
    """The pool the server's requests hand their checks and comparisons to.

    Parameters
    ----------
    workers : int, optional
        Worker processes; by default one per core. 1 runs everything in the calling
        thread.
    timeout : float
        Seconds to wait for a worker's answer before giving up with
        :class:`WorkersUnavailable`. A worker that dies (killed for memory, say) is
        replaced by the pool, but the task it held never answers: without a limit its
        request would wait for ever.

    The pool starts on first use (or :meth:`start`) and stops with :meth:`close`; a
    closed pool starts again when used. Workers start through a fork server (the server
    process runs threads), with the models loaded.

    Examples
    --------
    >>> pool = Workers(1)
    >>> pool.compare("The council met on Monday.", "The council met on Monday.").verdict
    'duplicate'
    """

    def __init__(self, workers: int | None = None, *, timeout: float = 300.0) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.timeout = timeout
        self._engine: LocalEngine | None = None
        self._lock = threading.Lock()

    @property
    def started(self) -> bool:
        """Whether the pool is up (it starts on first use)."""
        return self._engine is not None

    def start(self) -> None:
        """Start the worker processes now (else on the first request)."""
        self._get()

    def _get(self) -> LocalEngine:
        with self._lock:
            if self._engine is None:
                self._engine = LocalEngine(
                    self.workers, start_method="forkserver", initializer=warm_up
                )
            return self._engine

    def close(self) -> None:
        """Stop the worker processes now (idempotent).

        The server closes the pool once it has answered its last request, so what a
        worker still holds then is work given up on (or lost with a worker that died).
        """
        with self._lock:
            engine, self._engine = self._engine, None
        if engine is not None:
            engine.close(abort=True)

    def run(self, fn: Any, *args: Any) -> Any:
        """``fn(*args)`` in a worker, waited for in this thread."""
        engine = self._get()
        if engine.workers == 1:
            return fn(*args)
        answer: list[Any] = []
        ready = threading.Event()

        def settle(value: Any) -> None:
            answer.append(value)
            ready.set()

        engine.submit_then(fn, args, settle, settle)
        if not ready.wait(self.timeout):
            raise self._late(fn)
        value = answer[0]
        if isinstance(value, BaseException):
            raise value
        return value

    def _late(self, fn: Any) -> WorkersUnavailable:
        return WorkersUnavailable(
            f"no worker answered in {self.timeout:g} s ({getattr(fn, '__name__', fn)}); try again"
        )

    async def run_async(self, fn: Any, *args: Any) -> Any:
        """``fn(*args)`` in a worker, awaited on the event loop without holding a thread.

        With ``workers=1`` it runs in the server's thread pool instead.
        """
        engine = self._get()
        if engine.workers == 1:
            return await run_in_threadpool(fn, *args)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()

        def settle(outcome: Callable[[Any], None], value: Any) -> None:
            if not future.done():
                outcome(value)

        def answer(outcome: Callable[[Any], None], value: Any) -> None:
            # In the pool's result thread: hand the answer to the loop (gone if the
            # server stopped meanwhile), never raise there.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(settle, outcome, value)

        def done(value: Any) -> None:
            answer(future.set_result, value)

        def failed(error: BaseException) -> None:
            answer(future.set_exception, error)

        engine.submit_then(fn, args, done, failed)
        try:
            return await asyncio.wait_for(future, self.timeout)
        except TimeoutError:
            raise self._late(fn) from None

    def check(self, db: Path, text: str, top: int) -> list[Match]:
        """The matches of ``text`` in the archive at ``db``."""
        result: list[Match] = self.run(check_matches, str(db), text, top)
        return result

    def compare(self, a: str, b: str) -> Comparison:
        """The comparison of ``a`` and ``b``."""
        result: Comparison = self.run(compare_pair, a, b)
        return result
