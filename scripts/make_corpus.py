#!/usr/bin/env python3
"""Build the labelled corpus: ``corpus/articles.jsonl`` and ``corpus/pairs.jsonl``.

Inputs (committed):

* ``corpus/written/*.jsonl``: originals, human rewrites and independent related
  articles written for the project (see ``corpus/README.md``);
* ``corpus/seeds/``: the Reuters story and its spun content-farm copy;
* ``corpus/thesaurus/moby.tsv.gz``: the second spinner's thesaurus (Moby, not WordNet).

Generated here, deterministically from ``--seed``:

* ``duplicate``: the original with other page furniture (site header, byline,
  "Related:" links, footer);
* ``near_duplicate``: syndicated copy with the regional headline, a local intro,
  trimmed paragraphs and house-style changes;
* ``spun``: ``detector spin`` at strengths 0.3, 0.5 and 0.7 with the WordNet
  thesaurus, and the same with the Moby thesaurus; the 0.5 copies are edited like
  syndicated copy first, as content farms do;
* ``unrelated``: each original against an original from another desk in the same split;
* ``related``: each original against its related article, and the rewrite against it too.

Splits are by original, five train, two dev, three test per desk; every pair made
from an original stays in its split. The seed pair is in ``test``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from detector.lab.spinner import MobyThesaurus, WordNetThesaurus, spin  # noqa: E402

SPLIT_PLAN = ("train",) * 5 + ("dev",) * 2 + ("test",) * 3
STRENGTHS = (0.3, 0.5, 0.7)

SITES = (
    ("The Lakeside Ledger", "lakesideledger.example"),
    ("Metro Daily Online", "metrodaily.example"),
    ("Northern Times", "northerntimes.example"),
    ("Citywire Today", "citywiretoday.example"),
    ("The Morning Register", "morningregister.example"),
    ("Riverbend Post", "riverbendpost.example"),
)

REGIONAL_PAPERS = (
    "The Valley Courier",
    "Northgate Daily",
    "Coastline Herald",
    "The Evening Ledger",
    "Midland Gazette",
    "Harborview Times",
)
CONTENT_FARMS = (
    "NewsBuzzHub",
    "DailyTrendWire",
    "InfoStreamNow",
    "TopStoryDigest",
    "ViralNewsToday",
)

# House-style pairs a syndicating paper may apply (US <-> UK spellings and the like).
HOUSE_STYLE = (
    ("percent", "per cent"),
    ("organization", "organisation"),
    ("program", "programme"),
    ("center", "centre"),
    ("labor", "labour"),
    ("defense", "defence"),
    ("favor", "favour"),
    ("neighbor", "neighbour"),
    ("analyze", "analyse"),
    ("toward", "towards"),
    ("license", "licence"),
    ("traveled", "travelled"),
)


def _paragraphs(body: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]


def _is_credit(paragraph: str) -> bool:
    return bool(
        re.match(r"(?:additional\s+)?(?:reporting|writing|editing)\s+by\b", paragraph, re.I)
    )


def article_text(headline: str, body: str) -> str:
    return f"{headline}\n\n{body.strip()}\n"


def make_duplicate(orig: dict[str, Any], rng: random.Random, site: str, domain: str) -> str:
    section = orig["desk"].title()
    header = f"{site} | Home | News | {section}"
    byline = rng.choice(["By Staff and Wire Reports", f"From {orig['source']}", "By Wire Staff"])
    related = "Related: " + rng.choice(
        ["More news from the region", "Latest headlines", "Top stories this week"]
    )
    footer = f"© {orig['published'][:4]} {site}. All rights reserved."
    share = "Share this article"
    return (
        f"{header}\n\n{orig['headline']}\n\n{byline}\n\n{orig['body'].strip()}\n\n"
        f"{related}\n\n{share}\n\n{footer}\nhttps://{domain}/{orig['id']}\n"
    )


def house_style(text: str, rng: random.Random) -> str:
    pairs = list(HOUSE_STYLE)
    rng.shuffle(pairs)
    for us, uk in pairs[:6]:
        src, dst = (us, uk) if rng.random() < 0.7 else (uk, us)
        text = re.sub(rf"\b{src}\b", dst, text)
        text = re.sub(rf"\b{src.capitalize()}\b", dst.capitalize(), text)
    return text


def syndicated_body(orig: dict[str, Any], rng: random.Random) -> str:
    """Regional copy: local intro, trimmed paragraphs, house style."""
    paras = _paragraphs(orig["body"])
    credit = [p for p in paras if _is_credit(p)]
    paras = [p for p in paras if not _is_credit(p)]
    cut_end = rng.choice((1, 1, 2))
    keep = paras[: max(3, len(paras) - cut_end)]
    if len(keep) > 5 and rng.random() < 0.5:
        del keep[rng.randrange(2, len(keep) - 1)]
    body = "\n\n".join([orig["local_intro"].strip(), *keep, *credit[:0]])
    return house_style(body, rng)


def make_near_duplicate(orig: dict[str, Any], rng: random.Random) -> str:
    return article_text(orig["alt_headline"], syndicated_body(orig, rng))


def build(seed: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    written: list[dict[str, Any]] = []
    for path in sorted((REPO / "corpus" / "written").glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            written.extend(json.loads(line) for line in fh if line.strip())
    by_id = {a["id"]: a for a in written}
    originals = [a for a in written if a["kind"] == "original"]
    rng = random.Random(seed)

    # Split by original, stratified by desk.
    split_of: dict[str, str] = {}
    for desk in sorted({o["desk"] for o in originals}):
        ids = sorted(o["id"] for o in originals if o["desk"] == desk)
        rng.shuffle(ids)
        for i, oid in enumerate(ids):
            split_of[oid] = SPLIT_PLAN[i % len(SPLIT_PLAN)]

    wordnet = WordNetThesaurus()
    moby = MobyThesaurus.from_path(REPO / "corpus" / "thesaurus" / "moby.tsv.gz")
    articles: list[dict[str, Any]] = []
    pairs: list[dict[str, Any]] = []

    def later(date: str, days: int) -> str:
        return (dt.date.fromisoformat(date) + dt.timedelta(days=days)).isoformat()

    def add_article(
        aid: str,
        kind: str,
        of: str | None,
        base: dict[str, Any],
        text: str,
        made_by: str,
        *,
        source: str | None = None,
        published: str | None = None,
    ) -> None:
        articles.append(
            {
                "id": aid,
                "kind": kind,
                "of": of,
                "desk": base["desk"],
                "source": source or base.get("source"),
                "published": published or base.get("published"),
                "split": split_of[of or aid],
                "made_by": made_by,
                "text": text,
            }
        )

    def add_pair(
        a: str, b: str, label: str, made_by: str, original: str | None, split: str
    ) -> None:
        pairs.append(
            {
                "a": a,
                "b": b,
                "label": label,
                "made_by": made_by,
                "original": original,
                "split": split,
            }
        )

    for orig in originals:
        oid = orig["id"]
        split = split_of[oid]
        prng = random.Random(f"{seed}:{oid}")
        add_article(
            oid, "original", None, orig, article_text(orig["headline"], orig["body"]), "written"
        )
        for kind in ("rewrite", "related"):
            w = by_id[f"{oid}-{'rw' if kind == 'rewrite' else 'rel'}"]
            add_article(w["id"], kind, oid, w, article_text(w["headline"], w["body"]), "written")
        add_pair(oid, f"{oid}-rw", "rewrite", "human rewrite", "a", split)
        add_pair(oid, f"{oid}-rel", "related", "independent coverage", None, split)
        add_pair(
            f"{oid}-rw", f"{oid}-rel", "related", "rewrite vs independent coverage", None, split
        )

        site, domain = prng.choice(SITES)
        dup_text = make_duplicate(orig, prng, site, domain)
        add_article(f"{oid}-dup", "duplicate", oid, orig, dup_text, "page furniture", source=site)
        add_pair(oid, f"{oid}-dup", "duplicate", "page furniture", "a", split)
        add_article(
            f"{oid}-near",
            "near_duplicate",
            oid,
            orig,
            make_near_duplicate(orig, prng),
            "syndicated edit",
            source=prng.choice(REGIONAL_PAPERS),
            published=later(orig["published"], prng.randrange(2)),
        )
        add_pair(oid, f"{oid}-near", "near_duplicate", "syndicated edit", "a", split)

        for name, thesaurus in (("wordnet", wordnet), ("moby", moby)):
            for strength in STRENGTHS:
                tag = f"{name}-{int(strength * 10)}"
                spin_seed = prng.randrange(2**31)
                if strength == 0.5:
                    headline = orig["alt_headline"]
                    body = syndicated_body(orig, random.Random(spin_seed))
                    made_by = f"spinner:{name} strength {strength} after syndicated edit"
                else:
                    headline, body = orig["headline"], orig["body"]
                    made_by = f"spinner:{name} strength {strength}"
                spun = spin(
                    article_text(headline, body),
                    strength=strength,
                    seed=spin_seed,
                    thesaurus=thesaurus,
                )
                aid = f"{oid}-spun-{tag}"
                add_article(
                    aid,
                    "spun",
                    oid,
                    orig,
                    spun.text,
                    made_by,
                    source=prng.choice(CONTENT_FARMS),
                    published=later(orig["published"], 1 + prng.randrange(3)),
                )
                add_pair(oid, aid, "spun", made_by, "a", split)

    # Unrelated: each original against an original of another desk in the same split.
    for orig in originals:
        split = split_of[orig["id"]]
        pool = sorted(
            o["id"] for o in originals if split_of[o["id"]] == split and o["desk"] != orig["desk"]
        )
        partner = random.Random(f"{seed}:unrelated:{orig['id']}").choice(pool)
        add_pair(orig["id"], partner, "unrelated", "different story", None, split)

    # The seed pair: a Reuters story and a content farm's spun copy of it.
    seeds = json.loads((REPO / "corpus" / "seeds" / "seeds.json").read_text(encoding="utf-8"))
    for s in seeds:
        text = (REPO / "corpus" / "seeds" / s["file"]).read_text(encoding="utf-8")
        articles.append(
            {
                "id": s["id"],
                "kind": s["role"],
                "of": s.get("of"),
                "desk": "world",
                "source": s["source"],
                "published": s["date"],
                "split": "test",
                "made_by": "seed",
                "text": text,
            }
        )
    add_pair("seed-000", "seed-001", "spun", "seed: content-farm spinner", "a", "test")
    return articles, pairs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=REPO / "corpus")
    args = parser.parse_args(argv)
    articles, pairs = build(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "articles.jsonl").open("w", encoding="utf-8") as fh:
        for a in articles:
            fh.write(json.dumps(a, ensure_ascii=False, sort_keys=True) + "\n")
    with (args.out / "pairs.jsonl").open("w", encoding="utf-8") as fh:
        for p in pairs:
            fh.write(json.dumps(p, ensure_ascii=False, sort_keys=True) + "\n")
    counts: dict[str, int] = {}
    for p in pairs:
        counts[f"{p['split']}/{p['label']}"] = counts.get(f"{p['split']}/{p['label']}", 0) + 1
    print(f"{len(articles)} articles, {len(pairs)} pairs -> {args.out}")
    for key in sorted(counts):
        print(f"  {key}: {counts[key]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
