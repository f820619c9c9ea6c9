"""Training the reuse and similarity scorers: weights, fitting, the dev-data split and readers.

The last test retrains the shipped reuse model exactly as ``detector train`` does and
checks that it writes ``detector/data/reuse_model.json`` byte for byte (slow; skipped
without the development data).
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.errors import InputError
from detector.lab.devdata import (
    MSRP_FILE,
    PAN_DOCUMENTS_FILE,
    PAN_PAIRS_FILE,
    devdata_path,
    load_msrp,
    load_pan,
    part_of,
)
from detector.lab.reuse_training import balanced_weights, fit_linear_scorer

REPO = Path(__file__).resolve().parent.parent
SHIPPED_REUSE_MODEL = REPO / "detector" / "data" / "reuse_model.json"


# ------------------------------------------------------------------- balanced_weights


def test_balanced_weights_hand_case() -> None:
    y = np.array([1, 1, 1, 0, 0, 1])
    sources = ["corpus", "corpus", "corpus", "corpus", "pan", "pan"]
    # Four cells share six units of weight: 1.5 each, split among the cell's members.
    assert balanced_weights(y, sources).tolist() == [0.5, 0.5, 0.5, 1.5, 1.5, 1.5]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["corpus", "pan", "msrp"]), st.integers(0, 1)), min_size=1)
)
def test_balanced_weights_give_every_cell_the_same_total(cells: list[tuple[str, int]]) -> None:
    sources = [s for s, _ in cells]
    y = np.array([label for _, label in cells])
    weights = balanced_weights(y, sources)
    totals: Counter[tuple[str, int]] = Counter()
    for cell, w in zip(cells, weights.tolist(), strict=True):
        totals[cell] += w
    expected = len(cells) / len(totals)
    for total in totals.values():
        assert total == pytest.approx(expected, rel=1e-12)
    assert weights.sum() == pytest.approx(len(cells), rel=1e-12)


# ------------------------------------------------------------------- fit_linear_scorer


def _separable(seed: int, n: int = 240) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Three features on different scales; the class is the sign of a margin on two of them."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)) * np.array([1.0, 10.0, 0.1]) + np.array([0.5, -3.0, 2.0])
    margin = (x[:, 0] - 0.5) + (x[:, 1] + 3.0) / 10.0
    keep = np.abs(margin) > 0.3  # a clear gap between the classes
    x, y = x[keep], (margin[keep] > 0).astype(int)
    groups = [f"g{i % 30}" for i in range(len(y))]
    return x, y, groups


@pytest.mark.parametrize("calibrate", [False, True], ids=["ranking", "calibrated"])
def test_fit_linear_scorer_separates_and_ranks_like_sklearn(calibrate: bool) -> None:
    from scipy.stats import spearmanr
    from sklearn.linear_model import LogisticRegression

    x, y, groups = _separable(0)
    features = ("f0", "f1", "f2")
    weights = balanced_weights(y, ["s"] * len(y))
    scorer, report = fit_linear_scorer(
        x, y, groups, features, calibrate=calibrate, sample_weight=weights
    )
    assert report["cv_auc"] >= 0.98
    assert report["n"] == len(y)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    reference = LogisticRegression(C=report["C"], max_iter=10_000, tol=1e-8)
    reference.fit((x - mean) / scale, y, sample_weight=weights)
    expected = reference.predict_proba((x - mean) / scale)[:, 1]
    points = [dict(zip(features, row, strict=True)) for row in x]
    got = np.array([scorer.probability(p) for p in points])
    decision = np.array([scorer.decision(p) for p in points])
    # Every clearly ordered pair of the reference is ordered the same way by the scorer.
    i, j = np.nonzero(expected[:, None] - expected[None, :] > 1e-6)
    assert np.all(decision[i] > decision[j])
    if not calibrate:
        assert scorer.calibration == (1.0, 0.0)
        assert np.all(got[i] > got[j])
        assert spearmanr(got, expected).statistic >= 0.999
        assert np.max(np.abs(got - expected)) < 1e-6
    else:
        # Platt scaling keeps the order; on separable data it is steep, so the calibrated
        # probabilities saturate at 0 and 1 (ties there, never an inversion).
        assert scorer.calibration[0] > 0
        assert np.all(got[i] >= got[j])
        assert spearmanr(decision, expected).statistic >= 0.999


def test_fit_linear_scorer_needs_both_classes() -> None:
    x, _, groups = _separable(1)
    with pytest.raises(InputError, match="both classes"):
        fit_linear_scorer(
            x, np.ones(len(x), dtype=int), groups, ("f0", "f1", "f2"), calibrate=False
        )


# ------------------------------------------------------------------- the fit/eval split


@pytest.mark.parametrize(
    ("key", "part"),
    [
        ("src/source-document00001.txt", "fit"),
        ("src/source-document00011.txt", "fit"),
        ("src/source-document00012.txt", "eval"),
        ("702876", "fit"),
        ("2108705", "eval"),
    ],
    ids=["pan-00001", "pan-00011", "pan-00012", "msrp-702876", "msrp-2108705"],
)
def test_part_of_is_pinned(key: str, part: str) -> None:
    """The split never moves: a key's part is the same in every run and every release."""
    assert part_of(key) == part


