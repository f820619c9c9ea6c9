"""The self-contained HTML comparison report (detector.report.comparison).

The page is a Jinja2 template, so input text is escaped as markupsafe escapes it
(``'`` becomes ``&#39;``); ``escape`` here is that function.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from detector import Comparison, Edit, InputError, SentencePair, Substitution, compare
from detector.report.comparison import comparison_html, write_comparison_html

ROOT = Path(__file__).resolve().parent.parent
SEED_A = ROOT / "corpus" / "seeds" / "000_6938627cd5ef1f07.txt"
SEED_B = ROOT / "corpus" / "seeds" / "001_7281db72b9a8aca8.txt"

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
URL_ATTRS = {"src", "href", "srcset", "action", "poster", "data", "background", "xlink:href"}


class Checker(HTMLParser):
    """Tracks open elements; records tag errors, column texts and marked words."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.errors: list[str] = []
        self.columns: dict[str, list[str]] = {"a": [], "b": []}
        self.subs: dict[str, list[tuple[str, str]]] = {"a": [], "b": []}  # (data-sub, text)
        self.rows: dict[str, list[str]] = {}  # data-sub -> table cells
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.url_attrs: list[tuple[str, str]] = []
        self.tags: list[str] = []
        self.column_tags: set[str] = set()  # elements opened inside a text column
        self.doctype = False

    def handle_decl(self, decl: str) -> None:
        self.doctype = self.doctype or decl.lower() == "doctype html"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if self._column() is not None:
            self.column_tags.add(tag)
        amap = {k: v or "" for k, v in attrs}
        for k, v in amap.items():
            if k in URL_ATTRS or (k.startswith("on") and "http" in v):
                self.url_attrs.append((k, v))
        if tag not in VOID:
            self.stack.append((tag, amap))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in VOID:
            self.errors.append(f"self-closing non-void <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            self.errors.append(f"end tag for void </{tag}>")
        elif not self.stack or self.stack[-1][0] != tag:
            top = self.stack[-1][0] if self.stack else None
            self.errors.append(f"</{tag}> closes <{top}>")
        else:
            self.stack.pop()

    def _column(self) -> str | None:
        for _, attrs in self.stack:
            if attrs.get("id") in ("text-a", "text-b"):
                return attrs["id"][-1]
        return None

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1][0] == "script":
            self.scripts.append(data)
        if self.stack and self.stack[-1][0] == "style":
            self.styles.append(data)
        side = self._column()
        if side is not None:
            self.columns[side].append(data)
            for _, attrs in self.stack:
                if "sub" in attrs.get("class", "").split() and "data-sub" in attrs:
                    self.subs[side].append((attrs["data-sub"], data))
        for tag, attrs in reversed(self.stack):
            if tag == "tr" and "data-sub" in attrs:
                self.rows.setdefault(attrs["data-sub"], []).append(data)
                break

    def column(self, side: str) -> str:
        return "".join(self.columns[side])


def check(page: str) -> Checker:
    """Parse ``page``; assert it is well-formed with balanced tags."""
    checker = Checker()
    checker.feed(page)
    checker.close()
    assert checker.doctype
    assert checker.errors == []
    assert checker.stack == [], f"unclosed: {[t for t, _ in checker.stack]}"
    return checker


def assert_offline(page: str, checker: Checker) -> None:
    for name, value in checker.url_attrs:
        assert not re.match(r"\s*(https?:|//|ftp:|data:)", value, re.I), (name, value)
    for tag in ("img", "link", "iframe", "object", "embed", "video", "audio", "source"):
        assert tag not in checker.tags
    css_js = "".join(checker.styles) + "".join(checker.scripts)
    assert "http://" not in css_js and "https://" not in css_js
    assert "url(" not in css_js and "@import" not in css_js
    assert all("src" not in attr for attr, _ in checker.url_attrs)


# --------------------------------------------------------------------------- seed pair


@pytest.fixture(scope="module")
def seed() -> tuple[Comparison, str, str, str]:
    a, b = SEED_A.read_text(encoding="utf-8"), SEED_B.read_text(encoding="utf-8")
    result = compare(a, b)
    page = comparison_html(result, a, b, a_name=SEED_A.name, b_name=SEED_B.name)
    return result, a, b, page


