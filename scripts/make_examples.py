#!/usr/bin/env python3
"""Build the README's example files in ``examples/`` from the project's own corpus.

* ``wire.jsonl``: a wire feed to archive with ``detector index add``: the Reuters
  story of ``corpus/seeds/`` and the original wire stories of the corpus's test split,
  with their fields named as many feeds name them (``headline``, ``published``), which
  the readers find without ``--title-field`` or ``--date-field``;
* ``short.txt``: the opening paragraph of one of those stories, for ``detector spin``;
* ``pairs.jsonl``: three pairs for ``detector pairs``: the seed pair (a spun copy), an
  original and the independent article on the same event (related), and a line
  without ``b`` (an error record).

Everything is taken from ``corpus/articles.jsonl`` (``make corpus``), so rerunning
gives the same bytes (``tests/test_docs.py`` checks it).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent

#: The id and headline the feed gives the Reuters story (the corpus has neither).
SEED_ID = "reuters-2021-02-08-twitter"
SEED_HEADLINE = "Twitter seeks talks with India's technology minister"


def _articles(corpus: Path) -> dict[str, dict[str, Any]]:
    with (corpus / "articles.jsonl").open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return {row["id"]: row for row in rows}


def _line(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False) + "\n"


def build(corpus: Path) -> dict[str, str]:
    """The example files' names and contents."""
    articles = _articles(corpus)
    seed = articles["seed-000"]
    originals = [
        a
        for a in articles.values()
        if a["kind"] == "original" and a["made_by"] == "written" and a["split"] == "test"
    ]
    feed = [
        {
            "id": SEED_ID,
            "headline": SEED_HEADLINE,
            "published": seed["published"],
            "source": seed["source"],
            "text": seed["text"],
        }
    ]
    for a in originals:
        headline, _, _ = a["text"].partition("\n")
        feed.append(
            {
                "id": a["id"],
                "headline": headline.strip(),
                "published": a["published"],
                "source": a["source"],
                "text": a["text"],
            }
        )
    first = originals[0]
    paragraphs = [p.strip() for p in first["text"].split("\n\n") if p.strip()]
    related = articles[f"{first['id']}-rel"]
    pairs = [
        {"id": "p1", "a": seed["text"], "b": articles["seed-001"]["text"]},
        {"id": "p2", "a": first["text"], "b": related["text"]},
        {"id": "p3", "a": paragraphs[1]},
    ]
    return {
        "wire.jsonl": "".join(_line(row) for row in feed),
        "short.txt": paragraphs[1] + "\n",
        "pairs.jsonl": "".join(_line(pair) for pair in pairs),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO / "corpus")
    parser.add_argument("--out", type=Path, default=REPO / "examples")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, content in build(args.corpus).items():
        (args.out / name).write_text(content, encoding="utf-8", newline="\n")
    print(f"{', '.join(build(args.corpus))} -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
