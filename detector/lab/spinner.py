"""An article spinner of the kind content farms run, for labelled test data.

A spinner swaps words and short phrases for thesaurus "synonyms" in place,
blind to context (``technology minister -> expertise minister``, ``said ->
mentioned``, ``laws -> legal guidelines``), keeps names and numbers, keeps the
sentence frame and usually swaps the same word the same way every time. This
module reproduces that so the detector can be tested on spun copies whose
substitutions are known.

Two interchangeable thesauri implement :class:`Thesaurus`:

* :class:`MobyThesaurus`, a pruned table built from Moby Thesaurus II by
  ``scripts/build_moby_thesaurus.py`` (``corpus/thesaurus/moby.tsv.gz``). It is
  the default because it is independent of the detector's own WordNet lexicon,
  so spun test data is not made with the detector's answer key.
* :class:`WordNetThesaurus`, an adapter over :mod:`detector.text.lexicon`.

The library never prints or exits.

Examples
--------
>>> thes = MobyThesaurus({"say": ["mention"], "giant": ["large"], "law": ["legal guideline"]})
>>> spin("Twitter said the giant broke laws.", strength=1.0, thesaurus=thes).text
'Twitter mentioned the large broke legal guidelines.'
"""

from __future__ import annotations

import gzip
import math
import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, partial
from os import PathLike
from pathlib import Path
from typing import Any, Protocol

from detector.errors import ConfigError, DetectorError
from detector.lab.inflect import analyses, inflect
from detector.text.wordlists import FRAME_WORDS

__all__ = [
    "DEFAULT_MOBY_PATH",
    "MobyThesaurus",
    "SpinResult",
    "StrengthError",
    "Thesaurus",
    "WordNetThesaurus",
    "default_thesaurus",
    "spin",
]


DEFAULT_MOBY_PATH = Path(__file__).resolve().parents[2] / "corpus" / "thesaurus" / "moby.tsv.gz"


_TOKEN_RE = re.compile(r"\w+(?:['\u2019\-]\w+)*")
_WORD_RE = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
_POSSESSIVE_RE = re.compile(r"([A-Za-z]+(?:-[A-Za-z]+)*)['\u2019][sS]")
_CANDIDATE_RE = re.compile(r"[a-z]+(?:-[a-z]+)*(?: [a-z]+(?:-[a-z]+)*){0,2}")
_PARAGRAPH_BREAK_RE = re.compile(r"\n[^\S\n]*\n")
_PHRASE_GAP_RE = re.compile(r"[ \t]+")
_SENTENCE_END = frozenset(".!?\u2026")
_SKIP_BACK = frozenset("\"'()[]{}\u201c\u201d\u2018\u2019\u00ab\u00bb")
_PERFECT_CUES = frozenset([
    "has", "have", "had", "having", "be", "been", "being",
    "is", "are", "was", "were", "get", "gets", "got",
])  # fmt: skip
_SINGLE_WORD_WEIGHT = 3


class StrengthError(ConfigError, ValueError):
    """``strength`` is not a number in [0, 1]."""


class Thesaurus(Protocol):
    """A source of context-blind replacements.

    Any object with this method can drive :func:`spin`.
    """

    def candidates(self, lemma: str) -> Sequence[str]:
        """Replacement base forms for a lowercase base form.

        Parameters
        ----------
        lemma : str
            A lowercase base form, a single word or a two-word phrase.

        Returns
        -------
        Sequence of str
            Replacement base forms (possibly multiword), best first; empty when
            the thesaurus has nothing for ``lemma``.
        """
        ...


