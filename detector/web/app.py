"""The detector's web front end: one page for editors and a small JSON API.

:func:`create_app` builds a FastAPI application over one archive database
(:class:`detector.archive.store.Archive`). ``detector serve --db archive.db`` runs it with
uvicorn on 127.0.0.1 unless told otherwise.

Pages (server-rendered HTML, inline CSS and a few lines of vanilla JS, nothing loaded
from the network):

``GET /``
    Paste a suspect article (or upload a file) and check it against the archive.
    ``POST /check`` keeps the text in a short-lived in-memory store under a random key
    and redirects to ``/?s=KEY``, which lists the matching archive articles.
``GET /view/{article_id}?s=KEY``
    The suspect (a) side by side with one archive article (b).
``GET /compare``, ``POST /compare``
    Compare two pasted texts side by side.

JSON API (OpenAPI at ``/openapi.json``, interactive docs at ``/docs``):

``POST /api/compare``  ``{"a", "b"}``
    :meth:`detector.models.Comparison.to_dict`, the shape of ``detector compare --json``.
``POST /api/check``  ``{"text", "top"}``
    ``{"matches": [Match.to_dict(), ...]}``, best first.
``POST /api/articles``  ``{"id", "text", "title"?, "date"?, "source"?}``
    The :class:`~detector.archive.store.AddResult` as a dict; 201 when added, 200 otherwise.
    Needs ``Authorization: Bearer TOKEN`` when the app has a token.
``GET /api/articles/{id}``
    The article, or 404.
``GET /api/stats``
    The archive's :meth:`~detector.archive.store.Archive.stats`.

Errors are JSON ``{"error": "one line"}`` on the API: 400 for malformed JSON, for an
unreadable body and for library errors (:class:`~detector.errors.DetectorError`, e.g.
an empty text); 422 (with FastAPI's ``detail`` list as well) for well-formed JSON that
does not fit the schema (a missing field, ``top`` out of range); 401 for a missing or
wrong token; 404 for an unknown article; 413 for a body over ``max_body_bytes``
(checked on ``Content-Length`` and on the bytes actually received).

Nothing from a request is ever used as a file path: article ids are only looked up in
the database, and the suspect-text keys only in an in-memory dictionary. SQLite
connections belong to one thread, so every request opens its own short-lived
:class:`~detector.archive.store.Archive` inside the worker thread that serves it.
"""

import hmac
import ipaddress
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from html import escape
from os import PathLike
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import Depends, FastAPI, File, Form, Query, Request, UploadFile
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from detector.archive.store import Archive, Match
from detector.compare.pipeline import compare as compare_texts
from detector.errors import DetectorError, InputError
from detector.inputs.text import read_text
from detector.models import Comparison
from detector.report.comparison import VERDICT_BADGE_CSS, VERDICT_LABELS, comparison_html

__all__ = ["DEFAULT_MAX_BODY_BYTES", "create_app", "is_loopback", "serve_in_background"]

#: Default limit of one request body: 2 MB.
DEFAULT_MAX_BODY_BYTES = 2_000_000

#: How many results a check may ask for.
MAX_TOP = 50

# Headers of every HTML page of ours (not FastAPI's /docs, which loads Swagger UI).
_HTML_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
        "img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


# ------------------------------------------------------------------ request bodies


class CompareRequest(BaseModel):
    """Two texts to compare."""

    a: str = Field(description="The first text (raw; offsets in the result refer to it).")
    b: str = Field(description="The second text.")


class CheckRequest(BaseModel):
    """A suspect text to check against the archive."""

    text: str = Field(description="The suspect article.")
    top: int = Field(5, ge=1, le=MAX_TOP, description="How many matches to return at most.")


class ArticleRequest(BaseModel):
    """An article to add to (or replace in) the archive."""

    id: str = Field(min_length=1, max_length=1000, description="The article's id.")
    text: str = Field(description="The article text.")
    title: str | None = Field(None, description="The headline.")
    date: str | None = Field(None, description="The publication date, e.g. 2024-08-14.")
    source: str | None = Field(None, description="Who published it.")


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
        response = _html(_shell("Error", f'<p class="error">{escape(message)}</p>'), status)
    if close:
        response.headers["Connection"] = "close"

    async def nothing() -> Message:
        return {"type": "http.disconnect"}

    await response(scope, nothing, send)


