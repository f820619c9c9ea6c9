"""benchmarks/load_bench.py end to end on a small archive (its figures are not checked)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


def _load(name: str) -> ModuleType:
    key = f"bench_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, BENCH / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]


@pytest.mark.slow
def test_load_bench_runs_both_configurations(tmp_path: Path) -> None:
    load_bench = _load("load_bench")
    out = tmp_path / "load.json"
    args = [
        "--articles", "150", "--clients", "1,3", "--seconds", "0.5", "--max-requests", "20",
        "--workers", "1,2", "--devdata", str(tmp_path / "no-devdata"),
        "--cache", str(tmp_path / "cache"), "--json", "--out", str(out),
    ]  # fmt: skip
    load_bench.main(args)
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["source"] == "generated" and results["articles"] == 150
    assert [c["workers"] for c in results["configs"]] == [1, 2]
    for config in results["configs"]:
        steps = [(s["endpoint"], s["clients"]) for s in config["steps"]]
        assert steps == [("check", 1), ("check", 3), ("compare", 1), ("compare", 3)]
        for s in config["steps"]:
            assert 1 <= s["requests"] <= 20 and s["errors"] == 0
            assert 0 < s["p50_ms"] <= s["p95_ms"] <= s["p99_ms"]
    # The archive and the requests are kept and used again.
    kept = {p.name for p in (tmp_path / "cache").iterdir()}
    assert {"load-generated-150.db", "load-generated-150.requests.json"} <= kept
    with pytest.raises(SystemExit):
        load_bench.main(["--seconds", "61"])
