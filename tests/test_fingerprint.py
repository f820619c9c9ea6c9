"""Batch fingerprints (detector.scan.fingerprint) against the per-document scan pipeline,
and the byte-level tokenizer (detector.scan.tokens) against the regular expressions."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scan_reference import ascii_tokens, fingerprint_texts

from detector.scan import fingerprint
from detector.scan.fingerprint import (
    _fast_block,
    _signatures_flat,
    content_hash,
    content_hashes,
    fingerprint_batch,
)
from detector.scan.minhash import (
    _NAME_RE,
    MinHasher,
    analyze,
    light_tokens,
    token_hashes,
)
from detector.scan.options import ScanOptions
from detector.scan.tokens import word_table
from detector.text.wordlists import NOT_NAMES

REPO = Path(__file__).resolve().parent.parent

#: Characters that stress the tokenizer and the name rule; é stays non-ASCII (slow
#: path), ’ “ – become ASCII in preparation (fast path).
ALPHABET = "aAbBzZ019_'-.,:/%\"!? \n\t\r\x0b\x1fé’“–"
WORDS = [
    "the",
    "of",
    "and",
    "a",
    "in",
    "to",
    "was",
    "were",
    "said",
    "would",
    "The",
    "In",
    "Monday",
    "May",
    "March",
    "Alice",
    "Bob",
    "O'Neil",
    "Smith-Jones",
    "minister",
    "farmers",
    "laws",
    "1,000",
    "3.5%",
    "19-year-old",
    "covid-19",
    "COVID-19",
    "U.S.",
    "5g",
    "1_000",
    "a-1-2",
    "2024",
    "10:30",
    "1/2",
    "x" * 70,
    "9" * 66,
    "-".join(["ab"] * 40),
]
SEPARATORS = [" ", " ", " ", ", ", ". ", "\n", '" ', "? ", " - ", "'", "-", "%", ".", ""]

piece = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(WORDS),
    st.text(alphabet=ALPHABET, min_size=1, max_size=8),
)
text = st.lists(st.tuples(piece, st.sampled_from(SEPARATORS)), max_size=60).map(
    lambda parts: "".join(p + s for p, s in parts)
)
ascii_text = st.lists(
    st.tuples(
        st.one_of(st.sampled_from(WORDS), st.text(alphabet=ALPHABET[:-4], max_size=8)),
        st.sampled_from(SEPARATORS),
    ),
    max_size=40,
).map(lambda parts: "".join(p + s for p, s in parts))

OPTIONS = [
    ScanOptions(),
    ScanOptions(copy_perm=16, spin_perm=8, entity_perm=8, shingle_k=3, skeleton_k=4),
    ScanOptions(copy_perm=32, spin_perm=16, entity_perm=16, shingle_k=1, skeleton_k=2),
]

EDGE_CASES = [
    "",
    "5g 1,000m 19-year-old covid-19 a-1-2 3.5% u.s. 1_000",
    "5%5 1-2% a-1.5-6 x1,000 1.5abc 12-ab-cd ab-12-cd 1..2 '90s don't a--b a-'b",
    "1.2.3 1,2,3. 1:2/3 4%% 12abc-def 1-2abc a'1'2 1'2'x 7-a-1.5",
    'Hello World said Bob. Then Alice met Carol! Did Dave? "Eve" said Frank',
    'x  Y a Y " Y b\tY ,  Z a\x1f Q a\x1c R It is the The Monday May',
    "A B C D E F G H",
    " Leading space Name",
    "x" * 100 + " " + "9" * 80 + " " + "-".join(["ab"] * 40),
    "word\nName next\rline Name",
]


def _assert_same_fingerprints(texts: list[str], options: ScanOptions) -> None:
    expected = fingerprint_texts(texts, options)
    got = fingerprint_batch(texts, options)
    assert got[1].dtype == np.uint64 and got[2].dtype == np.uint32
    assert got[0].shape == (len(texts),) and got[0].dtype == np.uint64
    assert np.array_equal(got[0], expected[0])
    assert np.array_equal(got[1], expected[1])
    assert np.array_equal(got[2], expected[2])


@settings(max_examples=150, deadline=None)
@given(
    texts=st.lists(st.one_of(text, st.just("")), min_size=1, max_size=8),
    options=st.sampled_from(OPTIONS),
)
def test_batch_is_bit_identical_to_fingerprint_texts(texts, options):
    _assert_same_fingerprints(texts, options)
    hashes = fingerprint_batch(texts, options)[0]
    tokens = [light_tokens(t) for t in texts]
    for i in range(len(texts)):
        assert int(hashes[i]) == content_hash(token_hashes(tokens[i]))
        for j in range(i):
            assert (hashes[i] == hashes[j]) == (tokens[i] == tokens[j])


@pytest.mark.parametrize("options", OPTIONS)
def test_edge_cases_are_bit_identical(options, monkeypatch):
    _assert_same_fingerprints(EDGE_CASES, options)
    # Several fast-path blocks in one batch.
    monkeypatch.setattr(fingerprint, "_BLOCK_CHARS", 40)
    _assert_same_fingerprints(EDGE_CASES + EDGE_CASES[::-1], options)


def test_empty_batch():
    hashes, bands, signatures = fingerprint_batch([], ScanOptions())
    expected = fingerprint_texts([], ScanOptions())
    assert hashes.shape == (0,)
    assert bands.shape == expected[1].shape
    assert signatures.shape == expected[2].shape


def test_long_texts_take_the_fast_path():
    texts = [EDGE_CASES[1] * 3, EDGE_CASES[4] * 2]
    assert not _fast_block(texts, ScanOptions()).short.any()
    assert _fast_block(["a b", "the cat sat on the mat"], ScanOptions()).short.tolist() == [
        True,
        True,
    ]


def _names(text: str) -> list[str]:
    return [w.lower() for w in _NAME_RE.findall(text)]


@pytest.mark.parametrize("case", EDGE_CASES)
def test_tokenizer_edge_cases(case):
    tokens, names = ascii_tokens([case])
    assert tokens[0] == analyze(case)[0]
    assert names[0] == _names(case)


@settings(max_examples=400, deadline=None)
@given(texts=st.lists(ascii_text, min_size=1, max_size=5))
def test_tokenizer_matches_the_regular_expressions(texts):
    tokens, names = ascii_tokens(texts)
    for case, got_tokens, got_names in zip(texts, tokens, names, strict=True):
        expected_tokens, expected_names = analyze(case)
        assert got_tokens == expected_tokens
        assert got_names == _names(case)
        assert [n for n in got_names if n not in NOT_NAMES] == expected_names


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="aZ0_'-.,:/% \n", max_size=30))
def test_tokenizer_on_dense_punctuation(case):
    tokens, names = ascii_tokens([case])
    assert tokens[0] == analyze(case)[0]
    assert names[0] == _names(case)


def test_articles_are_bit_identical():
    texts = [
        json.loads(line)["text"]
        for line in (REPO / "corpus" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    assert len(texts) > 100
    options = ScanOptions()
    for i in range(0, len(texts), 50):
        _assert_same_fingerprints(texts[i : i + 50], options)


def test_content_hash_vectorised_agrees_with_per_document():
    docs = [[], ["a"], ["a", "b"], ["b", "a"], ["a", "b", "b"], ["a", "b"], ["x"] * 50]
    flat = token_hashes([w for d in docs for w in d])
    hashes = content_hashes(flat, np.array([len(d) for d in docs]))
    assert [int(h) for h in hashes] == [content_hash(token_hashes(d)) for d in docs]
    assert hashes[2] == hashes[5]
    assert len(set(hashes.tolist())) == len(docs) - 1


@settings(max_examples=40, deadline=None)
@given(
    sets=st.lists(st.lists(st.integers(0, 2**32 - 1), max_size=40), min_size=1, max_size=10),
    block=st.sampled_from([1, 7, 8192]),
)
def test_flat_signatures_match_minhasher(sets, block):
    hasher = MinHasher(16, seed=4)
    values = np.array([v for s in sets for v in s], dtype=np.uint32)
    counts = np.array([len(s) for s in sets], dtype=np.int64)
    saved = fingerprint._MINHASH_BLOCK
    fingerprint._MINHASH_BLOCK = block
    try:
        got = _signatures_flat(hasher, values, counts)
    finally:
        fingerprint._MINHASH_BLOCK = saved
    expected = hasher.signatures([np.unique(np.array(s, dtype=np.uint32)) for s in sets])
    assert np.array_equal(got, expected)


def test_word_table_checks_the_words_behind_a_hash():
    table = word_table()
    data = np.frombuffer(b"\nThe Monday thx Mondays\n", dtype=np.uint8)
    starts = np.array([1, 5, 12, 16])
    ends = np.array([4, 11, 15, 23])
    flags, slot = table.lookup(token_hashes(["the", "monday", "thx", "mondays"]))
    assert flags[:2].all() and not flags[2:].any()
    # Pretend "thx" and "mondays" hashed to the slots of "the" and "monday".
    same = table.same_words(data, starts, ends, np.concatenate([slot[:2], slot[:2]]))
    assert same.tolist() == [True, True, False, False]


def test_texts_in_other_scripts_are_bit_identical():
    """Non-ASCII texts take the regular-expression block: same arrays as one by one."""
    with (REPO / "corpus" / "articles.jsonl").open(encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in fh][:40]
    accented = [t.replace("e", "\u00e9", 3) + " Caf\u00e9 S\u00e3o Paulo \u00a3200" for t in texts]
    mixed = accented[:20] + texts[:10] + ["\u00e9t\u00e9", "", "\u00c9cole normale"]
    _assert_same_fingerprints(mixed, ScanOptions())
