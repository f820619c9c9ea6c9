"""The web front end (``detector.web``: app, api, pages) and ``detector serve``.

Endpoints, error cases (400, 401, 404, 413, 422), the editors' pages, and a real
uvicorn server taking writes while checks run concurrently.
"""

from __future__ import annotations

import json
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
from detector.errors import InputError
from detector.web.app import create_app, serve_in_background
from detector.web.pages import SuspectStore

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "corpus" / "seeds"
REUTERS = (SEEDS / "000_6938627cd5ef1f07.txt").read_text(encoding="utf-8")
SPUN = (SEEDS / "001_7281db72b9a8aca8.txt").read_text(encoding="utf-8")
ARTICLES = REPO / "corpus" / "articles.jsonl"
TOKEN = "s3cret-token"


def _corpus(kinds: tuple[str, ...] = ("original",)) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in ARTICLES.read_text(encoding="utf-8").splitlines()]
    return [r for r in rows if r["kind"] in kinds]


def _payload(row: dict[str, Any]) -> dict[str, Any]:
    """An archive record of a corpus row: the headline is the first line."""
    return {
        "id": row["id"],
        "text": row["text"],
        "title": row["text"].split("\n", 1)[0],
        "date": row.get("published"),
        "source": row.get("source"),
    }


REUTERS_ARTICLE = {
    "id": "seed-000",
    "text": REUTERS,
    "title": "Twitter seeks talks with India's technology minister",
    "date": "2021-02-08",
    "source": "Reuters",
}


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    return tmp_path / "archive.db"


@pytest.fixture()
def client(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db)) as c:
        yield c


@pytest.fixture()
def filled(db: Path) -> Iterator[TestClient]:
    """A client over an archive holding the Reuters seed and five corpus originals."""
    with Archive(db) as archive:
        for row in [REUTERS_ARTICLE, *map(_payload, _corpus()[:5])]:
            meta = {k: row[k] for k in ("title", "date", "source")}
            archive.add_text(row["id"], row["text"], **meta)
    with TestClient(create_app(db)) as c:
        yield c


def _is_error(response: httpx.Response, status: int) -> str:
    """The response has this status and a one-line ``{"error": ...}`` body; returns it."""
    assert response.status_code == status, response.text
    message = response.json()["error"]
    assert isinstance(message, str) and message and "\n" not in message
    return message


# ------------------------------------------------------------------------- pages