# ------------------------------------------------------------- suspect-text store


class _SuspectStore:
    """Suspect texts kept in memory for a while under random keys (never a path).

    Bounded by age, by count and by total characters; the oldest go first.
    """

    def __init__(
        self, *, ttl: float = 3600.0, max_items: int = 256, max_chars: int = 64_000_000
    ) -> None:
        self.ttl = ttl
        self.max_items = max_items
        self.max_chars = max_chars
        self._items: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()

    def put(self, text: str) -> str:
        key = secrets.token_urlsafe(18)
        with self._lock:
            self._items[key] = (time.monotonic(), text)
            self._chars += len(text)
            self._expire()
        return key

    def get(self, key: str) -> str | None:
        with self._lock:
            self._expire()
            item = self._items.get(key)
        return item[1] if item else None

    def _expire(self) -> None:
        limit = time.monotonic() - self.ttl
        while self._items:
            key, (stamp, text) = next(iter(self._items.items()))
            over = len(self._items) > self.max_items or self._chars > self.max_chars
            if stamp >= limit and not (over and len(self._items) > 1):
                break
            del self._items[key]
            self._chars -= len(text)


# ------------------------------------------------------------------------ HTML


_CSS = """
:root { --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --soft: #f6f8fa;
  --accent: #0b57d0; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "Noto Sans", "Liberation Sans", sans-serif; }
.top { background: #24292f; color: #fff; padding: 10px 28px; display: flex;
  align-items: baseline; gap: 22px; flex-wrap: wrap; }
.top .brand { font-weight: 700; font-size: 1.1rem; letter-spacing: .02em; }
.top a { color: #d0e2ff; text-decoration: none; }
.top a:hover, .top a.here { color: #fff; text-decoration: underline; }
.top .stats { margin-left: auto; color: #c9d1d9; font-size: .85rem; }
main { max-width: 1100px; margin: 0 auto; padding: 20px 28px 40px; }
h1 { font-size: 1.35rem; margin: 4px 0 6px; }
h2 { font-size: 1.1rem; margin: 22px 0 8px; }
p.lead { color: var(--muted); margin: 0 0 14px; }
label { font-weight: 600; display: block; margin: 0 0 4px; }
textarea { width: 100%; min-height: 240px; padding: 10px 12px; border: 1px solid var(--line);
  border-radius: 8px; font: 14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas,
  "Liberation Mono", monospace; resize: vertical; }
textarea:focus, input:focus, select:focus, button:focus { outline: 2px solid var(--accent);
  outline-offset: 1px; }
.row { display: flex; flex-wrap: wrap; gap: 12px 22px; align-items: center; margin-top: 10px; }
.row .muted { color: var(--muted); font-size: .88rem; }
.two { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 18px; }
button { background: var(--accent); color: #fff; border: 0; border-radius: 8px;
  padding: 9px 18px; font-size: 1rem; font-weight: 600; cursor: pointer; }
button[disabled] { background: #8c959f; cursor: progress; }
.error { background: #fff1f0; border: 1px solid #ffa39e; color: #a8071a; border-radius: 8px;
  padding: 8px 12px; }
.notice { background: #fffbe6; border: 1px solid #ffe58f; border-radius: 8px; padding: 8px 12px; }
.matches { list-style: none; margin: 0; padding: 0; }
.match a { display: grid; grid-template-columns: 9.5em 4.2em minmax(0, 1fr) auto; gap: 4px 14px;
  align-items: baseline; padding: 10px 14px; border: 1px solid var(--line); border-radius: 8px;
  color: inherit; text-decoration: none; }
.match + .match { margin-top: 8px; }
.match a:hover, .match a:focus { border-color: var(--accent); background: #f3f8ff; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 999px; color: #fff;
  font-weight: 700; font-size: .88rem; text-align: center; }
.score { font-weight: 700; font-variant-numeric: tabular-nums; }
.title { font-weight: 600; overflow-wrap: anywhere; }
.meta { color: var(--muted); font-size: .85rem; white-space: nowrap; }
.why { grid-column: 3 / 5; color: var(--muted); font-size: .88rem; }
.open { grid-column: 3 / 5; color: var(--accent); font-size: .85rem; }
code { background: var(--soft); padding: 0 4px; border-radius: 4px; }
@media (max-width: 760px) {
  .two { grid-template-columns: minmax(0, 1fr); }
  .match a { grid-template-columns: auto auto minmax(0, 1fr); }
  .why, .open, .meta { grid-column: 1 / 4; }
}
"""
_CSS += VERDICT_BADGE_CSS