class MobyThesaurus:
    """The pruned Moby table as a :class:`Thesaurus`.

    Parameters
    ----------
    table : Mapping of str to Sequence of str
        Headword to ranked synonyms. Keys are lowercased.

    See Also
    --------
    MobyThesaurus.from_path : load ``corpus/thesaurus/moby.tsv.gz``.

    Examples
    --------
    >>> thes = MobyThesaurus({"Giant": ["large", "huge"]})
    >>> thes.candidates("giant")
    ('large', 'huge')
    >>> thes.candidates("dwarf")
    ()
    >>> len(thes), "giant" in thes
    (1, True)
    """

    def __init__(self, table: Mapping[str, Sequence[str]]) -> None:
        self._table: dict[str, tuple[str, ...]] = {
            head.lower(): tuple(syns) for head, syns in table.items()
        }

    @classmethod
    def from_path(cls, path: str | PathLike[str]) -> MobyThesaurus:
        """Load a table written by ``scripts/build_moby_thesaurus.py``.

        Parameters
        ----------
        path : str or os.PathLike
            A gzip file of ``headword<TAB>syn1|syn2|...`` lines.

        Returns
        -------
        MobyThesaurus

        Raises
        ------
        DetectorError
            The file cannot be read or a line is malformed.

        Examples
        --------
        >>> import gzip, tempfile, pathlib
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     path = pathlib.Path(tmp) / "t.tsv.gz"
        ...     _ = path.write_bytes(gzip.compress(b"law\\tstatute|legal guideline\\n"))
        ...     MobyThesaurus.from_path(path).candidates("law")
        ('statute', 'legal guideline')
        """
        origin = str(path)
        try:
            text = gzip.decompress(Path(path).read_bytes()).decode("utf-8")
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            raise DetectorError(f"cannot read thesaurus table {origin}: {exc}") from exc
        table: dict[str, list[str]] = {}
        for lineno, line in enumerate(text.splitlines(), start=1):
            if not line:
                continue
            head, sep, rest = line.partition("\t")
            if not sep or not head or not rest:
                raise DetectorError(f"{origin}:{lineno}: expected 'headword<TAB>syn|syn|...'")
            table[head] = rest.split("|")
        return cls(table)

    def candidates(self, lemma: str) -> tuple[str, ...]:
        """Ranked synonyms of ``lemma`` (empty when it is not a headword)."""
        return self._table.get(lemma.lower(), ())

    def __len__(self) -> int:
        return len(self._table)

    def __contains__(self, lemma: object) -> bool:
        return isinstance(lemma, str) and lemma.lower() in self._table

    def __repr__(self) -> str:
        return f"MobyThesaurus({len(self._table)} headwords)"


class WordNetThesaurus:
    """WordNet synonyms from :mod:`detector.text.lexicon` as a :class:`Thesaurus`.

    Only exact base forms are answered: ``candidates("accounts")`` is empty
    (the spinner looks up ``account`` and re-inflects), so an inflected word is
    never replaced by a bare base form.

    Parameters
    ----------
    broad : bool, default False
        Also offer lemmas one pointer hop away (similar-to, hypernym, hyponym,
        verb group, also-see), as ``SynonymLexicon.synonyms(broad=True)``.
    lexicon : object, optional
        Anything with ``lemmas(word)`` and ``synonyms(word, broad=...)``; by
        default ``detector.text.lexicon.load_lexicon()``, imported on first use.

    Examples
    --------
    >>> class FakeLexicon:
    ...     def lemmas(self, word):
    ...         return frozenset({"say"}) if word in ("say", "said") else frozenset()
    ...     def synonyms(self, word, broad=False):
    ...         return ("say", "state", "tell") if word == "say" else ()
    >>> thes = WordNetThesaurus(lexicon=FakeLexicon())
    >>> thes.candidates("say")
    ('state', 'tell')
    >>> thes.candidates("said")
    ()
    """

    def __init__(self, *, broad: bool = False, lexicon: Any = None) -> None:
        self.broad = broad
        self._lexicon = lexicon

    def _lex(self) -> Any:
        if self._lexicon is None:
            from detector.text.lexicon import load_lexicon

            self._lexicon = load_lexicon()
        return self._lexicon

    def candidates(self, lemma: str) -> tuple[str, ...]:
        """WordNet synonyms of ``lemma`` if it is itself a WordNet base form."""
        lex = self._lex()
        key = lemma.lower()
        if key not in lex.lemmas(key):
            return ()
        own = {key, key.replace("-", " ")}
        out = []
        for syn in lex.synonyms(key, broad=self.broad):
            norm = " ".join(syn.replace("_", " ").split())
            if norm and norm not in own:
                out.append(norm)
        return tuple(out)

    def __repr__(self) -> str:
        return f"WordNetThesaurus(broad={self.broad})"


@cache
def default_thesaurus() -> MobyThesaurus:
    """The default thesaurus: the Moby table at :data:`DEFAULT_MOBY_PATH`.

    Raises
    ------
    DetectorError
        The table is absent (build it with ``scripts/build_moby_thesaurus.py``).
    """
    if not DEFAULT_MOBY_PATH.is_file():
        raise DetectorError(
            f"thesaurus table {DEFAULT_MOBY_PATH} is missing; build it with "
            "scripts/build_moby_thesaurus.py or pass thesaurus="
        )
    return MobyThesaurus.from_path(DEFAULT_MOBY_PATH)


@dataclass(frozen=True)
class SpinResult:
    """The spun text and what was replaced.

    Attributes
    ----------
    text : str
        The spun text.
    substitutions : tuple of (str, str, int)
        ``(original surface, replacement surface, char offset in the input)``
        in text order.
    """

    text: str
    substitutions: tuple[tuple[str, str, int], ...]


