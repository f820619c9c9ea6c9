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

SQLite connections belong to one thread, so every request opens its own short-lived
:class:`~detector.archive.store.Archive` (:func:`open_archive`) inside the worker thread
that serves it.
"""

import hmac
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from detector.archive.store import Archive
from detector.compare.pipeline import compare as compare_texts
from detector.errors import InputError

__all__ = [
    "MAX_TOP",
    "ArticleRequest",
    "CheckRequest",
    "CompareRequest",
    "api_router",
    "bearer_token_check",
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


def api_router(db: Path, *, token: str | None = None) -> APIRouter:
    """The ``/api`` routes over the archive at ``db``; writes need ``token`` when given."""
    router = APIRouter(tags=["api"])

    @router.post("/api/compare", summary="Compare two texts")
    def api_compare(body: CompareRequest) -> dict[str, Any]:
        """The verdict and evidence, as `detector compare --json` prints it."""
        a, b = require_text(body.a, "text a"), require_text(body.b, "text b")
        return compare_texts(a, b).to_dict()

    @router.post("/api/check", summary="Check a text against the archive")
    def api_check(body: CheckRequest) -> dict[str, Any]:
        """The archive articles the text matches, best first."""
        with open_archive(db) as archive:
            matches = archive.check(body.text, top=body.top)
        return {"matches": [m.to_dict() for m in matches]}

    @router.post(
        "/api/articles",
        summary="Add an article to the archive",
        status_code=201,
        responses={
            200: {"description": "Already there unchanged, or replaced"},
            201: {"description": "Added"},
            401: {"description": "Missing or wrong bearer token"},
        },
        dependencies=[Depends(bearer_token_check(token))],
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
