"""benchmarks/real_eval.py end to end on a tiny fake dev-data folder (no timing assertions)."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "benchmarks" / "real_eval.py"

SOURCE_SENTENCES = [
    "The city council approved a new budget for road repairs on Tuesday evening.",
    "Officials said the plan would fix more than two hundred potholes before winter.",
    "Residents had complained for months about damaged streets near the old market.",
    "The mayor thanked volunteers who mapped the worst roads with their phones.",
    "Work crews are expected to start on the northern bridge next week.",
    "A local bakery offered free bread to the workers during the first shift.",
    "Critics argued that the money should have gone to public transport instead.",
    "The council will review the progress of the repairs again in March.",
]
OTHER_SENTENCES = [
    "The orchestra performed a programme of Brahms and Dvorak to a full hall.",
    "Tickets for the spring concert series sold out within an hour.",
    "The conductor, who joined last year, praised the young string players.",
    "A new recording of the symphony will be released in the autumn.",
    "Music students from three schools attended the open rehearsal for free.",
    "The hall's old organ is being restored with money from a private donor.",
    "Critics called the performance the finest of the season so far.",
    "The next concert will feature a rare work by a forgotten composer.",
]
GARDEN_SENTENCES = [
    "Gardeners across the region are planting tomatoes earlier than usual this year.",
    "A warm March has encouraged many to sow seeds in open beds.",
    "Experts warn that a late frost could still damage young plants.",
    "Seed shops report record sales of heirloom varieties and herbs.",
    "Community gardens have long waiting lists in most large towns.",
    "Some growers cover their beds with fleece at night to be safe.",
]


def _pan_folder(root: Path) -> dict[str, str]:
    """Two sources, two suspicious documents, one verbatim pair and one clean pair."""
    source = " ".join(SOURCE_SENTENCES)
    copied = " ".join(SOURCE_SENTENCES[1:4])
    suspicious = " ".join([*OTHER_SENTENCES[:4], copied, *OTHER_SENTENCES[4:]])
    docs = {
        "src/source-document00001.txt": source,
        "src/source-document00002.txt": " ".join(GARDEN_SENTENCES),
        "susp/suspicious-document00001.txt": suspicious,
        "susp/suspicious-document00002.txt": " ".join(OTHER_SENTENCES),
    }
    with gzip.open(root / "pan13_train_documents.jsonl.gz", "wt", encoding="utf-8") as fh:
        for doc_id, text in docs.items():
            fh.write(json.dumps({"id": doc_id, "text": text}) + "\n")
    case = {
        "source_offset": source.index(copied),
        "source_length": len(copied),
        "this_offset": suspicious.index(copied),
        "this_length": len(copied),
        "obfuscation": "none",
    }
    pairs = [
        ("pan-verbatim", "src/source-document00001.txt", "susp/suspicious-document00001.txt",
         "verbatim", [case]),
        ("pan-clean", "src/source-document00002.txt", "susp/suspicious-document00002.txt",
         "no_plagiarism", []),
        ("pan-clean-2", "src/source-document00002.txt", "susp/suspicious-document00001.txt",
         "no_plagiarism", []),
    ]  # fmt: skip
    with (root / "pan13_train_pairs.jsonl").open("w", encoding="utf-8") as fh:
        for pair_id, src, susp, label, cases in pairs:
            row = {"id": pair_id, "source": src, "suspicious": susp, "label": label}
            fh.write(json.dumps(row | {"cases": cases}) + "\n")
    return docs


def _msrp_file(root: Path) -> None:
    lines = [
        ("m1", SOURCE_SENTENCES[0], "On Tuesday evening the city council approved a new road "
         "repair budget.", "paraphrase"),
        ("m2", OTHER_SENTENCES[1], "Tickets for the spring concerts were sold out in an hour.",
         "paraphrase"),
        ("m3", SOURCE_SENTENCES[4], GARDEN_SENTENCES[2], "not_paraphrase"),
        ("m4", OTHER_SENTENCES[0], SOURCE_SENTENCES[6], "not_paraphrase"),
    ]  # fmt: skip
    with (root / "msrp_train.jsonl").open("w", encoding="utf-8") as fh:
        for pair_id, a, b, label in lines:
            fh.write(json.dumps({"id": pair_id, "a": a, "b": b, "label": label}) + "\n")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, cwd=REPO, check=False
    )


@pytest.fixture(scope="module")
def devdata(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("devdata")
    _pan_folder(root)
    _msrp_file(root)
    return root


def test_end_to_end_json_and_rows(devdata: Path, tmp_path: Path) -> None:
    rows_path = tmp_path / "rows.jsonl"
    done = _run(
        "--data", str(devdata), "--part", "all", "--jobs", "2", "--json", "--out", str(rows_path)
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert {"data", "seed", "jobs", "elapsed_seconds", "uptime_start", "uptime_end"} <= set(result)
    pan, msrp = result["pan"], result["msrp"]
    assert pan["per_label"] == {"no_plagiarism": 2, "verbatim": 1}
    assert {"detector", "plagdet", "baselines", "seconds_per_pair"} <= set(pan)
    assert {"f1", "auc", "recall_by_label", "false_derived_rate", "confusion"} <= set(
        pan["detector"]
    )
    assert {"plagdet", "precision", "recall", "granularity"} <= set(pan["plagdet"])
    assert set(pan["baselines"]) == {"word5_jaccard", "word_tfidf_cosine"}
    assert {"auc", "oracle_f1"} <= set(pan["baselines"]["word5_jaccard"])
    assert msrp["per_label"] == {"not_paraphrase": 2, "paraphrase": 2}
    assert {"score", "similarity", "word_tfidf_cosine", "word5_jaccard", "word1_jaccard"} <= set(
        msrp["auc"]
    )

    rows = [json.loads(line) for line in rows_path.read_text(encoding="utf-8").splitlines()]
    # Rows come in input order, whatever the workers.
    assert [r["id"] for r in rows] == [
        "pan-verbatim",
        "pan-clean",
        "pan-clean-2",
        "m1",
        "m2",
        "m3",
        "m4",
    ]
    for row in rows:
        assert {"id", "label", "verdict", "score", "derived", "similarity", "baselines"} <= set(row)
    verbatim = rows[0]
    assert verbatim["plagdet"]["plagdet"] >= 0.8, verbatim
    assert verbatim["baselines"]["word5_jaccard"] > rows[1]["baselines"]["word5_jaccard"]


def test_text_report(devdata: Path) -> None:
    done = _run("--data", str(devdata), "--part", "all", "--jobs", "1", "--msrp-per-label", "0")
    assert done.returncode == 0, done.stderr
    assert "plagdet of the passages" in done.stdout
    assert "oracle threshold" in done.stdout
    assert "MSRP" not in done.stdout


def test_skips_without_the_data(tmp_path: Path) -> None:
    absent = tmp_path / "no-such-devdata"
    done = _run("--data", str(absent))
    assert done.returncode == 0
    assert f"skipped: dev data not found at {absent}" in done.stderr
    assert done.stdout == ""