# --------------------------------------------------------------------- tokens
@dataclass(frozen=True, slots=True)
class _Token:
    start: int  # start of the word (core) in the input
    end: int  # end of the core; a possessive 's after it is left alone
    core: str  # the word, or "" when the token is protected (digits, contraction...)
    possessive: bool
    initial: bool  # first word of a sentence or paragraph


def _sentence_initial(gap: str, first: bool) -> bool:
    """Whether a token preceded by ``gap`` (text since the last token) starts a sentence."""
    if first or _PARAGRAPH_BREAK_RE.search(gap):
        return True
    for ch in reversed(gap):
        if ch.isspace() or ch in _SKIP_BACK:
            continue
        return ch in _SENTENCE_END
    return False


def _tokenise(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    prev_end = 0
    for m in _TOKEN_RE.finditer(text):
        raw = m.group()
        initial = _sentence_initial(text[prev_end : m.start()], not tokens)
        prev_end = m.end()
        core, possessive = "", False
        if any(ch.isdigit() or ch == "_" for ch in raw):
            pass
        elif _WORD_RE.fullmatch(raw):
            core = raw
        else:
            pm = _POSSESSIVE_RE.fullmatch(raw)
            if pm:
                core, possessive = pm.group(1), True
        end = m.start() + len(core) if core else m.end()
        tokens.append(_Token(m.start(), end, core, possessive, initial))
    return tokens


def _is_title(word: str) -> bool:
    return word[:1].isupper() and (word[1:].islower() or len(word) == 1)


def _eligible(tok: _Token, names: frozenset[str]) -> bool:
    word = tok.core
    if len(word) < 2:
        return False
    low = word.lower()
    if low in FRAME_WORDS:
        return False
    if word.islower():
        return True
    return tok.initial and _is_title(word) and low not in names


def _match_case(original: str, replacement: str) -> str:
    if len(original) > 1 and original.isupper():
        return replacement.upper()
    if original[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


# --------------------------------------------------------------------- spin
def _filtered_candidates(thesaurus: Thesaurus, lemma: str) -> tuple[str, ...]:
    """The thesaurus's candidates for ``lemma`` that a spinner can use, deduplicated.

    Lower-case words or phrases of up to three words, none a form of ``lemma`` itself.
    """
    seen: dict[str, None] = {}
    for cand in thesaurus.candidates(lemma):
        norm = " ".join(cand.replace("_", " ").split())
        if (
            norm.islower()
            and _CANDIDATE_RE.fullmatch(norm)
            and all(base != lemma for base, _ in analyses(norm))
        ):
            seen.setdefault(norm)
    return tuple(seen)


def _pick(rng: random.Random, cands: Sequence[str]) -> str:
    """Seeded choice, single words weighted over multiword ones."""
    weights = [_SINGLE_WORD_WEIGHT if " " not in c else 1 for c in cands]
    r = rng.random() * sum(weights)
    for cand, weight in zip(cands, weights, strict=True):
        r -= weight
        if r < 0:
            return cand
    return cands[-1]


def _perfect_context(tokens: Sequence[_Token], i: int, text: str) -> bool:
    """Whether token ``i`` follows has/had/was... (skipping -ly adverbs and not)."""
    for j in range(i - 1, max(i - 3, -1), -1):
        word = text[tokens[j].start : tokens[j].end].lower()
        if word in _PERFECT_CUES:
            return True
        if not (word.endswith("ly") or word in ("not", "never", "also", "just")):
            return False
    return False


def _readings(
    tokens: Sequence[_Token], i: int, text: str, lookup: Callable[[str], tuple[str, ...]]
) -> tuple[str, str, int, tuple[str, ...]] | None:
    """The unit at token ``i``: (lemma, tag, tokens spanned, candidates), or None.

    A two-word phrase is tried first when the next token is a plain lowercase
    word separated by spaces only.
    """
    tok = tokens[i]
    w1 = tok.core.lower()
    if i + 1 < len(tokens) and not tok.possessive:
        nxt = tokens[i + 1]
        if nxt.core and nxt.core.islower() and _PHRASE_GAP_RE.fullmatch(text[tok.end : nxt.start]):
            w2 = nxt.core
            options = [(f"{w1} {w2}", "")]
            options += [(f"{w1} {lem}", tag) for lem, tag in analyses(w2) if tag]
            options += [(f"{lem} {w2}", tag) for lem, tag in analyses(w1) if tag]
            for lemma, tag in options:
                cands = lookup(lemma)
                if cands:
                    return lemma, tag, 2, cands
    for lemma, tag in analyses(w1):
        cands = lookup(lemma)
        if cands:
            return lemma, tag, 1, cands
    return None


def spin(
    text: str,
    *,
    strength: float = 0.5,
    seed: int = 0,
    thesaurus: Thesaurus | None = None,
    consistent: bool = True,
) -> SpinResult:
    """Spin ``text`` the way a content-farm article spinner does.

    Each replaceable unit (an eligible word, or a two-word phrase starting at
    one, when the thesaurus has it) is replaced with probability ``strength`` by
    a thesaurus candidate chosen with a seeded RNG, blind to context. Eligible
    words are lowercase content words (not in :data:`~detector.text.wordlists.FRAME_WORDS`), plus
    capitalised sentence-initial words that do not occur capitalised
    mid-sentence elsewhere in the text (names). Names, ALL-CAPS words,
    contractions and any token with a digit are never touched. The replacement
    is re-inflected like the original (``said -> mentioned``, ``laws -> legal
    guidelines``, ``seeking -> looking for``) and takes its capitalisation;
    every other character of the input is kept exactly.

    Parameters
    ----------
    text : str
        The article.
    strength : float, default 0.5
        Probability in [0, 1] that a replaceable unit is replaced.
    seed : int, default 0
        Seed of the ``random.Random`` driving all choices.
    thesaurus : Thesaurus, optional
        Defaults to :func:`default_thesaurus` (the Moby table).
    consistent : bool, default True
        Replace every occurrence of a lemma with the same choice, as spinners
        usually do (each occurrence is still replaced with probability
        ``strength``).

    Returns
    -------
    SpinResult
        The spun text and the ``(original, replacement, offset)`` substitutions,
        offsets into ``text``. Deterministic for the same text, strength, seed
        and thesaurus.

    Raises
    ------
    StrengthError
        (a ``ValueError``) when ``strength`` is not within [0, 1].

    Examples
    --------
    >>> thes = MobyThesaurus({
    ...     "say": ["mention"], "account": ["report"], "look for": ["hunt"],
    ...     "technology": ["expertise"], "seek": ["look for"]})
    >>> text = "Twitter's technology chief said it is seeking accounts.\\n\\nNothing else."
    >>> res = spin(text, strength=1.0, thesaurus=thes)
    >>> print(res.text)
    Twitter's expertise chief mentioned it is looking for reports.
    <BLANKLINE>
    Nothing else.
    >>> res.substitutions[0]
    ('technology', 'expertise', 10)
    >>> spin(text, strength=0.0, thesaurus=thes).text == text
    True
    >>> spin(text, strength=1.5, thesaurus=thes)
    Traceback (most recent call last):
    ...
    detector.lab.spinner.StrengthError: strength must be a number in [0, 1], got 1.5
    """
    if (
        isinstance(strength, bool)
        or not isinstance(strength, int | float)
        or math.isnan(strength)
        or not 0.0 <= strength <= 1.0
    ):
        raise StrengthError(f"strength must be a number in [0, 1], got {strength!r}")
    thes: Thesaurus = default_thesaurus() if thesaurus is None else thesaurus
    rng = random.Random(seed)
    # One thesaurus query per lemma and call: the answers are memoised for this text.
    lookup = cache(partial(_filtered_candidates, thes))
    tokens = _tokenise(text)
    names = frozenset(
        t.core.lower() for t in tokens if t.core and not t.initial and t.core[:1].isupper()
    )
    chosen: dict[str, str] = {}
    pieces: list[str] = []
    subs: list[tuple[str, str, int]] = []
    cursor = 0
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if strength <= 0.0 or not _eligible(tok, names):
            i += 1
            continue
        unit = _readings(tokens, i, text, lookup)
        if unit is None:
            i += 1
            continue
        if rng.random() >= strength:
            i += 1
            continue
        lemma, tag, span, cands = unit
        if consistent and lemma in chosen:
            base = chosen[lemma]
        else:
            base = _pick(rng, cands)
            chosen[lemma] = base
        if tag == "ed" and _perfect_context(tokens, i, text):
            tag = "en"
        start, end = tok.start, tokens[i + span - 1].end
        original = text[start:end]
        replacement = _match_case(tok.core, inflect(base, tag))
        if replacement != original:
            pieces.append(text[cursor:start])
            pieces.append(replacement)
            subs.append((original, replacement, start))
            cursor = end
        i += span
    pieces.append(text[cursor:])
    return SpinResult("".join(pieces), tuple(subs))