def test_index_page_renders(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "<textarea" in page and 'type="file"' in page
    assert "Check against the archive" in page
    assert "archive: 0 articles" in page
    # Self-contained: nothing loaded from elsewhere, and a strict policy says so.
    assert "http://" not in page and "https://" not in page and "src=" not in page
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_docs_and_openapi_exist(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    for path in ("/api/compare", "/api/check", "/api/articles", "/api/articles/{article_id}"):
        assert path in spec["paths"], path
    assert "/view/{article_id}" not in spec["paths"]  # pages stay out of the API docs


def test_check_page_lists_matches_and_opens_side_by_side(filled: TestClient) -> None:
    response = filled.post("/check", data={"text": SPUN, "top": "5"}, follow_redirects=False)
    assert response.status_code == 303
    where = response.headers["location"]
    assert where.startswith("/?s=")
    page = filled.get(where).text
    assert 'data-id="seed-000"' in page and 'data-verdict="spun"' in page
    assert "Twitter seeks talks" in page and "2021-02-08" in page
    assert "expertise minister" in page  # the suspect is kept in the textarea
    href = page.split('href="/view/seed-000?', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    view = filled.get(f"/view/seed-000?{href}")
    assert view.status_code == 200
    assert "data-sub=" in view.text and "Suspect article" in view.text
    assert 'data-verdict="spun"' in view.text


def test_check_page_file_upload(filled: TestClient) -> None:
    files = {"file": ("suspect.txt", SPUN.encode("utf-8"), "text/plain")}
    response = filled.post("/check", data={"text": ""}, files=files)
    assert response.status_code == 200
    assert 'data-id="seed-000"' in response.text


def test_check_page_refusals(filled: TestClient) -> None:
    response = filled.post("/check", data={"text": "   "})
    assert response.status_code == 400
    assert "paste an article" in response.text
    binary = {"file": ("x.bin", b"\x00\x01\x02" * 100, "application/octet-stream")}
    response = filled.post("/check", data={"text": ""}, files=binary)
    assert response.status_code == 400 and "binary" in response.text
    # An unknown or expired key is just not there.
    assert filled.get("/?s=nope").status_code == 404
    assert filled.get("/view/seed-000?s=nope").status_code == 404
    assert filled.get("/view/seed-000").status_code == 404


def test_view_of_unknown_article_is_404(filled: TestClient) -> None:
    where = filled.post("/check", data={"text": SPUN}, follow_redirects=False).headers["location"]
    key = where.split("s=", 1)[1].split("&", 1)[0]
    response = filled.get(f"/view/..%2F..%2Fetc%2Fpasswd?s={key}")
    assert response.status_code == 404
    assert "../../etc/passwd" in response.text and "root:" not in response.text


def test_compare_pages(client: TestClient) -> None:
    form = client.get("/compare")
    assert form.status_code == 200 and form.text.count("<textarea") == 2
    page = client.post("/compare", data={"a": REUTERS, "b": SPUN})
    assert page.status_code == 200
    assert 'data-verdict="spun"' in page.text and "data-sub=" in page.text
    empty = client.post("/compare", data={"a": "", "b": SPUN})
    assert empty.status_code == 400 and "empty" in empty.text


def test_pages_escape_input(filled: TestClient) -> None:
    evil = "<script>alert(1)</script> " + SPUN
    page = filled.post("/check", data={"text": evil}).text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_suspect_store_is_bounded() -> None:
    store = SuspectStore(max_items=2)
    keys = [store.put(f"text {i}") for i in range(3)]
    assert store.get(keys[0]) is None
    assert store.get(keys[2]) == "text 2"
    assert len(set(keys)) == 3 and all(len(k) >= 20 for k in keys)
    old = SuspectStore(ttl=0.0)
    assert old.get(old.put("gone")) is None
    small = SuspectStore(max_items=100, max_chars=10)
    first, second = small.put("x" * 6), small.put("y" * 6)
    assert small.get(first) is None and small.get(second) == "y" * 6  # 12 > 10 characters
    with pytest.raises(InputError, match="at most 10"):
        small.put("z" * 11)


# --------------------------------------------------------------------------- API


def test_api_compare_is_compare_json(client: TestClient) -> None:
    response = client.post("/api/compare", json={"a": REUTERS, "b": SPUN})
    assert response.status_code == 200
    expected = json.loads(json.dumps(compare(REUTERS, SPUN).to_dict()))
    assert response.json() == expected
    assert response.json()["verdict"] == "spun"


def test_api_check(filled: TestClient) -> None:
    response = filled.post("/api/check", json={"text": SPUN, "top": 3})
    assert response.status_code == 200
    matches = response.json()["matches"]
    assert 1 <= len(matches) <= 3
    best = matches[0]
    assert best["id"] == "seed-000" and best["verdict"] == "spun"
    assert best["source"] == "Reuters" and best["substitutions"]
    unrelated = filled.post("/api/check", json={"text": "The council met on Monday to vote."})
    assert unrelated.status_code == 200 and unrelated.json()["matches"] == []
    assert set(unrelated.json()) <= {"matches", "semantic"}


def test_api_articles_add_get_replace(client: TestClient) -> None:
    added = client.post("/api/articles", json=REUTERS_ARTICLE)
    assert added.status_code == 201
    assert added.json() == {"added": 1, "unchanged": 0, "replaced": 0, "rejected": []}
    again = client.post("/api/articles", json=REUTERS_ARTICLE)
    assert again.status_code == 200 and again.json()["unchanged"] == 1
    changed = client.post("/api/articles", json={**REUTERS_ARTICLE, "text": SPUN})
    assert changed.status_code == 200 and changed.json()["replaced"] == 1
    got = client.get("/api/articles/seed-000")
    assert got.status_code == 200
    body = got.json()
    assert body["id"] == "seed-000" and body["text"] == SPUN and body["source"] == "Reuters"
    assert client.get("/api/stats").json()["articles"] == 1


def test_api_unknown_article_is_404(client: TestClient) -> None:
    assert "nope" in _is_error(client.get("/api/articles/nope"), 404)


@pytest.mark.parametrize(
    "url", ["/api/articles/..%2F..%2Fetc%2Fpasswd", "/api/articles/%2Fetc%2Fpasswd"]
)
def test_no_path_traversal(client: TestClient, url: str) -> None:
    message = _is_error(client.get(url), 404)
    assert "etc/passwd" in message
    assert "root:" not in client.get(url).text


def test_odd_ids_are_just_ids(client: TestClient, tmp_path: Path) -> None:
    article = {"id": "../../etc/passwd", "text": REUTERS}
    assert client.post("/api/articles", json=article).status_code == 201
    got = client.get("/api/articles/..%2F..%2Fetc%2Fpasswd")
    assert got.status_code == 200 and got.json()["text"] == REUTERS
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("archive.db")) == []


# ------------------------------------------------------------------------ errors


def test_malformed_json_is_400(client: TestClient) -> None:
    for url in ("/api/compare", "/api/check", "/api/articles"):
        response = client.post(
            url, content=b'{"a": "x",', headers={"Content-Type": "application/json"}
        )
        assert _is_error(response, 400).startswith("malformed JSON"), url
    bad_utf8 = client.post(
        "/api/check", content=b'{"text": "\xff\xfe"}', headers={"Content-Type": "application/json"}
    )
    _is_error(bad_utf8, 400)


def test_schema_errors_are_422_with_a_message(client: TestClient) -> None:
    missing = client.post("/api/compare", json={"a": "only one"})
    assert "b" in _is_error(missing, 422)
    assert missing.json()["detail"][0]["loc"] == ["body", "b"]
    _is_error(client.post("/api/check", json={"text": SPUN, "top": 0}), 422)
    _is_error(client.post("/api/check", json=["not", "an", "object"]), 422)
    _is_error(client.post("/api/articles", json={"id": "", "text": "x"}), 422)


def test_library_errors_are_400(client: TestClient) -> None:
    assert "empty" in _is_error(client.post("/api/compare", json={"a": "", "b": SPUN}), 400)
    assert "empty" in _is_error(client.post("/api/check", json={"text": "  "}), 400)
    assert "empty" in _is_error(client.post("/api/articles", json={"id": "x", "text": " "}), 400)


def test_oversized_body_is_413(db: Path) -> None:
    with TestClient(create_app(db, max_body_bytes=1000)) as c:
        big = {"a": "word " * 300, "b": "x"}
        # Declared in Content-Length.
        assert "1,000 bytes" in _is_error(c.post("/api/compare", json=big), 413)

        # Streamed without a Content-Length: the bytes are counted.
        def chunks() -> Iterator[bytes]:
            yield b'{"text": "'
            for _ in range(20):
                yield b"word " * 20
            yield b'"}'

        streamed = c.post(
            "/api/check", content=chunks(), headers={"Content-Type": "application/json"}
        )
        _is_error(streamed, 413)
        # A form post too, answered as a page.
        page = c.post("/check", data={"text": "word " * 300})
        assert page.status_code == 413 and "over the limit" in page.text
        # Under the limit is fine.
        small = c.post("/api/compare", json={"a": "The council met.", "b": "The council met."})
        assert small.status_code == 200


def test_token_guards_writes(db: Path) -> None:
    with TestClient(create_app(db, token=TOKEN)) as c:
        url, body = "/api/articles", REUTERS_ARTICLE
        missing = c.post(url, json=body)
        _is_error(missing, 401)
        assert missing.headers["www-authenticate"] == "Bearer"
        for header in (f"Bearer {TOKEN}x", "Bearer ", f"Basic {TOKEN}", TOKEN):
            _is_error(c.post(url, json=body, headers={"Authorization": header}), 401)
        assert c.get("/api/articles/seed-000").status_code == 404  # nothing was written
        ok = c.post(url, json=body, headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 201
        # Reads need no token.
        assert c.get("/api/articles/seed-000").status_code == 200
        assert c.post("/api/check", json={"text": SPUN}).status_code == 200
        assert c.post("/api/compare", json={"a": REUTERS, "b": SPUN}).status_code == 200


def test_no_token_means_open_writes(client: TestClient) -> None:
    assert client.post("/api/articles", json=REUTERS_ARTICLE).status_code == 201


# --------------------------------------------------------------------------- CLI


runner = CliRunner()


def _one_line_error(result: Any) -> str:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stderr.startswith("detector: error:") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stdout + result.stderr
    return str(result.stderr)


def test_serve_refuses_missing_db(tmp_path: Path) -> None:
    result = runner.invoke(cli_app, ["serve", "--db", str(tmp_path / "missing.db")])
    assert "no such archive" in _one_line_error(result)


def test_serve_without_web_extra(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    Archive(db).close()
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "uvicorn" else real(name, *a)
    )
    result = runner.invoke(cli_app, ["serve", "--db", str(db)])
    assert "pip install 'detector[web]'" in _one_line_error(result)


def test_serve_runs_uvicorn_on_localhost(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    Archive(db).close()
    calls: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    monkeypatch.setenv("DETECTOR_TOKEN", TOKEN)
    result = runner.invoke(cli_app, ["serve", "--db", str(db)])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    ((app, options),) = calls
    assert options["host"] == "127.0.0.1" and options["port"] == 8000
    with TestClient(app) as c:  # the token came from the environment
        assert c.post("/api/articles", json=REUTERS_ARTICLE).status_code == 401
        headers = {"Authorization": f"Bearer {TOKEN}"}
        assert c.post("/api/articles", json=REUTERS_ARTICLE, headers=headers).status_code == 201
    monkeypatch.delenv("DETECTOR_TOKEN")
    result = runner.invoke(cli_app, ["serve", "--db", str(db), "--host", "0.0.0.0", "--port", "9"])
    assert (
        result.exit_code == 0 and "warning" in result.stderr and "without a token" in result.stderr
    )
    assert calls[-1][1]["host"] == "0.0.0.0" and calls[-1][1]["port"] == 9


# ------------------------------------------------------------------- concurrency


def test_writes_and_concurrent_checks_on_a_real_server(db: Path) -> None:
    # The corpus has 61 originals (one is the Reuters seed, added first here), so the
    # 200 articles are the other originals, then rewrites, related stories, near-copies.
    rows = _corpus(("original",)) + _corpus(("rewrite", "related", "near_duplicate"))
    rows = [r for r in rows if r["id"] != REUTERS_ARTICLE["id"]][:200]
    assert len(rows) == 200
    with serve_in_background(create_app(db, token=TOKEN), max_seconds=240) as url:
        with httpx.Client(base_url=url, timeout=60) as c:
            seeded = c.post(
                "/api/articles", json=REUTERS_ARTICLE, headers={"Authorization": f"Bearer {TOKEN}"}
            )
            assert seeded.status_code == 201

        writing = threading.Event()

        def add_all() -> list[int]:
            headers = {"Authorization": f"Bearer {TOKEN}"}
            statuses = []
            with httpx.Client(base_url=url, timeout=60, headers=headers) as c:
                for n, row in enumerate(rows):
                    statuses.append(c.post("/api/articles", json=_payload(row)).status_code)
                    if n == 10:
                        writing.set()
            writing.set()
            return statuses

        def check(i: int) -> tuple[int, list[str]]:
            assert writing.wait(timeout=60)  # the checks start while the writes go on
            text = SPUN if i % 2 == 0 else rows[i]["text"]
            with httpx.Client(base_url=url, timeout=120) as c:
                response = c.post("/api/check", json={"text": text, "top": 5})
            ids = [m["id"] for m in response.json()["matches"]] if response.is_success else []
            return response.status_code, ids

        with ThreadPoolExecutor(max_workers=21) as pool:
            writer = pool.submit(add_all)
            checks = [pool.submit(check, i) for i in range(20)]
            results = [f.result(timeout=180) for f in checks]
            added = writer.result(timeout=180)
        assert added == [201] * 200
        assert [status for status, _ in results] == [200] * 20
        for i, (_, ids) in enumerate(results):
            if i % 2 == 0:
                assert ids[0] == "seed-000"
        with httpx.Client(base_url=url, timeout=60) as c:
            assert c.get("/api/stats").json()["articles"] == 201
