"""The passage channel: sampled anchors, pairs sharing them, shared runs, end to end."""

from __future__ import annotations

import json
import random
from collections import Counter
from itertools import combinations
from pathlib import Path

import numpy as np

from detector.parallel import LocalEngine
from detector.scan.anchors import anchor_pairs, longest_shared_run, passage_anchors
from detector.scan.minhash import gram_hashes, light_tokens, token_hashes
from detector.scan.pipeline import ScanOptions, scan

REPO = Path(__file__).resolve().parent.parent


def test_anchors_are_the_grams_zero_modulo_mod() -> None:
    texts = [
        "The council voted on Tuesday to close the bridge " * 3,
        "Naïve café owners said so " * 4,
    ]
    owner, anchors = passage_anchors(texts, k=5, mod=4)
    for i, text in enumerate(texts):
        grams = gram_hashes(token_hashes(light_tokens(text)), 5)
        expected = sorted(int(g) for g in set(grams.tolist()) if g % 4 == 0)
        assert sorted(anchors[owner == i].tolist()) == expected


def test_anchor_pairs_match_plain_counting() -> None:
    rng = random.Random(3)
    owner, anchors = [], []
    for doc in range(40):
        for value in sorted(set(rng.choices(range(60), k=12))):
            owner.append(doc)
            anchors.append(value)
    owner_a, anchors_a = np.array(owner), np.array(anchors, dtype=np.uint32)
    holders: dict[int, list[int]] = {}
    for d, v in zip(owner, anchors, strict=True):
        holders.setdefault(v, []).append(d)
    shared: Counter[tuple[int, int]] = Counter()
    for docs in holders.values():
        if len(docs) <= 9:
            shared.update(combinations(sorted(docs), 2))
    expected = sorted(p for p, n in shared.items() if n >= 3)
    got = anchor_pairs(owner_a, anchors_a, min_shared=3, max_df=9)
    assert [tuple(p) for p in got.tolist()] == expected


def test_longest_shared_run_matches_brute_force() -> None:
    rng = random.Random(4)
    for _ in range(30):
        a = rng.choices("abcdef", k=rng.randrange(5, 40))
        b = rng.choices("abcdef", k=rng.randrange(5, 40))
        grams_b = {tuple(b[i : i + 3]) for i in range(len(b) - 2)}
        grams_a = {tuple(a[i : i + 3]) for i in range(len(a) - 2)}
        best = 0
        for x, other in ((a, grams_b), (b, grams_a)):
            run = 0
            for i in range(len(x) - 2):
                run = run + 1 if tuple(x[i : i + 3]) in other else 0
                best = max(best, run + 2 if run else best)
        assert longest_shared_run(token_hashes(a), token_hashes(b), k=3) == best


def test_paragraphs_lifted_into_a_longer_article_are_found(tmp_path: Path) -> None:
    articles = [
        json.loads(line)
        for line in (REPO / "corpus" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    originals = [a for a in articles if a["kind"] == "original"]
    source, host = originals[0], originals[7]
    lifted = "\n\n".join(source["text"].split("\n\n")[2:4])
    paragraphs = host["text"].split("\n\n")
    copy = "\n\n".join([*paragraphs[:3], lifted, *paragraphs[3:]])
    records = [
        {"id": a["id"], "text": a["text"]} for a in originals[:20] if a["id"] != host["id"]
    ] + [{"id": "copy", "text": copy}]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    found = {}
    for channel in (True, False):
        out = tmp_path / f"out-{channel}"
        scan([path], out, options=ScanOptions(passage_channel=channel), engine=LocalEngine(1))
        pairs = [json.loads(x) for x in (out / "pairs.jsonl").read_text().splitlines()]
        found[channel] = {(p["a"], p["b"]): p for p in pairs}
    key = tuple(sorted((source["id"], "copy")))
    assert key in found[True] and found[True][key]["extent"] == "partial"
    assert key not in found[False]  # whole-text MinHash does not see it
