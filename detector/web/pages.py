"""The editors' pages of the web app: server-rendered HTML, nothing loaded from the network.

``GET /``
    Paste a suspect article (or upload a file) and check it against the archive.
    ``POST /check`` keeps the text in a short-lived in-memory :class:`SuspectStore` under
    a random key and redirects to ``/?s=KEY``, which lists the matching archive articles.
``GET /view/{article_id}?s=KEY``
    The suspect (a) side by side with one archive article (b).
``GET /compare``, ``POST /compare``
    Compare two pasted texts side by side.

Served without an archive (``detector serve --scan OUT`` alone) only the compare pages
are here. Checks and comparisons run in the server's workers (:mod:`detector.web.workers`).

The pages are the templates in ``web/templates/``, which extend the shared ones of
:mod:`detector.report.templates` (one stylesheet for the reports and the pages); the
side-by-side view is the comparison report with a bar to go back. Nothing from a request
is ever used as a file path: article ids are only looked up in the database, and the
suspect-text keys only in memory.
"""

import secrets
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from cachetools import TTLCache
from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from detector.archive.store import Match
from detector.compare.classifier import MODEL_REASON
from detector.errors import DetectorError, InputError
from detector.inputs.text import read_text
from detector.report.comparison import comparison_context, verdict_badge
from detector.report.templates import render
from detector.text.boilerplate import headline
from detector.web.api import MAX_TOP, open_archive, require_text
from detector.web.workers import Workers

__all__ = [
    "HTML_HEADERS",
    "NAV",
    "SuspectStore",
    "html_response",
    "message_page",
    "pages_router",
    "view_page",
]

#: The links of the top bar, (href, label), when the server has an archive.
NAV = (("/", "Check an article"), ("/compare", "Compare two texts"), ("/docs", "API"))

#: Headers of every HTML page of ours (not FastAPI's /docs, which loads Swagger UI).
HTML_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
        "img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

EXPIRED = "This check has expired; paste the article again."


