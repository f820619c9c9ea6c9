#!/usr/bin/env python3
"""Benchmark ``detector scan`` against a plain datasketch MinHash-LSH script.

Usage: python benchmarks/scan_bench.py [--corpus real|generated] [--docs N | --sizes N1,N2]
                                       [--json] [--jobs J] [--keep DIR] [--seed S]
                                       [--cache DIR] [--devdata DIR] [--require-devdata]

Builds a corpus with planted copies, or reuses it from ``benchmarks/out/``:

* ``--corpus real`` (default): ``benchmarks/make_real_corpus.py``, Reuters-21578
  stories and pieces of PAN 2013 web documents (the team's dev data, not part of the
  project) with exact, edited, partial and spun copies planted. Without the dev data
  it prints one line and exits 0 (2 with ``--require-devdata``);
* ``--corpus generated``: ``benchmarks/make_corpus.py``, chain-generated news text
  with exact, near-duplicate and spun copies; needs nothing outside the project.

Then it runs, one after the other, each in its own subprocess so that time, CPU and
peak memory are measured separately:

* **detector**: ``python -m detector scan DOCS --out OUT --quiet --jobs J`` (the
  child runs the ``detector`` module as ``-m`` does, then reads its own rusage);
* **baseline**: what a plain datasketch script does, single process: read
  docs.jsonl, lower-case, ``re.findall(r"\\w+")``, word 5-gram shingles as bytes,
  ``MinHash(num_perm=128).update_batch``, ``MinHashLSH(threshold=0.5, num_perm=128)``:
  insert every document, then query every document; every LSH candidate pair is
  reported (no verification).

Measured for each:

* wall time, end to end, from the parent (interpreter start, imports, reading,
  writing the pairs); records/s = documents / wall time;
* CPU seconds, user + system, of the child and every worker it waited for (the
  parent's ``RUSAGE_CHILDREN`` before and after), and CPU ms per record;
* peak RSS from ``resource.getrusage`` in the child: ``RUSAGE_SELF`` (main process)
  plus ``RUSAGE_CHILDREN`` (largest worker), an upper bound of what was held at once;
* recall per kind of planted copy: truth rows whose (original, copy) is a reported
  pair, in either order;
* precision: a reported pair is correct when its two documents are in the same
  planted group (an original and its copies, transitively), or when it is a
  *natural* pair (not planted) whose word 5-gram containment in the shorter text is
  at least 0.5 (:func:`containment`). Natural pairs are counted apart: reported,
  meeting the rule, and, below it, listed by PAN's own truth (``pan_reuse.jsonl``)
  or sharing a run of 30 words (:func:`shares_run`), which a lenient precision also
  counts correct.

Then the throughput ratio detector/baseline, the load average (``uptime``) before each
side, and the detector's ``summary.json`` figures (candidates, settled_by, channels
when present). ``--json`` prints one object per size (a list of them under ``"runs"``
with ``--sizes``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_CACHE = HERE / "out"
KIND_ORDER = ("exact", "near_duplicate", "edit", "partial", "spun")
NEAR_KINDS = ("exact", "near_duplicate", "edit")
SPUN_KINDS = ("spun",)
#: A natural (unplanted) pair counts as correct from this word 5-gram containment up.
NATURAL_CONTAINMENT = 0.5
GRAM = 5
#: A natural pair below the rule is counted apart when its texts share this many words in
#: a row (a lifted passage, which the whole-text rule does not see).
SHARED_RUN = 30

Pair = tuple[str, str]
_WORD_RE = re.compile(r"\w+")


# ----------------------------------------------------------------------------- scoring


def load_jsonl(path: str | Path) -> list[dict[str, Any]]:
    with Path(path).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def pair_key(a: str, b: str) -> Pair:
    return (a, b) if a <= b else (b, a)


def load_pairs(path: str | Path) -> dict[Pair, str]:
    """Reported pairs (unordered, self-pairs dropped) and their verdict (``""`` if none)."""
    pairs: dict[Pair, str] = {}
    for row in load_jsonl(path):
        if row["a"] != row["b"]:
            pairs.setdefault(pair_key(row["a"], row["b"]), row.get("verdict", ""))
    return pairs


def planted_groups(truth: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Document id -> group root, for every document in a truth row (union-find)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for row in truth:
        ra, rb = find(row["original"]), find(row["copy"])
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: find(x) for x in list(parent)}


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(text.lower())


def word_grams(text: str, n: int = GRAM) -> set[tuple[str, ...]]:
    """Distinct word n-grams of the lower-cased ``\\w+`` words (a text of fewer than n
    words is one gram of all its words; a text without words has none).

    >>> sorted(word_grams("A b, c d e F", 5))
    [('a', 'b', 'c', 'd', 'e'), ('b', 'c', 'd', 'e', 'f')]
    >>> word_grams("two words", 5), word_grams("...", 5)
    ({('two', 'words')}, set())
    """
    words = _words(text)
    return {tuple(words[i : i + n]) for i in range(max(1, len(words) - n + 1))} if words else set()


def containment(a: str, b: str, n: int = GRAM) -> float:
    """Share of the shorter text's distinct word n-grams found in the other text.

    The shorter text is the one with fewer words (``a`` on a tie). A shorter text of
    fewer than n words is one gram, found when its words occur in a row in the other;
    0.0 when it has no words.

    >>> containment("the cat sat on the mat today", "yes the cat sat on the mat")
    0.6667
    >>> containment("Oil rose", "oil rose two pct")
    1.0
    """
    wa, wb = _words(a), _words(b)
    if len(wb) < len(wa):
        wa, wb = wb, wa
    if not wa:
        return 0.0
    n = min(n, len(wa))
    short = {tuple(wa[i : i + n]) for i in range(len(wa) - n + 1)}
    other = {tuple(wb[i : i + n]) for i in range(len(wb) - n + 1)}
    return round(len(short & other) / len(short), 4)


def shares_run(a: str, b: str, n: int = SHARED_RUN) -> bool:
    """Whether the two texts have ``n`` lower-cased ``\\w+`` words in a row in common.

    >>> shares_run("x a b c y", "a b c", 3), shares_run("a b c", "a c b", 3)
    (True, False)
    """
    wa, wb = _words(a), _words(b)
    if len(wa) < n or len(wb) < n:
        return False
    runs = {tuple(wa[i : i + n]) for i in range(len(wa) - n + 1)}
    return any(tuple(wb[j : j + n]) in runs for j in range(len(wb) - n + 1))


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


Classes = ("planted", "natural_rule", "natural_known", "natural_run", "wrong")


def judge(
    truth: Sequence[dict[str, Any]],
    pairs: Iterable[Pair],
    texts: Mapping[str, str] | None = None,
    known: Collection[Pair] = (),
    cache: dict[Pair, tuple[float, bool]] | None = None,
) -> dict[Pair, str]:
    """Each reported pair's class: ``planted`` (same planted group), ``natural_rule``
    (containment ≥ NATURAL_CONTAINMENT), and below the rule ``natural_known`` (listed
    in ``known``, PAN's truth), ``natural_run`` (a shared run of SHARED_RUN words) or
    ``wrong``. Without ``texts`` no natural pair meets the rule or shares a run."""
    group = planted_groups(truth)
    cache = {} if cache is None else cache
    out: dict[Pair, str] = {}
    for a, b in pairs:
        if a == b:
            continue
        key = pair_key(a, b)
        if a in group and group.get(b) == group[a]:
            out[key] = "planted"
            continue
        contained, run = 0.0, False
        if texts is not None:
            if key not in cache:
                ta, tb = texts.get(a, ""), texts.get(b, "")
                cache[key] = (containment(ta, tb), shares_run(ta, tb))
            contained, run = cache[key]
        if contained >= NATURAL_CONTAINMENT:
            out[key] = "natural_rule"
        elif key in known:
            out[key] = "natural_known"
        elif run:
            out[key] = "natural_run"
        else:
            out[key] = "wrong"
    return out


def score(
    truth: Sequence[dict[str, Any]],
    pairs: Iterable[Pair],
    texts: Mapping[str, str] | None = None,
    known: Collection[Pair] = (),
    cache: dict[Pair, tuple[float, bool]] | None = None,
) -> dict[str, Any]:
    """Recall of planted copies and precision of reported pairs.

    ``precision`` counts a pair correct when it is planted or a natural pair meeting
    the containment rule (checked only when ``texts`` maps ids to texts);
    ``planted_precision`` counts planted pairs only; ``precision_lenient`` also counts
    the natural pairs below the rule that PAN's truth lists (``known``) or that share
    a run of SHARED_RUN words.

    >>> truth = [{"original": "a", "copy": "b", "kind": "exact"},
    ...          {"original": "a", "copy": "c", "kind": "spun"}]
    >>> s = score(truth, [("b", "a"), ("b", "c"), ("a", "x")])
    >>> s["near_dup_recall"], s["spun_recall"], s["precision"], s["correct_pairs"]
    (1.0, 0.0, 0.6667, 2)
    """
    classes = judge(truth, pairs, texts, known, cache)
    tally = dict.fromkeys(Classes, 0)
    for c in classes.values():
        tally[c] += 1
    found: dict[str, list[int]] = {}
    for row in truth:
        hit = pair_key(row["original"], row["copy"]) in classes
        counts = found.setdefault(row["kind"], [0, 0])
        counts[0] += hit
        counts[1] += 1

    def recall(kinds: Sequence[str]) -> float | None:
        return _ratio(
            sum(found.get(k, [0, 0])[0] for k in kinds), sum(found.get(k, [0, 0])[1] for k in kinds)
        )

    reported = len(classes)
    order = {k: i for i, k in enumerate(KIND_ORDER)}
    checked = texts is not None
    return {
        "near_dup_recall": recall(NEAR_KINDS),
        "spun_recall": recall(SPUN_KINDS),
        "precision": _ratio(tally["planted"] + tally["natural_rule"], reported),
        "planted_precision": _ratio(tally["planted"], reported),
        "precision_lenient": _ratio(reported - tally["wrong"], reported),
        "pairs": reported,
        "correct_pairs": tally["planted"] + tally["natural_rule"],
        "planted_pairs": tally["planted"],
        "natural_pairs": reported - tally["planted"],
        "natural_meeting_rule": tally["natural_rule"] if checked else None,
        "natural_pan_reuse_below_rule": tally["natural_known"],
        "natural_shared_run_below_rule": tally["natural_run"] if checked else None,
        "recall_by_kind": {
            k: _ratio(*v) for k, v in sorted(found.items(), key=lambda kv: order.get(kv[0], 99))
        },
        "found_by_kind": {
            k: v for k, v in sorted(found.items(), key=lambda kv: order.get(kv[0], 99))
        },
    }


def precision_by_verdict(
    truth: Sequence[dict[str, Any]],
    pairs: dict[Pair, str],
    texts: Mapping[str, str] | None = None,
    cache: dict[Pair, tuple[float, bool]] | None = None,
) -> dict[str, Any]:
    """Pairs and precision (planted or natural rule) for each verdict of the detector."""
    classes = judge(truth, pairs, texts, (), cache)
    tally: dict[str, list[int]] = {}
    for key, verdict in pairs.items():
        counts = tally.setdefault(verdict, [0, 0])
        counts[0] += int(classes[key] in ("planted", "natural_rule"))
        counts[1] += 1
    return {v: {"pairs": n, "precision": _ratio(ok, n)} for v, (ok, n) in sorted(tally.items())}


def load_texts(docs: Path, ids: Collection[str]) -> dict[str, str]:
    """The texts of ``ids`` from a docs.jsonl, read in one pass."""
    wanted = set(ids)
    texts: dict[str, str] = {}
    if not wanted:
        return texts
    with docs.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["id"] in wanted:
                texts[row["id"]] = str(row.get("text") or "")
    return texts


# ----------------------------------------------------------------------------- children


def _rusage_report(path: str, extra: dict[str, Any]) -> None:
    scale = 1024.0 if sys.platform != "darwin" else 1024.0 * 1024.0  # KB on Linux, bytes on macOS
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    Path(path).write_text(
        json.dumps(
            {
                "main_rss_mb": round(own.ru_maxrss / scale, 1),
                "worker_rss_mb": round(kids.ru_maxrss / scale, 1),
                "main_cpu_s": round(own.ru_utime + own.ru_stime, 2),
                "workers_cpu_s": round(kids.ru_utime + kids.ru_stime, 2),
                **extra,
            }
        ),
        encoding="utf-8",
    )


def run_detector_child(docs: str, out: str, jobs: int, report: str) -> int:
    """``python -m detector scan DOCS --out OUT --quiet --jobs J [ARGS]`` in this process
    (ARGS from ``$SCAN_BENCH_DETECTOR_ARGS``, e.g. ``--no-passages``)."""
    import runpy
    import shlex

    started = time.perf_counter()
    sys.argv = ["detector", "scan", docs, "--out", out, "--quiet", "--jobs", str(jobs)]
    sys.argv += shlex.split(os.environ.get("SCAN_BENCH_DETECTOR_ARGS", ""))
    code: Any = 0
    try:
        runpy.run_module("detector", run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        code = exc.code
    code = 0 if code is None else code if isinstance(code, int) else 1
    _rusage_report(report, {"child_seconds": round(time.perf_counter() - started, 3)})
    return code


def run_baseline_child(docs: str, out: str, report: str) -> int:
    """The datasketch script: MinHash of word 5-grams, LSH at 0.5, all candidate pairs."""
    started = time.perf_counter()
    from datasketch import MinHash, MinHashLSH

    word = re.compile(r"\w+")
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    ids: list[str] = []
    signatures: list[MinHash] = []
    with open(docs, encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            tokens = word.findall(str(record.get("text") or "").lower())
            shingles = {
                " ".join(tokens[i : i + 5]).encode("utf-8") for i in range(max(1, len(tokens) - 4))
            }
            m = MinHash(num_perm=128)
            m.update_batch(list(shingles))
            lsh.insert(record["id"], m)
            ids.append(record["id"])
            signatures.append(m)
    pairs: set[Pair] = set()
    for doc, m in zip(ids, signatures, strict=True):
        for other in lsh.query(m):
            if other != doc:
                pairs.add(pair_key(doc, other))
    Path(out).mkdir(parents=True, exist_ok=True)
    with (Path(out) / "pairs.jsonl").open("w", encoding="utf-8") as fh:
        for a, b in sorted(pairs):
            fh.write(json.dumps({"a": a, "b": b}) + "\n")
    _rusage_report(report, {"child_seconds": round(time.perf_counter() - started, 3)})
    return 0


class ChildError(RuntimeError):
    """A side's run failed; the message is one line and names the file with its stderr."""


def _child(kind: str, docs: Path, out: Path, jobs: int, logs: Path) -> dict[str, Any]:
    """Run one side in a subprocess: wall time and CPU (of the whole process tree it
    waited for) measured here, peak memory reported by the child."""
    report = out.parent / f"{kind}-rusage.json"
    report.unlink(missing_ok=True)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--docs", "0"]
    cmd += ["--child-docs", str(docs), "--child-out", str(out), "--child-report", str(report)]
    cmd += ["--jobs", str(jobs)]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0 or not report.exists():
        logs.mkdir(parents=True, exist_ok=True)
        log = logs / f"scan-bench-{kind}-stderr.txt"
        log.write_text(proc.stderr, encoding="utf-8")
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise ChildError(f"{kind} run failed (exit {proc.returncode}): {last} (stderr in {log})")
    usage = json.loads(report.read_text(encoding="utf-8"))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"seconds": round(wall, 3), "cpu_s": round(cpu, 2), **usage}


