"""The scan browser (``detector serve --scan OUT``) and the scan folder reader behind it.

A real scan of a slice of the corpus (two business stories with their copies, and the
seed pair) is browsed through the app: clusters largest first and filtered, a cluster's
pairs, a pair compared again from the stored texts, the served report with links while
the file on disk has none, and the refusals.
"""

from __future__ import annotations

import json
import re
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

with warnings.catch_warnings():  # starlette's note about httpx2; httpx is what we have
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient
from typer.testing import CliRunner

from detector.cli import app as cli_app
from detector.errors import InputError
from detector.parallel import LocalEngine
from detector.scan.pipeline import scan
from detector.scan.results import ScanResults
from detector.web.app import create_app

REPO = Path(__file__).resolve().parent.parent
ARTICLES = REPO / "corpus" / "articles.jsonl"
SEED_PAIR = {"a": "seed-000", "b": "seed-001"}


def _slice() -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in ARTICLES.read_text(encoding="utf-8").splitlines()]
    keep = [r for r in rows if r["id"].startswith(("bus-01", "bus-02", "seed-"))]
    return [
        {
            "id": r["id"],
            "text": r["text"],
            "title": r["text"].strip().split("\n", 1)[0][:80],
            "date": r.get("published"),
            "source": r.get("source"),
        }
        for r in keep
    ]


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scan-browser")
    source = folder / "articles.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in _slice()), encoding="utf-8")
    out = folder / "out"
    scan([source], out, engine=LocalEngine(1))
    return out


@pytest.fixture(scope="module")
def client(scanned: Path) -> Iterator[TestClient]:
    with TestClient(create_app(scan=scanned)) as c:
        yield c


def _seed_cluster(scanned: Path) -> int:
    for line in (scanned / "clusters.jsonl").read_text(encoding="utf-8").splitlines():
        cluster = json.loads(line)
        if "seed-001" in cluster["members"]:
            return int(cluster["cluster"])
    raise AssertionError("the scan put the seed pair in no cluster")


def _listed_clusters(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'class="match cluster" data-cluster="(\d+)"', page)]


# ------------------------------------------------------------------------ reader


def test_reader_holds_what_the_scan_wrote(scanned: Path) -> None:
    results = ScanResults(scanned)
    clusters = results.clusters()
    written = [json.loads(x) for x in (scanned / "clusters.jsonl").read_text().splitlines()]
    assert sorted(c.cluster for c in clusters) == sorted(c["cluster"] for c in written)
    sizes = [c.size for c in clusters]
    assert sizes == sorted(sizes, reverse=True)
    pairs = [json.loads(x) for x in (scanned / "pairs.jsonl").read_text().splitlines()]
    assert sum(len(c.pairs) for c in clusters) == len(pairs)
    seed = results.pair("seed-001", "seed-000")
    assert seed is not None and seed.verdict == "spun" and seed.original == "a"
    cluster = results.cluster_of("seed-000")
    assert cluster is not None and seed in cluster.pairs
    doc = results.document("seed-001")
    assert doc is not None and "expertise minister" in doc.text
    assert results.document("no-such-id") is None


def test_reader_filters(scanned: Path) -> None:
    results = ScanResults(scanned)
    seed = _seed_cluster(scanned)
    spun = results.clusters(verdict="spun")
    assert seed in [c.cluster for c in spun]
    assert all(any(p.verdict == "spun" for p in c.pairs) for c in spun)
    # The seed's cluster has the seed pair alone: no duplicate in it.
    assert seed not in [c.cluster for c in results.clusters(verdict="duplicate")]
    strong = results.clusters(min_score=0.99)
    assert all(c.best_score is not None and c.best_score >= 0.99 for c in strong)
    assert results.clusters(min_score=1.01) == []


@pytest.mark.parametrize(
    ("files", "message"),
    [
        pytest.param(
            {}, "not a scan's output folder: no clusters.jsonl or pairs.jsonl", id="empty"
        ),
        pytest.param({"clusters.jsonl": ""}, "no pairs.jsonl", id="no-pairs"),
        pytest.param(
            {"clusters.jsonl": "", "pairs.jsonl": "not json\n"},
            "pairs.jsonl, line 1: invalid JSON",
            id="bad-pairs",
        ),
        pytest.param(
            {"clusters.jsonl": '{"cluster": "x"}\n', "pairs.jsonl": ""},
            "clusters.jsonl, line 1: not a cluster",
            id="bad-cluster",
        ),
    ],
)
def test_reader_refuses_what_is_not_a_scan(
    tmp_path: Path, files: dict[str, str], message: str
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(message)):
        ScanResults(tmp_path)
    with pytest.raises(InputError, match="no such folder"):
        ScanResults(tmp_path / "missing")


# ------------------------------------------------------------------------- pages