def test_seed_report_is_well_formed_and_complete(seed: tuple[Comparison, str, str, str]) -> None:
    result, a, b, page = seed
    checker = check(page)
    assert '<meta charset="utf-8">' in page
    assert "@media print" in page and "print-color-adjust: exact" in page
    assert result.verdict == "spun"
    assert 'data-verdict="spun"' in page and "Spun copy" in page
    assert SEED_A.name in page and SEED_B.name in page
    for reason in result.reasons + result.original_reasons:
        assert escape(reason) in page
    # the columns hold the raw texts, character for character
    assert checker.column("a") == a
    assert checker.column("b") == b
    # swapped words are marked in their column
    assert "expertise" in {text for _, text in checker.subs["b"]}
    assert "technology" in {text for _, text in checker.subs["a"]}
    assert "expertise" not in {text for _, text in checker.subs["a"]}
    # every substitution is numbered in the table
    assert len(checker.rows) == len(result.substitutions)
    for i, sub in enumerate(result.substitutions):
        cells = checker.rows[str(i)]
        assert cells[0] == str(i + 1)
        assert cells[1] == sub.a_text and cells[2] == sub.b_text
        assert cells[3] == {True: "yes", False: "no", None: "—"}[sub.synonym]
    assert_offline(page, checker)


def test_seed_report_marks_pairs_and_swaps_in_both_columns(
    seed: tuple[Comparison, str, str, str],
) -> None:
    result, _, _, page = seed
    n = len(result.sentence_pairs)
    assert n > 0
    for k in range(n):
        # one numbered marker per aligned pair in each column
        assert page.count(f'data-pair="{k}" title="Aligned pair {k + 1}') >= 2
        assert page.count(f'data-n="{k + 1}"') == 2
    for i, _ in enumerate(result.substitutions):
        assert page.count(f'class="sub sub-a" data-sub="{i}"') >= 1
        assert page.count(f'class="sub sub-b" data-sub="{i}"') >= 1
    assert 'title="#3: technology → expertise"' in page
    assert "#4: country → nation · synonym" in page  # synonym pairs say so
    assert page.count('class="ed del"') == sum(e.side == "a" for e in result.edits)
    assert page.count('class="ed ins"') == sum(e.side == "b" for e in result.edits)


def test_seed_report_names_the_likely_original(seed: tuple[Comparison, str, str, str]) -> None:
    result, _, _, page = seed
    assert result.original == "a"
    assert f"a: {SEED_A.name}</strong>" in page
    for reason in result.original_reasons:
        assert f"<li>{escape(reason)}</li>" in page


def test_write_comparison_html(tmp_path: Path, seed: tuple[Comparison, str, str, str]) -> None:
    result, a, b, page = seed
    out = tmp_path / "report.html"
    write_comparison_html(out, result, a, b, a_name=SEED_A.name, b_name=SEED_B.name)
    assert out.read_text(encoding="utf-8") == page
    with pytest.raises(InputError) as info:
        write_comparison_html(tmp_path / "missing" / "r.html", result, a, b)
    assert "\n" not in str(info.value) and "missing" in str(info.value)
    with pytest.raises(InputError):
        write_comparison_html(tmp_path, result, a, b)  # a directory


# --------------------------------------------------------------------------- escaping


def test_input_text_is_escaped() -> None:
    a = 'Rates rose <script>alert(1)</script> & fell. "Quoted" <b>bold</b> it\'s.\n\nNext one.'
    b = 'Rates climbed <script>alert(1)</script> & fell. "Quoted" <b>bold</b> it\'s.\n\nNext one.'
    result = compare(a, b)
    name = "<img src=x onerror=alert(2)>"
    page = comparison_html(result, a, b, a_name=name, b_name="b&b", title="<i>t</i>")
    checker = check(page)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img" not in page and "<b>bold" not in page and "<i>t" not in page
    assert checker.tags.count("script") == 1  # only the page's own small script
    # the columns hold only our own markup: paragraphs, line breaks and marks
    assert checker.column_tags <= {"p", "br", "span"} and "img" not in checker.tags
    assert checker.column("a") == a and checker.column("b") == b
    assert "&amp;" in page


def test_control_and_unusual_characters_survive() -> None:
    a = "Line one.\r\nLine two\ttabbed.\r\n\u00a0Non-breaking; emoji 😀; \x0c form feed."
    b = "Line one.\nLine two tabbed.\n Something else 😀."
    page = comparison_html(compare(a, b), a, b)
    checker = check(page)
    assert checker.column("a") == a and checker.column("b") == b
    lone = comparison_html(compare("x \ud800 y", "x y"), "x \ud800 y", "x y")
    lone.encode("utf-8")  # lone surrogates are replaced, the page is always writable


