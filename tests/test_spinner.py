"""Tests for detector.lab.spinner and scripts/build_moby_thesaurus.py."""

from __future__ import annotations

import gzip
import importlib.util
import math
import os
import re
import sys
from collections import defaultdict
from pathlib import Path
from types import ModuleType
from typing import ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.errors import ConfigError
from detector.lab.inflect import inflect_word
from detector.lab.spinner import (
    DEFAULT_MOBY_PATH,
    MobyThesaurus,
    SpinResult,
    StrengthError,
    WordNetThesaurus,
    spin,
)

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "build_moby_thesaurus.py"
SEED = Path("/work/shared/seeds/000_6938627cd5ef1f07.txt")
if not SEED.is_file():
    SEED = REPO.parent / "shared" / "seeds" / "000_6938627cd5ef1f07.txt"

ARTICLE = (
    "NEW DELHI (Reuters) - Twitter said Monday it was seeking talks with India's technology "
    "minister, days after the country asked the US social media giant to remove 1,178 "
    "accounts.\n\nNew Delhi wrote to Twitter on February 4 urging it to remove accounts, two "
    "technology ministry sources said, adding that the company had not yet complied.\n\n"
    "Security agencies said the laws were passed. Thousands of farmers protested."
)
FAKE = MobyThesaurus(
    {
        "say": ["mention", "state", "tell"],
        "giant": ["large", "colossus"],
        "technology": ["expertise"],
        "minister": ["clergyman", "envoy"],
        "remove": ["take away", "eliminate"],
        "account": ["report", "statement"],
        "seek": ["look for", "pursue"],
        "talk": ["discussion"],
        "country": ["nation"],
        "add": ["include"],
        "company": ["corporation", "firm"],
        "security agency": ["safety company"],
        "law": ["legal guideline"],
        "thousand": ["hundred"],
        "farmer": ["grower"],
        "twitter": ["chirp"],
        "new": ["novel"],
        "delhi": ["nowhere"],
        "day": ["period"],
        "urge": ["press"],
        "comply": ["conform"],
        "protest": ["object"],
        "pass": ["enact"],
    }
)
SIMPLE = MobyThesaurus(
    {
        "giant": ["large"],
        "say": ["mention"],
        "law": ["legal guideline"],
        "security agency": ["safety company"],
    }
)


class EverythingThesaurus:
    """Offers replacements for any lemma at all: eligibility alone decides."""

    def candidates(self, lemma: str) -> tuple[str, ...]:
        return ("zorp", "blarg", "quux fizz")


def apply_substitutions(text: str, subs: tuple[tuple[str, str, int], ...]) -> str:
    out, cursor = [], 0
    for original, replacement, offset in subs:
        assert offset >= cursor
        out.append(text[cursor:offset])
        out.append(replacement)
        cursor = offset + len(original)
    out.append(text[cursor:])
    return "".join(out)


def paragraphs(text: str) -> int:
    return len(re.split(r"\n[^\S\n]*\n", text))


# ------------------------------------------------------------------ basics
def test_returns_spin_result_and_offsets_point_at_originals() -> None:
    res = spin(ARTICLE, strength=1.0, thesaurus=FAKE)
    assert isinstance(res, SpinResult)
    assert res.substitutions
    for original, replacement, offset in res.substitutions:
        assert ARTICLE[offset : offset + len(original)] == original
        assert replacement != original
    assert apply_substitutions(ARTICLE, res.substitutions) == res.text


def test_deterministic() -> None:
    runs = [spin(ARTICLE, strength=0.5, seed=7, thesaurus=FAKE) for _ in range(3)]
    assert runs[0] == runs[1] == runs[2]
    texts = {spin(ARTICLE, strength=0.5, seed=s, thesaurus=FAKE).text for s in range(8)}
    assert len(texts) > 1, "the seed should change the spin"


@pytest.mark.parametrize("seed", [0, 1, 42])
def test_strength_zero_is_identity(seed: int) -> None:
    res = spin(ARTICLE, strength=0.0, seed=seed, thesaurus=EverythingThesaurus())
    assert res.text == ARTICLE
    assert res.substitutions == ()


