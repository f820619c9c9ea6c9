"""The API docs at ``/docs``, with Swagger UI served from this server: nothing from a CDN.

FastAPI's own ``/docs`` page loads Swagger UI's script and stylesheet from a CDN, so on
a machine without the internet (or behind a newsroom's proxy) it stays blank. Here the
page points at ``/docs/assets/...``, which serves the files the ``swagger-ui-py``
package ships (a dependency of the ``web`` extra) from its ``static`` folder. Only the
names in :data:`ASSETS` are served: nothing from a request becomes a path.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, Response

__all__ = ["ASSETS", "docs_router", "swagger_ui_folder"]

#: The Swagger UI files the docs page loads, and their media types.
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon-32x32.png": "image/png",
}

#: Our pages' headers, loosened for Swagger UI: its script, styles and images from here.
DOCS_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def swagger_ui_folder() -> Path | None:
    """The folder of Swagger UI's files in the installed ``swagger-ui-py``, or None."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        folder = Path(location) / "static"
        if all((folder / name).is_file() for name in ASSETS):
            return folder
    return None


def docs_router(title: str, *, openapi_url: str = "/openapi.json") -> APIRouter:
    """``GET /docs`` and its assets under ``/docs/assets/``."""
    router = APIRouter(include_in_schema=False)
    folder = swagger_ui_folder()

    @router.get("/docs", response_class=HTMLResponse)
    def docs() -> Response:
        if folder is None:
            message = (
                "The API docs need Swagger UI's files: pip install 'detector[web]' "
                f"(swagger-ui-py). The API's description is at {openapi_url}."
            )
            return HTMLResponse(message, status_code=503, headers=DOCS_HEADERS)
        page = get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{title} · API",
            swagger_js_url="/docs/assets/swagger-ui-bundle.js",
            swagger_css_url="/docs/assets/swagger-ui.css",
            swagger_favicon_url="/docs/assets/favicon-32x32.png",
            oauth2_redirect_url=None,
            # Swagger UI would send the API description to an online validator.
            swagger_ui_parameters={"validatorUrl": None},
        )
        page.headers.update(DOCS_HEADERS)
        return page

    @router.get("/docs/assets/{name}")
    def asset(name: str) -> Response:
        if folder is None or name not in ASSETS:
            return Response("not found", status_code=404, media_type="text/plain")
        return FileResponse(
            folder / name,
            media_type=ASSETS[name],
            headers={"Cache-Control": "max-age=86400", "X-Content-Type-Options": "nosniff"},
        )

    return router
