"""The scan's cheap checks agree with ``compare`` on real wire stories (dev data).

Pairs made from Reuters-21578 stories: each story with a spun copy (both of the
project's spinners), with a lightly edited copy carrying a site's copyright line, and
with the next story of the feed (often the same template about another company). Every
pair the cheap checks of :mod:`detector.scan.triage` settle, read from the prose as the
scan reads it, is compared with ``compare``: a pair settled as a copy or a spin gets
the same family of verdict from ``compare`` (all but 2 % at most; 2 of 187 measured).
Whether a copy with one to three words in a hundred changed is a duplicate or a
near-duplicate is the verdict model's call, which the cheap checks do not reproduce;
the share of the very same verdict is only held above 0.7 (148 of 187 measured).
Skipped without the dev data (../shared/devdata, or $DETECTOR_DEVDATA).
"""

from __future__ import annotations

import gzip
import json
import random

import pytest

from detector.compare.pipeline import compare
from detector.lab.devdata import devdata_path
from detector.scan.triage import Words, settle
from detector.text.normalize import prose_text

FAMILY = {"duplicate": "copy", "near_duplicate": "copy", "spun": "spun", "rewrite": "rewrite"}


def _stories(count: int) -> list[str]:
    path = devdata_path() / "reuters21578.jsonl.gz"
    if not path.exists():
        pytest.skip(f"no dev data at {path}")
    stories = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if len(record["text"].split()) >= 60:
                stories.append(record["title"] + "\n\n" + record["text"])
            if len(stories) >= count:
                break
    return stories


def _pairs(stories: list[str]) -> list[tuple[str, str, str]]:
    from detector.lab.spinner import WordNetThesaurus, default_thesaurus, spin

    rng = random.Random(5)
    thesauri = [WordNetThesaurus(), default_thesaurus()]
    pairs = []
    for n, story in enumerate(stories):
        strength = 0.3 + 0.4 * rng.random()
        spun = spin(story, strength=strength, seed=n, thesaurus=thesauri[n % 2]).text
        pairs.append(("spun", story, spun))
        paragraphs = story.split("\n\n")
        kept = paragraphs[:-1] if len(paragraphs) > 3 else paragraphs
        words = "\n\n".join(kept).split(" ")
        for _ in range(max(1, len(words) // 40)):
            words[rng.randrange(len(words))] = rng.choice(["new", "the", "its", "and"])
        edited = " ".join(words) + "\n\nCopyright 2026 Example News. All rights reserved."
        pairs.append(("edit", story, edited))
        if n + 1 < len(stories):
            pairs.append(("next story", story, stories[n + 1]))
    return pairs


def _words(text: str) -> Words:
    return Words.batch([prose_text(text)])[0]


def test_settled_pairs_get_the_same_family_of_verdict_from_compare() -> None:
    pairs = _pairs(_stories(100))
    settled = same_kind = 0
    disagreements = []
    for made, a, b in pairs:
        found = settle(_words(a), _words(b))
        if found is None:
            continue
        settled += 1
        verdict = compare(a, b).verdict
        same_kind += verdict == found.verdict
        if FAMILY.get(verdict) != FAMILY[found.verdict]:
            disagreements.append((made, found.verdict, verdict, a[:60]))
    assert settled >= len(pairs) // 2  # the checks settle most planted copies
    # Measured: 2 of 187 differ, at the edges of what each reads (a spun results table
    # compare calls related; a light spin against a light edit).
    assert len(disagreements) <= 0.02 * settled, "\n".join(map(repr, disagreements))
    # Measured: 148 of 187 settled pairs get the very same verdict (the rest: duplicate
    # against near-duplicate, the verdict model's call at 1-3 % of words changed).
    assert same_kind / settled >= 0.7