@pytest.mark.parametrize("bad", [-0.01, 1.0001, 2, math.nan, math.inf, -math.inf, True], ids=repr)
def test_strength_out_of_range_raises(bad: float) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(bad))):
        spin(ARTICLE, strength=bad, thesaurus=FAKE)
    with pytest.raises(ConfigError):
        spin(ARTICLE, strength=bad, thesaurus=FAKE)
    assert issubclass(StrengthError, ValueError)


def test_strength_one_replaces_every_replaceable_word() -> None:
    res = spin("The giant said.", strength=1.0, thesaurus=FAKE)
    assert [s[0] for s in res.substitutions] == ["giant", "said"]


def test_names_numbers_caps_and_contractions_are_kept() -> None:
    text = (
        "Reporters said Twitter and NASA don't comply. Giant firms, e.g. Twitter, "
        "said 1,178 giant3 accounts were new."
    )
    res = spin(text, strength=1.0, thesaurus=EverythingThesaurus())
    replaced = {s[0] for s in res.substitutions}
    for kept in ("Twitter", "NASA", "don't", "1", "178", "giant3", "don", "t"):
        assert kept not in replaced
    assert "Twitter and NASA don't" in res.text
    assert "1,178 giant3" in res.text
    # sentence-initial ordinary words may be spun and keep their capital
    assert res.text.startswith(("Zorp ", "Blarg ", "Quux fizz "))
    assert res.text.split(". ")[1][0].isupper()


def test_sentence_initial_name_is_kept_when_seen_mid_sentence() -> None:
    text = "Twitter said no. They asked Twitter again."
    res = spin(text, strength=1.0, thesaurus=FAKE)
    assert res.text.startswith("Twitter ")
    alone = spin("Twitter said no.", strength=1.0, thesaurus=FAKE)
    assert alone.text.startswith("Chirp ")


def test_whitespace_and_punctuation_kept_exactly() -> None:
    text = "  The giant\tsaid:\n\n\n  “laws!”  (giant)…\r\n"
    res = spin(text, strength=1.0, thesaurus=SIMPLE)
    assert res.text == "  The large\tmentioned:\n\n\n  “legal guidelines!”  (large)…\r\n"


def test_phrase_replacement_preferred() -> None:
    res = spin("The security agencies said so.", strength=1.0, thesaurus=SIMPLE)
    assert res.text == "The safety companies mentioned so."
    assert res.substitutions[0] == ("security agencies", "safety companies", 4)


def test_phrase_not_across_punctuation_or_lines() -> None:
    thes = MobyThesaurus({"security agency": ["safety company"]})
    for text in ("security, agencies", "security\nagencies", "security-agencies"):
        assert spin(text, strength=1.0, thesaurus=thes).text == text


# ------------------------------------------------------------- consistency
def test_consistent_reuses_choice() -> None:
    text = " ".join(["He said so."] * 30)
    thes = MobyThesaurus({"say": ["mention", "state", "declare", "assert", "claim"]})
    res = spin(text, strength=1.0, seed=3, thesaurus=thes, consistent=True)
    assert len(res.substitutions) == 30
    assert len({s[1] for s in res.substitutions}) == 1
    loose = spin(text, strength=1.0, seed=3, thesaurus=thes, consistent=False)
    assert len({s[1] for s in loose.substitutions}) > 1


def test_consistent_across_inflections() -> None:
    text = "Farmers said they say the farmer says no."
    thes = MobyThesaurus({"say": ["mention", "state", "declare"], "farmer": ["grower", "tiller"]})
    for seed in range(5):
        res = spin(text, strength=1.0, seed=seed, thesaurus=thes)
        words = res.text.rstrip(".").split()
        assert words[1][:4] == words[3][:4] == words[6][:4]  # mention/ed/s, state/d/s ...
        assert words[0].lower()[:4] == words[5][:4]