class SuspectStore:
    """Suspect texts kept in memory for a while under random keys (never a path).

    Each text is kept for ``ttl`` seconds at most; past ``max_items`` texts or
    ``max_chars`` characters in all, the least recently used goes first.

    Examples
    --------
    >>> store = SuspectStore(max_items=2)
    >>> first, second, third = (store.put(f"text {i}") for i in range(3))
    >>> store.get(first) is None, store.get(third)
    (True, 'text 2')
    """

    def __init__(
        self, *, ttl: float = 3600.0, max_items: int = 256, max_chars: int = 64_000_000
    ) -> None:
        self.max_chars = max_chars
        # Every text weighs at least its equal share of the characters, so one budget
        # bounds both the number of texts and their characters.
        share = max(1, max_chars // max_items)
        self._texts: TTLCache[str, str] = TTLCache(
            maxsize=max_chars, ttl=ttl, getsizeof=lambda text: max(len(text), share)
        )
        self._lock = threading.Lock()  # a TTLCache is not thread-safe

    def put(self, text: str) -> str:
        """Keep ``text``; return the key to get it back with."""
        if len(text) > self.max_chars:
            raise InputError(
                f"the text has {len(text):,} characters; at most {self.max_chars:,} can be checked"
            )
        key = secrets.token_urlsafe(18)
        with self._lock:
            self._texts[key] = text
        return key

    def get(self, key: str) -> str | None:
        """The text kept under ``key``, or None when there is none (or no longer)."""
        with self._lock:
            return self._texts.get(key)


# ----------------------------------------------------------------------- rendering


def html_response(page: str, status: int = 200) -> HTMLResponse:
    """``page`` with our security headers."""
    return HTMLResponse(page, status_code=status, headers=HTML_HEADERS)


def _page(
    template: str,
    title: str,
    *,
    here: str = "",
    stats: str = "",
    nav: Sequence[tuple[str, str]] = NAV,
    **context: Any,
) -> str:
    return render(
        template,
        {"title": title, "here": here, "stats": stats, "nav": nav, **context},
        package="detector.web",
    )


def message_page(title: str, message: str, *, nav: Sequence[tuple[str, str]] = NAV) -> str:
    """A page that only shows ``message`` as an error."""
    return _page("message.html", title, message=message, nav=nav)


def _match(match: Match, key: str) -> dict[str, Any]:
    article = match.article
    result = match.comparison
    return {
        "id": article.id,
        "title": article.shown_title,
        "href": f"/view/{quote(article.id, safe='')}?{urlencode({'s': key})}",
        "verdict": verdict_badge(result.verdict),
        "score": result.score,
        "meta": " · ".join(x for x in (article.date, article.source) if x),
        "why": result.reasons[0] if result.reasons else "",
    }


def _check_page(
    *,
    text: str = "",
    top: int = 5,
    matches: list[Match] | None = None,
    key: str = "",
    error: str = "",
    notice: str = "",
    stats: str = "",
    nav: Sequence[tuple[str, str]] = NAV,
) -> str:
    return _page(
        "check.html",
        "Check an article",
        here="/",
        stats=stats,
        nav=nav,
        text=text,
        top=top,
        top_choices=sorted({3, 5, 10, 20, top}),
        matches=None if matches is None else [_match(m, key) for m in matches],
        model_p=any(
            (m.comparison.reasons or [""])[0].startswith(MODEL_REASON) for m in matches or []
        ),
        error=error,
        notice=notice,
    )


def _compare_page(
    *, a: str = "", b: str = "", error: str = "", nav: Sequence[tuple[str, str]] = NAV
) -> str:
    return _page(
        "compare.html",
        "Compare two texts",
        here="/compare",
        texts={"a": a, "b": b},
        error=error,
        nav=nav,
    )


def view_page(context: dict[str, Any], back: str, back_label: str) -> str:
    """The comparison report with a bar on top: a link ``back`` and the verdict."""
    return render(
        "view.html", {**context, "back": back, "back_label": back_label}, package="detector.web"
    )


def _stats_line(stats: dict[str, Any]) -> str:
    n = stats.get("articles", stats.get("count"))
    return f"archive: {n:,} articles" if isinstance(n, int) else ""


def _named(what: str, text: str) -> str:
    """``what``, followed by the text's first line of body text when it has one."""
    first = headline(text)
    return f"{what}: {first}" if first else what


def _form_text(text: str) -> str:
    """Text from a form field: browsers send line breaks as CRLF; keep them as LF."""
    return text.replace("\r\n", "\n")


# -------------------------------------------------------------------------- routes


def pages_router(
    db: Path | None,
    *,
    store: SuspectStore,
    max_body_bytes: int,
    workers: Workers | None = None,
    nav: Sequence[tuple[str, str]] = NAV,
) -> APIRouter:
    """The editors' pages over the archive at ``db`` (None: the compare pages only).

    Suspect texts are kept in ``store``; checks and comparisons run in ``workers`` (by
    default in the request's thread); ``nav`` is the top bar's links.
    """
    router = APIRouter(include_in_schema=False)
    pool = workers or Workers(1)

    @router.get("/compare", response_class=HTMLResponse)
    def page_compare_form() -> HTMLResponse:
        return html_response(_compare_page(nav=nav))

    @router.post("/compare", response_class=HTMLResponse)
    def page_compare(
        a: Annotated[str, Form()] = "", b: Annotated[str, Form()] = ""
    ) -> HTMLResponse:
        a, b = _form_text(a), _form_text(b)
        try:
            result = pool.compare(require_text(a, "text a"), require_text(b, "text b"))
        except DetectorError as exc:
            return html_response(_compare_page(a=a, b=b, error=str(exc), nav=nav), 400)
        context = comparison_context(
            result, a, b, a_name=headline(a) or "Text a", b_name=headline(b) or "Text b"
        )
        return html_response(view_page(context, "/compare", "Compare two other texts"))

    if db is None:
        return router

    def stats_line() -> str:
        try:
            with open_archive(db) as archive:
                return _stats_line(archive.stats())
        except DetectorError:
            return ""

    @router.get("/", response_class=HTMLResponse)
    def page_index(
        s: Annotated[str | None, Query(max_length=64)] = None,
        top: Annotated[int, Query(ge=1, le=MAX_TOP)] = 5,
    ) -> HTMLResponse:
        if not s:
            return html_response(_check_page(top=top, stats=stats_line(), nav=nav))
        text = store.get(s)
        if text is None:
            page = _check_page(top=top, notice=EXPIRED, stats=stats_line(), nav=nav)
            return html_response(page, 404)
        try:
            matches = pool.check(db, text, top)
        except DetectorError as exc:
            return html_response(_check_page(text=text, top=top, error=str(exc), nav=nav), 400)
        page = _check_page(text=text, top=top, matches=matches, key=s, stats=stats_line(), nav=nav)
        return html_response(page)

    @router.post("/check", response_class=HTMLResponse)
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
            key = store.put(text)
        except DetectorError as exc:
            page = _check_page(text=text, top=top, error=str(exc), stats=stats_line(), nav=nav)
            return html_response(page, 400)
        return RedirectResponse(f"/?{urlencode({'s': key, 'top': top})}#results", 303)

    @router.get("/view/{article_id:path}", response_class=HTMLResponse)
    def page_view(article_id: str, s: Annotated[str, Query(max_length=64)] = "") -> HTMLResponse:
        text = store.get(s) if s else None
        if text is None:
            return html_response(_check_page(notice=EXPIRED, nav=nav), 404)
        with open_archive(db) as archive:
            article = archive.get(article_id)
        if article is None:
            message = f"No article with id {article_id!r} in the archive."
            return html_response(message_page("Not found", message, nav=nav), 404)
        try:
            result = pool.compare(text, article.text)
        except DetectorError as exc:
            return html_response(_check_page(text=text, error=str(exc), nav=nav), 400)
        label = article.label
        extra = ", ".join(x for x in (article.source, article.date) if x)
        context = comparison_context(
            result,
            text,
            article.text,
            a_name=_named("Suspect article", text),
            b_name=f"{label} ({extra})" if extra else label,
            title=f"Suspect article vs {label}",
        )
        back = f"/?{urlencode({'s': s})}#results"
        return html_response(view_page(context, back, "Back to the matches"))

    return router
