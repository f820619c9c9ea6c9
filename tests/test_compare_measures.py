"""``Measures``: typed attributes that also read as the mapping ``to_dict`` and the web app use."""

from __future__ import annotations

import dataclasses
import json
import pickle
from pathlib import Path

import pytest

from detector import Comparison, ConfigError, compare
from detector.models import MEASURE_NAMES, SUMMARY_MEASURES, Measures, Passage

SEEDS = Path(__file__).resolve().parent.parent / "corpus" / "seeds"


@pytest.fixture(scope="module")
def seed() -> Comparison:
    a = (SEEDS / "000_6938627cd5ef1f07.txt").read_text(encoding="utf-8")
    b = (SEEDS / "001_7281db72b9a8aca8.txt").read_text(encoding="utf-8")
    return compare(a, b)


def test_names_are_the_fields_in_order() -> None:
    assert tuple(f.name for f in dataclasses.fields(Measures)) == MEASURE_NAMES
    assert len(MEASURE_NAMES) == len(set(MEASURE_NAMES)) == 21
    assert set(SUMMARY_MEASURES) < set(MEASURE_NAMES)
    assert list(SUMMARY_MEASURES) == [n for n in MEASURE_NAMES if n in SUMMARY_MEASURES]


def test_measures_read_as_a_mapping(seed: Comparison) -> None:
    m = seed.measures
    assert isinstance(m, Measures)
    assert list(m) == list(m.keys()) == list(MEASURE_NAMES)
    assert dict(m) == {name: getattr(m, name) for name in MEASURE_NAMES}
    assert m["coverage_a"] == m.coverage_a and m.get("coverage_a") == m.coverage_a
    assert dict(m.items()) == dict(m) and list(m.values()) == [m[n] for n in m]
    assert m == dict(m)
    with pytest.raises(KeyError):
        m["coverage"]
    assert m.get("coverage", -1.0) == -1.0


def test_without_the_lexicon_synonym_share_is_not_a_key() -> None:
    m = compare("The giant firm said so.", "The large firm mentioned so.", lexicon=False).measures
    assert isinstance(m, Measures)
    assert m.synonym_share is None
    assert "synonym_share" not in m and len(m) == 20 == len(dict(m))
    with pytest.raises(KeyError):
        m["synonym_share"]


def test_measures_are_frozen_and_pickle(seed: Comparison) -> None:
    m = seed.measures
    assert isinstance(m, Measures)
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.coverage_a = 0.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        m["coverage_a"] = 0.0  # type: ignore[index]
    assert pickle.loads(pickle.dumps(m)) == m


def test_from_mapping_fills_and_checks_names() -> None:
    m = Measures.from_mapping({"coverage_a": 0.5})
    assert m.coverage_a == 0.5 and m.coverage_b == 0.0 and m.synonym_share is None
    assert Measures.from_mapping(dict(m)) == m
    with pytest.raises(
        ConfigError, match="unknown measure 'coverage'; measures are shingle_jaccard"
    ):
        Measures.from_mapping({"coverage": 0.5})


def test_comparison_fields_are_immutable(seed: Comparison) -> None:
    for name in (
        "passages",
        "substitutions",
        "reasons",
        "sentence_pairs",
        "edits",
        "original_reasons",
    ):
        assert isinstance(getattr(seed, name), tuple), name


def test_a_hand_made_comparison_is_frozen_too() -> None:
    made = Comparison("spun", 0.7, "a", {"coverage_a": 0.5}, [Passage(0, 1, 0, 1)], [], ["why"])
    assert made.passages == (Passage(0, 1, 0, 1),) and made.reasons == ("why",)
    with pytest.raises(TypeError):
        made.measures["coverage_a"] = 1.0  # type: ignore[index]
    assert made.to_dict()["measures"] == {"coverage_a": 0.5}
    assert made.to_dict()["passages"] == [
        {"a_start": 0, "a_end": 1, "b_start": 0, "b_end": 1, "similarity": 0.0}
    ]


def test_to_dict_has_the_shape_of_earlier_versions(seed: Comparison) -> None:
    """Earlier keys in their order; the reuse extent, similarity and evidence added."""
    data = seed.to_dict()
    # The semantic extra adds its measures last.
    assert list(data)[17:] == (["semantic"] if seed.semantic is not None else [])
    assert list(data)[:17] == [
        "verdict",
        "score",
        "similarity",
        "original",
        "derived",
        "extent",
        "coverage_a",
        "coverage_b",
        "model",
        "measures",
        "reasons",
        "original_reasons",
        "passages",
        "sentence_pairs",
        "substitutions",
        "edits",
        "reuse",
    ]
    assert list(data["measures"]) == list(MEASURE_NAMES)
    for key in (
        "reasons",
        "original_reasons",
        "passages",
        "sentence_pairs",
        "substitutions",
        "edits",
    ):
        assert isinstance(data[key], list), key
    assert isinstance(data["measures"], dict)
    assert json.loads(json.dumps(data)) == data
