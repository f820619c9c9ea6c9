"""Which of two derived texts is the likely original, and why.

Evidence, strongest first:

* a wire dateline (``NEW DELHI (Reuters) -``) in one text only: wire copy is the source;
* publication dates from metadata lines: the earlier text;
* the wording of the swaps: a spinner replaces common words with rarer, longer ones and
  single words with phrases (said -> mentioned, laws -> legal guidelines), so the side
  whose words read like the source of the other's swaps is the original. Word
  frequency comes from WordNet's sense-tagged counts when the lexicon is on; word
  length stands in for it otherwise (Zipf's law of abbreviation);
* for copies, the longer text: syndicated copies are trimmed, not padded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from detector.models import Substitution
from detector.text.normalize import Document

__all__ = ["Provenance", "likely_original"]


@dataclass(frozen=True)
class Provenance:
    """The likely original (``"a"``, ``"b"`` or ``None``) and the reasons for it."""

    original: str | None
    reasons: tuple[str, ...]


def _commonness(phrase: str, lex: object | None) -> float:
    """Higher for words that read as more common; a phrase counts as its rarest word."""
    words = phrase.lower().split()
    if not words:
        return 0.0
    frequency = getattr(lex, "frequency", None)
    scores = []
    for w in words:
        if frequency is not None:
            scores.append(float(frequency(w)) - 0.1 * len(w))
        else:
            scores.append(-float(len(w)))
    # A phrase replacing one word is a spinner habit: penalise extra words.
    return min(scores) - 2.0 * (len(words) - 1)


def wording_direction(substitutions: Sequence[Substitution], lex: object | None = None) -> float:
    """In [-1, 1]: positive when ``a``'s words read as the source of ``b``'s swaps.

    Examples
    --------
    >>> from detector.models import Substitution
    >>> subs = [Substitution("said", "mentioned", 0, 0), Substitution("laws", "legal guidelines", 9, 9)]
    >>> wording_direction(subs)
    1.0
    """
    votes = 0
    counted = 0
    for sub in substitutions:
        ca, cb = _commonness(sub.a_text, lex), _commonness(sub.b_text, lex)
        if ca == cb:
            continue
        counted += 1
        votes += 1 if ca > cb else -1
    return votes / counted if counted else 0.0


def likely_original(
    a: Document,
    b: Document,
    substitutions: Sequence[Substitution],
    *,
    coverage_a: float,
    coverage_b: float,
    lexicon: bool = True,
) -> Provenance:
    """Weigh the evidence for which text came first.

    Examples
    --------
    >>> from detector.text.normalize import normalize
    >>> a = normalize("LONDON (Reuters) - Ministers said on Monday the plan was dead.")
    >>> b = normalize("Ministers mentioned on Monday the plan was dead.")
    >>> likely_original(a, b, [], coverage_a=1.0, coverage_b=1.0).original
    'a'
    """
    score = 0.0
    reasons: list[str] = []
    if a.agency and not b.agency:
        score += 3
        reasons.append(f"a carries a wire dateline ({a.dateline}); b does not")
    elif b.agency and not a.agency:
        score -= 3
        reasons.append(f"b carries a wire dateline ({b.dateline}); a does not")
    if a.date and b.date and a.date != b.date:
        earlier = "a" if a.date < b.date else "b"
        score += 3 if earlier == "a" else -3
        reasons.append(
            f"{earlier} is dated earlier ({min(a.date, b.date)} vs {max(a.date, b.date)})"
        )
    elif a.date and not b.date:
        score += 1
        reasons.append(f"a has a date line ({a.date}); b has none")
    elif b.date and not a.date:
        score -= 1
        reasons.append(f"b has a date line ({b.date}); a has none")
    lex = None
    if lexicon:
        from detector.text.lexicon import load_lexicon

        lex = load_lexicon()
    if len(substitutions) >= 5:
        direction = wording_direction(substitutions, lex)
        if abs(direction) >= 0.2:
            side, other = ("a", "b") if direction > 0 else ("b", "a")
            score += 3 * direction
            reasons.append(
                f"{side}'s wording reads as the source of {other}'s swaps "
                f"(common words replaced by rarer ones or phrases, {abs(direction):.0%} net)"
            )
    if not substitutions and abs(coverage_a - coverage_b) >= 0.1:
        longer = "a" if coverage_a < coverage_b else "b"
        score += 1 if longer == "a" else -1
        reasons.append(f"{longer} is the fuller text; the other reads as a trimmed copy")
    if abs(score) < 1:
        return Provenance(None, tuple(reasons))
    return Provenance("a" if score > 0 else "b", tuple(reasons))
