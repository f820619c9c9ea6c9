"""The JSON API of the web app (OpenAPI at ``/openapi.json``, interactive docs at ``/docs``).

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

Compare and check run in the server's worker processes (:class:`detector.web.workers.Workers`),
which also encode their JSON answers. The other routes open a short-lived
:class:`~detector.archive.store.Archive` (:func:`open_archive`) in the thread that serves
them, since SQLite connections belong to one thread. Served without an archive (a scan
browser only), the API has ``/api/compare`` alone.

Every route with a JSON body answers 415 to a ``Content-Type`` other than JSON
(``application/json`` or ``application/*+json``); a request without one is read as JSON.
"""

import email.message
import hmac
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from detector.archive.store import Archive
from detector.errors import InputError
from detector.web.workers import Workers, check_json, compare_json

__all__ = [
    "MAX_TOP",
    "ArticleRequest",
    "CheckRequest",
    "CompareRequest",
    "api_router",
    "bearer_token_check",
    "json_content_check",
    "open_archive",
    "require_text",
]

#: How many results a check may ask for.
MAX_TOP = 50


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


@contextmanager
def open_archive(db: Path, *, readonly: bool = True) -> Iterator[Archive]:
    """The archive at ``db``, open for the length of the block in this thread."""
    archive = Archive(db, readonly=readonly)
    try:
        yield archive
    finally:
        archive.close()


def require_text(text: str, name: str) -> str:
    """``text`` unless it is empty or blank (refused like an empty file on the command line).

    >>> require_text("  ", "text a")
    Traceback (most recent call last):
    ...
    detector.errors.InputError: text a has only whitespace
    """
    if not text.strip():
        raise InputError(f"{name} is empty" if not text else f"{name} has only whitespace")
    return text


def bearer_token_check(token: str | None) -> Callable[..., None]:
    """A dependency refusing requests without ``Authorization: Bearer <token>`` (401).

    With no ``token``, it lets everything through.
    """
    secret = token.encode("utf-8") if token else None
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

    return require_token


def json_content_check(request: Request) -> None:
    """A dependency refusing a body declared as anything but JSON (415).

    FastAPI would read such a body as a string and answer 422, which says the JSON was
    wrong when it was the header.
    """
    declared = request.headers.get("content-type")
    if not declared:
        return
    header = email.message.Message()
    header["content-type"] = declared
    subtype = header.get_content_subtype()
    if header.get_content_maintype() != "application" or not (
        subtype == "json" or subtype.endswith("+json")
    ):
        raise StarletteHTTPException(
            415, f"Content-Type must be application/json, got {declared!r}"
        )


_JSON_ONLY = [Depends(json_content_check)]
_NOT_JSON: dict[int | str, dict[str, Any]] = {
    415: {"description": "The body is not declared as JSON"}
}


def _json_answer(content: bytes, status: int = 200) -> Response:
    return Response(content, status_code=status, media_type="application/json")


def api_router(
    db: Path | None, *, token: str | None = None, workers: Workers | None = None
) -> APIRouter:
    """The ``/api`` routes over the archive at ``db`` (None: compare only).

    Writes need ``token`` when given; compare and check run in ``workers`` (by default
    in the request's thread).
    """
    router = APIRouter(tags=["api"])
    pool = workers or Workers(1)

    @router.post(
        "/api/compare", summary="Compare two texts", dependencies=_JSON_ONLY, responses=_NOT_JSON
    )
    async def api_compare(body: CompareRequest) -> Response:
        """The verdict and evidence, as `detector compare --json` prints it."""
        a, b = require_text(body.a, "text a"), require_text(body.b, "text b")
        return _json_answer(await pool.run_async(compare_json, a, b))

    if db is None:
        return router

    @router.post(
        "/api/check",
        summary="Check a text against the archive",
        dependencies=_JSON_ONLY,
        responses=_NOT_JSON,
    )
    async def api_check(body: CheckRequest) -> Response:
        """The archive articles the text matches, best first; with the semantic extra,
        ``semantic`` says how many archived articles have a document embedding."""
        return _json_answer(await pool.run_async(check_json, str(db), body.text, body.top))

    @router.post(
        "/api/articles",
        summary="Add an article to the archive",
        status_code=201,
        responses={
            200: {"description": "Already there unchanged, or replaced"},
            201: {"description": "Added"},
            401: {"description": "Missing or wrong bearer token"},
            **_NOT_JSON,
        },
        dependencies=[Depends(bearer_token_check(token)), *_JSON_ONLY],
    )
    def api_add(body: ArticleRequest) -> JSONResponse:
        """Add (or replace) one article. Needs the bearer token when one is configured."""
        with open_archive(db, readonly=False) as archive:
            result = archive.add_text(
                body.id, body.text, title=body.title, date=body.date, source=body.source
            )
        data = result.to_dict()
        return JSONResponse(data, status_code=201 if data["added"] else 200)

    @router.get(
        "/api/articles/{article_id:path}",
        summary="One archived article",
        responses={404: {"description": "No article with this id"}},
    )
    def api_get(article_id: str) -> dict[str, Any]:
        with open_archive(db) as archive:
            article = archive.get(article_id)
        if article is None:
            raise StarletteHTTPException(404, f"no article with id {article_id!r}")
        return dict(article.to_dict())

    @router.get("/api/stats", summary="Archive statistics")
    def api_stats() -> dict[str, Any]:
        with open_archive(db) as archive:
            return dict(archive.stats())

    return router
