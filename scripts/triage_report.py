#!/usr/bin/env python3
"""How the scan's cheap checks (detector/triage.py) do on the labelled corpus pairs.

Usage: python scripts/triage_report.py [--split test] [--pairs corpus/pairs.jsonl]
                                       [--articles corpus/articles.jsonl] [--json]

For each labelled pair of the split: the verdict the cheap checks settle on, or
"compare" when they pass the pair on. Prints, per label, how many pairs were settled and
how many of those agree with the label (and, where the label names the original, with
it). The thresholds were set on train and dev; the test split is only for reporting.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from detector.scan.minhash import light_tokens  # noqa: E402
from detector.scan.triage import Words, settle  # noqa: E402


def report(pairs_path: Path, articles_path: Path, splits: set[str]) -> dict[str, Any]:
    with articles_path.open(encoding="utf-8") as fh:
        texts = {row["id"]: row["text"] for row in map(json.loads, fh)}
    with pairs_path.open(encoding="utf-8") as fh:
        pairs = [row for row in map(json.loads, fh) if row["split"] in splits]
    words = {i: Words(light_tokens(t)) for i, t in texts.items()}
    outcome: Counter[tuple[str, str]] = Counter()
    right = wrong_original = 0
    for p in pairs:
        settled = settle(words[p["a"]], words[p["b"]])
        verdict = settled.verdict if settled else "compare"
        outcome[(p["label"], verdict)] += 1
        if settled is not None and verdict == p["label"]:
            right += 1
            named = p.get("original")
            if p["label"] != "duplicate" and settled.original not in (None, named):
                wrong_original += 1
    settled_count = sum(n for (_, v), n in outcome.items() if v != "compare")
    return {
        "splits": sorted(splits),
        "pairs": len(pairs),
        "settled": settled_count,
        "settled_agreeing_with_label": right,
        "settled_with_the_wrong_original": wrong_original,
        "by_label": {
            label: {v: n for (lab, v), n in sorted(outcome.items()) if lab == label}
            for label in sorted({lab for lab, _ in outcome})
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", action="append", help="split(s) to report (default: test)")
    parser.add_argument("--pairs", type=Path, default=REPO / "corpus" / "pairs.jsonl")
    parser.add_argument("--articles", type=Path, default=REPO / "corpus" / "articles.jsonl")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    result = report(args.pairs, args.articles, set(args.split or ["test"]))
    if args.json:
        print(json.dumps(result))
        return 0
    print(
        f"{', '.join(result['splits'])}: {result['pairs']} pairs, {result['settled']} settled by "
        f"the cheap checks, {result['settled_agreeing_with_label']} of them as labelled, "
        f"{result['settled_with_the_wrong_original']} with the wrong original"
    )
    for label, verdicts in result["by_label"].items():
        shown = ", ".join(f"{v} {n}" for v, n in verdicts.items())
        print(f"  {label:15} {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
