"""Partial reuse: two paragraphs of a wire story inside a site's own article, and a shared quote.

* ``partial_harbour_host.txt``: a local site's ~500-word article on a harbour vote that
  carries, verbatim, paragraphs 5 and 6 (split on blank lines) of the corpus original
  ``bus-01`` (a shipowner's results).
* The same article with those two paragraphs run through the spinner.
* ``quote_report_1.txt`` and ``quote_report_2.txt``: two reports of one warehouse fire,
  written independently, that quote the fire chief's one sentence word for word.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from detector import Comparison, compare
from detector.lab.corpus import load_articles
from detector.lab.spinner import spin
from detector.models import DERIVED_VERDICTS

REPO = Path(__file__).resolve().parent.parent
ARTICLES = Path(__file__).resolve().parent / "articles"
ORIGINAL_ID = "bus-01"
#: The lifted paragraphs, by index in the original split on blank lines.
LIFTED = (4, 5)
SPIN_SEED, SPIN_STRENGTH = 0, 0.5
QUOTE = (
    "We were very lucky that the wind was blowing away from the houses, otherwise this "
    "could have been a far worse night for the whole town,"
)

Span = tuple[int, int]


@pytest.fixture(scope="module")
def original() -> str:
    text = load_articles(REPO / "corpus" / "articles.jsonl")[ORIGINAL_ID]["text"]
    return str(text)


@pytest.fixture(scope="module")
def lifted(original: str) -> str:
    paragraphs = original.split("\n\n")
    return "\n\n".join(paragraphs[i] for i in LIFTED)


@pytest.fixture(scope="module")
def host(lifted: str) -> str:
    text = (ARTICLES / "partial_harbour_host.txt").read_text(encoding="utf-8")
    assert text.count(lifted) == 1, "the host article must carry the lifted paragraphs verbatim"
    return text


@pytest.fixture(scope="module")
def spun_lifted(lifted: str) -> str:
    return spin(lifted, strength=SPIN_STRENGTH, seed=SPIN_SEED).text


@pytest.fixture(scope="module")
def spun_host(host: str, lifted: str, spun_lifted: str) -> str:
    return host.replace(lifted, spun_lifted)


# ------------------------------------------------------------------- the span check


def _sentences(text: str) -> list[Span]:
    """Sentence spans by a plain rule: a sentence ends at . ! or ? (and a closing quote)
    followed by white space. Good enough for the hand-written prose here."""
    spans, start = [], 0
    for m in re.finditer(r"(?<=[.!?])[\"”]?(\s+)", text):
        spans.append((start, m.start(1)))
        start = m.end(1)
    if start < len(text):
        spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _allowed(text: str, span: Span) -> Span:
    """``span`` widened by one sentence on each side (the sentences it borders)."""
    sentences = _sentences(text)
    before = [s for s, e in sentences if e <= span[0]]
    after = [e for s, e in sentences if s >= span[1]]
    return (before[-1] if before else 0, after[0] if after else len(text))


def assert_covers(text: str, passage: Span, truth: Span) -> None:
    """The passage overlaps at least 80 % of the truth and reaches at most a sentence beyond."""
    overlap = max(0, min(passage[1], truth[1]) - max(passage[0], truth[0]))
    share = overlap / (truth[1] - truth[0])
    assert share >= 0.8, f"passage {passage} covers {share:.0%} of the lifted span {truth}"
    low, high = _allowed(text, truth)
    assert low <= passage[0] and passage[1] <= high, (
        f"passage {passage} reaches more than a sentence beyond the lifted span {truth} "
        f"(allowed {(low, high)})"
    )


def _span_of(text: str, part: str) -> Span:
    start = text.index(part)
    return start, start + len(part)


def test_sentence_rule_on_a_hand_case() -> None:
    text = 'One. "Two," he said. Three has 4.50 crowns!\n\nFour?'
    assert [text[s:e] for s, e in _sentences(text)] == [
        "One.",
        '"Two," he said.',
        "Three has 4.50 crowns!",
        "Four?",
    ]
    assert _allowed(text, (5, 20)) == (0, 43)


# ------------------------------------------------------------------- lifted verbatim


def _host_and_original(host: str, original: str, host_first: bool) -> Comparison:
    return compare(host, original) if host_first else compare(original, host)


@pytest.mark.parametrize("host_first", [True, False], ids=["host-as-a", "host-as-b"])
def test_lifted_paragraphs_are_partial_reuse(
    host: str, original: str, lifted: str, host_first: bool
) -> None:
    result = _host_and_original(host, original, host_first)
    assert result.verdict in DERIVED_VERDICTS
    assert result.verdict == "duplicate"  # copied word for word
    assert result.extent == "partial"
    # The original carries a wire dateline; the host does not.
    assert result.original == ("b" if host_first else "a")
    assert len(result.passages) == 1
    p = result.passages[0]
    host_span, original_span = (p.a_start, p.a_end), (p.b_start, p.b_end)
    if not host_first:
        host_span, original_span = original_span, host_span
    assert_covers(host, host_span, _span_of(host, lifted))
    assert_covers(original, original_span, _span_of(original, lifted))
    host_cov, original_cov = (
        (result.coverage_a, result.coverage_b)
        if host_first
        else (result.coverage_b, result.coverage_a)
    )
    assert 0.0 < host_cov < 0.5 and 0.0 < original_cov < 0.5


# ------------------------------------------------------------------- lifted and spun


def test_spinner_changed_the_lifted_paragraphs(lifted: str, spun_lifted: str) -> None:
    assert spun_lifted != lifted
    changed = sum(x != y for x, y in zip(lifted.split(), spun_lifted.split(), strict=False))
    assert changed >= 8


def test_spun_paragraphs_are_partial_reuse_with_swaps_inside(
    spun_host: str, original: str, lifted: str, spun_lifted: str
) -> None:
    result = compare(spun_host, original)
    assert result.verdict in DERIVED_VERDICTS
    assert result.extent == "partial"
    p = result.passages[0]
    host_truth = _span_of(spun_host, spun_lifted)
    assert_covers(spun_host, (p.a_start, p.a_end), host_truth)
    assert_covers(original, (p.b_start, p.b_end), _span_of(original, lifted))
    inside = [s for s in result.substitutions if host_truth[0] <= s.a_start < host_truth[1]]
    assert len(inside) >= 5
    # Every swap the compare reports lies in the lifted text: the host's own prose is no copy.
    assert len(inside) == len(result.substitutions)


# ------------------------------------------------------------------- one shared quote


@pytest.fixture(scope="module")
def reports() -> tuple[str, str]:
    return (
        (ARTICLES / "quote_report_1.txt").read_text(encoding="utf-8"),
        (ARTICLES / "quote_report_2.txt").read_text(encoding="utf-8"),
    )


def test_reports_share_exactly_the_quote(reports: tuple[str, str]) -> None:
    assert len(QUOTE.split()) < 40
    for text in reports:
        assert text.count(QUOTE) == 1
        assert 250 <= len(text.split()) <= 350


@pytest.mark.parametrize("first", [0, 1], ids=["report-1-as-a", "report-2-as-a"])
def test_shared_quote_is_related_not_reuse(reports: tuple[str, str], first: int) -> None:
    result = compare(reports[first], reports[1 - first])
    assert result.verdict == "related"
    assert result.verdict not in DERIVED_VERDICTS
    assert result.extent is None
    assert result.score < 0.5


MENU = "\n".join(
    [
        "Home",
        "Shop All",
        "New Arrivals",
        "Best Sellers",
        "Men's Shoes Running Trail Hiking",
        "Women's Shoes Running Trail Hiking",
        "Kids Shoes Sneakers Sandals Boots",
        "Accessories Socks Laces Insoles Bags",
        "Sale Clearance Outlet Deals",
        "Gift Cards Store Locator Contact Us",
        "Shipping Returns Size Guide FAQ",
        "Free Shipping On Orders Over $50",
        "Sign In Register Wishlist Cart",
        "Running Shoes Trail Shoes Walking Shoes Casual Shoes",
        "Brands Nike Adidas Asics Brooks Hoka Saucony New Balance",
    ]
)
FOOTER = "\n".join(
    [
        "About Us Careers Press Affiliates",
        "Customer Service Help Center Order Status",
        "Privacy Policy Terms of Use Accessibility",
        "Copyright 2024 Trailhead Footwear Inc All Rights Reserved",
        "Follow Us Facebook Instagram Twitter YouTube Pinterest",
        "Newsletter Signup Email Address Subscribe",
    ]
)


def test_pages_sharing_a_template_are_not_derived() -> None:
    """Two product pages of one shop: same menu and footer, different products."""
    first = (
        MENU + "\n\nThe Ridgeline 4 is a lightweight trail runner with a rock plate and a grippy "
        "lugged outsole. It suits runners who want protection on technical ground without a "
        "heavy shoe. The upper is a breathable mesh with a gusseted tongue that keeps grit "
        "out.\n\n" + FOOTER
    )
    second = (
        MENU + "\n\nOur Harbor Loafer is made from full-grain leather and lined with soft suede. "
        "A cushioned footbed makes it comfortable for a long day at the office or an evening "
        "out. It comes in three colours and whole and half sizes.\n\n" + FOOTER
    )
    result = compare(first, second)
    assert not result.derived, (result.verdict, result.score)
    assert result.score < 0.5 and result.extent is None