def test_consistent_same_lemma_same_replacement_on_article() -> None:
    res = spin(ARTICLE * 3, strength=0.7, seed=11, thesaurus=FAKE)
    by_lemma: dict[str, set[str]] = defaultdict(set)
    for original, replacement, _ in res.substitutions:
        if original.lower() in ("said", "say", "says"):
            by_lemma["say"].add(replacement.lower().rstrip("eds"))
    assert len(by_lemma["say"]) == 1


# --------------------------------------------------------------- inflection
INFLECTION_CASES = [
    ("said-mentioned", "He said it.", {"say": ["mention"]}, "He mentioned it."),
    ("Said-capital", "Said the man.", {"say": ["mention"]}, "Mentioned the man."),
    ("says-mentions", "She says so.", {"say": ["mention"]}, "She mentions so."),
    ("saying-mentioning", "Kept saying so.", {"say": ["mention"]}, "Kept mentioning so."),
    ("said-told", "He said it.", {"say": ["tell"]}, "He told it."),
    ("told-informed", "He told us.", {"tell": ["inform"]}, "He informed us."),
    ("accepted-took", "He accepted it.", {"accept": ["take"]}, "He took it."),
    ("had-accepted-taken", "It had accepted it.", {"accept": ["take"]}, "It had taken it."),
    (
        "had-officially-accepted",
        "It had officially accepted.",
        {"accept": ["take"]},
        "It had officially taken.",
    ),
    ("taken-grabbed", "It was taken.", {"take": ["grab"]}, "It was grabbed."),
    ("accounts-reports", "Ban accounts.", {"account": ["report"]}, "Ban reports."),
    ("agencies-companies", "Ask agencies.", {"agency": ["company"]}, "Ask companies."),
    ("infants-babies", "See infants.", {"infant": ["baby"]}, "See babies."),
    ("boxes-crates", "Open boxes.", {"box": ["crate"]}, "Open crates."),
    ("crates-boxes", "Open crates.", {"crate": ["box"]}, "Open boxes."),
    ("laws-legal-guidelines", "New laws.", {"law": ["legal guideline"]}, "New legal guidelines."),
    (
        "seeking-looking-for",
        "It is seeking talks.",
        {"seek": ["look for"]},
        "It is looking for talks.",
    ),
    ("seeks-looks-for", "It seeks talks.", {"seek": ["look for"]}, "It looks for talks."),
    ("adding-including", "He left, adding that.", {"add": ["include"]}, "He left, including that."),
    ("added-included", "He added that.", {"add": ["include"]}, "He included that."),
    ("stopped-halted", "It stopped.", {"stop": ["halt"]}, "It halted."),
    ("halted-stopped", "It halted.", {"halt": ["stop"]}, "It stopped."),
    ("hunting-shopping", "Go hunting.", {"hunt": ["shop"]}, "Go shopping."),
    ("hoped-wished", "We hoped.", {"hope": ["wish"]}, "We wished."),
    ("tried-attempted", "We tried.", {"try": ["attempt"]}, "We attempted."),
    ("attempted-tried", "We attempted.", {"attempt": ["try"]}, "We tried."),
    ("dying-perishing", "It is dying.", {"die": ["perish"]}, "It is perishing."),
    (
        "thousands-hundreds",
        "Tens of thousands came.",
        {"thousand": ["hundred"]},
        "Tens of hundreds came.",
    ),
    ("farmers-countrymen", "Ask farmers.", {"farmer": ["countryman"]}, "Ask countrymen."),
    ("businessmen-merchants", "Ask businessmen.", {"businessman": ["merchant"]}, "Ask merchants."),
    ("possessive-kept", "The country's law.", {"country": ["nation"]}, "The nation's law."),
    (
        "name-possessive-kept",
        "See India's giant.",
        {"giant": ["large"], "india": ["x"]},
        "See India's large.",
    ),
    (
        "party-get-together",
        "The Janata party won.",
        {"party": ["get together"]},
        "The Janata get together won.",
    ),
    (
        "title-phrase",
        "Security agencies act.",
        {"security agency": ["safety company"]},
        "Safety companies act.",
    ),
    ("news-surface-first", "Bad news.", {"news": ["tidings"], "new": ["novel"]}, "Bad tidings."),
    ("no-identity", "He said it.", {"say": ["say", "said"]}, "He said it."),
]