_JS = """
(function () {
  var form = document.querySelector("form[data-busy]");
  if (!form) return;
  var area = form.querySelector("textarea");
  var count = document.getElementById("count");
  function update() {
    if (count && area) count.textContent = area.value.length.toLocaleString() + " characters";
  }
  if (area) {
    area.addEventListener("input", update);
    area.addEventListener("keydown", function (ev) {
      if ((ev.ctrlKey || ev.metaKey) && ev.key === "Enter") form.requestSubmit();
    });
    update();
  }
  var file = form.querySelector("input[type=file]");
  if (file && area) {
    file.addEventListener("change", function () {
      if (file.files.length) area.removeAttribute("required");
      else area.setAttribute("required", "");
    });
  }
  form.addEventListener("submit", function () {
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; button.textContent = form.dataset.busy; }
  });
})();
"""


def _esc(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _html(content: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(content, status_code=status, headers=_HTML_HEADERS)


def _shell(title: str, body: str, *, here: str = "", stats: str = "") -> str:
    links = (("/", "Check an article"), ("/compare", "Compare two texts"), ("/docs", "API"))
    nav = "".join(
        f'<a href="{href}"{" class=here" if href == here else ""}>{label}</a>'
        for href, label in links
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_esc(title)} · detector</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f'<nav class="top"><span class="brand">detector</span>{nav}'
        f'<span class="stats">{_esc(stats)}</span></nav>\n'
        f"<main>\n{body}\n</main>\n<script>{_JS}</script>\n</body>\n</html>\n"
    )


def _stats_line(stats: dict[str, Any]) -> str:
    n = stats.get("articles", stats.get("count"))
    return f"archive: {n:,} articles" if isinstance(n, int) else ""


def _badge(verdict: str) -> str:
    label = VERDICT_LABELS.get(verdict, (verdict.replace("_", " ").capitalize(), ""))[0]
    cls = f"v-{verdict}" if verdict in VERDICT_LABELS else "v-unknown"
    return f'<span class="badge {cls}" data-verdict="{_esc(verdict)}">{_esc(label)}</span>'


def _match_item(match: Match, key: str) -> str:
    article = match.article
    result = match.comparison
    href = f"/view/{quote(article.id, safe='')}?{urlencode({'s': key})}"
    meta = " · ".join(_esc(x) for x in (article.date, article.source) if x)
    why = _esc(result.reasons[0]) if result.reasons else ""
    return (
        f'<li class="match" data-id="{_esc(article.id)}" data-verdict="{_esc(result.verdict)}">'
        f'<a href="{_esc(href)}">{_badge(result.verdict)}'
        f'<span class="score" title="score">{result.score:.2f}</span>'
        f'<span class="title"><code class="id">{_esc(article.id)}</code> '
        f"{_esc(article.title or '(no title)')}</span>"
        f'<span class="meta date">{meta}</span>'
        + (f'<span class="why">{why}</span>' if why else "")
        + '<span class="open">Open side by side →</span></a></li>'
    )


def _check_page(
    *,
    text: str = "",
    top: int = 5,
    matches: list[Match] | None = None,
    key: str = "",
    error: str = "",
    notice: str = "",
    stats: str = "",
) -> str:
    parts = [
        "<h1>Check a suspect article against the archive</h1>",
        '<p class="lead">Paste the text of an article (or upload a .txt or .html file) to '
        "find the archive stories it copies, edits or spins.</p>",
    ]
    if error:
        parts.append(f'<p class="error" role="alert">{_esc(error)}</p>')
    if notice:
        parts.append(f'<p class="notice">{_esc(notice)}</p>')
    options = "".join(
        f'<option value="{n}"{" selected" if n == top else ""}>{n}</option>'
        for n in sorted({3, 5, 10, 20, top})
    )
    parts.append(
        '<form method="post" action="/check" enctype="multipart/form-data" '
        'data-busy="Checking…">'
        '<label for="text">Suspect article</label>'
        f'<textarea id="text" name="text" spellcheck="false" '
        f'placeholder="Paste the article here">{_esc(text)}</textarea>'
        '<div class="row">'
        '<span><label for="file" style="display:inline">or upload a file</label> '
        '<input type="file" id="file" name="file" accept=".txt,.html,.htm,text/plain,text/html">'
        "</span>"
        f'<span><label for="top" style="display:inline">matches</label> '
        f'<select id="top" name="top">{options}</select></span>'
        '<span class="muted" id="count"></span>'
        "</div>"
        '<div class="row"><button type="submit" id="check">Check against the archive</button>'
        '<span class="muted">Ctrl+Enter</span></div></form>'
    )
    if matches is not None:
        parts.append(f'<section id="results" aria-live="polite"><h2>Matches ({len(matches)})</h2>')
        if matches:
            items = "".join(_match_item(m, key) for m in matches)
            parts.append(f'<ol class="matches">{items}</ol>')
        else:
            parts.append('<p class="notice">No similar article in the archive.</p>')
        parts.append("</section>")
    return _shell("Check an article", "\n".join(parts), here="/", stats=stats)


def _compare_page(*, a: str = "", b: str = "", error: str = "") -> str:
    parts = [
        "<h1>Compare two texts</h1>",
        '<p class="lead">Paste two articles to see the verdict and the evidence side by side.</p>',
    ]
    if error:
        parts.append(f'<p class="error" role="alert">{_esc(error)}</p>')
    parts.append(
        '<form method="post" action="/compare" data-busy="Comparing…"><div class="two">'
        f'<div><label for="a">Text a</label><textarea id="a" name="a" spellcheck="false">'
        f"{_esc(a)}</textarea></div>"
        f'<div><label for="b">Text b</label><textarea id="b" name="b" spellcheck="false">'
        f"{_esc(b)}</textarea></div></div>"
        '<div class="row"><button type="submit" id="compare">Compare</button></div></form>'
    )
    return _shell("Compare two texts", "\n".join(parts), here="/compare")


def _with_nav(page: str, back: str, label: str, result: Comparison) -> str:
    """A comparison page with a bar just inside ``<body>``: a link back and the verdict.

    The bar sticks to the top of the window, so the verdict stays in sight while an
    editor reads down the two columns.
    """
    verdict = VERDICT_LABELS.get(result.verdict, (result.verdict, ""))[0]
    bar = (
        '<nav class="noprint" style="position:sticky;top:0;z-index:10;margin:-24px -28px 18px;'
        "padding:9px 28px;background:#24292f;color:#fff;font:14px system-ui,sans-serif;"
        'display:flex;gap:18px;align-items:baseline">'
        f'<a style="color:#d0e2ff" href="{_esc(back)}">← {_esc(label)}</a>'
        f'<span data-verdict="{_esc(result.verdict)}"><b>{_esc(verdict)}</b> · score '
        f"{result.score:.2f}</span></nav>\n"
    )
    return page.replace("<body>\n", "<body>\n" + bar, 1)


def _form_text(text: str) -> str:
    """Text from a form field: browsers send line breaks as CRLF; keep them as LF."""
    return text.replace("\r\n", "\n")


def _require_text(text: str, name: str) -> str:
    """``text`` unless it is empty or blank (refused like an empty file on the command line)."""
    if not text.strip():
        raise InputError(f"{name} is empty" if not text else f"{name} has only whitespace")
    return text


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


# --------------------------------------------------------------------------- app


def create_app(
    db_path: str | PathLike[str],
    *,
    token: str | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> FastAPI:
    """The web application over the archive at ``db_path``.

    Parameters
    ----------
    db_path : path
        The archive database. It is opened once here (and created empty if missing,
        so errors show at start-up), then afresh by every request.
    token : str, optional
        When given, ``POST /api/articles`` needs ``Authorization: Bearer <token>``.
    max_body_bytes : int
        Larger request bodies get 413.
    """
    db = Path(db_path)
    Archive(db).close()
    secret = token.encode("utf-8") if token else None
    store = _SuspectStore()

    app = FastAPI(
        title="detector",
        version="0.1.0",
        description=(
            "Check articles against an archive of wire stories for copies, edits and "
            'machine-spun rewrites; compare two texts. Errors are `{"error": message}`: '
            "400 malformed JSON or a refused text, 401 missing/wrong bearer token (writes, "
            "when a token is configured), 404 unknown article, 413 body over "
            f"{max_body_bytes:,} bytes, 422 JSON that does not fit the schema."
        ),
    )
    app.add_middleware(_BodyLimit, max_bytes=max_body_bytes)

    @contextmanager
    def archive(readonly: bool = True) -> Iterator[Archive]:
        arch = Archive(db, readonly=readonly)
        try:
            yield arch
        finally:
            arch.close()

    # ------------------------------------------------------------ error handlers

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

    # ------------------------------------------------------------------- auth

    bearer = HTTPBearer(
        auto_error=False,
        description="Needed for writes when the server has a token (--token or DETECTOR_TOKEN).",
    )

    def require_token(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> None:
        if secret is None:
            return
        given = credentials.credentials.encode("utf-8") if credentials else b""
        if not credentials or not hmac.compare_digest(given, secret):
            raise StarletteHTTPException(
                401,
                "missing or wrong bearer token" if credentials else "missing bearer token",
                headers={"WWW-Authenticate": "Bearer"},
            )

    def not_found(article_id: str) -> StarletteHTTPException:
        return StarletteHTTPException(404, f"no article with id {article_id!r}")

    # -------------------------------------------------------------------- API

    @app.post("/api/compare", tags=["api"], summary="Compare two texts")
    def api_compare(body: CompareRequest) -> dict[str, Any]:
        """The verdict and evidence, as `detector compare --json` prints it."""
        a, b = _require_text(body.a, "text a"), _require_text(body.b, "text b")
        return compare_texts(a, b).to_dict()

    @app.post("/api/check", tags=["api"], summary="Check a text against the archive")
    def api_check(body: CheckRequest) -> dict[str, Any]:
        """The archive articles the text matches, best first."""
        with archive() as arch:
            matches = arch.check(body.text, top=body.top)
        return {"matches": [m.to_dict() for m in matches]}

    @app.post(
        "/api/articles",
        tags=["api"],
        summary="Add an article to the archive",
        status_code=201,
        responses={
            200: {"description": "Already there unchanged, or replaced"},
            201: {"description": "Added"},
            401: {"description": "Missing or wrong bearer token"},
        },
        dependencies=[Depends(require_token)],
    )
    def api_add(body: ArticleRequest) -> JSONResponse:
        """Add (or replace) one article. Needs the bearer token when one is configured."""
        with archive(readonly=False) as arch:
            result = arch.add_text(
                body.id, body.text, title=body.title, date=body.date, source=body.source
            )
        data = _as_dict(result)
        return JSONResponse(data, status_code=201 if data.get("added") else 200)

    @app.get(
        "/api/articles/{article_id:path}",
        tags=["api"],
        summary="One archived article",
        responses={404: {"description": "No article with this id"}},
    )
    def api_get(article_id: str) -> dict[str, Any]:
        with archive() as arch:
            article = arch.get(article_id)
        if article is None:
            raise not_found(article_id)
        return dict(article.to_dict())

    @app.get("/api/stats", tags=["api"], summary="Archive statistics")
    def api_stats() -> dict[str, Any]:
        with archive() as arch:
            return dict(arch.stats())

    # ------------------------------------------------------------------ pages

    def stats_line() -> str:
        try:
            with archive() as arch:
                return _stats_line(arch.stats())
        except DetectorError:
            return ""

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page_index(
        s: Annotated[str | None, Query(max_length=64)] = None,
        top: Annotated[int, Query(ge=1, le=MAX_TOP)] = 5,
    ) -> HTMLResponse:
        if not s:
            return _html(_check_page(top=top, stats=stats_line()))
        text = store.get(s)
        if text is None:
            return _html(
                _check_page(
                    top=top,
                    notice="This check has expired; paste the article again.",
                    stats=stats_line(),
                ),
                404,
            )
        try:
            with archive() as arch:
                matches = arch.check(text, top=top)
                stats = _stats_line(arch.stats())
        except DetectorError as exc:
            return _html(_check_page(text=text, top=top, error=str(exc)), 400)
        return _html(_check_page(text=text, top=top, matches=matches, key=s, stats=stats))

    @app.post("/check", response_class=HTMLResponse, include_in_schema=False)
    def page_check(
        text: Annotated[str, Form()] = "",
        top: Annotated[int, Form(ge=1, le=MAX_TOP)] = 5,
        file: Annotated[UploadFile | None, File()] = None,
    ) -> Response:
        text = _form_text(text)
        try:
            if file is not None and file.filename:
                text = read_text(file.file, max_bytes=max_body_bytes, name="the uploaded file")
            elif not text.strip():
                raise InputError("paste an article or choose a file")
        except DetectorError as exc:
            page = _check_page(text=text, top=top, error=str(exc), stats=stats_line())
            return _html(page, 400)
        key = store.put(text)
        return RedirectResponse(f"/?{urlencode({'s': key, 'top': top})}#results", 303)

    @app.get("/view/{article_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def page_view(article_id: str, s: Annotated[str, Query(max_length=64)] = "") -> HTMLResponse:
        text = store.get(s) if s else None
        if text is None:
            return _html(
                _check_page(notice="This check has expired; paste the article again."), 404
            )
        with archive() as arch:
            article = arch.get(article_id)
        if article is None:
            message = f"No article with id {article_id!r} in the archive."
            return _html(_shell("Not found", f'<p class="error">{_esc(message)}</p>'), 404)
        try:
            result = compare_texts(text, article.text)
        except DetectorError as exc:
            return _html(_check_page(text=text, error=str(exc)), 400)
        label = f"{article.id}: {article.title}" if article.title else article.id
        extra = ", ".join(x for x in (article.source, article.date) if x)
        page = comparison_html(
            result,
            text,
            article.text,
            a_name="Suspect article",
            b_name=f"{label} ({extra})" if extra else label,
            title=f"Suspect article vs {label}",
        )
        back = f"/?{urlencode({'s': s})}#results"
        return _html(_with_nav(page, back, "Back to the matches", result))

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def page_compare_form() -> HTMLResponse:
        return _html(_compare_page())

    @app.post("/compare", response_class=HTMLResponse, include_in_schema=False)
    def page_compare(
        a: Annotated[str, Form()] = "", b: Annotated[str, Form()] = ""
    ) -> HTMLResponse:
        a, b = _form_text(a), _form_text(b)
        try:
            result = compare_texts(_require_text(a, "text a"), _require_text(b, "text b"))
        except DetectorError as exc:
            return _html(_compare_page(a=a, b=b, error=str(exc)), 400)
        page = comparison_html(result, a, b, a_name="Text a", b_name="Text b")
        return _html(_with_nav(page, "/compare", "Compare two other texts", result))

    return app


def _as_dict(result: Any) -> dict[str, Any]:
    """An AddResult (dataclass or named tuple) as a JSON-ready dict."""
    if hasattr(result, "to_dict"):
        return dict(result.to_dict())
    if hasattr(result, "_asdict"):
        return dict(result._asdict())
    from dataclasses import asdict, is_dataclass

    if is_dataclass(result) and not isinstance(result, type):
        return asdict(result)
    return dict(vars(result))


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

    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off")
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
