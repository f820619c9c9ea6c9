"""The one process pool: where the scan's stages, batch comparisons and the web server's
checks and comparisons run.

An engine is this machine's cores or a Dask cluster. Both take the same top-level
(picklable) functions, and :func:`ordered_map` returns results in submission order,
so a scan, ``detector pairs`` and ``detector eval`` give identical outputs on any engine
and any number of workers. :meth:`LocalEngine.submit_then` runs one function and calls
back with its answer: the web server hands its requests' work to the pool that way, so
a request never holds the interpreter of the process serving the others.
"""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from detector.errors import ConfigError

__all__ = ["DaskEngine", "Engine", "LocalEngine", "make_engine", "ordered_map", "running"]


class Engine(Protocol):
    """Runs ``fn(*args)`` somewhere; ``result(handle)`` waits for it."""

    workers: int

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any: ...

    def result(self, handle: Any) -> Any: ...

    def ready(self, handle: Any) -> bool:
        """Whether ``result(handle)`` would return without waiting."""
        ...

    def close(self, *, abort: bool = False) -> None:
        """Release the workers: after the jobs in flight, or at once with ``abort``."""
        ...


@contextmanager
def running(engine: Engine) -> Iterator[Engine]:
    """Close ``engine`` on the way out; on an error or Ctrl-C, abort its jobs in flight."""
    try:
        yield engine
    except BaseException:
        engine.close(abort=True)
        raise
    engine.close()


def _ignore_interrupts(initializer: Callable[[], None] | None = None) -> None:
    # Ctrl-C reaches the whole process group: workers leave it to the main process,
    # which aborts the pool, so no worker prints a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer()


class _Done:
    def __init__(self, value: Any) -> None:
        self.value = value


class LocalEngine:
    """A process pool on this machine (``jobs=1``: run in this process).

    Parameters
    ----------
    jobs : int, optional
        Worker processes; by default one per core. With 1, every call runs in the
        calling process (and thread).
    start_method : {"fork", "forkserver", "spawn"}, optional
        How workers start; by default ``fork`` where there is one. A process that runs
        threads (a web server) uses ``forkserver``: forking a threaded process can copy
        a lock another thread holds.
    initializer : callable, optional
        Run once in each worker as it starts (e.g. to load the models before the first
        task). With ``forkserver``, its module is imported once in the server, so the
        workers start with it loaded.
    """

    def __init__(
        self,
        jobs: int | None = None,
        *,
        start_method: str | None = None,
        initializer: Callable[[], None] | None = None,
    ) -> None:
        self.workers = jobs or os.cpu_count() or 1
        self._pool: Any = None
        if self.workers > 1:
            import multiprocessing as mp

            method = start_method or ("fork" if hasattr(os, "fork") else None)
            if method not in mp.get_all_start_methods() and method is not None:
                raise ConfigError(
                    f"start_method must be one of {', '.join(mp.get_all_start_methods())}, "
                    f"got {method!r}"
                )
            ctx = mp.get_context(method)
            if method == "forkserver" and initializer is not None:
                ctx.set_forkserver_preload([initializer.__module__])
            self._pool = ctx.Pool(
                self.workers, initializer=_ignore_interrupts, initargs=(initializer,)
            )

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        if self._pool is None:
            return _Done(fn(*args))
        return self._pool.apply_async(fn, args)

    def result(self, handle: Any) -> Any:
        if isinstance(handle, _Done):
            return handle.value
        return handle.get()

    def ready(self, handle: Any) -> bool:
        return isinstance(handle, _Done) or bool(handle.ready())

    def submit_then(
        self,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        """Run ``fn(*args)``; then ``done(result)`` or ``failed(exception)``.

        With workers, the callbacks run in the pool's result thread; keep them short
        (an event loop's ``call_soon_threadsafe``). Without, they run here.
        """
        if self._pool is None:
            try:
                value = fn(*args)
            except Exception as exc:
                failed(exc)
            else:
                done(value)
            return
        self._pool.apply_async(fn, args, callback=done, error_callback=failed)

    def close(self, *, abort: bool = False) -> None:
        """Wait for the submitted work and stop the workers; with ``abort``, stop them now.

        A task whose worker died never finishes, and waiting for it would never end:
        ``abort`` is also for an owner that has given up on what is still running.
        """
        if self._pool is not None:
            if abort:
                self._pool.terminate()
            else:
                self._pool.close()
            self._pool.join()
            self._pool = None


class DaskEngine:
    """A Dask distributed cluster at ``scheduler`` (e.g. ``tcp://127.0.0.1:8786``).

    Workers must see the scan's output folder (a shared filesystem), since stage
    functions read the texts stored there.
    """

    def __init__(self, scheduler: str) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise ConfigError(
                "--engine dask needs the dask extra: pip install 'detector[dask]'"
            ) from None
        try:
            self._client = Client(scheduler, timeout="10s")
        except OSError as exc:
            raise ConfigError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        self.workers = max(1, sum(self._client.nthreads().values()))

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self._client.submit(fn, *args, pure=False)

    def result(self, handle: Any) -> Any:
        return handle.result()

    def ready(self, handle: Any) -> bool:
        return bool(handle.done())

    def close(self, *, abort: bool = False) -> None:
        if abort:
            self._client.cancel(list(self._client.futures.values()))
        self._client.close()


def make_engine(name: str, *, jobs: int | None = None, scheduler: str | None = None) -> Engine:
    """The engine called ``name``: ``"local"`` or ``"dask"``."""
    if name == "local":
        return LocalEngine(jobs)
    if name == "dask":
        if not scheduler:
            raise ConfigError("--engine dask needs --scheduler ADDRESS")
        return DaskEngine(scheduler)
    raise ConfigError(f"--engine must be 'local' or 'dask', got {name!r}")


def ordered_map(
    engine: Engine,
    fn: Callable[..., Any],
    arguments: Iterable[tuple[Any, ...]],
    *,
    window: int | None = None,
) -> Iterator[Any]:
    """``fn(*args)`` for each argument tuple, results in order, at most ``window`` in flight.

    Finished results are handed on as soon as all before them are, before the next
    argument is drawn (which may wait on a slow input): a caller's checkpoints land early.
    """
    limit = window or 2 * engine.workers
    pending: deque[Any] = deque()
    for args in arguments:
        pending.append(engine.submit(fn, *args))
        if len(pending) >= limit:
            yield engine.result(pending.popleft())
        while pending and engine.ready(pending[0]):
            yield engine.result(pending.popleft())
    while pending:
        yield engine.result(pending.popleft())