@pytest.mark.parametrize(
    ("text", "table", "expected"),
    [case[1:] for case in INFLECTION_CASES],
    ids=[case[0] for case in INFLECTION_CASES],
)
def test_inflection(text: str, table: dict[str, list[str]], expected: str) -> None:
    res = spin(text, strength=1.0, thesaurus=MobyThesaurus(table))
    assert res.text == expected


# --------------------------------------------------------------- properties
LOWER = ["giant", "said", "laws", "market", "protests", "talks", "farmer", "the", "of", "seeking"]
UPPER = ["Twitter", "India", "Modi", "Reuters", "Party", "Giant", "Said"]
DIGITS = ["1,178", "2021", "COVID-19", "4th", "b2b", "3.5"]
WORD = st.sampled_from(LOWER + UPPER + DIGITS)
SENTENCE = st.tuples(
    st.lists(WORD, min_size=1, max_size=8),
    st.lists(st.sampled_from([" ", ", ", " - ", " ("]), min_size=8, max_size=8),
    st.sampled_from([".", "?", "!"]),
)
PARAGRAPH = st.lists(SENTENCE, min_size=1, max_size=4)


def build_text(paras: list[list[tuple[list[str], list[str], str]]]) -> tuple[str, list[int]]:
    """Text plus the offsets of tokens that must survive (digits, mid-sentence capitals)."""
    parts: list[str] = []
    protected: list[int] = []
    pos = 0

    def add(s: str) -> None:
        nonlocal pos
        parts.append(s)
        pos += len(s)

    for p_index, para in enumerate(paras):
        if p_index:
            add("\n\n")
        for s_index, (words, seps, end) in enumerate(para):
            if s_index:
                add(" ")
            for w_index, word in enumerate(words):
                if w_index:
                    add(seps[w_index])
                if any(c.isdigit() for c in word) or (w_index and word[0].isupper()):
                    protected.append(pos)
                add(word)
            add(end)
    return "".join(parts), protected


@settings(max_examples=150, deadline=None)
@given(st.lists(PARAGRAPH, min_size=1, max_size=4), st.integers(0, 2**16))
def test_property_names_numbers_and_layout_survive(
    paras: list[list[tuple[list[str], list[str], str]]], seed: int
) -> None:
    text, protected = build_text(paras)
    res = spin(text, strength=1.0, seed=seed, thesaurus=EverythingThesaurus())
    assert apply_substitutions(text, res.substitutions) == res.text
    for original, _, offset in res.substitutions:
        assert text[offset : offset + len(original)] == original
        for p in protected:
            assert not offset <= p < offset + len(original), (original, text[p:])
    assert paragraphs(res.text) == paragraphs(text)
    survivors = [text[p:].split()[0].rstrip(".?!,") for p in protected]
    cursor = 0
    for word in survivors:  # in order, verbatim
        found = res.text.find(word, cursor)
        assert found >= 0, word
        cursor = found + len(word)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.floats(0.0, 1.0), st.integers(0, 1000), st.booleans())
def test_property_any_text_round_trips(
    text: str, strength: float, seed: int, consistent: bool
) -> None:
    res = spin(
        text, strength=strength, seed=seed, thesaurus=EverythingThesaurus(), consistent=consistent
    )
    assert apply_substitutions(text, res.substitutions) == res.text
    assert res == spin(
        text, strength=strength, seed=seed, thesaurus=EverythingThesaurus(), consistent=consistent
    )
    assert spin(text, strength=0.0, thesaurus=EverythingThesaurus()).text == text


# ------------------------------------------------------------------ WordNet
class FakeLexicon:
    table: ClassVar[dict[str, tuple[str, ...]]] = {
        "say": ("allege", "say", "state"),
        "giant": ("colossus", "large"),
    }

    def lemmas(self, word: str) -> frozenset[str]:
        base = {"said": "say", "says": "say", "giants": "giant"}.get(word, word)
        return frozenset({base}) if base in self.table else frozenset()

    def synonyms(self, word: str, broad: bool = False) -> tuple[str, ...]:
        return self.table.get(next(iter(self.lemmas(word)), ""), ())


