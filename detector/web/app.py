"""The detector's web front end: one page for editors and a small JSON API.

:func:`create_app` builds a FastAPI application over one archive database
(:class:`detector.archive.store.Archive`), a scan's output folder, or both.
``detector serve --db archive.db`` (and/or ``--scan OUT``) runs it with uvicorn on
127.0.0.1 unless told otherwise. The pages are in :mod:`detector.web.pages`, the scan
browser in :mod:`detector.web.scan_pages`, the JSON API in :mod:`detector.web.api`, the
API docs in :mod:`detector.web.docs` and the token rules in :mod:`detector.web.access`;
checks and comparisons run in the worker processes of :mod:`detector.web.workers`. This
module puts them together with the request-size limit and the error answers, and runs
the app.

Errors are JSON ``{"error": "one line"}`` on the API: 400 for malformed JSON, for an
unreadable body and for library errors (:class:`~detector.errors.DetectorError`, e.g.
an empty text); 422 (with FastAPI's ``detail`` list as well) for well-formed JSON that
does not fit the schema (a missing field, ``top`` out of range); 401 for a missing or
wrong token; 404 for an unknown article; 413 for a body over ``max_body_bytes``
(checked on ``Content-Length`` and on the bytes actually received); 415 for a body
declared as something other than JSON.
"""

import asyncio
import ipaddress
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from os import PathLike
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from detector.archive.store import Archive
from detector.errors import ConfigError, DetectorError
from detector.scan.results import ScanResults
from detector.web.access import TOKEN_FOR, ReadGate, login_router
from detector.web.api import api_router
from detector.web.docs import docs_router
from detector.web.pages import NAV, SuspectStore, html_response, message_page, pages_router
from detector.web.scan_pages import scan_router
from detector.web.workers import Workers, WorkersUnavailable

__all__ = ["DEFAULT_MAX_BODY_BYTES", "create_app", "is_loopback", "serve_in_background"]

#: Default limit of one request body: 2 MB.
DEFAULT_MAX_BODY_BYTES = 2_000_000


# ------------------------------------------------------------------ body size limit