# ----------------------------------------------------------------------------- corpora


def _module(name: str) -> Any:
    """``benchmarks/NAME.py``, imported by path as ``bench_NAME`` (only in the parent:
    the children import nothing but what they measure)."""
    import importlib.util

    key = f"bench_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, HERE / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]


def corpus_dir(cache: Path, docs: int, seed: int, corpus: str = "generated") -> Path:
    stem = "corpus" if corpus == "generated" else "real"
    return cache / (f"{stem}-{docs}" if seed == 1 else f"{stem}-{docs}-s{seed}")


def _cached(folder: Path, expected: Mapping[str, Any], optional: Collection[str] = ()) -> bool:
    """A complete corpus (meta.json is written last) made from the same inputs; keys in
    ``optional`` may be absent (corpora made before they were recorded)."""
    meta_path = folder / "meta.json"
    if not meta_path.exists():
        return False
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    return all(meta.get(k) == v or (k in optional and k not in meta) for k, v in expected.items())


def ensure_corpus(
    docs: int,
    seed: int,
    cache: Path,
    jobs: int,
    corpus: str = "generated",
    devdata: Path | None = None,
) -> tuple[Path, float | None]:
    """The corpus folder, made unless a complete one for the same inputs is cached."""
    folder = corpus_dir(cache, docs, seed, corpus)
    started = time.perf_counter()
    if corpus == "generated":
        make_corpus = _module("make_corpus")
        expected = {
            "docs": docs,
            "seed": seed,
            "version": make_corpus.VERSION,
            "articles_sha256": make_corpus.articles_digest(),
        }
        if _cached(folder, expected, optional=("articles_sha256",)):
            return folder, None
        make_corpus.make_corpus(docs, folder, seed=seed, jobs=jobs or None)
    else:
        real = _module("make_real_corpus")
        where = real.devdata_folder(devdata).resolve()
        real.check_devdata(where)
        make_corpus = _module("make_corpus")
        expected = {
            "docs": docs,
            "seed": seed,
            "version": real.VERSION,
            "devdata_sha256": real.devdata_digests(where),
            "make_corpus_version": make_corpus.VERSION,
            "articles_sha256": make_corpus.articles_digest(),
        }
        if _cached(folder, expected):
            return folder, None
        real.make_real_corpus(docs, folder, seed=seed, devdata=where, jobs=jobs or None)
    return folder, round(time.perf_counter() - started, 2)