def test_wordnet_adapter_with_fake_lexicon() -> None:
    thes = WordNetThesaurus(lexicon=FakeLexicon())
    assert thes.candidates("say") == ("allege", "state")
    assert thes.candidates("said") == ()
    res = spin("The giants said no.", strength=1.0, seed=0, thesaurus=thes)
    assert res.text in {
        f"The {g} {s} no." for g in ("colossuses", "larges") for s in ("alleged", "stated")
    }


def test_wordnet_adapter_with_real_lexicon() -> None:
    if importlib.util.find_spec("detector.text.lexicon") is None:
        pytest.skip("detector.text.lexicon is not available")
    thes = WordNetThesaurus()
    assert "large" in WordNetThesaurus(broad=True).candidates("giant")
    res = spin(ARTICLE, strength=0.5, seed=0, thesaurus=thes)
    assert res == spin(ARTICLE, strength=0.5, seed=0, thesaurus=thes)
    assert res.substitutions
    assert apply_substitutions(ARTICLE, res.substitutions) == res.text
    assert "1,178" in res.text and "Twitter" in res.text


# ---------------------------------------------------------------- Moby table
@pytest.fixture(scope="module")
def moby() -> MobyThesaurus:
    if not DEFAULT_MOBY_PATH.is_file():
        pytest.skip(
            f"{DEFAULT_MOBY_PATH} is absent (build it with scripts/build_moby_thesaurus.py)"
        )
    return MobyThesaurus.from_path(DEFAULT_MOBY_PATH)


def test_moby_table_loads(moby: MobyThesaurus) -> None:
    assert len(moby) > 10_000
    for head in ("law", "say", "party", "add", "seek", "technology"):
        cands = moby.candidates(head)
        assert 0 < len(cands) <= 25
        assert head not in cands
        assert all(c == c.lower() for c in cands)
    raw = gzip.decompress(DEFAULT_MOBY_PATH.read_bytes()).decode("ascii")
    for line in raw.splitlines()[:2000]:
        head, syns = line.split("\t")
        assert re.fullmatch(r"[a-z]+(?: [a-z]+){0,2}", head)
        assert 0 < len(syns.split("|")) <= 25


def test_moby_spins_the_seed_article(moby: MobyThesaurus) -> None:
    text = SEED.read_text(encoding="utf-8") if SEED.is_file() else ARTICLE
    res = spin(text, strength=0.5, seed=0, thesaurus=moby)
    assert res.substitutions
    assert apply_substitutions(text, res.substitutions) == res.text
    assert paragraphs(res.text) == paragraphs(text)
    for kept in ("1,178", "Twitter", "New Delhi", "February 4"):
        assert res.text.count(kept) == text.count(kept)


def test_default_thesaurus_is_moby(moby: MobyThesaurus) -> None:
    assert spin(ARTICLE, seed=5) == spin(ARTICLE, seed=5, thesaurus=moby)


def test_from_path_errors(tmp_path: Path) -> None:
    from detector.errors import DetectorError

    with pytest.raises(DetectorError, match="cannot read"):
        MobyThesaurus.from_path(tmp_path / "missing.tsv.gz")
    bad = tmp_path / "bad.tsv.gz"
    bad.write_bytes(gzip.compress(b"law\tstatute\nnot a row\n"))
    with pytest.raises(DetectorError, match=":2:"):
        MobyThesaurus.from_path(bad)


# ------------------------------------------------------------- build script
@pytest.fixture(scope="module")
def builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_moby_thesaurus", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


MOBY_SAMPLE = [
    "giant,big,huge,Titan,x-ray,very big huge thing,colossus,mammoth,giant",
    "big,giant,large",
    "huge,giant,big",
    "mammoth,huge,big",
    "colossus,titan",
    "Titan,giant,colossus",
    "x ray 3,giant",
    "ill-advised,unwise",
    "lonely,Solitude,lone wolf pack leader",
    "big,huge",  # a root listed twice: the lists are joined
]