def test_part_of_holds_out_about_a_fifth() -> None:
    keys = [f"src/source-document{i:05d}.txt" for i in range(10_000)]
    parts = Counter(part_of(k) for k in keys)
    assert set(parts) == {"fit", "eval"}
    # Binomial standard deviation at n = 10,000 is 0.004: this is five of them.
    assert abs(parts["eval"] / len(keys) - 0.2) < 0.02


# ------------------------------------------------------------------- readers on a fake folder


def _keys(part: str, count: int, pattern: str) -> list[str]:
    keys = (pattern.format(i) for i in range(1, 10_000))
    return [k for k in keys if part_of(k) == part][:count]


FIT_SOURCES = _keys("fit", 6, "src/source-document{:05d}.txt")
EVAL_SOURCES = _keys("eval", 3, "src/source-document{:05d}.txt")
SUSPICIOUS = ["susp/suspicious-document00001.txt", "susp/suspicious-document00002.txt"]
LABELS = ["verbatim", "no_plagiarism", "random_obfuscation"]


def _pan_pairs() -> list[dict[str, Any]]:
    pairs = []
    for n, source in enumerate(FIT_SOURCES[:3] + EVAL_SOURCES + FIT_SOURCES[3:]):
        label = LABELS[n % 3]
        cases = (
            []
            if label == "no_plagiarism"
            else [{"source_offset": n, "source_length": 5, "this_offset": 2 * n, "this_length": 7}]
        )
        suspicious = SUSPICIOUS[n % 2]
        pairs.append(
            {
                "id": f"pair-{n}",
                "source": source,
                "suspicious": suspicious,
                "label": label,
                "cases": cases,
            }
        )
    return pairs


def _msrp_rows() -> list[dict[str, Any]]:
    fit = _keys("fit", 4, "{}")
    held = _keys("eval", 2, "{}")
    rows = []
    for n, first in enumerate(fit + held + fit[:2]):
        rows.append(
            {
                "id": f"msrp-train-{first}-{9000 + n}",
                "a": f"Sentence {first} says one thing.",
                "b": f"Sentence {9000 + n} says it again.",
                "label": "paraphrase" if n % 2 else "not_paraphrase",
            }
        )
    return rows


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    lines = "".join(json.dumps(r) + "\n" for r in rows)
    if path.suffix == ".gz":
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            handle.write(lines)
    else:
        path.write_text(lines, encoding="utf-8")


@pytest.fixture
def fake_devdata(tmp_path: Path) -> Path:
    documents = [{"id": d, "text": f"The text of {d}."} for d in FIT_SOURCES + EVAL_SOURCES]
    documents += [{"id": d, "text": f"The suspicious text {d}."} for d in SUSPICIOUS]
    documents.append({"id": "src/never-used.txt", "text": "Not in any pair."})
    _write_jsonl(tmp_path / PAN_DOCUMENTS_FILE, documents)
    _write_jsonl(tmp_path / PAN_PAIRS_FILE, _pan_pairs())
    _write_jsonl(tmp_path / MSRP_FILE, _msrp_rows())
    return tmp_path


def test_load_pan_reads_pairs_texts_and_cases(fake_devdata: Path) -> None:
    pairs = load_pan(fake_devdata)
    raw = _pan_pairs()
    assert [p.id for p in pairs] == [r["id"] for r in raw]
    for p, r in zip(pairs, raw, strict=True):
        assert (p.corpus, p.label, p.group) == ("pan13", r["label"], r["source"])
        assert p.a == f"The text of {r['source']}."
        assert p.b == f"The suspicious text {r['suspicious']}."
        assert p.cases == tuple(
            (
                (c["source_offset"], c["source_offset"] + c["source_length"]),
                (c["this_offset"], c["this_offset"] + c["this_length"]),
            )
            for c in r["cases"]
        )
        assert p.derived == (r["label"] != "no_plagiarism")


@pytest.mark.parametrize("part", ["fit", "eval"])
def test_load_pan_honours_part(fake_devdata: Path, part: str) -> None:
    wanted = set(FIT_SOURCES if part == "fit" else EVAL_SOURCES)
    pairs = load_pan(fake_devdata, part=part)  # type: ignore[arg-type]
    assert {p.group for p in pairs} == wanted
    everything = [p.id for p in load_pan(fake_devdata, part="all")]
    assert [p.id for p in pairs] == [i for i in everything if i in {p.id for p in pairs}]


