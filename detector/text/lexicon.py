"""WordNet 3.0 synonym lexicon: are two words thesaurus synonyms?

Article spinners replace words by thesaurus entries (``giant -> large``,
``said -> mentioned``). This module answers, offline, whether two words or
multiword expressions are WordNet synonyms: they share a synset, or their synsets
are one hop apart through a similar-to, hypernym/hyponym (incl. instance), verb
group or also-see pointer.

The data is a compact table built from Princeton WordNet 3.0 by
``scripts/build_wordnet_synonyms.py`` and shipped as package data
(``detector/data/wordnet_synonyms.bin.gz``, licence in
``detector/data/WORDNET_LICENSE``). It is read lazily on first use; nothing is
downloaded.

Examples
--------
>>> lex = load_lexicon()
>>> lex.are_synonyms("giant", "large")
True
>>> lex.are_synonyms("said", "banana")
False
>>> sorted(lex.lemmas("geese"))
['goose']
"""

from __future__ import annotations

import gzip
import math
import sys
import threading
import zlib
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache
from itertools import accumulate, islice, product
from os import PathLike
from pathlib import Path

from detector.errors import DetectorError

__all__ = ["TABLE_NAME", "SynonymLexicon", "load_lexicon"]

TABLE_NAME = "wordnet_synonyms.bin.gz"
COUNTS_NAME = "wordnet_counts.tsv.gz"
_MAGIC = b"WNSYN 1\n"
_POS_BITS = {"n": 1, "v": 2, "a": 4, "r": 8}
# WordNet's morphy detachment rules (morph.c), per part of speech.
_RULES: dict[str, tuple[tuple[str, str], ...]] = {
    "n": (
        ("s", ""),
        ("ses", "s"),
        ("xes", "x"),
        ("zes", "z"),
        ("ches", "ch"),
        ("shes", "sh"),
        ("men", "man"),
        ("ies", "y"),
    ),
    "v": (
        ("s", ""),
        ("ies", "y"),
        ("es", "e"),
        ("es", ""),
        ("ed", "e"),
        ("ed", ""),
        ("ing", "e"),
        ("ing", ""),
    ),
    "a": (("er", ""), ("est", ""), ("er", "e"), ("est", "e")),
    "r": (),
}
_MAX_COMBINATIONS = 256  # multiword inputs: at most this many token-form combinations
_CACHE_LIMIT = 200_000


class _Tables:
    """The decoded table (see ``scripts/build_wordnet_synonyms.py`` for the format).

    Ragged tables are stored as compressed sparse rows: row ``i`` of ``lemma_synsets``
    is ``lemma_synsets[lemma_ptr[i]:lemma_ptr[i + 1]]``, and so on.
    """

    __slots__ = (
        "exception_bases",
        "exception_keys",
        "hyphen_keys",
        "hyphen_lemmas",
        "lemma_pos",
        "lemma_ptr",
        "lemma_synsets",
        "lemmas",
        "neighbour_ptr",
        "neighbours",
        "synset_lemmas",
        "synset_ptr",
    )

    def __init__(self, raw: bytes) -> None:
        if not raw.startswith(_MAGIC):
            raise ValueError("not a synonym table (bad magic)")
        import json  # deferred: keeps ``import detector.text.lexicon`` cheap

        end = raw.index(b"\n", len(_MAGIC))
        header = json.loads(raw[len(_MAGIC) : end])
        view = memoryview(raw)
        offset = end + 1
        sec: dict[str, memoryview] = {}
        for name, size in header["sections"]:
            sec[name] = view[offset : offset + size]
            offset += size
        if offset != len(raw):
            raise ValueError("section sizes do not add up")
        self.lemmas: list[str] = str(sec["lemmas"], "utf-8").split("\n")
        self.lemma_pos = bytes(sec["lemma_pos"])
        self.lemma_ptr = _pointers(sec["lemma_count"])
        self.lemma_synsets = _ints("I", sec["lemma_synsets"])
        self.synset_ptr = _pointers(sec["synset_count"])
        self.synset_lemmas = _ints("I", sec["synset_lemmas"])
        self.neighbour_ptr = _pointers(_ints("H", sec["neighbour_count"]))
        self.neighbours = _ints("I", sec["neighbours"])
        self.hyphen_keys: list[str] = str(sec["hyphen_keys"], "utf-8").split("\n")
        self.hyphen_lemmas = _ints("I", sec["hyphen_lemmas"])
        self.exception_keys: list[str] = str(sec["exception_keys"], "utf-8").split("\n")
        self.exception_bases: list[str] = str(sec["exception_bases"], "utf-8").split("\n")
        n_lemmas, n_synsets = header["n_lemmas"], header["n_synsets"]
        if (
            len(self.lemmas) != n_lemmas
            or len(self.lemma_ptr) != n_lemmas + 1
            or len(self.synset_ptr) != n_synsets + 1
            or len(self.neighbour_ptr) != n_synsets + 1
            or self.lemma_ptr[-1] != len(self.lemma_synsets)
            or self.synset_ptr[-1] != len(self.synset_lemmas)
            or self.neighbour_ptr[-1] != len(self.neighbours)
            or len(self.hyphen_keys) != len(self.hyphen_lemmas)
            or len(self.exception_keys) != len(self.exception_bases)
        ):
            raise ValueError("inconsistent section lengths")

    def exception(self, pos: str, token: str) -> list[str] | None:
        """Base forms listed for ``token`` in WordNet's ``pos`` exception list."""
        key = f"{pos}\t{token}"
        i = bisect_left(self.exception_keys, key)
        if i < len(self.exception_keys) and self.exception_keys[i] == key:
            return self.exception_bases[i].split("\t")
        return None


