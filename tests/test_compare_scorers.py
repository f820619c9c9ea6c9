"""The scorers compare weighs: the linear scorer, the graded-similarity and reuse features, passages.

* :class:`LinearScorer` against scikit-learn's ``predict_proba`` and a plain Platt formula.
* :func:`similarity_features`: bounds, symmetry, identical texts.
* :func:`find_passages` against a brute-force reference on generated alignments, and case
  tables on real text.
* :func:`reuse_features`: bounds.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detector.compare.align import AlignedGroup, Alignment, align
from detector.compare.graded import SIMILARITY_FEATURES, similarity_features
from detector.compare.linear import LinearScorer
from detector.compare.passages import REUSE_FEATURES, ReusedPassage, find_passages, reuse_features
from detector.errors import ConfigError, ModelError
from detector.text.lexicon import load_lexicon
from detector.text.normalize import Document, normalize
from detector.text.wordlists import FUNCTION_WORDS

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


# ------------------------------------------------------------------- LinearScorer


@pytest.mark.parametrize(
    ("seed", "n", "d"),
    [(0, 200, 3), (1, 500, 6), (2, 80, 1)],
    ids=["3-features", "6-features", "1-feature"],
)
def test_probability_matches_sklearn_predict_proba(seed: int, n: int, d: int) -> None:
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(seed)
    x = rng.normal(loc=rng.uniform(-3, 3, d), scale=rng.uniform(0.1, 5, d), size=(n, d))
    truth = x @ rng.normal(size=d) + rng.normal(scale=2.0, size=n)
    y = (truth > np.median(truth)).astype(int)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    z = (x - mean) / scale
    clf = LogisticRegression(C=1.0).fit(z, y)
    names = tuple(f"f{i}" for i in range(d))
    scorer = LinearScorer(
        features=names,
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        coef=tuple(float(v) for v in clf.coef_[0]),
        intercept=float(clf.intercept_[0]),
    )
    expected = clf.predict_proba(z)[:, 1]
    got = [scorer.probability(dict(zip(names, row.tolist(), strict=True))) for row in x]
    assert np.max(np.abs(np.array(got) - expected)) <= 1e-9


finite = st.floats(-50, 50, allow_nan=False)


@SETTINGS
@given(
    values=st.lists(st.tuples(finite, finite, st.floats(0.01, 10), finite), min_size=1, max_size=5),
    intercept=finite,
    calibration=st.tuples(st.floats(-5, 5), st.floats(-5, 5)),
)
def test_platt_calibration_is_sigmoid_of_a_z_plus_b(
    values: list[tuple[float, float, float, float]],
    intercept: float,
    calibration: tuple[float, float],
) -> None:
    names = tuple(f"f{i}" for i in range(len(values)))
    x, mean, scale, coef = (tuple(col) for col in zip(*values, strict=True))
    scorer = LinearScorer(names, mean, scale, coef, intercept, calibration)
    point = dict(zip(names, x, strict=True))
    z = intercept + sum(w * (v - m) / s for v, m, s, w in zip(x, mean, scale, coef, strict=True))
    a, b = calibration
    assert scorer.decision(point) == pytest.approx(z, rel=1e-9, abs=1e-9)
    expected = _sigmoid(a * z + b) if a * z + b > -700 else 0.0
    assert scorer.probability(point) == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert 0.0 <= scorer.probability(point) <= 1.0


def test_zero_scale_counts_as_one() -> None:
    scorer = LinearScorer(("x",), (1.0,), (0.0,), (2.0,), 0.5)
    assert scorer.decision({"x": 3.0}) == 0.5 + 2.0 * (3.0 - 1.0)


SCORER = LinearScorer(
    features=("passage_similarity", "word_cosine"),
    mean=(0.25, 0.5),
    scale=(0.125, 2.0),
    coef=(1.5, -0.75),
    intercept=-0.5,
    calibration=(0.875, 0.0625),
)


def test_to_dict_from_dict_round_trip() -> None:
    import json

    data = SCORER.to_dict()
    assert LinearScorer.from_dict(data) == SCORER
    assert LinearScorer.from_dict(json.loads(json.dumps(data))) == SCORER
    assert LinearScorer.from_dict(data).to_dict() == data


def _without(key: str) -> dict[str, Any]:
    data = SCORER.to_dict()
    del data[key]
    return data


def _with(**changes: Any) -> dict[str, Any]:
    return {**SCORER.to_dict(), **changes}


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(_without("coef"), id="no-coef"),
        pytest.param(_without("features"), id="no-features"),
        pytest.param(_without("calibration"), id="no-calibration"),
        pytest.param(_with(mean=[0.25]), id="one-mean-for-two-features"),
        pytest.param(_with(coef=[1.0, 2.0, 3.0]), id="three-weights-for-two-features"),
        pytest.param(_with(coef=[1.0, "heavy"]), id="weight-not-a-number"),
        pytest.param(_with(intercept=None), id="intercept-null"),
        pytest.param(_with(scale=0.5), id="scale-not-a-list"),
        pytest.param(_with(calibration=[1.0]), id="calibration-one-number"),
        pytest.param([], id="a-list-not-a-mapping"),
        pytest.param(None, id="null"),
    ],
)
def test_malformed_scorer_dicts_raise_model_error(data: Any) -> None:
    with pytest.raises(ModelError):
        LinearScorer.from_dict(data)


# ------------------------------------------------------------------- similarity_features

VOCABULARY = [
    "the", "a", "of", "in", "and", "not", "no", "said", "says", "council", "minister",
    "farmers", "protest", "giant", "large", "big", "company", "firm", "government", "rose",
    "fell", "Monday", "Twitter", "Delhi", "Oslo", "Kestrel", "3", "2024", "1,178", "6.2%",
    "profit", "bridge", "closed", "shut", "quickly", "police",
]  # fmt: skip

short_texts = st.lists(st.sampled_from(VOCABULARY), max_size=25).map(
    lambda words: " ".join(words) + ("." if words else "")
)

PRECISION_FEATURES = [f for f in SIMILARITY_FEATURES if "precision" in f]


@pytest.fixture(scope="module")
def lexicon() -> Any:
    return load_lexicon()


@SETTINGS
@given(a=short_texts, b=short_texts, use_lexicon=st.booleans())
def test_similarity_features_are_bounded_and_symmetric(
    a: str, b: str, use_lexicon: bool, lexicon: Any
) -> None:
    lex = lexicon if use_lexicon else None
    da, db = normalize(a), normalize(b)
    forward = similarity_features(da, db, lexicon=lex)
    backward = similarity_features(db, da, lexicon=lex)
    assert list(forward) == list(SIMILARITY_FEATURES)
    for name, value in forward.items():
        assert 0.0 <= value <= 1.0, (name, value)
    assert backward == forward


@SETTINGS
@given(
    words=st.lists(st.sampled_from(VOCABULARY), min_size=3, max_size=25).filter(
        lambda ws: any(w not in ("the", "a", "of", "in", "and", "not", "no") for w in ws)
    ),
    use_lexicon=st.booleans(),
)
def test_identical_texts_have_precision_one(
    words: list[str], use_lexicon: bool, lexicon: Any
) -> None:
    doc = normalize(" ".join(words) + ".")
    features = similarity_features(doc, doc, lexicon=lexicon if use_lexicon else None)
    for name in PRECISION_FEATURES:
        assert features[name] == 1.0, name
    assert features["sequence_similarity"] == 1.0
    assert features["length_ratio"] == 1.0


# ------------------------------------------------------------------- find_passages: reference

#: Every third word a function word, so that any sentence of three words or more reads as prose.
WORDS = [
    "the", "amber", "birch", "of", "cedar", "delta", "and", "ember", "fjord",
    "in", "grove", "heron", "to", "inlet", "juniper",
]  # fmt: skip


def _document(lengths: list[int]) -> Document:
    """A text whose sentence ``i`` has ``lengths[i]`` plain words (at least 3: shorter ones join
    their neighbour)."""
    sentences = []
    for i, n in enumerate(lengths):
        words = [WORDS[(i + j) % len(WORDS)] for j in range(n)]
        sentences.append(" ".join(words).capitalize() + ".")
    return normalize(" ".join(sentences))


def _token_ranges(doc: Document) -> list[tuple[int, ...]]:
    ranges, start = [], 0
    for sentence in doc.sentence_tokens():
        ranges.append(tuple(range(start, start + len(sentence))))
        start += len(sentence)
    return ranges


def _alignment(groups: list[AlignedGroup]) -> Alignment:
    return Alignment(
        groups=tuple(sorted(groups, key=lambda g: g.a_sentences)),
        coverage_a=0.0,
        coverage_b=0.0,
        order=0.0,
        mean_similarity=0.0,
        token_identity=0.0,
        similarity_matrix=np.zeros((0, 0)),
    )


@st.composite
def alignments(draw: st.DrawFn) -> tuple[Document, Document, Alignment]:
    """Two documents and a sentence alignment between them, drawn at random.

    Each sentence is in at most one group; a group holds one sentence on each side, or
    (as when one text split a sentence in two) two neighbouring sentences on one side.
    """
    a_lengths = draw(st.lists(st.integers(3, 30), min_size=1, max_size=30))
    b_lengths = draw(st.lists(st.integers(3, 30), min_size=1, max_size=30))
    a, b = _document(a_lengths), _document(b_lengths)
    a_tokens, b_tokens = _token_ranges(a), _token_ranges(b)
    assert [len(t) for t in a_tokens] == a_lengths and [len(t) for t in b_tokens] == b_lengths
    m = draw(st.integers(0, min(len(a_lengths), len(b_lengths))))
    a_idx = draw(st.permutations(range(len(a_lengths))))[:m]
    b_idx = draw(st.permutations(range(len(b_lengths))))[:m]
    used_a, used_b = set(a_idx), set(b_idx)
    groups = []
    for i, j in zip(a_idx, b_idx, strict=True):
        a_side: tuple[int, ...] = (i,)
        b_side: tuple[int, ...] = (j,)
        split = draw(st.sampled_from(["", "", "", "a", "b"]))
        if split == "a" and i + 1 < len(a_lengths) and i + 1 not in used_a:
            a_side = (i, i + 1)
            used_a.add(i + 1)
        if split == "b" and j + 1 < len(b_lengths) and j + 1 not in used_b:
            b_side = (j, j + 1)
            used_b.add(j + 1)
        a_tok = tuple(t for k in a_side for t in a_tokens[k])
        b_tok = tuple(t for k in b_side for t in b_tokens[k])
        similarity = draw(st.floats(0.0, 1.0))
        equal = draw(st.integers(0, min(len(a_tok), len(b_tok))))
        groups.append(AlignedGroup(a_side, b_side, similarity, a_tok, b_tok, equal, ()))
    return a, b, _alignment(groups)


def _gap(x: tuple[int, int], y: tuple[int, int]) -> int:
    return max(0, y[0] - x[1] - 1, x[0] - y[1] - 1)


def reference_passages(
    a: Document,
    b: Document,
    alignment: Alignment,
    *,
    min_seed_similarity: float = 0.33,
    near_gap: int = 2,
    far_gap: int = 20,
    min_words: int = 35,
    min_single_words: int = 60,
    min_prose_share: float = 0.05,
) -> list[ReusedPassage]:
    """Brute force: merge any two clusters the near/far rule joins until none are left.

    Length counts the words of prose sentence pairs only (function words at least
    ``min_prose_share`` of each side); a lone pair of single sentences needs
    ``min_single_words``.
    """
    groups = alignment.groups
    clusters = [
        [i]
        for i, g in enumerate(groups)
        if g.similarity >= min_seed_similarity and g.a_tokens and g.b_tokens
    ]

    def ranges(members: list[int]) -> tuple[tuple[int, int], tuple[int, int]]:
        sa = [s for i in members for s in groups[i].a_sentences]
        sb = [s for i in members for s in groups[i].b_sentences]
        return (min(sa), max(sa)), (min(sb), max(sb))

    def joined(p: list[int], q: list[int]) -> bool:
        (pa, pb), (qa, qb) = ranges(p), ranges(q)
        ga, gb = _gap(pa, qa), _gap(pb, qb)
        return (ga <= near_gap and gb <= far_gap) or (gb <= near_gap and ga <= far_gap)

    merged = True
    while merged:
        merged = False
        for i in range(len(clusters)):
            for j in range(i + 1, len(clusters)):
                if joined(clusters[i], clusters[j]):
                    clusters[i] = sorted(clusters[i] + clusters.pop(j))
                    merged = True
                    break
            if merged:
                break
    out = []
    for members in clusters:
        chosen = [groups[i] for i in members]
        a_words = sum(len(g.a_tokens) for g in chosen)
        b_words = sum(len(g.b_tokens) for g in chosen)
        longer = max(a_words, b_words)

        def prose(g: AlignedGroup) -> bool:
            shares = [
                sum(doc.tokens[k].lower in FUNCTION_WORDS for k in toks) / len(toks)
                for doc, toks in ((a, g.a_tokens), (b, g.b_tokens))
            ]
            return min(shares) >= min_prose_share

        prose_words = max(
            sum(len(g.a_tokens) for g in chosen if prose(g)),
            sum(len(g.b_tokens) for g in chosen if prose(g)),
        )
        single = len(chosen) == 1 and len(chosen[0].a_sentences) == len(chosen[0].b_sentences) == 1
        if prose_words < min_words or (single and longer < min_single_words):
            continue
        a_tok = [t for g in chosen for t in g.a_tokens]
        b_tok = [t for g in chosen for t in g.b_tokens]
        weights = [len(g.a_tokens) + len(g.b_tokens) for g in chosen]
        a_range, b_range = ranges(members)
        out.append(
            ReusedPassage(
                a_sentences=a_range,
                b_sentences=b_range,
                a_span=(a.tokens[min(a_tok)].start, a.tokens[max(a_tok)].end),
                b_span=(b.tokens[min(b_tok)].start, b.tokens[max(b_tok)].end),
                groups=tuple(members),
                a_words=a_words,
                b_words=b_words,
                similarity=sum(g.similarity * w for g, w in zip(chosen, weights, strict=True))
                / sum(weights),
                identity=sum(g.equal_tokens for g in chosen) / min(a_words, b_words),
            )
        )
    out.sort(key=lambda p: (-p.words, p.a_span, p.b_span))
    return out


def _exact(p: ReusedPassage) -> tuple[Any, ...]:
    return (p.a_sentences, p.b_sentences, p.a_span, p.b_span, p.groups, p.a_words, p.b_words)


@SETTINGS
@given(
    pair=alignments(),
    params=st.fixed_dictionaries(
        {
            "min_seed_similarity": st.sampled_from([0.0, 0.33, 0.6]),
            "near_gap": st.integers(0, 3),
            "far_gap": st.integers(3, 25),
            "min_words": st.sampled_from([0, 10, 35]),
            "min_single_words": st.sampled_from([0, 20, 60]),
        }
    ),
)
def test_find_passages_matches_brute_force(
    pair: tuple[Document, Document, Alignment], params: dict[str, Any]
) -> None:
    a, b, alignment = pair
    got = find_passages(a, b, alignment, **params)
    expected = reference_passages(a, b, alignment, **params)
    # Passages of equal length and span may come in either order; compare them as sorted lists.
    assert sorted(map(_exact, got)) == sorted(map(_exact, expected))
    by_key = {_exact(p): p for p in expected}
    for p in got:
        q = by_key[_exact(p)]
        assert p.similarity == pytest.approx(q.similarity, abs=1e-12)
        assert p.identity == pytest.approx(q.identity, abs=1e-12)
    assert [p.words for p in got] == sorted((p.words for p in got), reverse=True)


@SETTINGS
@given(pair=alignments(), word_cosine=st.floats(0.0, 1.0))
def test_reuse_features_are_bounded(
    pair: tuple[Document, Document, Alignment], word_cosine: float
) -> None:
    a, b, alignment = pair
    for passages in (find_passages(a, b, alignment), find_passages(a, b, alignment, min_words=0)):
        features = reuse_features(alignment, passages, word_cosine)
        assert set(features) == set(REUSE_FEATURES)
        for name, value in features.items():
            assert 0.0 <= value <= 1.0, (name, value)


# ------------------------------------------------------------------- find_passages: cases

STORY = (
    "The city council voted six to three on Monday to close the old river bridge for repairs "
    "that could last until the end of next summer. Engineers found cracks in two of the steel "
    "supports during a routine inspection in March, according to a report seen by the council. "
    "The mayor said the closure would add about twenty minutes to the morning commute for "
    "thousands of drivers who cross the river each day. A temporary ferry service will run "
    "every fifteen minutes from the harbour steps."
)
OTHER = (
    "The national football team beat the visitors two goals to one in a tense qualifying match "
    "played in heavy rain on Saturday evening. The winning goal came in the final minute when "
    "the young striker headed home a corner that the goalkeeper failed to reach in time."
)
ELSEWHERE = (
    "Researchers at the university said the new vaccine produced a strong immune response in "
    "most of the volunteers who took part in the trial. Farmers in the eastern valley say the "
    "long drought has cut their wheat harvest by almost half."
)
#: One sentence of 40 words, and one of 64: a quote, and a passage in itself.
QUOTE_40 = (
    "Our members have waited eleven long years for a proper crossing over the river, and we will "
    "not accept another delay from a council that keeps promising us that the work will surely "
    "start early next spring, she said firmly."
)
SENTENCE_64 = (
    "Under the agreement signed on Thursday evening, the regional transport authority will pay "
    "for a temporary steel crossing beside the old bridge, keep the ferry running every fifteen "
    "minutes until the repairs are finished, and refund the parking charges of all the commuters "
    "who can prove that they had to drive the long way round through the industrial estate while "
    "the bridge was shut."
)
#: Two sentences of 20 words (40 together), and two of 15 (30 together).
TWO_OF_20 = (
    "The school board approved a plan on Tuesday to build a new sports hall beside the old "
    "gym next year. Parents had campaigned for the new hall for almost a decade, saying that the "
    "old gym was far too small."
)
TWO_OF_15 = (
    "The library will open on Sundays from next month after a vote by the council. "
    "Volunteers from the reading club will staff the desk on the first and third weekends."
)
#: Three sentences found in none of the texts above.
FILLER = (
    "Police closed the main road through the town centre on Friday night after a lorry "
    "overturned. Nobody was seriously hurt in the crash. The road stayed shut until the morning."
)


def _passages(a_text: str, b_text: str) -> tuple[ReusedPassage, ...]:
    a, b = normalize(a_text), normalize(b_text)
    return find_passages(a, b, align(a, b))


def test_case_sentences_have_their_word_counts() -> None:
    assert len(normalize(QUOTE_40).tokens) == 40 and len(normalize(QUOTE_40).sentences) == 1
    assert len(normalize(SENTENCE_64).tokens) == 64 and len(normalize(SENTENCE_64).sentences) == 1
    assert [len(s) for s in normalize(TWO_OF_20).sentence_tokens()] == [20, 20]
    assert [len(s) for s in normalize(TWO_OF_15).sentence_tokens()] == [15, 15]


def test_identical_texts_make_one_passage_covering_everything() -> None:
    doc = normalize(STORY)
    passages = find_passages(doc, doc, align(doc, doc))
    assert len(passages) == 1
    p = passages[0]
    whole = (doc.tokens[0].start, doc.tokens[-1].end)
    last = len(doc.sentences) - 1
    assert (p.a_span, p.b_span, p.a_sentences, p.b_sentences) == (
        whole,
        whole,
        (0, last),
        (0, last),
    )
    assert p.a_words == p.b_words == len(doc.tokens)
    assert p.similarity == pytest.approx(1.0)
    assert p.identity == 1.0


@pytest.mark.parametrize(
    ("a_text", "b_text", "kept"),
    [
        pytest.param(STORY, OTHER, 0, id="unrelated-texts"),
        pytest.param(
            STORY + " " + QUOTE_40, OTHER + " " + QUOTE_40, 0, id="one-40-word-sentence-dropped"
        ),
        pytest.param(
            STORY + " " + SENTENCE_64, OTHER + " " + SENTENCE_64, 1, id="one-64-word-sentence-kept"
        ),
        pytest.param(
            STORY + " " + TWO_OF_20, OTHER + " " + TWO_OF_20, 1, id="two-sentences-of-40-words-kept"
        ),
        pytest.param(
            STORY + " " + TWO_OF_15,
            OTHER + " " + TWO_OF_15,
            0,
            id="two-sentences-of-30-words-dropped",
        ),
        pytest.param(
            TWO_OF_20 + " " + STORY + " " + TWO_OF_15,
            ELSEWHERE + " " + TWO_OF_20 + " " + OTHER + " " + STORY,
            1,
            id="runs-adjacent-in-one-text-join",
        ),
        pytest.param(
            TWO_OF_20 + " " + OTHER + " " + ELSEWHERE + " " + STORY,
            STORY + " " + FILLER + " " + TWO_OF_20,
            2,
            id="runs-apart-in-both-texts-stay-two",
        ),
    ],
)
def test_passage_cases(a_text: str, b_text: str, kept: int) -> None:
    assert len(_passages(a_text, b_text)) == kept
    assert len(_passages(b_text, a_text)) == kept


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"near_gap": -1}, id="negative-near-gap"),
        pytest.param({"far_gap": 2.5}, id="fractional-far-gap"),
        pytest.param({"min_words": True}, id="bool-min-words"),
        pytest.param({"min_single_words": "60"}, id="text-min-single-words"),
        pytest.param({"near_gap": 5, "far_gap": 3}, id="near-gap-above-far-gap"),
        pytest.param({"min_seed_similarity": 1.5}, id="seed-similarity-above-one"),
        pytest.param({"min_seed_similarity": float("nan")}, id="seed-similarity-nan"),
        pytest.param({"min_prose_share": -0.1}, id="negative-prose-share"),
    ],
)
def test_bad_passage_parameters_raise_config_error(params: dict[str, Any]) -> None:
    doc = normalize(STORY)
    with pytest.raises(ConfigError):
        find_passages(doc, doc, align(doc, doc), **params)


def test_reuse_features_are_symmetric_in_the_two_texts() -> None:
    a, b = _document([3, 3, 3, 3, 29, 3]), _document([3, 3, 3, 3, 3, 3])
    a_tokens, b_tokens = _token_ranges(a), _token_ranges(b)
    links = [(1, 1), (2, 0), (4, 2)]
    forward = _alignment(
        [AlignedGroup((i,), (j,), 1.0, a_tokens[i], b_tokens[j], 0, ()) for i, j in links]
    )
    backward = _alignment(
        [AlignedGroup((j,), (i,), 1.0, b_tokens[j], a_tokens[i], 0, ()) for i, j in links]
    )
    assert reuse_features(forward, find_passages(a, b, forward), 0.3) == reuse_features(
        backward, find_passages(b, a, backward), 0.3
    )
