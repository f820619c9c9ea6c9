#!/usr/bin/env python3
"""Evaluate ``compare`` on real third-party development data: PAN 2013 and MSRP.

Reads the team's development data (``../shared/devdata`` beside the project, see its
README) from a path; never copies it. Samples pairs per label with a seed, compares
them in parallel, and prints the detector's figures next to plain baselines measured
on the same pairs in the same run:

* PAN 2013 text alignment, training corpus: ``compare(source, suspicious)``; F1 of
  the verdict as derived-or-not (derived = any label but ``no_plagiarism``), ROC AUC
  of ``score``, recall per obfuscation, false-derived rate on ``no_plagiarism``, and
  plagdet of the passages (Potthast et al. 2010, :mod:`detector.lab.plagdet`).
  Baselines: word 5-gram Jaccard and word TF-IDF cosine (fit on the sampled
  documents), each with its AUC and its F1 at the best threshold on these same pairs
  (an oracle threshold: an upper bound for the baseline, not a fair fixed rule).
* MSRP train: ROC AUC of ``score`` (and of ``similarity`` when the Comparison has
  one) against word TF-IDF cosine, word 5-gram and unigram Jaccard.

Every baseline tokenises alike: ``re.findall(r"\\w+", text.lower())``.

Usage: python benchmarks/real_eval.py [--data DIR] [--pan-per-label 100]
       [--msrp-per-label 500] [--seed 0] [--jobs 0] [--json] [--out rows.jsonl]

Without the data it prints "skipped: dev data not found at PATH" on stderr and exits 0.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score

from detector import compare
from detector.lab.devdata import (
    MSRP_FILE,
    PAN_DOCUMENTS_FILE,
    PAN_PAIRS_FILE,
    DevPair,
    devdata_path,
    load_msrp,
    load_pan,
)
from detector.lab.plagdet import Span, plagdet

NO_PLAGIARISM = "no_plagiarism"
PARAPHRASE = "paraphrase"


# ----------------------------------------------------------------------------- data


# ----------------------------------------------------------------------------- baselines


def tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def shingles(words: Sequence[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def jaccard(a: set, b: set) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def tfidf_cosines(pairs: Sequence[tuple[str, str]], corpus: Sequence[str]) -> list[float]:
    """Word TF-IDF cosine of each pair, the vectoriser fit on ``corpus``."""
    vectorizer = TfidfVectorizer(tokenizer=tokens, lowercase=False, token_pattern=None)
    vectorizer.fit(corpus)
    a = vectorizer.transform([x for x, _ in pairs])
    b = vectorizer.transform([y for _, y in pairs])
    return [float(v) for v in np.asarray(a.multiply(b).sum(axis=1)).ravel()]


def baselines(pairs: Sequence[tuple[str, str]], corpus: Sequence[str]) -> dict[str, list[float]]:
    word5, word1 = [], []
    for a, b in pairs:
        ta, tb = tokens(a), tokens(b)
        word5.append(jaccard(shingles(ta, 5), shingles(tb, 5)))
        word1.append(jaccard(set(ta), set(tb)))
    return {
        "word_tfidf_cosine": tfidf_cosines(pairs, corpus),
        "word5_jaccard": word5,
        "word1_jaccard": word1,
    }


# ----------------------------------------------------------------------------- comparing

_PAIRS: Sequence[tuple[str, str]] = ()  # set before the pool forks, so texts are not pickled


def _warm_up() -> None:
    # The first call loads the verdict model and the lexicon: keep it out of the timings.
    compare("The council met on Monday.", "The council met on Tuesday.")


def _compare_one(i: int) -> dict[str, Any]:
    a, b = _PAIRS[i]
    start = time.perf_counter()
    c = compare(a, b)
    seconds = time.perf_counter() - start
    return {
        "verdict": c.verdict,
        "score": c.score,
        "derived": c.derived,
        "similarity": c.similarity if hasattr(c, "similarity") else None,
        "measures": {k: round(v, 4) for k, v in c.measures.items()},
        "passages": [[p.a_start, p.a_end, p.b_start, p.b_end, p.similarity] for p in c.passages],
        "seconds": seconds,
        "semantic": c.semantic.to_dict() if c.semantic is not None else None,
        # What the lexical stages alone said: the semantic stage only ever adds a verdict.
        "lexical_derived": c.derived and not (c.semantic is not None and c.semantic.decided),
    }


def compare_all(pairs: Sequence[tuple[str, str]], jobs: int, chunksize: int) -> list[dict]:
    """``compare`` every pair, ``jobs`` processes at once; results in input order."""
    global _PAIRS
    _PAIRS = pairs
    try:
        if jobs == 1:
            _warm_up()
            return [_compare_one(i) for i in range(len(pairs))]
        with multiprocessing.get_context("fork").Pool(jobs, initializer=_warm_up) as pool:
            return list(pool.imap(_compare_one, range(len(pairs)), chunksize=chunksize))
    finally:
        _PAIRS = ()


# ----------------------------------------------------------------------------- figures


def semantic_figures(
    results: Sequence[dict], y: Sequence[bool], labels: Sequence[str], obfuscations: Sequence[str]
) -> dict[str, Any] | None:
    """The lexical stages alone beside the detector with the semantic stage, same pairs.

    ``None`` when the ``semantic`` extra is not installed (every result lacks it).
    """
    if not any(r["semantic"] for r in results):
        return None
    lexical = [r["lexical_derived"] for r in results]

    def rate(label: str) -> float:
        return statistics.fmean(d for d, lab in zip(lexical, labels, strict=True) if lab == label)

    return {
        "lexical_only": {
            "f1": float(f1_score(y, lexical, zero_division=0.0)),
            "precision": float(precision_score(y, lexical, zero_division=0.0)),
            "recall": float(recall_score(y, lexical, zero_division=0.0)),
            "recall_by_label": {lab: rate(lab) for lab in obfuscations},
            "false_derived_rate": rate(NO_PLAGIARISM) if NO_PLAGIARISM in labels else None,
        },
        "decided_by_meaning": sum(bool(r["semantic"]["decided"]) for r in results),
        "auc": {
            name: auc(y, [r["semantic"][name] for r in results])
            for name in ("document_similarity", "sentence_similarity")
        },
    }


def auc(y: Sequence[bool], scores: Sequence[float]) -> float | None:
    return float(roc_auc_score(y, scores)) if len(set(y)) == 2 else None


def oracle_f1(y: Sequence[bool], scores: Sequence[float]) -> dict[str, float | None]:
    """The best F1 of ``score >= t`` over every threshold t: chosen on the test pairs."""
    best: dict[str, float | None] = {"f1": 0.0, "threshold": None}
    s = np.asarray(scores)
    for t in np.unique(s):
        f1 = float(f1_score(y, s >= t, zero_division=0.0))
        if f1 > best["f1"]:  # type: ignore[operator]
            best = {"f1": f1, "threshold": float(t)}
    return best


def seconds_summary(rows: Sequence[dict]) -> dict[str, float]:
    s = sorted(r["seconds"] for r in rows)
    if not s:
        return {}
    return {
        "mean": statistics.fmean(s),
        "median": statistics.median(s),
        "p95": s[min(len(s) - 1, int(0.95 * len(s)))],
        "max": s[-1],
        "total": sum(s),
    }


def spans(passages: Iterable[Sequence[float]]) -> list[Span]:
    """Passages ``[a_start, a_end, b_start, b_end, similarity]`` as plagdet detections."""
    return [
        ((int(a0), int(a1)), (int(b0), int(b1)))
        for a0, a1, b0, b1, *_ in passages
        if a0 < a1 and b0 < b1
    ]


def pan_cases(pair: DevPair) -> list[Span]:
    return [c for c in pair.cases if c[0][0] < c[0][1] and c[1][0] < c[1][1]]


def evaluate_pan(
    data: Path, per_label: int, seed: int, jobs: int, part: str
) -> tuple[dict, list[dict]]:
    start = time.perf_counter()
    pairs = load_pan(data, part=part, per_label=per_label, seed=seed)  # type: ignore[arg-type]
    texts = [(p.a, p.b) for p in pairs]
    docs = {t for pair in texts for t in pair}
    loaded = time.perf_counter()
    results = compare_all(texts, jobs, chunksize=1)
    compared = time.perf_counter()
    base = baselines(texts, sorted(docs))
    labels = [p.label for p in pairs]
    y = [label != NO_PLAGIARISM for label in labels]
    pred = [r["derived"] for r in results]
    score = [r["score"] for r in results]
    order = sorted(set(labels), key=lambda x: (x != NO_PLAGIARISM, x))

    cases = [pan_cases(p) for p in pairs]
    detections = [spans(r["passages"]) for r in results]
    rows = []
    for i, (p, (a, b), r, c) in enumerate(zip(pairs, texts, results, cases, strict=True)):
        rows.append(
            {
                "dataset": "pan13",
                "id": p.id,
                "label": p.label,
                **{k: r[k] for k in ("verdict", "score", "derived", "similarity", "seconds")},
                "baselines": {k: round(v[i], 4) for k, v in base.items()},
                "plagdet": plagdet([c], [detections[i]]).to_dict(),
                "source_chars": len(a),
                "suspicious_chars": len(b),
                "cases": [[s0, s1, t0, t1] for (s0, s1), (t0, t1) in c],
                "passages": r["passages"],
                "measures": r["measures"],
            }
        )

    def rate(label: str) -> float:
        return statistics.fmean(d for d, lab in zip(pred, labels, strict=True) if lab == label)

    def by_label_auc(values: Sequence[float]) -> dict[str, float | None]:
        out = {}
        for label in order[1:]:
            keep = [i for i, lab in enumerate(labels) if lab in (label, NO_PLAGIARISM)]
            out[label] = auc([y[i] for i in keep], [values[i] for i in keep])
        return out

    obfuscations = [lab for lab in order if lab != NO_PLAGIARISM]
    semantic = semantic_figures(results, y, labels, obfuscations)
    plag_by_label = {}
    for label in obfuscations:
        keep = [i for i, lab in enumerate(labels) if lab == label]
        plag_by_label[label] = plagdet(
            [cases[i] for i in keep], [detections[i] for i in keep]
        ).to_dict()
    slowest = max(range(len(rows)), key=lambda i: rows[i]["seconds"], default=None)
    report = {
        "pairs": len(pairs),
        "per_label": {lab: labels.count(lab) for lab in order},
        "documents": len(docs),
        "wall_seconds": {"load": loaded - start, "compare": compared - loaded},
        "seconds_per_pair": seconds_summary(rows),
        "slowest_pair": None
        if slowest is None
        else {k: rows[slowest][k] for k in ("id", "seconds", "source_chars", "suspicious_chars")},
        "detector": {
            "f1": float(f1_score(y, pred, zero_division=0.0)),
            "precision": float(precision_score(y, pred, zero_division=0.0)),
            "recall": float(recall_score(y, pred, zero_division=0.0)),
            "auc": auc(y, score),
            "oracle_f1": oracle_f1(y, score),
            "always_derived_f1": float(f1_score(y, [True] * len(y), zero_division=0.0)),
            "auc_by_label": by_label_auc(score),
            "recall_by_label": {lab: rate(lab) for lab in obfuscations},
            "false_derived_rate": rate(NO_PLAGIARISM) if NO_PLAGIARISM in order else None,
            "confusion": {
                lab: dict(Counter(r["verdict"] for r in rows if r["label"] == lab)) for lab in order
            },
        },
        "plagdet": {
            **plagdet(cases, detections).to_dict(),
            "by_label": plag_by_label,
            "passages_on_no_plagiarism": sum(
                len(d) for d, lab in zip(detections, labels, strict=True) if lab == NO_PLAGIARISM
            ),
        },
        "baselines": {
            name: {"auc": auc(y, base[name]), "oracle_f1": oracle_f1(y, base[name])}
            | {"auc_by_label": by_label_auc(base[name])}
            for name in ("word5_jaccard", "word_tfidf_cosine")
        },
        "semantic": semantic,
    }
    return report, rows


def evaluate_msrp(
    data: Path, per_label: int, seed: int, jobs: int, part: str
) -> tuple[dict, list[dict]]:
    start = time.perf_counter()
    pairs = load_msrp(data, part=part, per_label=per_label, seed=seed)  # type: ignore[arg-type]
    texts = [(p.a, p.b) for p in pairs]
    results = compare_all(texts, jobs, chunksize=16)
    compared = time.perf_counter()
    base = baselines(texts, [s for pair in texts for s in pair])
    labels = [p.label for p in pairs]
    y = [label == PARAPHRASE for label in labels]
    rows = [
        {
            "dataset": "msrp",
            "id": p.id,
            "label": p.label,
            **{k: r[k] for k in ("verdict", "score", "derived", "similarity", "seconds")},
            "baselines": {k: round(v[i], 4) for k, v in base.items()},
            "passages": r["passages"],
            "measures": r["measures"],
        }
        for i, (p, r) in enumerate(zip(pairs, results, strict=True))
    ]
    has_similarity = any(r["similarity"] is not None for r in results)
    aucs: dict[str, float | None] = {"score": auc(y, [r["score"] for r in results])}
    aucs["similarity"] = auc(y, [r["similarity"] for r in results]) if has_similarity else None
    if all(r["semantic"] for r in results):
        for name in ("document_similarity", "sentence_similarity"):
            aucs[f"semantic_{name}"] = auc(y, [r["semantic"][name] for r in results])
    aucs |= {name: auc(y, values) for name, values in base.items()}
    report = {
        "pairs": len(pairs),
        "per_label": dict(sorted(Counter(labels).items())),
        "has_similarity": has_similarity,
        "wall_seconds": {"compare": compared - start},
        "seconds_per_pair": seconds_summary(rows),
        "auc": aucs,
        "derived_rate_by_label": {
            lab: statistics.fmean(r["derived"] for r in rows if r["label"] == lab)
            for lab in sorted(set(labels))
        },
        "confusion": {
            lab: dict(Counter(r["verdict"] for r in rows if r["label"] == lab))
            for lab in sorted(set(labels))
        },
    }
    return report, rows


# ----------------------------------------------------------------------------- output


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def _f(x: float | None, digits: int = 3) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"


def _g(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.4g}"


def render(result: dict) -> str:
    out = [
        "Real-data evaluation of detector.compare (development data, not a test set)",
        f"data: {result['data']}",
        f"part {result['part']} · seed {result['seed']} · jobs {result['jobs']} · elapsed {result['elapsed_seconds']:.1f} s",
        f"load at start: {result['uptime_start']}",
        f"load at end:   {result['uptime_end']}",
    ]
    pan = result.get("pan")
    if pan:
        det, sec = pan["detector"], pan["seconds_per_pair"]
        out += [
            "",
            f"PAN13 text alignment (train): {pan['pairs']} pairs, {pan['documents']} documents; "
            + ", ".join(f"{k} {v}" for k, v in pan["per_label"].items()),
            f"  compare per pair: mean {sec['mean']:.3f} s, median {sec['median']:.3f} s, "
            f"p95 {sec['p95']:.3f} s, max {sec['max']:.3f} s "
            f"({pan['slowest_pair']['source_chars']:,} + "
            f"{pan['slowest_pair']['suspicious_chars']:,} chars); "
            f"wall {pan['wall_seconds']['compare']:.1f} s",
            "  derived = label is not no_plagiarism; predicted derived = comparison.derived",
            f"  detector verdict: F1 {_f(det['f1'])} (precision {_f(det['precision'])}, "
            f"recall {_f(det['recall'])}); false-derived rate on no_plagiarism "
            f"{_f(det['false_derived_rate'])}",
            f"  detector score:   AUC {_f(det['auc'])}; F1 at the oracle threshold "
            f"{_f(det['oracle_f1']['f1'])} (score >= {_g(det['oracle_f1']['threshold'])}); "
            f"saying derived for every pair gives F1 {_f(det['always_derived_f1'])}",
        ]
        for name, b in pan["baselines"].items():
            out.append(
                f"  baseline {name}: AUC {_f(b['auc'])}; F1 at the oracle threshold "
                f"{_f(b['oracle_f1']['f1'])} (>= {_g(b['oracle_f1']['threshold'])})"
            )
        names = ["detector score", *pan["baselines"]]
        out.append("  per label: recall of derived | AUC vs no_plagiarism: " + " | ".join(names))
        for label, recall in det["recall_by_label"].items():
            aucs = [det["auc_by_label"][label]] + [
                b["auc_by_label"][label] for b in pan["baselines"].values()
            ]
            out.append(
                f"    {label:<24} recall {_f(recall)} | AUC " + " | ".join(_f(a) for a in aucs)
            )
        p = pan["plagdet"]
        out.append(
            f"  plagdet of the passages (all pairs): {_f(p['plagdet'])} (precision "
            f"{_f(p['precision'])}, recall {_f(p['recall'])}, granularity "
            f"{_f(p['granularity'])}; {p['cases']} cases, {p['detections']} passages, "
            f"{p['passages_on_no_plagiarism']} of them on no_plagiarism pairs)"
        )
        for label, q in p["by_label"].items():
            out.append(
                f"    {label:<24} plagdet {_f(q['plagdet'])} (P {_f(q['precision'])}, "
                f"R {_f(q['recall'])}, gran {_f(q['granularity'])}, {q['cases']} cases, "
                f"{q['detections']} passages)"
            )
        sem = pan.get("semantic")
        if sem:
            lex = sem["lexical_only"]
            out += [
                f"  semantic stage: {sem['decided_by_meaning']} pairs called derived by meaning "
                "alone; the figures above include them",
                f"  lexical stages alone: F1 {_f(lex['f1'])} (precision {_f(lex['precision'])}, "
                f"recall {_f(lex['recall'])}); false-derived rate on no_plagiarism "
                f"{_f(lex['false_derived_rate'])}",
                "    recall by label, lexical alone -> with the semantic stage: "
                + ", ".join(
                    f"{k} {_f(v)} -> {_f(det['recall_by_label'][k])}"
                    for k, v in lex["recall_by_label"].items()
                ),
                "  semantic similarity AUC: "
                + ", ".join(f"{k} {_f(v)}" for k, v in sem["auc"].items()),
            ]
        verdicts = sorted({v for c in det["confusion"].values() for v in c})
        out.append("  verdicts by label: " + " ".join(f"{v:>14}" for v in verdicts))
        for label, counts in det["confusion"].items():
            out.append(f"    {label:<24}" + " ".join(f"{counts.get(v, 0):>14}" for v in verdicts))
    msrp = result.get("msrp")
    if msrp:
        sec = msrp["seconds_per_pair"]
        out += [
            "",
            f"MSRP (train): {msrp['pairs']} pairs; "
            + ", ".join(f"{k} {v}" for k, v in msrp["per_label"].items()),
            f"  compare per pair: mean {sec['mean'] * 1000:.1f} ms, median "
            f"{sec['median'] * 1000:.1f} ms, max {sec['max'] * 1000:.1f} ms; "
            f"wall {msrp['wall_seconds']['compare']:.1f} s",
            "  ROC AUC (paraphrase vs not):",
        ]
        for name, value in msrp["auc"].items():
            note = (
                " (Comparison has no similarity)" if name == "similarity" and value is None else ""
            )
            out.append(f"    {name:<20} {_f(value)}{note}")
        out.append(
            "  derived verdict rate by label: "
            + ", ".join(f"{k} {_f(v)}" for k, v in msrp["derived_rate_by_label"].items())
        )
        for label, counts in msrp["confusion"].items():
            out.append(
                f"    {label:<16} " + ", ".join(f"{v} {n}" for v, n in sorted(counts.items()))
            )
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data", type=Path, default=None, help="the devdata folder (default ../shared/devdata)"
    )
    parser.add_argument(
        "--part",
        choices=("eval", "fit", "all"),
        default="eval",
        help="which part of the dev data: eval (held out from training, the default), fit, all",
    )
    parser.add_argument("--pan-per-label", type=int, default=100, metavar="N")
    parser.add_argument("--msrp-per-label", type=int, default=500, metavar="N")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=0, help="processes (default: all cores)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--out", type=Path, help="also write one JSON row per pair here")
    parser.add_argument(
        "--scores",
        type=Path,
        help="also write one short row per pair here (id, label, verdict, score, similarity, "
        "baselines): what the evaluation notebook plots",
    )
    args = parser.parse_args(argv)
    if min(args.pan_per_label, args.msrp_per_label, args.jobs) < 0:
        parser.error("--pan-per-label, --msrp-per-label and --jobs must be >= 0")
    jobs = args.jobs or os.cpu_count() or 1
    data = devdata_path(args.data).resolve()
    needed = ([PAN_PAIRS_FILE, PAN_DOCUMENTS_FILE] if args.pan_per_label else []) + (
        [MSRP_FILE] if args.msrp_per_label else []
    )
    absent = next((data / n for n in needed if not (data / n).is_file()), None)
    if not data.is_dir() or absent is not None:
        where = data if not data.is_dir() else absent
        print(f"skipped: dev data not found at {where}", file=sys.stderr)
        if args.json:
            print(json.dumps({"skipped": f"dev data not found at {where}"}))
        return 0

    start = time.perf_counter()
    result: dict[str, Any] = {
        "data": str(data),
        "seed": args.seed,
        "part": args.part,
        "jobs": jobs,
        "uptime_start": uptime(),
    }
    rows: list[dict] = []
    if args.pan_per_label:
        result["pan"], pan_rows = evaluate_pan(data, args.pan_per_label, args.seed, jobs, args.part)
        rows += pan_rows
    if args.msrp_per_label:
        result["msrp"], msrp_rows = evaluate_msrp(
            data, args.msrp_per_label, args.seed, jobs, args.part
        )
        rows += msrp_rows
    result["elapsed_seconds"] = time.perf_counter() - start
    result["uptime_end"] = uptime()
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    if args.scores:
        keep = ("dataset", "id", "label", "verdict", "score", "derived", "similarity", "baselines")
        args.scores.parent.mkdir(parents=True, exist_ok=True)
        with args.scores.open("w", encoding="utf-8") as fh:
            for row in rows:
                short = {k: row[k] for k in keep}
                short["score"] = round(short["score"], 4)
                if short["similarity"] is not None:
                    short["similarity"] = round(short["similarity"], 4)
                fh.write(json.dumps(short) + "\n")
    print(json.dumps(result, indent=2) if args.json else render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
