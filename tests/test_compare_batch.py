"""``compare_records`` on the one process pool of ``detector.parallel``: input order, same results."""

from __future__ import annotations

import pytest

from detector.compare.batch import compare_records
from detector.inputs.jsonl import JsonlRecord
from detector.parallel import LocalEngine

BASE = (
    "Officials said on Monday the giant bridge would close for repairs in May. Drivers were angry."
)
SPUN = "Officials mentioned on Monday the large bridge would close for repairs in May. Drivers were angry."
OTHER = "The orchestra played Brahms to a full hall. The conductor bowed twice."


def _records() -> list[JsonlRecord]:
    values: list[dict[str, object] | None] = [
        {"id": "same", "a": BASE, "b": BASE},
        None,  # a line that was not JSON
        {"id": "spun", "a": BASE, "b": SPUN},
        {"id": "missing", "a": BASE},
        {"id": "empty", "a": BASE, "b": "  "},
        {"id": "other", "a": BASE, "b": OTHER},
        {"id": "number", "a": 7, "b": BASE},
    ]
    values += [
        {"id": f"n{i}", "a": BASE if i % 2 else SPUN, "b": OTHER if i % 3 else BASE}
        for i in range(12)
    ]
    return [
        JsonlRecord(line, value, None if value is not None else "invalid JSON")
        for line, value in enumerate(values, start=1)
    ]


@pytest.fixture(scope="module")
def in_process() -> list[dict[str, object]]:
    return list(compare_records(_records(), jobs=1, verdict="rules"))


def test_results_come_in_input_order_with_errors_in_place(in_process) -> None:
    assert [r.get("id") for r in in_process] == [
        r.value.get("id") if r.value else None for r in _records()
    ]
    by_id = {r["id"]: r for r in in_process if r.get("id")}
    assert by_id["same"]["verdict"] == "duplicate"
    assert by_id["missing"] == {"id": "missing", "line": 4, "error": "missing field(s): b"}
    assert by_id["empty"]["error"] == "field 'b' is empty"
    assert by_id["number"]["error"] == "field 'a' must be a string, got int"
    assert in_process[1] == {"id": None, "line": 2, "error": "invalid JSON"}


@pytest.mark.parametrize("chunk", [1, 8], ids=["chunk-1", "chunk-8"])
def test_two_processes_give_the_same_results(in_process, chunk: int) -> None:
    assert list(compare_records(_records(), jobs=2, chunk=chunk, verdict="rules")) == in_process


def test_a_given_engine_is_used_and_left_open(in_process) -> None:
    engine = LocalEngine(2)
    try:
        assert list(compare_records(_records(), engine=engine, verdict="rules")) == in_process
        assert engine.result(engine.submit(len, "still open")) == 10
    finally:
        engine.close()
