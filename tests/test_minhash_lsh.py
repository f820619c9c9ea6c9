"""Vectorised MinHash and LSH banding against plain reference implementations."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.errors import ConfigError, DetectorError
from detector.scan.lsh import band_hashes, candidate_pairs, optimal_bands
from detector.scan.minhash import (
    MinHasher,
    analyze,
    gram_hashes,
    immutable_tokens,
    light_tokens,
    shingle_hashes,
    skeleton_hashes,
    skeleton_tokens,
    token_hashes,
)

REPO = Path(__file__).resolve().parent.parent

datasketch = pytest.importorskip("datasketch", reason="datasketch is the reference (dev extra)")


@settings(max_examples=40, deadline=None)
@given(
    sets=st.lists(
        st.lists(st.integers(0, 2**32 - 1), min_size=0, max_size=60), min_size=1, max_size=12
    ),
    num_perm=st.sampled_from([8, 64, 128]),
    seed=st.integers(0, 5),
)
def test_signatures_are_bit_identical_to_datasketch(sets, num_perm, seed):
    arrays = [np.unique(np.array(s, dtype=np.uint32)) for s in sets]
    ours = MinHasher(num_perm, seed=seed, block_shingles=50).signatures(arrays)
    for column, values in enumerate(arrays):
        ref = datasketch.MinHash(num_perm=num_perm, seed=seed, hashfunc=lambda x: x)
        ref.update_batch([int(v) for v in values])
        assert np.array_equal(ours[:, column], ref.hashvalues)


def test_naive_minhash_agrees():
    """A per-permutation loop written the obvious way gives the same signature."""
    hasher = MinHasher(16, seed=3)
    values = shingle_hashes(
        ["the", "cat", "sat", "on", "the", "mat", "and", "looked", "at", "the", "dog"], 3
    )
    sig = hasher.signatures([values])[:, 0]
    a, b = hasher.a_[:, 0].astype(np.uint64), hasher.b_[:, 0].astype(np.uint64)
    mixed = [int(x) for x in _fmix32_reference(values)]
    for p in range(16):
        expected = min((int(a[p]) * x + int(b[p])) % 2**32 for x in mixed)
        assert int(sig[p]) == expected


def _fmix32_reference(values):
    out = []
    for h in (int(v) for v in values):
        h ^= h >> 16
        h = (h * 0x85EBCA6B) % 2**32
        h ^= h >> 13
        h = (h * 0xC2B2AE35) % 2**32
        h ^= h >> 16
        out.append(h)
    return out


@pytest.mark.parametrize(("threshold", "num_perm"), [(0.5, 128), (0.2, 64), (0.8, 128), (0.35, 32)])
def test_optimal_bands_match_datasketch(threshold, num_perm):
    from datasketch.lsh import _optimal_param

    assert optimal_bands(threshold, num_perm) == _optimal_param(threshold, num_perm, 0.5, 0.5)


def _jaccard(a, b):
    return len(a & b) / len(a | b) if a | b else 0.0


def test_lsh_recall_against_brute_force_jaccard():
    """Every pair well above the threshold is a candidate; brute force all pairs to check."""
    rng = np.random.default_rng(7)
    base = [set(rng.choice(10_000, size=120, replace=False).tolist()) for _ in range(40)]
    docs = []
    for s in base:
        docs.append(s)
        kept = set(list(s)[:100]) | set(rng.choice(10_000, size=20).tolist())  # J ~ 0.7
        docs.append(kept)
    arrays = [np.array(sorted(d), dtype=np.uint32) for d in docs]
    bands, rows = optimal_bands(0.5, 128)
    found = {
        tuple(p)
        for p in candidate_pairs(
            band_hashes(MinHasher(128).signatures(arrays), bands, rows)
        ).tolist()
    }
    truth = {
        (i, j)
        for i, j in itertools.combinations(range(len(docs)), 2)
        if _jaccard(docs[i], docs[j]) >= 0.6
    }
    assert truth and truth <= found
    unrelated = {
        (i, j)
        for i, j in itertools.combinations(range(len(docs)), 2)
        if _jaccard(docs[i], docs[j]) < 0.1
    }
    assert len(found & unrelated) <= 0.01 * len(unrelated)


@settings(max_examples=60, deadline=None)
@given(
    keys=st.integers(1, 40),
    docs=st.integers(0, 60),
    bands=st.integers(1, 4),
    max_bucket=st.integers(2, 12),
    seed=st.integers(0, 1000),
)
def test_candidate_pairs_against_bucket_dict(keys, docs, bands, max_bucket, seed):
    rng = np.random.default_rng(seed)
    matrix = rng.integers(0, keys, size=(bands, docs)).astype(np.uint64)
    expected = set()
    for row in matrix:
        buckets: dict[int, list[int]] = {}
        for doc, key in enumerate(row.tolist()):
            buckets.setdefault(key, []).append(doc)
        for members in buckets.values():
            if len(members) > max_bucket:  # each member paired with the first only
                expected |= {(members[0], m) for m in members[1:]}
            else:
                expected |= set(itertools.combinations(sorted(members), 2))
    got = candidate_pairs(matrix, max_bucket=max_bucket).tolist()
    assert len(got) == len(expected) and {tuple(p) for p in got} == expected


def test_huge_buckets_are_linear_not_quadratic():
    matrix = np.zeros((1, 1000), dtype=np.uint64)
    pairs = candidate_pairs(matrix, max_bucket=100)
    assert len(pairs) == 999 and (pairs[:, 0] == 0).all()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(
            lambda: optimal_bands(1.5, 128), "threshold must be in (0, 1), got 1.5", id="high"
        ),
        pytest.param(
            lambda: optimal_bands(0.0, 128), "threshold must be in (0, 1), got 0.0", id="zero"
        ),
        pytest.param(lambda: optimal_bands(0.5, 1), "num_perm must be >= 2, got 1", id="one-perm"),
        pytest.param(lambda: MinHasher(0), "num_perm must be >= 1, got 0", id="no-perm"),
        pytest.param(
            lambda: band_hashes(np.zeros((4, 3), dtype=np.uint32), 3, 2),
            "bands x rows must be at most the signature length 4, got 3 x 2",
            id="too-many-bands",
        ),
    ],
)
def test_bad_parameters_are_config_errors(make, message):
    """A value a user can set names itself and what is allowed, as a DetectorError."""
    with pytest.raises(ConfigError) as raised:
        make()
    assert str(raised.value) == message
    assert isinstance(raised.value, DetectorError) and "\n" not in message


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=8).filter(lambda w: "\n" not in w), max_size=30))
def test_token_hashes_are_a_function_of_the_token(tokens):
    hashes = token_hashes(tokens).tolist()
    by_token: dict[str, int] = {}
    for tok, h in zip(tokens, hashes, strict=True):
        assert by_token.setdefault(tok, h) == h
    assert len(set(hashes)) == len(set(tokens))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(["the", "of", "said", "Minister", "1,178", "a", "laws", "2.5%", "were"]),
        max_size=40,
    )
)
def test_gram_hashes_match_naive_ngrams(words):
    grams = {tuple(words[i : i + 3]) for i in range(max(1, len(words) - 2))} if words else set()
    assert len(gram_hashes(token_hashes(words), 3)) == len(grams)


def test_skeleton_and_names_agree_with_the_plain_versions():
    text = (REPO / "corpus/seeds/001_7281db72b9a8aca8.txt").read_text(encoding="utf-8")
    tokens, names = analyze(text)
    assert tokens == light_tokens(text)
    assert np.array_equal(skeleton_hashes(tokens), token_hashes(skeleton_tokens(text)))
    assert set(names) <= set(immutable_tokens(text))