# ------------------------------------------------------------------- robustness to spans


def bad_comparison(a: str, b: str) -> Comparison:
    return Comparison(
        verdict="spun",
        score=0.7,
        original=None,
        measures={"coverage_a": 0.5, "coverage_b": float("nan"), "token_identity": 2.0},
        passages=[],
        substitutions=[
            Substitution("quick brown", "fast", 4, 4, True),  # crosses the pair end in a
            Substitution("xyz", "abc", 9999, -5, None),  # out of range on both sides
            Substitution("brown fox", "fast fox", 10, 4, False),  # crosses the first one
            Substitution("", "", 3, 3, None),  # empty
            Substitution("The", "A", -1, 0, None),  # negative start in a
        ],
        reasons=["Hand-made <evidence> & nonsense."],
        sentence_pairs=[
            SentencePair(0, 9, 0, 6, 0.5),
            SentencePair(5, 30, 3, 200, 0.4),  # crosses the first; end beyond b
            SentencePair(40, 20, 10, 12, 0.3),  # reversed
            SentencePair(-3, 4, 2, 8, 0.2),  # negative
            SentencePair(0, len(a), 0, len(b), 0.1),  # the whole text, contains all
        ],
        edits=[
            Edit(
                "a",
                "jumps over",
                16,
            ),
            Edit("b", "leaps", 9),
            Edit("a", "beyond", 500),
            Edit("c", "bogus side", 0),
        ],
        original_reasons=[],
        model="test",
    )


def test_crossing_and_out_of_range_spans_still_nest() -> None:
    a = "The quick brown fox jumps over the lazy dog."
    b = "A fast fox leaps over the dog."
    result = bad_comparison(a, b)
    page = comparison_html(result, a, b)
    checker = check(page)
    assert checker.column("a") == a
    assert checker.column("b") == b
    # crossing marks are split, never dropped: the swapped words are all still marked
    marked_a = "".join(text for sub, text in checker.subs["a"] if sub == "0")
    assert marked_a == "quick brown"
    assert "".join(text for sub, text in checker.subs["a"] if sub == "2") == "brown fox"
    assert "Hand-made &lt;evidence&gt; &amp; nonsense." in page
    assert len(checker.rows) == 5  # the table lists every substitution, valid or not
    assert_offline(page, checker)


def test_empty_texts_and_empty_comparison() -> None:
    result = Comparison("unrelated", 0.0, None, {}, [], [], [])
    page = comparison_html(result, "", "")
    checker = check(page)
    assert checker.column("a") == "" and checker.column("b") == ""
    assert "No one-for-one word swaps" in page and "No sentences were aligned" in page
    weird = Comparison("mystery", float("nan"), "z", {"coverage_a": "x"}, [], [], [])  # type: ignore[dict-item]
    check(comparison_html(weird, "a", "b"))


# --------------------------------------------------------------------------- properties

WORDS = [
    "the", "a", "of", "in", "said", "council", "minister", "farmers", "giant", "large",
    "company", "Monday", "Twitter", "India’s", "U.S.", "café", "1,178", "6.2%", "–",
    "<script>", "</div>", "&amp;", "a&b", '"q"', "it's", "<b>", "😀", "x\u00a0y",
]  # fmt: skip
SEPARATORS = [" "] * 8 + ["\n", "\n\n", "\r\n", "\t", "  ", ". ", ".\n"]
piece = st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)).map("".join)
article = st.lists(piece, max_size=50).map("".join)


@st.composite
def derived_pairs(draw: st.DrawFn) -> tuple[str, str]:
    pieces = draw(st.lists(piece, min_size=6, max_size=50))
    copy = list(pieces)
    for index, new in draw(st.lists(st.tuples(st.integers(0, len(pieces) - 1), piece))):
        copy[index] = new
    return "".join(pieces), "".join(copy)


pairs = st.one_of(
    derived_pairs(),
    st.tuples(article, article),
    st.tuples(st.text(max_size=200), st.text(max_size=200)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs)
def test_random_comparisons_render_balanced_and_lossless(pair: tuple[str, str]) -> None:
    a, b = pair
    result = compare(a, b)
    page = comparison_html(result, a, b, a_name=a[:20], b_name=b[:20])
    checker = check(page)
    assert checker.column("a") == a
    assert checker.column("b") == b
    assert len(checker.rows) == len(result.substitutions)
    assert_offline(page, checker)