def _table(data: bytes) -> list[tuple[str, str]]:
    return [
        (head, syns)
        for head, syns in (line.split("\t") for line in gzip.decompress(data).decode().splitlines())
    ]


def test_build_moby_txt_synthetic(builder: ModuleType, tmp_path: Path) -> None:
    src = tmp_path / "words.txt"
    src.write_bytes("\r\n".join(MOBY_SAMPLE).encode("ascii") + b"\r\n")  # CRLF like the real file
    out = tmp_path / "out" / "t.tsv.gz"
    assert builder.main(["--moby-txt", str(src), "--out", str(out)]) == 0
    data = out.read_bytes()
    rows = _table(data)
    assert [head for head, _ in rows] == ["big", "colossus", "giant", "huge", "mammoth"]
    table = dict(rows)
    # mutual entries first (big, huge: tie, alphabetical), then by shared synonyms
    # (mammoth shares big and huge), then alphabetically (colossus, x-ray share none);
    # Titan (capital), the 4-word phrase and the self-reference are dropped
    assert table["giant"] == "big|huge|mammoth|colossus|x-ray"
    assert table["big"] == "giant|huge|large"  # both lines of the repeated root
    assert table["colossus"] == "titan"  # lowercase synonyms stay even if a headword is capital
    # headwords: proper nouns, digits, hyphens and no surviving synonym are all dropped
    for gone in ("titan", "Titan", "x ray 3", "ill-advised", "lonely"):
        assert gone not in table
    # deterministic: same bytes again, whatever the line order; gzip mtime 0, no name
    assert builder.build(src) == data
    shuffled = tmp_path / "shuffled.txt"
    shuffled.write_text("\n".join(reversed(MOBY_SAMPLE)) + "\n", encoding="ascii")
    assert builder.build(shuffled) == data
    assert data[4:8] == b"\0\0\0\0" and data[3] & 0x08 == 0
    capped = dict(_table(builder.build(src, max_synonyms=2)))
    assert capped["giant"] == "big|huge"


def test_build_moby_txt_missing_input(builder: ModuleType, tmp_path: Path) -> None:
    out = tmp_path / "t.tsv.gz"
    assert builder.main(["--moby-txt", str(tmp_path / "absent.txt"), "--out", str(out)]) == 2
    assert not out.exists()


def test_build_reproduces_the_shipped_table(builder: ModuleType, tmp_path: Path) -> None:
    src = Path(os.environ.get("MOBY_TXT") or REPO / "build" / "moby" / "words.txt")
    if not src.is_file():
        pytest.skip(
            f"Moby Thesaurus II source {src} is absent: run `bash scripts/fetch_moby.sh` "
            "(or set MOBY_TXT) to check that the shipped table is reproducible"
        )
    out = tmp_path / "moby.tsv.gz"
    assert builder.main(["--moby-txt", str(src), "--out", str(out)]) == 0
    assert DEFAULT_MOBY_PATH.is_file(), f"{DEFAULT_MOBY_PATH} is missing"
    assert DEFAULT_MOBY_PATH.read_bytes() == out.read_bytes(), (
        "corpus/thesaurus/moby.tsv.gz differs from a rebuild of the Moby source"
    )


@pytest.mark.parametrize(
    ("base", "tag", "expected"),
    [
        ("submit", "ed", "submitted"),
        ("occur", "ing", "occurring"),
        ("visit", "ed", "visited"),
        ("goddamned", "ing", "goddamned"),
        ("interesting", "ed", "interesting"),
        ("shed", "ing", "shedding"),
        ("bring", "ing", "bringing"),
    ],
    ids=["submit", "occur", "visit", "participle-ed", "participle-ing", "shed", "bring"],
)
def test_inflection_of_longer_verbs_and_participles(base, tag, expected):
    assert inflect_word(base, tag) == expected