# ----------------------------------------------------------------------------- driver


def _rate(docs: int, seconds: float) -> float:
    return round(docs / seconds, 1) if seconds > 0 else 0.0


def load_average() -> dict[str, Any]:
    """The 1, 5 and 15 minute load averages and the ``uptime`` line they come from."""
    line = ""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        line = subprocess.run(
            ["uptime"], capture_output=True, text=True, check=False, timeout=10
        ).stdout.strip()
    return {"load": [round(x, 2) for x in os.getloadavg()], "uptime": line}


def _summary(path: Path) -> dict[str, Any]:
    summary = json.loads(path.read_text(encoding="utf-8"))
    keep = ("records_scanned", "candidates", "settled_by", "pairs_by_verdict", "clusters")
    out = {k: summary.get(k) for k in keep}
    out["stage_seconds"] = summary.get("seconds", {})
    if "channels" in summary:
        out["channels"] = summary["channels"]
    return out


def bench(
    docs: int,
    *,
    corpus: str = "real",
    seed: int = 1,
    jobs: int = 0,
    cache: Path = DEFAULT_CACHE,
    keep: Path | None = None,
    devdata: Path | None = None,
) -> dict[str, Any]:
    jobs = jobs or os.cpu_count() or 1
    folder, corpus_seconds = ensure_corpus(docs, seed, cache, jobs, corpus, devdata)
    docs_path = folder / "docs.jsonl"
    truth = load_jsonl(folder / "truth.jsonl")
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    known_path = folder / "pan_reuse.jsonl"
    known = (
        {pair_key(r["a"], r["b"]) for r in load_jsonl(known_path)} if known_path.exists() else set()
    )
    with docs_path.open("rb") as fh:  # same warm page cache for both sides
        while fh.read(1 << 24):
            pass
    work = Path(tempfile.mkdtemp(prefix="scan-bench-")) if keep is None else keep
    if keep is not None:
        for name in ("detector", "baseline"):
            shutil.rmtree(keep / name, ignore_errors=True)
        keep.mkdir(parents=True, exist_ok=True)
    loads: dict[str, Any] = {}
    runs: dict[str, dict[str, Any]] = {}
    reported: dict[str, dict[Pair, str]] = {}
    summary: dict[str, Any] = {}
    try:
        for kind in ("detector", "baseline"):
            loads[f"before_{kind}"] = load_average()
            runs[kind] = _child(kind, docs_path, work / kind, jobs, cache)
            reported[kind] = load_pairs(work / kind / "pairs.jsonl")
            if kind == "detector":
                summary = _summary(work / kind / "summary.json")
        loads["after"] = load_average()
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
    # the texts of every reported pair that is not planted, for the natural-pair rule
    group = planted_groups(truth)
    needed: set[str] = set()
    for pairs in reported.values():
        for a, b in pairs:
            if not (a in group and group.get(b) == group[a]):
                needed.update((a, b))
    texts = load_texts(docs_path, needed)
    cache_c: dict[Pair, tuple[float, bool]] = {}
    results: dict[str, Any] = {}
    for kind, run in runs.items():
        pairs = reported[kind]
        side = {
            "records_per_s": _rate(docs, run["seconds"]),
            "cpu_ms_per_record": round(1000.0 * run["cpu_s"] / docs, 3),
            "peak_rss_mb": round(run["main_rss_mb"] + run["worker_rss_mb"], 1),
            **score(truth, pairs, texts, known, cache_c),
            **run,
        }
        if kind == "detector":
            side["summary"] = summary
            side["candidates"] = summary.get("candidates")
            side["stage_seconds"] = summary.get("stage_seconds", {})
            side["by_verdict"] = precision_by_verdict(truth, pairs, texts, cache_c)
        results[kind] = side
    natural_ok = {
        kind: {
            k
            for k, c in judge(truth, reported[kind], texts, (), cache_c).items()
            if c == "natural_rule"
        }
        for kind in reported
    }
    base_rate = results["baseline"]["records_per_s"]
    return {
        "docs": docs,
        "corpus": corpus,
        "seed": seed,
        "jobs": jobs,
        "cpus": os.cpu_count(),
        "corpus_dir": str(folder),
        "corpus_counts": meta["counts"],
        "corpus_origins": {
            k: meta[k]
            for k in ("bases_by_origin", "partial_hosts_by_origin", "generated_documents")
            if k in meta
        },
        "corpus_seconds": corpus_seconds,
        "pan_reuse_links": len(known),
        "load": loads,
        "detector": results["detector"],
        "baseline": results["baseline"],
        "ratio": round(results["detector"]["records_per_s"] / base_rate, 3) if base_rate else None,
        "natural_meeting_rule": {
            "detector": len(natural_ok["detector"]),
            "baseline": len(natural_ok["baseline"]),
            "both": len(natural_ok["detector"] & natural_ok["baseline"]),
            "either": len(natural_ok["detector"] | natural_ok["baseline"]),
        },
    }