def _ints(typecode: str, data: memoryview) -> array[int]:
    values = array(typecode)
    values.frombytes(data)
    if values.itemsize > 1 and sys.byteorder == "big":
        values.byteswap()
    return values


def _pointers(counts: Iterable[int]) -> array[int]:
    return array("I", accumulate(counts, initial=0))


def _decode(blob: bytes, origin: str) -> _Tables:
    try:
        return _Tables(zlib.decompress(blob, wbits=31))  # 31: gzip container
    except (zlib.error, ValueError, KeyError, TypeError) as exc:
        raise DetectorError(f"cannot read the WordNet synonym table {origin}: {exc}") from exc


def _normalise(word: str) -> str:
    """Lowercase, ``_`` as a space, curly apostrophe as ``'``, single spaces."""
    return " ".join(word.replace("_", " ").replace("\u2019", "'").lower().split())


def _key(form: str) -> str:
    """Lookup key of a normalised form: hyphens read as spaces."""
    return " ".join(form.replace("-", " ").split())


class SynonymLexicon:
    """WordNet 3.0 synonyms with morphology, read lazily from a packaged table.

    Parameters
    ----------
    path : str or os.PathLike, optional
        A table written by ``scripts/build_wordnet_synonyms.py``. By default the
        table shipped in ``detector/data`` is used. Nothing is read until the first
        query.

    Notes
    -----
    Lookups are case-insensitive, read ``_`` and ``-`` as spaces (``get-together``
    matches ``get together``) and map an inflected word to its WordNet base forms
    first (:meth:`lemmas`). Two words are synonyms when some base form of each
    shares a synset with, or is one similar-to / hypernym / hyponym / verb-group /
    also-see hop away from, a synset of the other. Inflections of one lemma
    (``says``/``said``) therefore count as synonyms of each other.

    Examples
    --------
    >>> lex = SynonymLexicon()
    >>> lex.are_synonyms("buy", "purchase")
    True
    >>> "get together" in lex
    True
    """

    def __init__(self, path: str | PathLike[str] | None = None) -> None:
        self._path = None if path is None else Path(path)
        self._tables: _Tables | None = None
        self._lock = threading.Lock()
        # Per lexicon, so a second table never answers from the first one's lookups.
        self._ids_of_word_key = lru_cache(maxsize=_CACHE_LIMIT)(self._find_lemma_ids)

    # ------------------------------------------------------------------ loading
    def _load(self) -> _Tables:
        tables = self._tables
        if tables is not None:
            return tables
        with self._lock:
            if self._tables is None:
                if self._path is None:
                    from importlib import resources  # deferred: costly import

                    resource = resources.files("detector").joinpath("data", TABLE_NAME)
                    origin = f"detector/data/{TABLE_NAME}"
                    try:
                        blob = resource.read_bytes()
                    except OSError as exc:
                        raise DetectorError(f"cannot read {origin}: {exc}") from exc
                else:
                    origin = str(self._path)
                    try:
                        blob = self._path.read_bytes()
                    except OSError as exc:
                        raise DetectorError(f"cannot read {origin}: {exc}") from exc
                self._tables = _decode(blob, origin)
            return self._tables

    # ------------------------------------------------------------ lookup helpers
    def _ids_of_key(self, key: str) -> Iterator[int]:
        """Lemma ids whose lemma, hyphens read as spaces, equals ``key``."""
        t = self._load()
        i = bisect_left(t.lemmas, key)
        if i < len(t.lemmas) and t.lemmas[i] == key:
            yield i
        lo = bisect_left(t.hyphen_keys, key)
        hi = bisect_right(t.hyphen_keys, key, lo)
        yield from t.hyphen_lemmas[lo:hi]

    def _exists(self, key: str) -> bool:
        return next(self._ids_of_key(key), None) is not None

    def _token_forms(self, token: str, pos: str) -> list[str]:
        """``token`` and its candidate base forms for ``pos`` (not yet filtered)."""
        bases = self._load().exception(pos, token)
        if bases is not None:
            return [token, *(_key(b) for b in bases)]
        forms = [token]
        if pos == "n" and (token.endswith("ss") or len(token) <= 2):
            return forms  # as WordNet's morphy: no detachment for these nouns
        for suffix, ending in _RULES[pos]:
            if token.endswith(suffix) and len(token) > len(suffix):
                form = token[: -len(suffix)] + ending
                if form not in forms:
                    forms.append(form)
        return forms

    def _candidates(self, key: str, pos: str) -> Iterator[str]:
        """Candidate base forms (lookup keys) of ``key`` for one part of speech."""
        yield from self._token_forms(key, pos)
        tokens = key.split(" ")
        if len(tokens) == 1:
            return
        # Collocations: morph each token (as WordNet's morphy does), keeping a
        # token's detached forms only when they are WordNet words themselves.
        options = [
            [token, *(f for f in self._token_forms(token, pos)[1:] if self._exists(f))]
            for token in tokens
        ]
        for combo in islice(product(*options), _MAX_COMBINATIONS):
            yield " ".join(combo)

    def _lemma_ids(self, word: str) -> tuple[int, ...]:
        return self._ids_of_word_key(_key(_normalise(word)))

    def _find_lemma_ids(self, key: str) -> tuple[int, ...]:
        t = self._load()
        found: set[int] = set()
        if key:
            # Each candidate form once, with the parts of speech it was made for (the
            # word itself is a candidate for all four).
            wanted: dict[str, int] = {}
            for pos, bit in _POS_BITS.items():
                for candidate in self._candidates(key, pos):
                    wanted[candidate] = wanted.get(candidate, 0) | bit
            for candidate, bits in wanted.items():
                found.update(i for i in self._ids_of_key(candidate) if t.lemma_pos[i] & bits)
        return tuple(sorted(found))

    def _synsets(self, lemma_ids: Iterable[int]) -> set[int]:
        t = self._load()
        out: set[int] = set()
        for i in lemma_ids:
            out.update(t.lemma_synsets[t.lemma_ptr[i] : t.lemma_ptr[i + 1]])
        return out

    def _neighbours(self, synsets: Iterable[int]) -> set[int]:
        t = self._load()
        out: set[int] = set()
        for s in synsets:
            out.update(t.neighbours[t.neighbour_ptr[s] : t.neighbour_ptr[s + 1]])
        return out

    # ------------------------------------------------------------------ public
    def lemmas(self, word: str) -> frozenset[str]:
        """WordNet base forms of a (possibly inflected) word or expression.

        Uses WordNet's exception lists (``said -> say``, ``geese -> goose``) and
        morphy's suffix detachment rules (nouns ``-s -ses -xes -zes -ches -shes
        -men -ies``, verbs ``-s -ies -es -ed -ing``, adjectives ``-er -est``), for
        every part of speech, keeping only forms that are WordNet lemmas. A
        multiword expression has each of its words morphed.

        Parameters
        ----------
        word : str
            A word or multiword expression, any case; ``_`` or ``-`` may stand for
            a space.

        Returns
        -------
        frozenset of str
            Lowercase WordNet lemmas (multiword ones with spaces); empty when the
            word is not in WordNet.

        Examples
        --------
        >>> lex = load_lexicon()
        >>> sorted(lex.lemmas("Accounts"))
        ['account']
        >>> sorted(lex.lemmas("said"))
        ['said', 'say']
        >>> sorted(lex.lemmas("attorneys general"))
        ['attorney general']
        >>> sorted(lex.lemmas("qwertyuiop"))
        []
        """
        t = self._load()
        return frozenset(t.lemmas[i] for i in self._lemma_ids(word))

    def synonyms(self, word: str, *, broad: bool = False) -> tuple[str, ...]:
        """Lemmas sharing a synset with any lemma of ``word``.

        Parameters
        ----------
        word : str
            A word or multiword expression (inflected forms are lemmatised).
        broad : bool, default False
            Also include the lemmas of synsets one hop away through a similar-to,
            hypernym, hyponym, verb-group or also-see pointer.

        Returns
        -------
        tuple of str
            Sorted lowercase base-form lemmas, without the word's own lemmas.

        Examples
        --------
        >>> lex = load_lexicon()
        >>> lex.synonyms("purchase")
        ('buy', 'leverage')
        >>> "large" in lex.synonyms("giant", broad=True)
        True
        """
        t = self._load()
        own = self._lemma_ids(word)
        synsets = self._synsets(own)
        if broad:
            synsets |= self._neighbours(synsets)
        members: set[int] = set()
        for s in synsets:
            members.update(t.synset_lemmas[t.synset_ptr[s] : t.synset_ptr[s + 1]])
        members.difference_update(own)
        return tuple(sorted(t.lemmas[i] for i in members))

    def are_synonyms(self, a: str, b: str) -> bool:
        """Whether ``a`` and ``b`` are WordNet synonyms (or one pointer hop apart).

        True when some lemma of ``a`` and some lemma of ``b`` share a synset, or
        have synsets linked by a similar-to, hypernym/hyponym, verb-group or
        also-see pointer. Symmetric in ``a`` and ``b``.

        Parameters
        ----------
        a, b : str
            Words or multiword expressions, any case, possibly inflected.

        Returns
        -------
        bool
            False when either is not in WordNet.

        Examples
        --------
        >>> lex = load_lexicon()
        >>> lex.are_synonyms("Meeting", "Get together")
        True
        >>> lex.are_synonyms("party", "get together")  # two hops apart in WordNet
        False
        >>> lex.are_synonyms("large", "minister")
        False
        """
        ids_a, ids_b = self._lemma_ids(a), self._lemma_ids(b)
        if not ids_a or not ids_b:
            return False
        synsets_a, synsets_b = self._synsets(ids_a), self._synsets(ids_b)
        if not synsets_a.isdisjoint(synsets_b):
            return True
        t = self._load()
        return any(
            not synsets_b.isdisjoint(t.neighbours[t.neighbour_ptr[s] : t.neighbour_ptr[s + 1]])
            for s in synsets_a
        )

    def __contains__(self, word: object) -> bool:
        """Whether ``word`` (or one of its base forms) is a WordNet lemma.

        Examples
        --------
        >>> lex = load_lexicon()
        >>> "geese" in lex, "qwertyuiop" in lex
        (True, False)
        """
        return isinstance(word, str) and bool(self._lemma_ids(word))

    def frequency(self, word: str) -> float:
        """``log(1 + n)``, where n is how often the word's base forms were seen in the
        sense-tagged SemCor texts (WordNet's ``cntlist.rev``); 0 for unseen words.

        Examples
        --------
        >>> lex = load_lexicon()
        >>> lex.frequency("said") > lex.frequency("mentioned") > lex.frequency("qwertyuiop")
        True
        """
        counts = _counts()
        forms = self.lemmas(word) or frozenset({word.lower()})
        return math.log1p(sum(counts.get(form, 0) for form in forms))

    def __repr__(self) -> str:
        source = f"detector/data/{TABLE_NAME}" if self._path is None else str(self._path)
        state = "loaded" if self._tables is not None else "not loaded"
        return f"SynonymLexicon({source!r}, {state})"


@cache
def _counts() -> dict[str, int]:
    """Lemma -> SemCor tag count, from ``detector/data/wordnet_counts.tsv.gz``."""
    from importlib.resources import files  # deferred, like the synonym table

    ref = files("detector") / "data" / COUNTS_NAME
    try:
        text = gzip.decompress(ref.read_bytes()).decode("utf-8")
    except (OSError, EOFError) as exc:
        raise DetectorError(f"cannot read the WordNet counts table {COUNTS_NAME}: {exc}") from None
    out: dict[str, int] = {}
    for line in text.splitlines():
        lemma, _, count = line.partition("\t")
        out[lemma] = int(count)
    return out


@cache
def load_lexicon() -> SynonymLexicon:
    """Return the shared lexicon over the packaged WordNet table (loaded lazily).

    Examples
    --------
    >>> load_lexicon() is load_lexicon()
    True
    >>> load_lexicon().are_synonyms("big", "large")
    True
    """
    return SynonymLexicon()
