"""The web server beyond its pages: worker processes, the token for reads, 415, offline docs.

Each of these was a defect: every check and comparison ran in the server's one
process (no way to use more); with a token, reads stayed open; a body declared as
anything but JSON got 422; ``/docs`` loaded Swagger UI from a CDN.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import threading
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

import httpx

with warnings.catch_warnings():  # starlette's note about httpx2; httpx is what we have
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient
from typer.testing import CliRunner

from detector import compare
from detector.archive.store import Archive
from detector.cli import app as cli_app
from detector.errors import ConfigError
from detector.parallel import LocalEngine
from detector.web import workers as work
from detector.web.access import COOKIE
from detector.web.app import create_app, serve_in_background
from detector.web.workers import Workers, WorkersUnavailable

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "corpus" / "seeds"
REUTERS = (SEEDS / "000_6938627cd5ef1f07.txt").read_text(encoding="utf-8")
SPUN = (SEEDS / "001_7281db72b9a8aca8.txt").read_text(encoding="utf-8")
TOKEN = "s3cret-token"
ARTICLE = {"id": "seed-000", "text": REUTERS, "title": "Twitter seeks talks", "source": "Reuters"}


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "archive.db"
    with Archive(path) as archive:
        archive.add_text("seed-000", REUTERS, title="Twitter seeks talks", source="Reuters")
    return path


# ----------------------------------------------------------------- worker processes


def test_comparisons_cross_processes_intact() -> None:
    result = compare(REUTERS, SPUN)
    again = pickle.loads(pickle.dumps(result))
    assert again == result and again.to_dict() == result.to_dict()
    assert dict(again.reuse) == dict(result.reuse)


@pytest.fixture(scope="module")
def pool() -> Iterator[Workers]:
    workers = Workers(2)
    try:
        yield workers
    finally:
        workers.close()


def test_the_pool_runs_in_other_processes(pool: Workers) -> None:
    pids = {pool.run(os.getpid) for _ in range(6)}
    assert os.getpid() not in pids and 1 <= len(pids) <= 2
    assert pool.compare(REUTERS, SPUN) == compare(REUTERS, SPUN)


@pytest.mark.parametrize("jobs", [1, 2])
def test_submit_then_calls_back_with_the_answer_or_the_error(jobs: int) -> None:
    engine = LocalEngine(jobs)
    answers: list[Any] = []
    got = threading.Event()

    def note(value: Any) -> None:
        answers.append(value)
        if len(answers) == 2:
            got.set()

    try:
        engine.submit_then(max, (2, 3), note, note)
        engine.submit_then(int, ("x",), note, note)
        assert got.wait(60)
    finally:
        engine.close()
    assert 3 in answers and any(isinstance(a, ValueError) for a in answers)


def test_a_worker_that_dies_does_not_hang_its_request(db: Path) -> None:
    import asyncio

    pool = Workers(2, timeout=5.0)
    try:
        first = {pool.run(os.getpid) for _ in range(4)}
        # A worker that exits while it holds a request (as one killed for memory
        # would): the pool replaces it, and the request gets WorkersUnavailable
        # instead of waiting for ever.
        with pytest.raises(WorkersUnavailable, match="no worker answered in 5 s"):
            pool.run(os._exit, 1)
        with pytest.raises(WorkersUnavailable, match="_exit"):
            asyncio.run(pool.run_async(os._exit, 1))
        assert pool.compare(REUTERS, SPUN).verdict == "spun"
        again = {pool.run(os.getpid) for _ in range(4)}
        assert os.getpid() not in again and again != first
        app = create_app(db, workers=pool)
        with TestClient(app) as c:
            pool.timeout = 0.001  # no check answers that fast
            response = c.post("/api/check", json={"text": SPUN})
        assert response.status_code == 503 and "no worker answered" in response.json()["error"]
    finally:
        pool.close()


class _Spy(Workers):
    """Workers that note the name of every function they run."""

    def __init__(self, inner: Workers) -> None:
        super().__init__(inner.workers)
        self.inner = inner
        self.ran: list[str] = []
        self._lock_ran = threading.Lock()

    def run(self, fn: Any, *args: Any) -> Any:
        with self._lock_ran:
            self.ran.append(fn.__name__)
        return self.inner.run(fn, *args)

    async def run_async(self, fn: Any, *args: Any) -> Any:
        with self._lock_ran:
            self.ran.append(fn.__name__)
        return await self.inner.run_async(fn, *args)

    def close(self) -> None:  # the module's pool outlives each app
        pass


def test_every_check_and_comparison_goes_to_the_workers(db: Path, pool: Workers) -> None:
    spy = _Spy(pool)
    with TestClient(create_app(db, workers=spy)) as c:
        checked = c.post("/api/check", json={"text": SPUN})
        assert checked.status_code == 200
        assert checked.json()["matches"][0]["verdict"] == "spun"
        compared = c.post("/api/compare", json={"a": REUTERS, "b": SPUN})
        assert compared.json() == json.loads(json.dumps(compare(REUTERS, SPUN).to_dict()))
        where = c.post("/check", data={"text": SPUN}, follow_redirects=False).headers["location"]
        page = c.get(where).text
        assert 'data-id="seed-000"' in page
        key = where.split("s=", 1)[1].split("&", 1)[0]
        assert 'data-verdict="spun"' in c.get(f"/view/seed-000?s={key}").text
        assert 'data-verdict="spun"' in c.post("/compare", data={"a": REUTERS, "b": SPUN}).text
    assert spy.ran == [
        "check_json",
        "compare_json",
        "check_matches",
        "compare_pair",
        "compare_pair",
    ]


def test_library_errors_come_back_from_the_workers(db: Path, pool: Workers) -> None:
    with TestClient(create_app(db, workers=_Spy(pool))) as c:
        response = c.post("/api/check", json={"text": "   "})
        assert response.status_code == 400 and "empty" in response.json()["error"]


def test_concurrent_checks_on_a_real_server_with_two_workers(db: Path) -> None:
    app = create_app(db, workers=2)
    with serve_in_background(app, max_seconds=180) as url:

        def check(i: int) -> tuple[int, str]:
            with httpx.Client(base_url=url, timeout=120) as c:
                response = c.post("/api/check", json={"text": SPUN, "top": 3})
            return response.status_code, response.json()["matches"][0]["id"]

        with ThreadPoolExecutor(max_workers=8) as threads:
            results = list(threads.map(check, range(16)))
    assert results == [(200, "seed-000")] * 16
    assert not app.state.workers.started  # the pool stopped with the server


runner = CliRunner()


def _served(monkeypatch: pytest.MonkeyPatch, *args: str) -> Any:
    import uvicorn

    calls: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(app))
    result = runner.invoke(cli_app, ["serve", *args])
    assert result.exit_code == 0, result.stderr
    return calls[0]


def test_serve_workers_option(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = _served(monkeypatch, "--db", str(db), "--workers", "3")
    assert app.state.workers.workers == 3
    app = _served(monkeypatch, "--db", str(db))
    assert app.state.workers.workers == (os.cpu_count() or 1)
    bad = runner.invoke(cli_app, ["serve", "--db", str(db), "--workers", "0"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output


def test_workers_are_function_names_not_closures() -> None:
    # What goes to a worker is pickled by name.
    for fn in (work.check_json, work.check_matches, work.compare_json, work.compare_pair):
        assert pickle.loads(pickle.dumps(fn)) is fn


# ---------------------------------------------------------------------------- 415


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "text/json", "multipart/form-data"],
)
@pytest.mark.parametrize("url", ["/api/compare", "/api/check", "/api/articles"])
def test_a_body_not_declared_as_json_is_415(db: Path, url: str, content_type: str) -> None:
    body = b'{"a": "x", "b": "y", "text": "x", "id": "x"}'
    with TestClient(create_app(db)) as c:
        response = c.post(url, content=body, headers={"Content-Type": content_type})
    assert response.status_code == 415, response.text
    message = response.json()["error"]
    assert "application/json" in message and content_type in message and "\n" not in message


def test_json_content_types_are_read(db: Path) -> None:
    body = b'{"a": "The council met on Monday.", "b": "The council met on Monday."}'
    with TestClient(create_app(db)) as c:
        for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
            response = c.post("/api/compare", content=body, headers={"Content-Type": content_type})
            assert response.status_code == 200, content_type
        assert "415" in str(
            c.get("/openapi.json").json()["paths"]["/api/check"]["post"]["responses"]
        )


# -------------------------------------------------------------------- token for reads


@pytest.fixture()
def guarded(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db, token=TOKEN, token_for="read")) as c:
        yield c


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/"),
        ("GET", "/compare"),
        ("GET", "/docs"),
        ("GET", "/openapi.json"),
        ("GET", "/api/stats"),
        ("GET", "/api/articles/seed-000"),
        ("POST", "/api/check"),
        ("POST", "/api/compare"),
    ],
)
def test_token_for_read_guards_every_request(guarded: TestClient, method: str, url: str) -> None:
    body = {"text": SPUN, "a": REUTERS, "b": SPUN}
    response = guarded.request(method, url, json=body if method == "POST" else None)
    assert response.status_code == 401
    assert "Bearer" in response.headers["www-authenticate"]
    if url.startswith("/api/") or url == "/openapi.json":
        assert response.json() == {"error": "missing or wrong bearer token"}
    else:
        assert 'action="/login"' in response.text and "Sign in" in response.text
    wrong = guarded.request(
        method,
        url,
        json=body if method == "POST" else None,
        headers={"Authorization": f"Bearer {TOKEN}x"},
    )
    assert wrong.status_code == 401
    right = guarded.request(
        method,
        url,
        json=body if method == "POST" else None,
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert right.status_code == 200, right.text


def test_a_browser_signs_in_once(guarded: TestClient) -> None:
    asked = guarded.get("/compare?x=1")
    assert asked.status_code == 401 and 'name="next" value="/compare?x=1"' in asked.text
    wrong = guarded.post("/login", data={"token": "nope", "next": "/compare"})
    assert wrong.status_code == 401 and "not the token" in wrong.text
    assert COOKIE not in guarded.cookies
    signed = guarded.post(
        "/login", data={"token": TOKEN, "next": "/compare?x=1"}, follow_redirects=False
    )
    assert signed.status_code == 303 and signed.headers["location"] == "/compare?x=1"
    cookie = signed.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    assert guarded.get("/").status_code == 200
    assert guarded.post("/api/check", json={"text": SPUN}).status_code == 200
    # The cookie reads; writes still need the header.
    assert guarded.post("/api/articles", json=ARTICLE).status_code == 401
    headers = {"Authorization": f"Bearer {TOKEN}"}
    assert guarded.post("/api/articles", json=ARTICLE, headers=headers).status_code == 200


def test_a_link_with_the_token_signs_in_and_drops_it(guarded: TestClient) -> None:
    response = guarded.get(f"/compare?token={TOKEN}&x=1", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/compare?x=1"
    assert guarded.get("/compare").status_code == 200
    fresh = guarded.get("/compare?token=nope", follow_redirects=False)
    assert fresh.status_code == 200  # signed in already; a bad token in a link is ignored


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil"])
def test_sign_in_never_sends_elsewhere(guarded: TestClient, target: str) -> None:
    response = guarded.post("/login", data={"token": TOKEN, "next": target}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_token_for_write_leaves_reads_open(db: Path) -> None:
    with TestClient(create_app(db, token=TOKEN)) as c:
        assert c.get("/").status_code == 200 and c.get("/docs").status_code == 200
        assert c.post("/api/check", json={"text": SPUN}).status_code == 200
        assert c.post("/api/articles", json=ARTICLE).status_code == 401


def test_token_for_read_needs_a_token(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="needs a token"):
        create_app(db, token_for="read")
    with pytest.raises(ConfigError, match="'write' or 'read'"):
        create_app(db, token=TOKEN, token_for="everything")
    monkeypatch.delenv("DETECTOR_TOKEN", raising=False)
    for args, message in (
        (["--token-for", "read"], "needs a token"),
        (["--token", TOKEN, "--token-for", "all"], "must be 'write' or 'read'"),
    ):
        result = runner.invoke(cli_app, ["serve", "--db", str(db), *args])
        assert result.exit_code == 2 and message in result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    app = _served(monkeypatch, "--db", str(db), "--token", TOKEN, "--token-for", "read")
    with TestClient(app) as c:
        assert c.get("/").status_code == 401


# ------------------------------------------------------------------------ offline docs


def test_docs_load_nothing_from_elsewhere(db: Path) -> None:
    with TestClient(create_app(db)) as c:
        page = c.get("/docs")
        assert page.status_code == 200
        assert "http://" not in page.text and "https://" not in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert sorted(assets) == [
            "/docs/assets/favicon-32x32.png",
            "/docs/assets/swagger-ui-bundle.js",
            "/docs/assets/swagger-ui.css",
        ]
        kinds = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
        for asset in assets:
            response = c.get(asset)
            assert response.status_code == 200 and len(response.content) > 1000, asset
            assert response.headers["content-type"].startswith(kinds[Path(asset).suffix])
        assert "SwaggerUIBundle" in c.get("/docs/assets/swagger-ui-bundle.js").text
        assert "'/openapi.json'" in page.text and '"validatorUrl": null' in page.text
        for name in ("index.html", "..%2F__init__.py", "swagger-ui.js.map"):
            assert c.get(f"/docs/assets/{name}").status_code == 404
        assert c.get("/redoc").status_code == 404  # ReDoc would load from a CDN