def test_home_leads_to_the_clusters_without_an_archive(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/scan"
    page = client.get("/scan").text
    assert "Check an article" not in page  # no archive, no check page
    assert 'href="/scan"' in page and 'href="/compare"' in page
    assert client.get("/compare").status_code == 200
    # Without an archive the API compares but has nothing to check against.
    assert client.post("/api/check", json={"text": "x"}).status_code == 404


def test_cluster_list_largest_first_and_filtered(client: TestClient, scanned: Path) -> None:
    response = client.get("/scan")
    assert response.status_code == 200
    assert "default-src 'none'" in response.headers["content-security-policy"]
    listed = _listed_clusters(response.text)
    results = ScanResults(scanned)
    assert listed == [c.cluster for c in results.clusters()]
    seed = _seed_cluster(scanned)
    spun = _listed_clusters(client.get("/scan", params={"verdict": "spun"}).text)
    assert seed in spun
    duplicates = client.get("/scan", params={"verdict": "duplicate"}).text
    assert seed not in _listed_clusters(duplicates)
    assert 'option value="duplicate" selected' in duplicates
    none = client.get("/scan", params={"min_score": "1"}).text
    assert len(_listed_clusters(none)) == len(results.clusters(min_score=1.0))
    assert client.get("/scan", params={"verdict": "copied"}).status_code == 400
    assert client.get("/scan", params={"min_score": "2"}).status_code == 422


def test_cluster_page_lists_pairs_and_documents(client: TestClient, scanned: Path) -> None:
    seed = _seed_cluster(scanned)
    page = client.get(f"/scan/clusters/{seed}").text
    assert 'data-a="seed-000" data-b="seed-001" data-verdict="spun"' in page
    assert "/scan/pair?a=seed-000&amp;b=seed-001" in page
    assert 'data-id="seed-000"' in page and "Reuters" in page and "2021-02-08" in page
    assert client.get("/scan/clusters/99999").status_code == 404
    # Filtered to what the cluster does not hold, the pair is not listed.
    empty = client.get(f"/scan/clusters/{seed}", params={"verdict": "duplicate"}).text
    assert "data-a=" not in empty and "No pair of this cluster" in empty


def test_pair_is_compared_again_side_by_side(client: TestClient, scanned: Path) -> None:
    response = client.get("/scan/pair", params=SEED_PAIR)
    assert response.status_code == 200
    page = response.text
    assert 'data-verdict="spun"' in page and "data-sub=" in page
    assert "expertise" in page and "technology" in page
    assert f'href="/scan/clusters/{_seed_cluster(scanned)}"' in page  # the way back
    # Either order names the same pair; pairs the scan did not verify are not shown.
    assert client.get("/scan/pair", params={"a": "seed-001", "b": "seed-000"}).status_code == 200
    missing = client.get("/scan/pair", params={"a": "seed-000", "b": "bus-01"})
    assert missing.status_code == 404 and "no pair" in missing.text
    traversal = client.get("/scan/pair", params={"a": "../../etc/passwd", "b": "seed-000"})
    assert traversal.status_code == 404 and "root:" not in traversal.text


def test_served_report_links_clusters_and_the_file_stays_standalone(
    client: TestClient, scanned: Path
) -> None:
    served = client.get("/scan/report").text
    seed = _seed_cluster(scanned)
    rows = _report_rows(served)
    assert seed in rows
    assert all(f'<a href="/scan/clusters/{n}">{n}</a>' in served for n in rows)
    assert '<a href="/scan">' in served
    on_disk = (scanned / "report.html").read_text(encoding="utf-8")
    assert "/scan/clusters/" not in on_disk and "<a " not in on_disk
    assert _report_rows(on_disk) == _report_rows(served)
    assert "http://" not in on_disk and "https://" not in on_disk


def _report_rows(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr data-cluster="(\d+)">', page)]


def test_a_scan_without_documents_still_lists_clusters(scanned: Path, tmp_path: Path) -> None:
    old = tmp_path / "old-scan"
    old.mkdir()
    for name in ("clusters.jsonl", "pairs.jsonl", "summary.json"):
        shutil.copy(scanned / name, old / name)
    with TestClient(create_app(scan=old)) as c:
        assert c.get("/scan").status_code == 200
        assert c.get("/scan/report").status_code == 200
        response = c.get("/scan/pair", params=SEED_PAIR)
        assert response.status_code == 404 and "no documents.jsonl" in response.text


def test_archive_and_scan_together(scanned: Path, tmp_path: Path) -> None:
    with TestClient(create_app(tmp_path / "archive.db", scan=scanned)) as c:
        page = c.get("/").text
        assert "Check against the archive" in page and 'href="/scan"' in page
        assert "Check an article" in c.get("/scan").text


# --------------------------------------------------------------------------- CLI

runner = CliRunner()


def _one_line_error(result: Any) -> str:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stderr.startswith("detector: error:") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stdout + result.stderr
    return str(result.stderr)


def test_serve_scan_refuses_a_folder_that_is_not_a_scan(tmp_path: Path) -> None:
    message = _one_line_error(runner.invoke(cli_app, ["serve", "--scan", str(tmp_path)]))
    assert "not a scan's output folder" in message and "detector scan" in message
    missing = runner.invoke(cli_app, ["serve", "--scan", str(tmp_path / "nope")])
    assert "no such folder" in _one_line_error(missing)
    assert "--db" in _one_line_error(runner.invoke(cli_app, ["serve"]))


def test_serve_scan_without_db(scanned: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    calls: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(app))
    result = runner.invoke(cli_app, ["serve", "--scan", str(scanned), "--workers", "1"])
    assert result.exit_code == 0, result.stderr
    with TestClient(calls[0]) as c:
        assert 'data-verdict="spun"' in c.get("/scan/pair", params=SEED_PAIR).text
