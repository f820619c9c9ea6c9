#!/usr/bin/env python3
"""How the semantic channel's thresholds were chosen: planted pairs against natural
non-pairs of the realistic benchmark corpus.

Usage: python benchmarks/semantic_threshold.py [--docs 20000] [--cache DIR] [--k 10]
                                               [--min-precision 0.75] [--json]

Embeds the prose of ``benchmarks/out/real-N/docs.jsonl`` as the scan does
(:func:`detector.scan.semantic.document_embeddings`), finds every document's ``k``
nearest neighbours exactly (numpy), and classifies each neighbour pair as the scan
benchmark does (``scan_bench.judge``): planted (by kind: exact, edit, partial, spun, or
two copies of one original), natural meeting the containment rule, natural sharing a
30-word run, or wrong. For a grid of cosine floors and ratio margins (the channel's rule,
:mod:`detector.scan.semantic`) it prints how many pairs of each class pass, and the
share of right ones (planted or natural meeting the rule) among them: the candidates'
precision. The rule picked: the most planted **spun** pairs (the closest thing to a
rewrite the corpus has: the same text in other words) among the settings whose
candidate precision is at least ``--min-precision`` (0.75: every wrong candidate costs a
``compare`` call and may become a wrong pair; at 0.7 the pick is cosine 0.70, margin
1.15, with 423 more wrong candidates for 28 more spun pairs, which the other channels
find anyway). No test data is read.

Without the corpus or the ``semantic`` extra it prints one ``skipped:`` line and exits 0.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
COSINES = (0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)
MARGINS = (1.0, 1.05, 1.1, 1.15, 1.2, 1.25, 1.3)
RIGHT = ("planted", "natural_rule")


def _module(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", HERE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def study(folder: Path, k: int) -> dict[str, Any]:
    from detector.scan.semantic import document_embeddings
    from detector.text.normalize import prose_text

    scan_bench = _module("scan_bench")
    ann_bench = _module("ann_bench")
    docs = scan_bench.load_jsonl(folder / "docs.jsonl")
    truth = scan_bench.load_jsonl(folder / "truth.jsonl")
    ids = [d["id"] for d in docs]
    texts = {d["id"]: str(d.get("text") or "") for d in docs}
    x = np.concatenate(
        [
            document_embeddings([prose_text(texts[i]) for i in ids[s : s + 2000]])
            for s in range(0, len(ids), 2000)
        ]
    ).astype(np.float32)
    neighbours, cosine = ann_bench.exact_neighbours(x, k)
    background = cosine.mean(axis=1)
    pairs: dict[tuple[int, int], tuple[float, float]] = {}
    for i in range(len(x)):
        for j, c in zip(neighbours[i].tolist(), cosine[i].tolist(), strict=True):
            margin = c / ((background[i] + background[j]) / 2)
            pairs[(min(i, j), max(i, j))] = (c, margin)
    kinds = {scan_bench.pair_key(r["original"], r["copy"]): r["kind"] for r in truth}
    # Only pairs that could pass the loosest setting need their texts compared.
    loose = [
        (ids[a], ids[b]) for (a, b), (c, m) in pairs.items() if c >= COSINES[0] and m >= MARGINS[0]
    ]
    classes = scan_bench.judge(truth, loose, texts)
    rows = []
    for (a, b), (c, m) in pairs.items():
        key = scan_bench.pair_key(ids[a], ids[b])
        cls = classes.get(key, "below")
        rows.append((c, m, kinds.get(key, cls) if cls == "planted" else cls))
    cos = np.array([r[0] for r in rows])
    mar = np.array([r[1] for r in rows])
    cls_arr = np.array([r[2] for r in rows])
    grid = []
    for floor in COSINES:
        for margin in MARGINS:
            chosen = (cos >= floor) & (mar >= margin)
            counts = {c: int((chosen & (cls_arr == c)).sum()) for c in np.unique(cls_arr)}
            planted = sum(v for c, v in counts.items() if c not in _NATURAL)
            right = planted + counts.get("natural_rule", 0)
            total = int(chosen.sum())
            grid.append(
                {
                    "cosine": floor,
                    "margin": margin,
                    "candidates": total,
                    "spun": counts.get("spun", 0),
                    "edit": counts.get("edit", 0),
                    "partial": counts.get("partial", 0),
                    "planted": planted,
                    "natural_rule": counts.get("natural_rule", 0),
                    "natural_run": counts.get("natural_run", 0),
                    "wrong": counts.get("wrong", 0),
                    "precision": round(right / total, 4) if total else None,
                }
            )
    spun_total = sum(1 for r in truth if r["kind"] == "spun")
    return {"docs": len(ids), "k": k, "spun_pairs": spun_total, "grid": grid}


_NATURAL = ("natural_rule", "natural_known", "natural_run", "wrong", "below")


def pick(grid: list[dict[str, Any]], min_precision: float) -> dict[str, Any] | None:
    ok = [g for g in grid if g["precision"] is not None and g["precision"] >= min_precision]
    return max(ok, key=lambda g: (g["spun"], g["precision"]), default=None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--cache", type=Path, default=HERE / "out")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--min-precision", type=float, default=0.75)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    folder = args.cache / f"real-{args.docs}"
    from detector.scan.semantic import channel_available

    if not channel_available():
        print("skipped: the semantic extra is not installed (pip install 'detector[semantic]')")
        return 0
    if not (folder / "docs.jsonl").is_file():
        print(f"skipped: {folder}/docs.jsonl not found (benchmarks/make_real_corpus.py makes it)")
        return 0
    result = study(folder, args.k)
    result["picked"] = pick(result["grid"], args.min_precision)
    if args.json:
        print(json.dumps(result))
        return 0
    print(
        f"real-{result['docs']}: {result['k']} exact neighbours per document, "
        f"{result['spun_pairs']} planted spun pairs"
    )
    head = ("cosine", "margin", "cands", "spun", "edit", "partial", "planted", "nat_rule")
    head += ("nat_run", "wrong", "precision")
    print("".join(f"{h:>10}" for h in head))
    for g in result["grid"]:
        print(
            "".join(
                f"{g[h]:>10}"
                for h in ("cosine", "margin", "candidates", "spun", "edit", "partial", "planted")
            )
            + "".join(f"{g[h]:>10}" for h in ("natural_rule", "natural_run", "wrong"))
            + f"{g['precision'] if g['precision'] is not None else '-':>10}"
        )
    p = result["picked"]
    print(
        f"picked (most spun pairs at candidate precision >= {args.min_precision}): "
        + (f"cosine {p['cosine']}, margin {p['margin']}" if p else "none")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
