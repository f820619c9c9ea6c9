"""Who may use the server: the token, for writes only or for every request.

``detector serve --token T`` guards the writes (``POST /api/articles`` needs
``Authorization: Bearer T``; :func:`detector.web.api.bearer_token_check`). With
``--token-for read`` every request needs the token, pages, checks and the API docs
included (:class:`ReadGate`):

* API clients send ``Authorization: Bearer T``;
* a browser signs in once: a page asked for without the token shows a form (401);
  the token typed there (``POST /login``), or given once in a link as ``?token=T``,
  is kept in a cookie (``HttpOnly``, ``SameSite=Strict``) and the browser is sent on to
  the page it asked for, without the token in its address.

Writes still need the bearer header, cookie or not: a cookie rides along with requests
that other sites' pages make, a header does not.
"""

from __future__ import annotations

import hmac
from http.cookies import CookieError, SimpleCookie
from typing import Annotated
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Form
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from detector.report.templates import render
from detector.web.pages import html_response

__all__ = ["COOKIE", "TOKEN_FOR", "ReadGate", "login_router", "safe_next"]

#: What ``--token-for`` can say the token is needed for.
TOKEN_FOR = ("write", "read")
#: The cookie that keeps a browser's token.
COOKIE = "detector_token"
#: How long a browser stays signed in (seconds).
COOKIE_SECONDS = 8 * 3600


def safe_next(target: str) -> str:
    """``target`` if it is a path on this server, else ``/`` (no redirect elsewhere).

    >>> safe_next("/scan?verdict=spun"), safe_next("//evil.example/"), safe_next("https://x")
    ('/scan?verdict=spun', '/', '/')
    """
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _same(given: str, token: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8"))


def _signed_in(response: Response, token: str) -> Response:
    response.set_cookie(
        COOKIE,
        token,
        max_age=COOKIE_SECONDS,
        httponly=True,
        samesite="strict",
        path="/",
    )
    return response


def login_page(next_url: str, *, wrong: bool = False, status: int = 401) -> Response:
    """The sign-in form, answering a page asked for without the token."""
    page = render(
        "login.html",
        {
            "title": "Sign in",
            "here": "",
            "stats": "",
            "nav": (),
            "next": safe_next(next_url),
            "wrong": wrong,
        },
        package="detector.web",
    )
    response = html_response(page, status)
    response.headers["WWW-Authenticate"] = 'Bearer realm="detector"'
    return response


def login_router(token: str) -> APIRouter:
    """``POST /login``: the sign-in form's target."""
    router = APIRouter(include_in_schema=False)

    @router.post("/login")
    def login(
        token_given: Annotated[str, Form(alias="token")] = "",
        next_url: Annotated[str, Form(alias="next")] = "/",
    ) -> Response:
        if not _same(token_given, token):
            return login_page(next_url, wrong=True)
        return _signed_in(RedirectResponse(safe_next(next_url), 303), token)

    return router


class ReadGate:
    """ASGI middleware: every request needs the token (``--token-for read``).

    The token counts from an ``Authorization: Bearer`` header or the sign-in cookie. A
    ``?token=`` in a GET request's query signs the browser in and sends it on to the
    same address without it. ``POST /login`` is let through (it checks the token).
    Without the token: 401, JSON on ``/api/`` and ``/openapi.json``, else the sign-in form.
    """

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token

    def _given(self, scope: Scope) -> list[str]:
        found = []
        for name, value in scope.get("headers", []):
            if name == b"authorization":
                scheme, _, credentials = value.decode("latin-1").partition(" ")
                if scheme.lower() == "bearer":
                    found.append(credentials.strip())
            elif name == b"cookie":
                try:
                    cookie = SimpleCookie(value.decode("latin-1"))
                except CookieError:
                    continue
                if COOKIE in cookie:
                    found.append(cookie[COOKIE].value)
        return found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        method = scope.get("method", "GET")
        if (path == "/login" and method == "POST") or any(
            _same(g, self.token) for g in self._given(scope)
        ):
            await self.app(scope, receive, send)
            return
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        given = [v for k, v in query if k == "token"]
        rest = urlencode([(k, v) for k, v in query if k != "token"])
        target = path + (f"?{rest}" if rest else "")
        if method == "GET" and given and _same(given[-1], self.token):
            response: Response = _signed_in(RedirectResponse(safe_next(target), 303), self.token)
        elif path.startswith("/api/") or path == "/openapi.json":
            response = JSONResponse(
                {"error": "missing or wrong bearer token"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        else:
            response = login_page(target if method == "GET" else "/", wrong=bool(given))
        await response(scope, receive, send)
