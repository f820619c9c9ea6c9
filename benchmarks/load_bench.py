#!/usr/bin/env python3
"""Load on ``detector serve``: many editors checking and comparing at once.

Usage: python benchmarks/load_bench.py [--articles 10000] [--clients 1,5,20,50]
                                       [--seconds 6] [--max-requests 1500]
                                       [--workers 1,N] [--json] [--out FILE]

* **Archive**: ``--articles`` stories, built once and kept in ``benchmarks/out/``
  (``load-<source>-<N>.db``, git-ignored). Real wire copy where it is: the Reuters-21578
  stories of ``../shared/devdata/reuters21578.jsonl.gz`` (``--devdata`` or
  ``$DETECTOR_DEVDATA``; not part of the project), else the generated corpus of
  ``benchmarks/make_corpus.py`` (made when missing). The run says which. The Reuters
  seed story is archived too.
* **Requests**: ``POST /api/check`` with suspects held out of the archive, one in
  three each: spun copies of archived stories (``detector.lab.spinner``, strength 0.5),
  syndicated edits of them (last sentence cut, a sentence of another story added), and
  stories that are not archived; the seed's real spun copy is one of them.
  ``POST /api/compare`` with each spun copy and its original.
* **Server**: ``python -m detector serve`` in a subprocess on 127.0.0.1 (a free port),
  one per ``--workers`` value: ``1`` runs checks in the server's own process (how the
  server worked before it had worker processes), the other value (default: the number
  of cores) in that many worker processes. Both are up at once and take turns, step by
  step (an idle server uses no CPU), so that what else runs on the machine weighs on
  both alike.
* **Clients**: for each endpoint and each number of clients, that many threads, each
  with its own keep-alive connection, send requests back to back (no pause between
  them) for ``--seconds`` at most and ``--max-requests`` in all at most. Latency is
  measured by the client from send to answer. The 1-minute load average
  (``os.getloadavg``, what ``uptime`` prints) is read after each step.

Everything stays on this machine; each configuration is driven for about
8 x ``--seconds`` (48 s by default) after its server's start and a short warm-up. Prints a table (or, with ``--json``, one
JSON object) of p50, p95, p99 latency in ms, requests/s, errors, and the CPU time the
server's processes (the server and its workers) spent per request, read from ``/proc``:
on a machine other jobs share, that last figure says what the latency cannot.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from detector.archive.store import Archive  # noqa: E402
from detector.inputs.records import Record  # noqa: E402

SEED_ORIGINAL = REPO / "corpus" / "seeds" / "000_6938627cd5ef1f07.txt"
SEED_SPUN = REPO / "corpus" / "seeds" / "001_7281db72b9a8aca8.txt"
TARGET_CLIENTS = 20
TARGET_P95_MS = 1000.0
SUSPECTS_PER_KIND = 40


# ----------------------------------------------------------------------------- data


def _reuters(devdata: Path) -> Iterator[dict[str, Any]]:
    with gzip.open(devdata / "reuters21578.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            text = " ".join(str(row.get("text") or "").split())
            if len(text.split()) >= 40:
                yield {
                    "id": row["id"],
                    "text": text,
                    "title": (row.get("title") or "").title() or None,
                    "date": row.get("date"),
                    "source": "Reuters",
                }


def _generated(n: int, cache: Path) -> Iterator[dict[str, Any]]:
    folder = cache / f"corpus-{n}"
    if not (folder / "meta.json").exists():
        subprocess.run(
            [sys.executable, str(HERE / "make_corpus.py"), "--docs", str(n), "--out", str(folder)],
            check=True,
        )
    with (folder / "docs.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if s]


def build(args: argparse.Namespace) -> tuple[Path, dict[str, Any]]:
    """The archive (built once) and the requests, cached beside it."""
    devdata = Path(args.devdata)
    real = (devdata / "reuters21578.jsonl.gz").exists()
    source = "reuters21578" if real else "generated"
    n = args.articles
    db = Path(args.cache) / f"load-{source}-{n}.db"
    plan = db.with_suffix(".requests.json")
    if db.exists() and plan.exists():
        return db, json.loads(plan.read_text(encoding="utf-8"))
    db.parent.mkdir(parents=True, exist_ok=True)
    for stale in (db, plan, Path(f"{db}-wal"), Path(f"{db}-shm")):
        stale.unlink(missing_ok=True)
    rows = _reuters(devdata) if real else _generated(n + 3 * SUSPECTS_PER_KIND, Path(args.cache))
    stories = []
    seen = set()
    for row in rows:
        if row["text"] not in seen:  # a wire feed re-sends stories; keep one of each
            seen.add(row["text"])
            stories.append(row)
        if len(stories) == n - 1 + SUSPECTS_PER_KIND:
            break
    archived, held_out = stories[: n - 1], stories[n - 1 :]
    seed = {
        "id": "reuters-seed-000",
        "text": SEED_ORIGINAL.read_text(encoding="utf-8"),
        "title": "Twitter seeks talks with India's technology minister",
        "date": "2021-02-08",
        "source": "Reuters",
    }
    archived.append(seed)
    print(f"building the archive: {len(archived):,} {source} stories -> {db}", file=sys.stderr)
    with Archive(db) as archive:
        result = archive.add(
            Record(d["id"], d["text"], d.get("title"), d.get("date"), d.get("source"))
            for d in archived
        )
    if result.rejected or result.added != len(archived):
        raise SystemExit(f"the archive took {result.added} of {len(archived)} stories")

    from detector.lab.spinner import spin

    rng = random.Random(7)
    long_enough = [d for d in archived[:-1] if len(_sentences(d["text"])) >= 4]
    originals = rng.sample(long_enough, 2 * SUSPECTS_PER_KIND)
    spun = [
        {"of": d["id"], "text": spin(d["text"], strength=0.5, seed=i).text, "original": d["text"]}
        for i, d in enumerate(originals[:SUSPECTS_PER_KIND])
    ]
    spun[0] = {
        "of": seed["id"],
        "text": SEED_SPUN.read_text(encoding="utf-8"),
        "original": seed["text"],
    }
    edited = []
    for d, other in zip(originals[SUSPECTS_PER_KIND:], held_out, strict=False):
        sentences = _sentences(d["text"])
        edited.append(
            {"of": d["id"], "text": " ".join([*sentences[:-1], _sentences(other["text"])[0]])}
        )
    unrelated = [{"of": None, "text": d["text"]} for d in held_out]
    requests = {
        "source": source,
        "articles": len(archived),
        "check": [s["text"] for trio in zip(spun, edited, unrelated, strict=False) for s in trio],
        "compare": [{"a": s["original"], "b": s["text"]} for s in spun],
    }
    plan.write_text(json.dumps(requests), encoding="utf-8")
    return db, requests


# ---------------------------------------------------------------------------- server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``detector serve`` in a subprocess on 127.0.0.1, stopped on leaving the block."""

    def __init__(self, db: Path, workers: int, log: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [
            sys.executable, "-m", "detector", "serve", "--db", str(db),
            "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers),
        ]  # fmt: skip
        self.log = log.open("w")
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)

    def __enter__(self) -> Server:
        import httpx

        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(
                    f"the server stopped (exit {self.process.returncode}); see {self.log.name}"
                )
            try:
                if httpx.get(self.url + "/api/stats", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise SystemExit("the server did not start in 90 s")

    def __exit__(self, *exc: object) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def cpu_seconds(root: int) -> float | None:
    """CPU time (user + system) of process ``root`` and all its descendants (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / ticks
    if root not in times:
        return None
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    return sum(times[pid] for pid in tree)


# ---------------------------------------------------------------------------- clients


def drive(
    url: str, endpoint: str, bodies: list[Any], clients: int, seconds: float, limit: int
) -> dict[str, Any]:
    """``clients`` threads sending requests back to back; latencies and throughput."""
    import httpx

    latencies: list[float] = []
    errors = 0
    sent = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(k: int) -> None:
        nonlocal errors, sent
        with httpx.Client(base_url=url, timeout=120) as c:
            i = k
            while time.monotonic() < stop:
                with lock:
                    if sent >= limit:
                        return
                    sent += 1
                body = bodies[i % len(bodies)]
                i += clients
                payload = {"text": body, "top": 5} if endpoint == "check" else body
                t = time.perf_counter()
                try:
                    ok = c.post(f"/api/{endpoint}", json=payload).status_code == 200
                except httpx.HTTPError:
                    ok = False
                took = time.perf_counter() - t
                with lock:
                    latencies.append(took)
                    errors += not ok

    start = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    ms = np.array(latencies) * 1000
    return {
        "endpoint": endpoint,
        "clients": clients,
        "requests": len(latencies),
        "errors": errors,
        "seconds": round(wall, 2),
        "requests_per_s": round(len(latencies) / wall, 1),
        "p50_ms": round(float(np.percentile(ms, 50)), 1),
        "p95_ms": round(float(np.percentile(ms, 95)), 1),
        "p99_ms": round(float(np.percentile(ms, 99)), 1),
        "load_1min": round(os.getloadavg()[0], 2),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    db, requests = build(args)
    levels = [int(x) for x in args.clients.split(",")]
    configs = [int(x) for x in args.workers.split(",")]
    results: dict[str, Any] = {
        "source": requests["source"],
        "articles": requests["articles"],
        "cores": os.cpu_count(),
        "seconds_per_step": args.seconds,
        "max_requests_per_step": args.max_requests,
        "load_before": round(os.getloadavg()[0], 2),
        "configs": [],
    }
    # Every configuration's server is up at once (an idle one uses no CPU) and they take
    # turns step by step, so that a change in what else runs on the machine falls on both.
    with contextlib.ExitStack() as stack:
        servers = {}
        for workers in configs:
            log = Path(args.cache) / f"load-server-{workers}.log"
            servers[workers] = stack.enter_context(Server(db, workers, log))
        spent = dict.fromkeys(configs, 0.0)
        steps: dict[int, list[dict[str, Any]]] = {w: [] for w in configs}
        for workers, server in servers.items():  # warm every worker's caches and models
            for endpoint in ("check", "compare"):
                drive(server.url, endpoint, requests[endpoint], max(2, workers), 1.0, 4 * workers)
        for endpoint in ("check", "compare"):
            for clients in levels:
                for workers, server in servers.items():
                    began = time.perf_counter()
                    cpu = cpu_seconds(server.process.pid)
                    step = drive(
                        server.url,
                        endpoint,
                        requests[endpoint],
                        clients,
                        args.seconds,
                        args.max_requests,
                    )
                    spent[workers] += time.perf_counter() - began
                    after = cpu_seconds(server.process.pid)
                    step["server_cpu_ms_per_request"] = (
                        None
                        if cpu is None or after is None
                        else round(1000 * (after - cpu) / max(1, step["requests"]), 1)
                    )
                    steps[workers].append(step)
                    if not args.json:
                        print(_row(workers, step), file=sys.stderr)
    results["configs"] = [
        {"workers": w, "seconds": round(spent[w], 1), "steps": steps[w]} for w in configs
    ]
    return results


def _row(workers: int, s: dict[str, Any]) -> str:
    cpu = s.get("server_cpu_ms_per_request")
    return (
        f"| {workers} | {s['endpoint']} | {s['clients']} | {s['p50_ms']:,.0f} | {s['p95_ms']:,.0f} | "
        f"{s['p99_ms']:,.0f} | {s['requests_per_s']:,.1f} | {s['errors']} | "
        f"{'-' if cpu is None else f'{cpu:,.1f}'} | {s['load_1min']:.2f} |"
    )


def table(results: dict[str, Any]) -> str:
    lines = [
        f"{results['articles']:,} archived stories ({results['source']}), {results['cores']} cores, "
        f"{results['seconds_per_step']:g} s per step; load average before: {results['load_before']}",
        "",
        "| workers | endpoint | clients | p50 ms | p95 ms | p99 ms | requests/s | errors "
        "| server CPU ms/request | load |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for config in results["configs"]:
        lines += [_row(config["workers"], s) for s in config["steps"]]
    for config in results["configs"]:
        at = [
            s
            for s in config["steps"]
            if s["endpoint"] == "check" and s["clients"] == TARGET_CLIENTS
        ]
        if at:
            verdict = "met" if at[0]["p95_ms"] < TARGET_P95_MS else "not met"
            lines.append(
                f"workers {config['workers']}: check p95 at {TARGET_CLIENTS} clients "
                f"{at[0]['p95_ms']:,.0f} ms (target < {TARGET_P95_MS:,.0f} ms: {verdict}); "
                f"driven for {config['seconds']} s in all"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--clients", default="1,5,20,50", help="comma-separated client counts")
    parser.add_argument("--seconds", type=float, default=6.0, help="time per step at most")
    parser.add_argument("--max-requests", type=int, default=1500, help="requests per step at most")
    parser.add_argument(
        "--workers", default=f"1,{os.cpu_count() or 1}", help="serve --workers values to compare"
    )
    parser.add_argument(
        "--devdata",
        default=os.environ.get("DETECTOR_DEVDATA", str(REPO.parent / "shared" / "devdata")),
    )
    parser.add_argument("--cache", default=str(HERE / "out"))
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--out", help="also write the JSON object to this file")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.seconds > 60 or args.max_requests < 1:
        parser.error("--seconds must be in (0, 60] and --max-requests at least 1")
    results = run(args)
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(results) if args.json else table(results))


if __name__ == "__main__":
    main()
