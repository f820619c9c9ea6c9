"""End-to-end tests of ``detector.compare.pipeline`` on the seed pair and on hand-written articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detector import VERDICTS, Comparison, ConfigError, compare
from detector.inputs.text import read_text
from detector.text.normalize import normalize

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "corpus" / "seeds"
ARTICLES = Path(__file__).resolve().parent / "articles"


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_a() -> str:
    return _read(SEEDS / "000_6938627cd5ef1f07.txt")


@pytest.fixture(scope="module")
def seed_b() -> str:
    return _read(SEEDS / "001_7281db72b9a8aca8.txt")


@pytest.fixture(scope="module")
def seed_result(seed_a: str, seed_b: str) -> Comparison:
    return compare(seed_a, seed_b)


@pytest.fixture(scope="module")
def base() -> str:
    return _read(ARTICLES / "base.txt")


# --------------------------------------------------------------------------- seed pair


def test_seed_pair_is_spun_with_a_as_original(seed_result: Comparison) -> None:
    assert seed_result.verdict == "spun"
    assert seed_result.original == "a"
    assert seed_result.derived


def test_seed_pair_has_many_substitutions(seed_result: Comparison) -> None:
    assert len(seed_result.substitutions) >= 20


@pytest.mark.parametrize(
    ("a_text", "b_text"),
    [
        ("technology", "expertise"),
        ("giant", "large"),
        ("said", "mentioned"),
        ("Party", "Get together"),
    ],
    ids=["technology-expertise", "giant-large", "said-mentioned", "Party-Get-together"],
)
def test_seed_pair_known_swaps_are_found(seed_result: Comparison, a_text: str, b_text: str) -> None:
    found = {(s.a_text, s.b_text) for s in seed_result.substitutions}
    assert (a_text, b_text) in found


def test_seed_substitutions_point_into_the_raw_inputs(
    seed_a: str, seed_b: str, seed_result: Comparison
) -> None:
    for s in seed_result.substitutions:
        assert seed_a[s.a_start : s.a_end] == s.a_text
        assert seed_b[s.b_start : s.b_end] == s.b_text


def test_seed_pair_swapped_arguments_make_b_the_original(seed_a: str, seed_b: str) -> None:
    result = compare(seed_b, seed_a)
    assert result.verdict == "spun"
    assert result.original == "b"


def test_seed_pair_without_lexicon_is_still_spun(seed_a: str, seed_b: str) -> None:
    result = compare(seed_a, seed_b, lexicon=False)
    assert result.verdict == "spun"
    assert result.substitutions
    assert all(s.synonym is None for s in result.substitutions)
    assert "synonym_share" not in result.measures


def test_seed_pair_with_lexicon_checks_synonyms(seed_result: Comparison) -> None:
    checked = [s.synonym for s in seed_result.substitutions if s.synonym is not None]
    assert checked, "with the lexicon on, content-word swaps are looked up"
    assert any(checked)
    assert "synonym_share" in seed_result.measures


def test_seed_pair_rules_verdict_is_spun(seed_a: str, seed_b: str) -> None:
    result = compare(seed_a, seed_b, verdict="rules")
    assert result.verdict == "spun"
    assert result.model == "rules"


# --------------------------------------------------------------------------- own articles


@pytest.mark.parametrize(
    ("other_name", "maker", "expected"),
    [
        ("base.txt", "auto", "duplicate"),
        ("base.txt", "rules", "duplicate"),
        ("base_syndicated.txt", "auto", "near_duplicate"),
        ("base_syndicated.txt", "rules", "near_duplicate"),
        ("other.txt", "auto", "unrelated"),
        ("other.txt", "rules", "unrelated"),
    ],
    ids=[
        "itself-auto",
        "itself-rules",
        "syndicated-auto",
        "syndicated-rules",
        "other-auto",
        "other-rules",
    ],
)
def test_base_against_articles(base: str, other_name: str, maker: str, expected: str) -> None:
    result = compare(base, _read(ARTICLES / other_name), verdict=maker)
    assert result.verdict == expected


def test_base_against_other_is_not_derived(base: str) -> None:
    result = compare(base, _read(ARTICLES / "other.txt"))
    assert result.verdict in {"related", "unrelated"}
    assert not result.derived
    assert result.passages == ()
    assert result.substitutions == ()


def test_base_against_its_html_page(base: str) -> None:
    page = read_text(ARTICLES / "base_html.html")
    assert "<p>" not in page
    assert "dataLayer" not in page  # script dropped
    assert "Markets" not in page  # navigation dropped
    result = compare(base, page)
    assert result.verdict in {"duplicate", "near_duplicate"}


def test_syndicated_copy_differs_only_in_headline_byline_and_trim(base: str) -> None:
    syndicated = _read(ARTICLES / "base_syndicated.txt")
    doc = normalize(syndicated)
    assert ("byline", syndicated.index("By Kari"), syndicated.index("By Kari") + 16) in doc.removed
    result = compare(base, syndicated)
    assert result.measures["token_identity"] == pytest.approx(1.0)
    assert result.measures["coverage_b"] > result.measures["coverage_a"]
    assert result.substitutions == ()


def test_dateline_after_headline_is_recognised(base: str) -> None:
    doc = normalize(base)
    assert doc.agency == "Atlas News Service"
    assert "OSLO, May 3" not in doc.text
    assert doc.text.startswith("Norway freezes new salmon farm permits")


def test_dateline_at_start_of_body_is_recognised(base: str) -> None:
    body = base.split("\n\n", 1)[1]  # without the headline line
    doc = normalize(body)
    assert doc.agency == "Atlas News Service"
    assert doc.dateline == "OSLO, May 3 (Atlas News Service) -"
    assert doc.text.startswith("Norway's fisheries ministry on Tuesday")
    assert "Reporting by" not in doc.text


# --------------------------------------------------------------------------- to_dict


def test_to_dict_is_json_ready(seed_result: Comparison) -> None:
    data = seed_result.to_dict()
    assert json.loads(json.dumps(data)) == data
    for key in ("verdict", "score", "original", "measures", "passages", "substitutions"):
        assert key in data
    assert "reasons" in data
    assert data["verdict"] in VERDICTS
    assert data["passages"], "the seed pair has aligned passages"
    for passage in data["passages"]:
        assert {"a_start", "a_end", "b_start", "b_end"} <= passage.keys()
        assert all(isinstance(passage[k], int) for k in ("a_start", "a_end", "b_start", "b_end"))
    for sub in data["substitutions"]:
        assert {"a_text", "b_text", "a_start", "b_start", "synonym"} <= sub.keys()
    assert all(isinstance(r, str) and r for r in data["reasons"])


# --------------------------------------------------------------------------- bad options


@pytest.mark.parametrize(
    "kwargs",
    [
        {"seed_threshold": 1.5},
        {"seed_threshold": -0.1},
        {"verdict": "nonsense"},
        {"verdict": ""},
    ],
    ids=["threshold-above-1", "threshold-below-0", "verdict-nonsense", "verdict-empty"],
)
def test_bad_options_raise_config_error(kwargs: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        compare("The council met on Monday.", "The council met on Tuesday.", **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("a", "b"),
    [(None, "text"), ("text", 42), (b"bytes", "text")],
    ids=["a-none", "b-int", "a-bytes"],
)
def test_non_string_input_raises_config_error(a: object, b: object) -> None:
    with pytest.raises(ConfigError):
        compare(a, b)  # type: ignore[arg-type]


def test_a_shared_sentence_is_not_a_copy():
    """One long sentence quoted inside another story: related at most, never derived."""
    import json

    articles = {}
    with (REPO / "corpus" / "articles.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            articles[record["id"]] = record["text"]
    wire = articles["pol-01"]
    quoted = " ".join(wire.split("\n\n")[2].split(". ")[:2])
    host = articles["bus-03"].split("\n\n")
    host.insert(3, quoted)
    result = compare(wire, "\n\n".join(host))
    assert result.verdict in ("related", "unrelated")
    assert not result.derived and result.score < 0.5 and result.extent is None


def test_identical_short_texts_are_whole_copies() -> None:
    """Too short for a passage, but the same text: a whole duplicate, fully covered."""
    result = compare("Hello there, said the man.", "Hello there, said the man.")
    assert (result.verdict, result.extent) == ("duplicate", "whole")
    assert result.coverage_a == result.coverage_b == 1.0


def test_texts_without_words_have_no_similarity() -> None:
    """Punctuation only: nothing to compare, so nothing similar."""
    result = compare("!!! ...", "??? ;;;")
    assert result.similarity == 0.0 and not result.derived