def test_load_pan_fit_and_eval_split_all(fake_devdata: Path) -> None:
    fit = {p.id for p in load_pan(fake_devdata, part="fit")}
    held = {p.id for p in load_pan(fake_devdata, part="eval")}
    assert fit and held and not fit & held
    assert fit | held == {p.id for p in load_pan(fake_devdata)}


@pytest.mark.parametrize("per_label", [0, 1, 2, 10])
def test_load_pan_per_label(fake_devdata: Path, per_label: int) -> None:
    everything = load_pan(fake_devdata)
    available = Counter(p.label for p in everything)
    pairs = load_pan(fake_devdata, per_label=per_label, seed=3)
    counts = Counter(p.label for p in pairs)
    assert counts == Counter({k: min(per_label, v) for k, v in available.items() if per_label})
    order = [p.id for p in everything]
    assert [p.id for p in pairs] == [i for i in order if i in {p.id for p in pairs}]


def test_load_pan_seed_draws_the_sample(fake_devdata: Path) -> None:
    def draw(seed: int) -> tuple[str, ...]:
        return tuple(p.id for p in load_pan(fake_devdata, per_label=1, seed=seed))

    assert draw(5) == draw(5)
    assert len({draw(seed) for seed in range(10)}) > 1


@pytest.mark.parametrize("part", ["fit", "eval"])
def test_load_msrp_honours_part(fake_devdata: Path, part: str) -> None:
    rows = load_msrp(fake_devdata, part=part)  # type: ignore[arg-type]
    assert rows
    for row in rows:
        assert row.group == row.id.split("-")[2]
        assert part_of(row.group) == part
        assert row.corpus == "msrp" and not row.derived
    assert len(load_msrp(fake_devdata, part="fit")) + len(
        load_msrp(fake_devdata, part="eval")
    ) == len(_msrp_rows())


def test_load_msrp_per_label_and_seed(fake_devdata: Path) -> None:
    rows = load_msrp(fake_devdata, per_label=2, seed=1)
    assert Counter(r.label for r in rows) == Counter({"paraphrase": 2, "not_paraphrase": 2})
    assert [r.id for r in rows] == [r.id for r in load_msrp(fake_devdata, per_label=2, seed=1)]
    draws = {tuple(r.id for r in load_msrp(fake_devdata, per_label=1, seed=s)) for s in range(10)}
    assert len(draws) > 1
    first = load_msrp(fake_devdata)[0]
    assert (first.a, first.b) == (_msrp_rows()[0]["a"], _msrp_rows()[0]["b"])


@pytest.mark.parametrize(
    ("missing", "load"),
    [
        pytest.param(PAN_PAIRS_FILE, load_pan, id="pan-pairs"),
        pytest.param(PAN_DOCUMENTS_FILE, load_pan, id="pan-documents"),
        pytest.param(MSRP_FILE, load_msrp, id="msrp"),
    ],
)
def test_missing_file_is_a_one_line_input_error(
    fake_devdata: Path, missing: str, load: Any
) -> None:
    (fake_devdata / missing).unlink()
    with pytest.raises(InputError) as caught:
        load(fake_devdata)
    message = str(caught.value)
    assert "\n" not in message
    assert missing in message


def test_pan_pair_naming_an_absent_document_is_an_input_error(fake_devdata: Path) -> None:
    pairs = _pan_pairs()
    pairs[0]["source"] = "src/not-in-the-documents.txt"
    _write_jsonl(fake_devdata / PAN_PAIRS_FILE, pairs)
    with pytest.raises(InputError, match="not-in-the-documents"):
        load_pan(fake_devdata)


# ------------------------------------------------------------------- the shipped model


def _devdata_missing() -> str | None:
    root = devdata_path()
    absent = [
        f for f in (PAN_PAIRS_FILE, PAN_DOCUMENTS_FILE, MSRP_FILE) if not (root / f).is_file()
    ]
    if absent:
        return f"development data not found: {', '.join(absent)} missing in {root}"
    return None


@pytest.mark.slow
def test_retraining_reproduces_the_shipped_reuse_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What ``detector train`` writes for the reuse model, from the corpus and the dev data."""
    reason = _devdata_missing()
    if reason:
        pytest.skip(reason)
    from detector.lab.reuse_training import fit_reuse_model
    from detector.lab.training import corpus_digest, write_artifact

    monkeypatch.chdir(REPO)
    pairs, articles = Path("corpus/pairs.jsonl"), Path("corpus/articles.jsonl")
    devdata = str(devdata_path())
    artifact = fit_reuse_model(
        str(pairs),
        str(articles),
        devdata,
        jobs=None,
        meta={"corpus_sha256": corpus_digest(articles, pairs)},
    )
    target = tmp_path / "reuse_model.json"
    write_artifact(artifact, target)
    assert target.read_bytes() == SHIPPED_REUSE_MODEL.read_bytes()