# ----------------------------------------------------------------------------- output


def _fmt(value: Any, spec: str = "") -> str:
    if value is None:
        return "-"
    return format(value, spec)


def _load_text(entry: Mapping[str, Any]) -> str:
    return " ".join(f"{x:.2f}" for x in entry["load"])


def render(result: dict[str, Any]) -> str:
    d, b, c = result["detector"], result["baseline"], result["corpus_counts"]
    made = (
        f"made in {result['corpus_seconds']:.1f} s"
        if result["corpus_seconds"] is not None
        else "cached"
    )
    copies = ", ".join(f"{c[k]:,} {k}" for k in KIND_ORDER if k in c)
    origins = result["corpus_origins"].get("bases_by_origin")
    origin_text = ""
    if origins:
        origin_text = " (" + ", ".join(f"{v:,} {k}" for k, v in origins.items()) + ")"
    loads = result["load"]
    lines = [
        f"scan benchmark, {result['corpus']} corpus: {result['docs']:,} docs: {c['base']:,} base"
        f"{origin_text}; copies: {copies}; jobs={result['jobs']} on {result['cpus']} cpus",
        f"corpus {result['corpus_dir']} ({made})",
        f"load average (uptime): before detector {_load_text(loads['before_detector'])}; "
        f"before baseline {_load_text(loads['before_baseline'])}; after {_load_text(loads['after'])}",
        "",
        f"{'':38}{'detector':>14}{'baseline':>14}",
    ]

    def row(label: str, dv: Any, bv: Any, spec: str) -> None:
        lines.append(f"{label:38}{_fmt(dv, spec):>14}{_fmt(bv, spec):>14}")

    def key(label: str, name: str, spec: str) -> None:
        row(label, d.get(name), b.get(name), spec)

    key("wall time, end to end (s)", "seconds", ".1f")
    key("records/s", "records_per_s", ",.0f")
    key("CPU s, user+sys incl. workers", "cpu_s", ",.1f")
    key("CPU ms per record", "cpu_ms_per_record", ".3f")
    key("peak RSS, main + worker (MB)", "peak_rss_mb", ",.0f")
    key("  main process (MB)", "main_rss_mb", ",.0f")
    key("  largest worker (MB)", "worker_rss_mb", ",.0f")
    key("pairs reported", "pairs", ",")
    key("precision (planted or natural rule)", "precision", ".4f")
    key("  planted pairs", "planted_pairs", ",")
    key("  natural pairs reported", "natural_pairs", ",")
    key("  natural meeting the rule", "natural_meeting_rule", ",")
    key("  natural below it, in PAN's truth", "natural_pan_reuse_below_rule", ",")
    key(f"  other natural, {SHARED_RUN}-word run shared", "natural_shared_run_below_rule", ",")
    key("precision, planted pairs only", "planted_precision", ".4f")
    key("precision, lenient (PAN's, runs too)", "precision_lenient", ".4f")
    for kind in KIND_ORDER:
        if kind in d["recall_by_kind"] or kind in b["recall_by_kind"]:
            n = d["found_by_kind"].get(kind, [0, 0])[1]
            row(
                f"recall {kind} (n={n:,})",
                d["recall_by_kind"].get(kind),
                b["recall_by_kind"].get(kind),
                ".4f",
            )
    lines.append("")
    lines.append(f"throughput ratio detector/baseline: {_fmt(result['ratio'], '.3f')}x")
    nat = result["natural_meeting_rule"]
    lines.append(
        f"natural pairs meeting the rule: detector {nat['detector']:,}, baseline "
        f"{nat['baseline']:,}, both {nat['both']:,}, either {nat['either']:,}"
    )
    s = d.get("summary", {})
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in (s.get("stage_seconds") or {}).items())
    lines.append(f"detector stages: {stages or '-'}")
    lines.append(
        f"detector summary: candidates {_fmt(s.get('candidates'), ',')}; settled_by "
        f"{json.dumps(s.get('settled_by'))}; pairs_by_verdict {json.dumps(s.get('pairs_by_verdict'))}"
    )
    if "channels" in s:
        lines.append(f"detector channels: {json.dumps(s['channels'])}")
    verdicts = ", ".join(
        f"{v or '-'} {_fmt(x['precision'], '.3f')} of {x['pairs']:,}"
        for v, x in d["by_verdict"].items()
    )
    lines.append(f"detector precision by verdict: {verdicts or '-'}")
    return "\n".join(lines)