class _BodyLimit:
    """ASGI middleware: refuse request bodies over ``max_bytes`` with 413.

    A declared ``Content-Length`` over the limit is refused before anything is read;
    otherwise the body is read here, counting the bytes actually received (so chunked
    uploads and lying headers are caught too), and handed on to the app in one piece.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _plain_error(scope, send, 400, "invalid Content-Length header")
                    return
                if declared > self.max_bytes:
                    await self._refuse(scope, send)
                    return
        chunks: list[bytes] = []
        total = 0
        last: Message | None = None
        while True:
            message = await receive()
            if message["type"] != "http.request":
                last = message  # http.disconnect: pass it on after the body
                break
            body = message.get("body", b"")
            total += len(body)
            if total > self.max_bytes:
                await self._refuse(scope, send)
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        pending: list[Message] = [{"type": "http.request", "body": b"".join(chunks)}]
        if last is not None:
            pending.append(last)

        async def replay() -> Message:
            if pending:
                return pending.pop(0)
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        await _plain_error(
            scope,
            send,
            413,
            f"request body is over the limit of {self.max_bytes:,} bytes",
            close=True,
        )


async def _plain_error(
    scope: Scope, send: Send, status: int, message: str, *, close: bool = False
) -> None:
    """Send a complete error response from ASGI middleware: JSON on /api, HTML elsewhere."""
    if str(scope.get("path", "")).startswith("/api/"):
        response: Response = JSONResponse({"error": message}, status_code=status)
    else:
        response = html_response(message_page("Error", message), status)
    if close:
        response.headers["Connection"] = "close"

    async def nothing() -> Message:
        return {"type": "http.disconnect"}

    await response(scope, nothing, send)


# --------------------------------------------------------------------------- app


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _nav(has_archive: bool, has_scan: bool) -> tuple[tuple[str, str], ...]:
    links = list(NAV)
    if has_scan:
        links.insert(1 if has_archive else 0, ("/scan", "Scan clusters"))
    if not has_archive:
        links.remove(("/", "Check an article"))
    return tuple(links)


def create_app(
    db_path: str | PathLike[str] | None = None,
    *,
    scan: str | PathLike[str] | ScanResults | None = None,
    token: str | None = None,
    token_for: str = "write",
    workers: int | Workers = 1,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> FastAPI:
    """The web application over the archive at ``db_path`` and/or the scan in ``scan``.

    Parameters
    ----------
    db_path : path, optional
        The archive database. It is opened once here (and created empty if missing,
        so errors show at start-up), then afresh by the requests.
    scan : path or ScanResults, optional
        A scan's output folder, browsed under ``/scan``. At least one of ``db_path``
        and ``scan`` is needed.
    token : str, optional
        When given, ``POST /api/articles`` needs ``Authorization: Bearer <token>``.
    token_for : {"write", "read"}
        ``"read"``: every request needs the token (a header, or the cookie a browser
        gets by signing in; :mod:`detector.web.access`).
    workers : int or Workers
        Processes that run checks and comparisons (1: in the request's thread). The
        pool stops when the app shuts down.
    max_body_bytes : int
        Larger request bodies get 413.
    """
    if db_path is None and scan is None:
        raise ConfigError("serve an archive (--db), a scan's output folder (--scan), or both")
    if token_for not in TOKEN_FOR:
        raise ConfigError(f"token_for must be 'write' or 'read', got {token_for!r}")
    if token_for == "read" and not token:
        raise ConfigError("--token-for read needs a token (--token or DETECTOR_TOKEN)")
    db = None if db_path is None else Path(db_path)
    if db is not None:
        Archive(db).close()
    results = scan if isinstance(scan, ScanResults) or scan is None else ScanResults(scan)
    pool = workers if isinstance(workers, Workers) else Workers(workers)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(pool.start)  # workers up before the first request
        try:
            yield
        finally:
            pool.close()

    guarded = "every request" if token_for == "read" else "writes"
    app = FastAPI(
        title="detector",
        version="0.1.0",
        description=(
            "Check articles against an archive of wire stories for copies, edits and "
            'machine-spun rewrites; compare two texts. Errors are `{"error": message}`: '
            f"400 malformed JSON or a refused text, 401 missing/wrong bearer token ({guarded}, "
            "when a token is configured), 404 unknown article, 413 body over "
            f"{max_body_bytes:,} bytes, 415 a body not declared as JSON, 422 JSON that does "
            "not fit the schema."
        ),
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.workers = pool
    app.add_middleware(_BodyLimit, max_bytes=max_body_bytes)
    if token_for == "read" and token:
        app.add_middleware(ReadGate, token=token)

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        for err in errors:
            if err.get("type") == "json_invalid":
                reason = (err.get("ctx") or {}).get("error") or "invalid JSON"
                where = [p for p in err.get("loc", ()) if isinstance(p, int)]
                at = f" at character {where[0]}" if where else ""
                return JSONResponse({"error": f"malformed JSON: {reason}{at}"}, status_code=400)
        first = errors[0] if errors else {}
        loc = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "body"
        message = f"invalid request: {loc}: {first.get('msg', 'does not fit the schema')}"
        if len(errors) > 1:
            message += f" (and {len(errors) - 1} more)"
        return JSONResponse(
            {"error": _one_line(message), "detail": jsonable_encoder(errors)}, status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            {"error": _one_line(str(exc.detail))},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(DetectorError)
    async def _library_error(request: Request, exc: DetectorError) -> JSONResponse:
        return JSONResponse({"error": _one_line(str(exc))}, status_code=400)

    @app.exception_handler(WorkersUnavailable)
    async def _no_worker(request: Request, exc: WorkersUnavailable) -> JSONResponse:
        return JSONResponse({"error": _one_line(str(exc))}, status_code=503)

    nav = _nav(db is not None, results is not None)
    app.include_router(api_router(db, token=token, workers=pool))
    app.include_router(docs_router("detector"))
    if token_for == "read" and token:
        app.include_router(login_router(token))
    if results is not None:
        app.include_router(scan_router(results, workers=pool, nav=nav, home=db is None))
    app.include_router(
        pages_router(db, store=SuspectStore(), max_body_bytes=max_body_bytes, workers=pool, nav=nav)
    )
    return app


# ---------------------------------------------------------------------- serving


def is_loopback(host: str) -> bool:
    """True when ``host`` only accepts connections from this machine.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@contextmanager
def serve_in_background(
    app: Callable[[Scope, Receive, Send], Awaitable[None]],
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    max_seconds: float = 300.0,
    start_timeout: float = 20.0,
) -> Iterator[str]:
    """Run ``app`` with uvicorn in a daemon thread; yield its base URL.

    ``port=0`` takes a free port. The server stops when the block ends, and by
    itself after ``max_seconds`` at the latest.
    """
    import uvicorn

    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="detector-web", daemon=True)
    timer = threading.Timer(max_seconds, lambda: setattr(server, "should_exit", True))
    timer.daemon = True
    thread.start()
    timer.start()
    try:
        deadline = time.monotonic() + start_timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the web server did not start on {host}:{port}")
            time.sleep(0.02)
        bound = server.servers[0].sockets[0].getsockname()
        yield f"http://{host}:{bound[1]}"
    finally:
        server.should_exit = True
        timer.cancel()
        thread.join(timeout=10)
