"""Word tokens of the clean text: the token pattern, the token tuple and the stemmer.

NLTK is imported here for the Snowball stemmer and for Punkt (:mod:`detector.text.sentences`),
by :func:`load_nltk`, which keeps NLTK's package init from loading SciPy and scikit-learn.
"""

from __future__ import annotations

import importlib
import re
import sys
from functools import cache, lru_cache
from types import ModuleType
from typing import Any, NamedTuple

__all__ = ["TOKEN_RE", "Token", "load_nltk", "stem"]

#: A word token: a number (``1,178``, ``6.2%``, ``9/11``) or a word with inner
#: apostrophes and hyphens (``India's``, ``well-known``).
TOKEN_RE = re.compile(r"\d+(?:[.,:/]\d+)*%?|\w+(?:['\-]\w+)*", re.UNICODE)


class Token(NamedTuple):
    """A word token of the clean text (a named tuple: immutable, and quick to make).

    ``start``/``end`` are offsets into :attr:`Document.text`; ``lower`` is the
    case-folded form, ``stem`` the Snowball stem.
    """

    lower: str
    start: int
    end: int
    stem: str
    sentence: int
    capitalized: bool
    numeric: bool


def load_nltk(module: str) -> ModuleType:
    """Import an NLTK module, keeping NLTK's package init from loading SciPy and sklearn.

    ``import nltk`` eagerly imports ``scipy.stats`` and scikit-learn when they are
    installed (for collocation statistics and a classifier wrapper, inside
    ``try/except ImportError``), which costs about 0.6 s of start-up, more than a
    whole comparison. Punkt and the stemmer need neither, so while NLTK initialises
    they are marked unavailable in ``sys.modules`` and NLTK's own fallbacks take
    over; modules already imported are left alone, and the marks are removed after.

    Editing ``sys.modules`` is the only way to do this: every submodule import runs
    ``nltk/__init__.py`` first, NLTK offers no switch to skip those imports, and
    loading Punkt's file on its own still imports ``nltk.probability`` and so the
    package. The cost is a short window, once per process: while the marks are up,
    another thread importing ``scipy.stats`` or ``sklearn`` for the first time would
    see an ImportError.

    Examples
    --------
    >>> load_nltk("nltk.tokenize.punkt").__name__
    'nltk.tokenize.punkt'
    """
    hidden = [m for m in ("scipy.stats", "sklearn") if m not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        return importlib.import_module(module)
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball (Porter2) stem of a lower-case word.

    Examples
    --------
    >>> stem("protests"), stem("protesting"), stem("said")
    ('protest', 'protest', 'said')
    """
    return _snowball().stem(word)


@cache
def _snowball() -> Any:
    return load_nltk("nltk.stem.snowball").SnowballStemmer("english")
