"""The batch scan end to end: pairs, clusters, accounting, engines, resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detector.cli import app
from detector.parallel import LocalEngine
from detector.scan.pipeline import ScanOptions, scan

REPO = Path(__file__).resolve().parent.parent
CLUSTER_ROOTS = ("pol-01", "bus-03", "crt-05", "sci-07", "spt-02")


def _corpus() -> list[dict]:
    with (REPO / "corpus" / "articles.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> Path:
    """Five full clusters, the seed pair, twenty unrelated originals, bad records."""
    articles = _corpus()
    chosen = [
        a for a in articles if (a.get("of") or a["id"]) in CLUSTER_ROOTS and a["kind"] != "related"
    ]
    chosen += [a for a in articles if a["id"].startswith("seed-")]
    others = [a for a in articles if a["kind"] == "original" and a["id"] not in CLUSTER_ROOTS][:20]
    folder = tmp_path_factory.mktemp("scan-input")
    path = folder / "articles.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for a in chosen + others:
            fh.write(
                json.dumps(
                    {
                        "id": a["id"],
                        "text": a["text"],
                        "date": a.get("published"),
                        "source": a.get("source"),
                    }
                )
                + "\n"
            )
        fh.write("not json at all\n")
        fh.write(json.dumps({"id": "no-text"}) + "\n")
        fh.write(json.dumps({"id": "empty", "text": "   "}) + "\n")
        fh.write(
            json.dumps(
                {
                    "id": "pol-01",
                    "text": "A second record that reuses an id, about something else entirely.",
                }
            )
            + "\n"
        )
    return path


def _read_jsonl(path: Path) -> list[dict]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


@pytest.fixture(scope="module")
def scanned(small_corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("scan-out")
    result = scan(
        [small_corpus],
        out,
        options=ScanOptions(chunk_size=40, verify_batch=25),
        engine=LocalEngine(2),
        formats=("csv", "parquet"),
    )
    return out, result.summary


def test_every_record_is_accounted_for(scanned, small_corpus):
    out, summary = scanned
    lines = [line for line in small_corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert summary["records_read"] == len(lines)
    assert summary["records_read"] == summary["records_scanned"] + summary["records_rejected"]
    rejected = _read_jsonl(out / "rejected.jsonl")
    assert len(rejected) == summary["records_rejected"] == 3
    assert all(r["file"] and r["location"] and r["reason"] for r in rejected)
    assert summary["duplicate_ids"]["ids"] == ["pol-01"]


def test_spun_copies_and_the_seed_are_found(scanned):
    out, _ = scanned
    pairs = {(p["a"], p["b"]): p for p in _read_jsonl(out / "pairs.jsonl")}
    seed = pairs[("seed-000", "seed-001")]
    assert seed["verdict"] == "spun" and seed["original"] == "a"
    for root in CLUSTER_ROOTS:
        for variant in ("spun-wordnet-5", "spun-moby-7", "near", "dup"):
            assert (root, f"{root}-{variant}") in pairs, (root, variant)
        assert pairs[(root, f"{root}-spun-moby-7")]["verdict"] == "spun"


def test_clusters_are_whole_stories_with_the_wire_original(scanned):
    out, _ = scanned
    clusters = _read_jsonl(out / "clusters.jsonl")
    by_original = {c["original"]: c for c in clusters}
    for root in CLUSTER_ROOTS:
        cluster = next(c for c in clusters if root in c["members"])
        assert len(cluster["members"]) >= 8
        assert all(m.startswith(root) for m in cluster["members"])
        assert cluster["original"] == root, cluster
    assert "seed-000" in by_original
    unrelated = {
        a["id"] for a in _corpus() if a["kind"] == "original" and not a["id"].startswith("seed-")
    } - set(CLUSTER_ROOTS)
    assert not any(set(c["members"]) & unrelated for c in clusters)


def test_outputs_in_every_format(scanned):
    out, summary = scanned
    for name in (
        "pairs.jsonl",
        "clusters.jsonl",
        "rejected.jsonl",
        "summary.json",
        "report.html",
        "pairs.csv",
        "clusters.csv",
        "pairs.parquet",
        "clusters.parquet",
    ):
        assert (out / name).is_file(), name
    import pyarrow.parquet as pq

    assert pq.read_table(out / "pairs.parquet").num_rows == summary["pairs"]
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "Largest clusters" in report and "<svg" in report and "http" not in report


def _without_timing(summary: dict) -> dict:
    return {k: v for k, v in summary.items() if k != "seconds"}


def _outputs(out: Path) -> dict[str, object]:
    files = {
        name: (out / name).read_bytes()
        for name in ("pairs.jsonl", "clusters.jsonl", "rejected.jsonl")
    }
    files["summary"] = _without_timing(json.loads((out / "summary.json").read_text()))
    return files


def test_one_process_and_two_give_identical_output(scanned, small_corpus, tmp_path):
    out, _ = scanned
    scan(
        [small_corpus],
        tmp_path,
        options=ScanOptions(chunk_size=40, verify_batch=25),
        engine=LocalEngine(1),
    )
    assert _outputs(tmp_path) == _outputs(out)


def test_a_second_scan_into_the_same_folder_does_not_see_the_first(scanned, small_corpus, tmp_path):
    """Caches of texts and tokens in a process belong to one scan, not to a folder."""
    records = [json.loads(line) for line in small_corpus.read_text().splitlines()[:40]]
    shuffled = tmp_path / "shuffled.jsonl"
    # Same ids and positions, texts moved one record along: every cached text is stale.
    texts = [r["text"] for r in records]
    with shuffled.open("w", encoding="utf-8") as fh:
        for r, text in zip(records, texts[1:] + texts[:1], strict=True):
            fh.write(json.dumps({**r, "text": text}) + "\n")
    options = ScanOptions(chunk_size=40, verify_batch=25)
    engine = LocalEngine(1)  # one process: the caches outlive the first scan
    scan([small_corpus], tmp_path / "out", options=options, engine=engine)
    scan([shuffled], tmp_path / "out", options=options, engine=engine, force=True)
    scan([shuffled], tmp_path / "fresh", options=options, engine=LocalEngine(1))
    assert _outputs(tmp_path / "out") == _outputs(tmp_path / "fresh")


def test_dask_engine_gives_identical_output(scanned, small_corpus, tmp_path):
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    from detector.parallel import DaskEngine

    out, _ = scanned
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        engine = DaskEngine(cluster.scheduler_address)
        try:
            scan(
                [small_corpus],
                tmp_path,
                options=ScanOptions(chunk_size=40, verify_batch=25),
                engine=engine,
            )
        finally:
            engine.close()
    assert _outputs(tmp_path) == _outputs(out)


RUNNER = """
import os, signal, sys
from detector.parallel import LocalEngine
from detector.scan.pipeline import ScanOptions, scan

