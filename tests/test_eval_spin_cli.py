"""`detector eval`, `detector spin` and `detector train` through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from detector.cli import app

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "corpus" / "seeds"
runner = CliRunner()


def _articles() -> dict[str, str]:
    with (REPO / "corpus" / "articles.jsonl").open(encoding="utf-8") as fh:
        return {r["id"]: r["text"] for r in map(json.loads, fh)}


def test_eval_json_with_pairs_given_as_texts(tmp_path):
    arts = _articles()
    pairs = tmp_path / "pairs.jsonl"
    rows = [
        {"a": arts["spt-03"], "b": arts["spt-03-spun-moby-5"], "label": "spun"},
        {"a": arts["spt-03"], "b": arts["spt-03-rel"], "label": "related"},
        {"a": arts["spt-03"], "b": arts["bus-02"], "label": "unrelated"},
    ]
    pairs.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = runner.invoke(app, ["eval", str(pairs), "--json", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {"per_label", "macro_f1", "derived_f1", "confusion"} <= report.keys()
    assert set(report["per_label"]["spun"]) == {"precision", "recall", "f1", "support"}
    assert report["confusion"]["spun"]["spun"] == 1


def test_eval_with_ids_and_a_split(tmp_path):
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(
        json.dumps({"a": "seed-000", "b": "seed-001", "label": "spun", "split": "test"})
        + "\n"
        + json.dumps({"a": "pol-01", "b": "pol-01-rw", "label": "rewrite", "split": "train"})
        + "\n",
        encoding="utf-8",
    )
    args = ["eval", str(pairs), "--split", "test", "--json", "--jobs", "1"]
    result = runner.invoke(app, [*args, "--articles", str(REPO / "corpus" / "articles.jsonl")])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["n"] == 1 and report["per_label"]["spun"]["recall"] == 1.0


def test_eval_refuses_bad_input(tmp_path):
    missing = runner.invoke(app, ["eval", str(tmp_path / "none.jsonl")])
    assert missing.exit_code == 2 and missing.stderr.startswith("detector: error:")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"a": "x"}\n', encoding="utf-8")
    result = runner.invoke(app, ["eval", str(bad)])
    assert result.exit_code == 2 and "needs 'a', 'b' and 'label'" in result.stderr
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(b'{"a": "x", "b": "y", "label": "spun"}\n{"a": "caf\xe9", "b": "y"}\n')
    result = runner.invoke(app, ["eval", str(latin)])
    assert result.exit_code == 2
    assert result.stderr == f"detector: error: {latin}:2: not UTF-8 (byte 10)\n"


def test_spin_is_seeded_and_keeps_names_and_numbers():
    source = str(SEEDS / "000_6938627cd5ef1f07.txt")
    first = runner.invoke(app, ["spin", source, "--strength", "0.6", "--seed", "4", "--json"])
    again = runner.invoke(app, ["spin", source, "--strength", "0.6", "--seed", "4", "--json"])
    other = runner.invoke(app, ["spin", source, "--strength", "0.6", "--seed", "5", "--json"])
    assert first.exit_code == 0, first.output
    assert first.stdout == again.stdout != other.stdout
    spun = json.loads(first.stdout)
    assert spun["substitutions"] and "1,178" in spun["text"] and "Twitter" in spun["text"]
    moby = runner.invoke(app, ["spin", source, "--thesaurus", "moby", "--seed", "4"])
    assert moby.exit_code == 0 and moby.stdout != spun["text"]


def test_spin_refuses_bad_options():
    source = str(SEEDS / "000_6938627cd5ef1f07.txt")
    strength = runner.invoke(app, ["spin", source, "--strength", "1.5"])
    assert strength.exit_code == 2
    thesaurus = runner.invoke(app, ["spin", source, "--thesaurus", "roget"])
    assert thesaurus.exit_code == 2 and thesaurus.stderr.startswith("detector: error:")


def test_train_refuses_missing_files_and_bad_spinner(tmp_path):
    missing = runner.invoke(app, ["train", "--pairs", str(tmp_path / "p.jsonl")])
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    spinner = runner.invoke(app, ["train", "--spinner", "roget"])
    assert spinner.exit_code == 2 and "--spinner" in spinner.stderr
