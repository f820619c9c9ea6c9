"""Tests of the WordNet 3.0 synonym lexicon and of the build script behind its table."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from detector.errors import DetectorError
from detector.text.lexicon import TABLE_NAME, SynonymLexicon, load_lexicon

REPO = Path(__file__).resolve().parents[1]
BUILD_SCRIPT = REPO / "scripts" / "build_wordnet_synonyms.py"
# Princeton WordNet 3.0 dict dir, as installed by `apt-get install wordnet-base`.
WORDNET_DIR = Path(os.environ.get("WORDNET_DIR", "/usr/share/wordnet"))


@pytest.fixture(scope="module")
def lex() -> SynonymLexicon:
    return load_lexicon()


# Every expectation below was checked against the WordNet 3.0 data files.
SYNONYMS = [
    ("giant", "large"),  # similar-to: giant (adj) & large
    ("said", "mentioned"),  # say / mention share a verb synset
    ("big", "large"),
    ("huge", "large"),
    ("buy", "purchase"),
    ("bought", "purchased"),
    ("security", "safety"),
    ("adding", "including"),
    ("meeting", "get together"),
    ("Get-Together", "meeting"),
    ("begin", "start"),
    ("car", "automobile"),
    ("quick", "fast"),
    ("happy", "glad"),
    ("said", "stated"),
    ("help", "assist"),
    ("kids", "children"),
    ("announced", "declared"),
    ("important", "significant"),
    ("dog", "canine"),  # hypernym, one hop
    ("dogs", "domestic dogs"),  # hyponym, one hop
    ("attorneys general", "attorney general"),  # same lemma after morphology
]

NOT_SYNONYMS = [
    ("said", "banana"),
    ("large", "minister"),
    ("cat", "democracy"),
    ("government", "apple"),
    ("party", "get together"),  # two hops apart (party.v -> hypernym -> meet/get together)
    ("thousands", "hundreds"),  # siblings under "large integer", not one hop
    ("technology", "expertise"),
    ("agencies", "companies"),
    ("laws", "legal guidelines"),  # "legal guideline" is not a WordNet lemma
    ("vehicle", "car"),  # several hypernym hops apart
    ("qwertyuiop", "large"),
    ("", ""),
    ("large", "   "),
]


@pytest.mark.parametrize(("a", "b"), SYNONYMS)
def test_are_synonyms_true(lex: SynonymLexicon, a: str, b: str) -> None:
    assert lex.are_synonyms(a, b)
    assert lex.are_synonyms(b, a)


@pytest.mark.parametrize(("a", "b"), NOT_SYNONYMS)
def test_are_synonyms_false(lex: SynonymLexicon, a: str, b: str) -> None:
    assert not lex.are_synonyms(a, b)
    assert not lex.are_synonyms(b, a)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("said", {"say", "said"}),  # verb.exc said -> say; "said" is also an adjective
        ("geese", {"goose"}),  # noun.exc
        ("accounts", {"account"}),  # -s
        ("mentioned", {"mention"}),  # -ed
        ("Boxes", {"box"}),  # -xes, case-insensitive
        ("churches", {"church"}),  # -ches
        ("studies", {"study"}),  # -ies
        ("women", {"woman"}),  # -men
        ("taller", {"tall"}),  # -er
        ("went", {"go"}),  # verb.exc
        ("boss", {"boss"}),  # nouns in -ss are not detached
        ("attorneys general", {"attorney general"}),  # multiword exception
        ("sisters-in-law", {"sister-in-law"}),
        ("looking for", {"look for", "looking for"}),  # collocation, first word morphed
        ("get_together", {"get together"}),
        ("legal guidelines", set()),  # not in WordNet
        ("qwertyuiop", set()),
        ("", set()),
    ],
)
def test_lemmas(lex: SynonymLexicon, word: str, expected: set[str]) -> None:
    assert lex.lemmas(word) == frozenset(expected)


def test_synonyms_sorted_and_without_own_lemmas(lex: SynonymLexicon) -> None:
    narrow = lex.synonyms("purchase")
    assert narrow == ("buy", "leverage")
    broad = lex.synonyms("purchases", broad=True)
    assert list(broad) == sorted(broad)
    assert set(narrow) < set(broad)
    assert "purchase" not in broad
    assert "bargain" in broad
    assert lex.synonyms("qwertyuiop") == ()


def test_synonyms_broad_includes_similar_to(lex: SynonymLexicon) -> None:
    assert "large" not in lex.synonyms("giant")
    assert "large" in lex.synonyms("giant", broad=True)


def test_contains(lex: SynonymLexicon) -> None:
    assert "geese" in lex
    assert "Get Together" in lex
    assert "qwertyuiop" not in lex
    assert 42 not in lex


def test_load_lexicon_is_cached() -> None:
    assert load_lexicon() is load_lexicon()


def test_explicit_path_and_lazy_loading() -> None:
    table = resources.files("detector").joinpath("data", TABLE_NAME)
    with resources.as_file(table) as path:
        lexicon = SynonymLexicon(path)
        assert "not loaded" in repr(lexicon)
        assert lexicon.are_synonyms("giant", "large")
        assert "not loaded" not in repr(lexicon)


def test_corrupt_table_raises_detector_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.bin.gz"
    bad.write_bytes(gzip.compress(b"not a table", mtime=0))
    with pytest.raises(DetectorError, match="cannot read"):
        SynonymLexicon(bad).lemmas("dog")
    with pytest.raises(DetectorError, match="cannot read"):
        SynonymLexicon(tmp_path / "missing.bin.gz").lemmas("dog")


def test_shipped_license_is_wordnet_3() -> None:
    text = resources.files("detector").joinpath("data", "WORDNET_LICENSE").read_text("utf-8")
    assert "WordNet 3.0 Copyright 2006 by Princeton University" in text


def test_build_script_reproduces_shipped_table(tmp_path: Path) -> None:
    if not (WORDNET_DIR / "data.noun").is_file():
        pytest.skip(
            f"WordNet 3.0 dict dir {WORDNET_DIR} is absent "
            "(apt-get install wordnet-base, or set WORDNET_DIR)"
        )
    out = tmp_path / TABLE_NAME
    subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), "--wordnet-dir", str(WORDNET_DIR), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    data = resources.files("detector").joinpath("data")
    shipped = data.joinpath(TABLE_NAME).read_bytes()
    rebuilt = out.read_bytes()
    assert gzip.decompress(rebuilt) == gzip.decompress(shipped), "table content differs"
    assert rebuilt == shipped, "same content, different gzip bytes (zlib version?)"
    assert (tmp_path / "WORDNET_LICENSE").read_bytes() == data.joinpath(
        "WORDNET_LICENSE"
    ).read_bytes()


def test_counts_table_is_reproduced_by_its_script(tmp_path):
    """scripts/build_wordnet_counts.py rebuilds the shipped counts byte for byte."""
    import importlib.util
    import os

    wordnet_dir = Path(os.environ.get("WORDNET_DIR", "/usr/share/wordnet"))
    if not (wordnet_dir / "cntlist.rev").is_file():
        pytest.skip(
            f"WordNet's cntlist.rev is absent from {wordnet_dir} (install Debian's wordnet-base)"
        )
    script = Path(__file__).resolve().parent.parent / "scripts" / "build_wordnet_counts.py"
    spec = importlib.util.spec_from_file_location("build_wordnet_counts", script)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "counts.tsv.gz"
    assert module.main(["--wordnet-dir", str(wordnet_dir), "--out", str(out)]) == 0
    shipped = Path(__file__).resolve().parent.parent / "detector" / "data" / "wordnet_counts.tsv.gz"
    assert out.read_bytes() == shipped.read_bytes()


@pytest.mark.parametrize(
    ("common", "rare"),
    [
        ("said", "mentioned"),
        ("technology", "expertise"),
        ("law", "guideline"),
        ("sent", "despatched"),
    ],
    ids=["say", "technology", "law", "send"],
)
def test_frequency_ranks_the_common_word_first(common, rare):
    lex = load_lexicon()
    assert lex.frequency(common) > lex.frequency(rare)