def progress(stage, done, total):
    # Killed, as by the OOM killer or a reboot, once three verified batches are on disk.
    if sys.argv[3] == "kill" and stage == "verify" and done >= 30:
        os.kill(os.getpid(), signal.SIGKILL)

scan([sys.argv[1]], sys.argv[2], options=ScanOptions(chunk_size=40, verify_batch=10),
     engine=LocalEngine(1), resume=sys.argv[3] == "resume", progress=progress)
"""


def test_a_killed_scan_resumes_to_the_same_output(scanned, small_corpus, tmp_path):
    out, _ = scanned
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    killed = subprocess.run(
        [sys.executable, "-c", RUNNER, str(small_corpus), str(tmp_path), "kill"], env=env
    )
    assert killed.returncode == -signal.SIGKILL
    work = tmp_path / ".scan-work"
    assert (work / "verified-000002.done").exists()
    assert not (work / "verified-000003.done").exists()
    assert not (tmp_path / "pairs.jsonl").exists()
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, str(small_corpus), str(tmp_path), "resume"], env=env
    )
    assert done.returncode == 0
    assert _outputs(tmp_path) == _outputs(out)


def test_resume_refuses_a_different_scan(scanned, small_corpus, tmp_path):
    from detector.errors import ConfigError

    scan(
        [small_corpus],
        tmp_path,
        options=ScanOptions(chunk_size=40),
        engine=LocalEngine(1),
        keep_work=True,
    )
    with pytest.raises(ConfigError, match="cannot resume"):
        scan(
            [small_corpus],
            tmp_path,
            options=ScanOptions(chunk_size=41),
            engine=LocalEngine(1),
            resume=True,
        )


def test_cli_scan_and_its_errors(small_corpus, tmp_path):
    runner = CliRunner()
    result = runner.invoke(
        app, ["scan", str(small_corpus), "--out", str(tmp_path / "o"), "--jobs", "1", "--quiet"]
    )
    assert result.exit_code == 0, result.output
    assert "records read" in result.stderr
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["records_read"] == summary["records_scanned"] + summary["records_rejected"]
    bad = runner.invoke(
        app, ["scan", str(small_corpus), "--out", str(tmp_path / "p"), "--engine", "spark"]
    )
    assert (
        bad.exit_code == 2
        and bad.stderr.startswith("detector: error:")
        and "Traceback" not in bad.output
    )
    missing = runner.invoke(
        app, ["scan", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "q"), "--jobs", "1"]
    )
    assert missing.exit_code == 2
    assert (
        missing.stderr == f"detector: error: {tmp_path / 'nope.jsonl'}: no such file or directory\n"
    )


def _run_on_a_terminal(command: list[str], stdout: Path) -> tuple[int, bytes]:
    """Run ``command`` with stderr on a pseudo-terminal; its exit code and what it showed.

    The terminal is read while the command runs: a terminal's buffer holds a few
    kilobytes, and a progress bar that redraws fills it, so a reader that only starts
    at the end would leave the command blocked on a full terminal.
    """
    import pty
    import select

    leader, follower = pty.openpty()
    with stdout.open("wb") as sink:
        proc = subprocess.Popen(command, stdout=sink, stderr=follower, cwd=REPO)
    os.close(follower)
    shown = bytearray()
    try:
        while True:
            ready, _, _ = select.select([leader], [], [], 1.0)
            if ready:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:  # EIO: the command closed the terminal and it is drained
                    break
                if not chunk:
                    break
                shown += chunk
            elif proc.poll() is not None:
                break  # exited, and nothing more to read
    finally:
        os.close(leader)
        returncode = proc.wait()
    return returncode, bytes(shown)


@pytest.mark.parametrize("quiet", [False, True])
def test_progress_bar_on_a_terminal_and_quiet(small_corpus, tmp_path, quiet):
    """On a terminal (a pseudo-terminal here) the scan shows its rate; --quiet shows none."""
    args = ["scan", str(small_corpus), "--out", str(tmp_path / "o"), "--jobs", "1"]
    returncode, shown = _run_on_a_terminal(
        [sys.executable, "-m", "detector", *args, *(["--quiet"] if quiet else [])],
        tmp_path / "stdout",
    )
    assert returncode == 0
    text = shown.decode("utf-8", "replace")
    assert "records read" in text
    assert ("records/s" in text) is not quiet
    assert b"records/s" not in (tmp_path / "stdout").read_bytes()


def test_output_does_not_depend_on_the_order_of_the_input(scanned, small_corpus, tmp_path):
    """The same records in another order: the same pairs, verdicts, clusters and originals."""
    import random

    out, _ = scanned
    lines = small_corpus.read_text(encoding="utf-8").splitlines()
    random.Random(7).shuffle(lines)
    shuffled = tmp_path / "shuffled.jsonl"
    shuffled.write_text("\n".join(lines) + "\n", encoding="utf-8")
    scan(
        [shuffled],
        tmp_path / "out",
        options=ScanOptions(chunk_size=40, verify_batch=25),
        engine=LocalEngine(2),
    )
    for name in ("pairs.jsonl", "clusters.jsonl", "documents.jsonl"):
        assert (tmp_path / "out" / name).read_bytes() == (out / name).read_bytes(), name