def growth(results: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """CPU ms per record and records/s of each side at each size, and the change from
    the smallest size to each larger one."""
    out: dict[str, Any] = {}
    first = results[0]
    for side in ("detector", "baseline"):
        rows = []
        for r in results:
            cpu, base_cpu = r[side]["cpu_ms_per_record"], first[side]["cpu_ms_per_record"]
            rows.append(
                {
                    "docs": r["docs"],
                    "cpu_ms_per_record": cpu,
                    "records_per_s": r[side]["records_per_s"],
                    "cpu_per_record_vs_smallest": round(cpu / base_cpu, 3) if base_cpu else None,
                }
            )
        out[side] = rows
    return out


def render_growth(g: dict[str, Any]) -> str:
    lines = ["linear growth: CPU ms per record (records/s) by corpus size"]
    for side, rows in g.items():
        parts = [
            f"{r['docs']:,}: {r['cpu_ms_per_record']:.3f} ms ({r['records_per_s']:,.0f}/s"
            + (f", x{r['cpu_per_record_vs_smallest']:.2f}" if i else "")
            + ")"
            for i, r in enumerate(rows)
        ]
        lines.append(f"  {side:9} " + "; ".join(parts))
    return "\n".join(lines)


class _Parser(argparse.ArgumentParser):
    """Argument errors in one line, exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of sizes: {text!r}") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be whole numbers >= 1")
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    parser = _Parser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--corpus", choices=("real", "generated"), default="real")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--docs", type=int, help="corpus size (default 20000)")
    size.add_argument("--sizes", type=_sizes, help="several sizes, run in turn: 20000,100000")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--jobs", type=int, default=0, help="detector --jobs (0 = all cores)")
    parser.add_argument("--keep", type=Path, help="keep both sides' outputs in this folder")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where corpora are kept")
    parser.add_argument("--devdata", type=Path, help="dev data folder (real corpus)")
    parser.add_argument(
        "--require-devdata", action="store_true", help="exit 2 instead of 0 without the dev data"
    )
    for hidden in ("--child", "--child-docs", "--child-out", "--child-report"):
        parser.add_argument(hidden, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child == "detector":
        return run_detector_child(args.child_docs, args.child_out, args.jobs, args.child_report)
    if args.child == "baseline":
        return run_baseline_child(args.child_docs, args.child_out, args.child_report)
    sizes = args.sizes or [20000 if args.docs is None else args.docs]
    if min(sizes) < 1:
        parser.error("--docs must be >= 1")
    if args.jobs < 0:
        parser.error("--jobs must be >= 0")
    if args.corpus == "real":
        real = _module("make_real_corpus")
        try:
            real.check_devdata(real.devdata_folder(args.devdata).resolve())
        except real.SkipError as exc:
            print(f"skipped: {exc}", file=sys.stderr)
            if args.json:
                print(json.dumps({"skipped": str(exc)}))
            return 2 if args.require_devdata else 0
    results = []
    for n in sizes:
        keep = args.keep / str(n) if args.keep is not None and len(sizes) > 1 else args.keep
        try:
            result = bench(
                n,
                corpus=args.corpus,
                seed=args.seed,
                jobs=args.jobs,
                cache=args.cache,
                keep=keep,
                devdata=args.devdata,
            )
        except (ChildError, ValueError, OSError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        results.append(result)
        if not args.json:
            print(render(result) + "\n", flush=True)
    if args.json:
        if len(results) == 1:
            print(json.dumps(results[0]))
        else:
            print(json.dumps({"runs": results, "growth": growth(results)}))
    elif len(results) > 1:
        print(render_growth(growth(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
