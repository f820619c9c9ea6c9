"""A small dense TF-IDF for comparing a handful of texts, without importing scikit-learn.

Importing scikit-learn costs about a second, longer than a whole comparison, so the
pairwise path uses this instead. It reproduces ``sklearn.feature_extraction.text.
TfidfVectorizer`` for the settings used here (``smooth_idf=True``, ``norm="l2"``,
optional ``sublinear_tf``, and the ``char_wb`` analyzer); ``tests/test_tfidf.py``
checks it against scikit-learn value for value.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence

import numpy as np

__all__ = ["DenseTfidf", "char_wb_ngrams"]

_WHITESPACE = re.compile(r"\s\s+")


def char_wb_ngrams(text: str, min_n: int = 3, max_n: int = 5) -> list[str]:
    """Character n-grams inside word boundaries, padded with one space each side.

    The same n-grams as scikit-learn's ``analyzer="char_wb"`` (lower-casing included).

    Examples
    --------
    >>> char_wb_ngrams("Hi you", 2, 3)
    [' h', 'hi', 'i ', ' hi', 'hi ', ' y', 'yo', 'ou', 'u ', ' yo', 'you', 'ou ']
    """
    grams: list[str] = []
    for word in _WHITESPACE.sub(" ", text.lower()).split():
        padded = f" {word} "
        length = len(padded)
        for n in range(min_n, max_n + 1):
            if length <= n:
                grams.append(padded)
                break
            grams.extend(padded[i : i + n] for i in range(length - n + 1))
    return grams


class DenseTfidf:
    """TF-IDF with scikit-learn's conventions, as dense NumPy arrays.

    Parameters
    ----------
    analyzer : callable
        Maps one input document to its list of terms.
    sublinear_tf : bool
        Use ``1 + log(tf)`` instead of raw counts.

    Attributes
    ----------
    vocabulary_ : dict
        Term -> column.
    idf_ : ndarray
        ``ln((1 + n) / (1 + df)) + 1`` per term.

    Examples
    --------
    >>> tf = DenseTfidf(analyzer=str.split).fit(["a b", "a c"])
    >>> m = tf.transform(["a b", "a c"])
    >>> round(float(m[0] @ m[1]), 4)
    0.3361
    """

    def __init__(
        self,
        analyzer: Callable[[object], Sequence[Hashable]],
        *,
        sublinear_tf: bool = False,
    ) -> None:
        self.analyzer = analyzer
        self.sublinear_tf = sublinear_tf

    def fit(self, documents: Iterable[object]) -> DenseTfidf:
        self._fit_counts([Counter(self.analyzer(doc)) for doc in documents])
        return self

    def _fit_counts(self, counts: Sequence[Counter[Hashable]]) -> None:
        df: Counter[Hashable] = Counter()
        for tf in counts:
            df.update(tf.keys())
        terms = sorted(df, key=repr) if df else []
        self.vocabulary_ = {t: i for i, t in enumerate(terms)}
        dfs = np.array([df[t] for t in terms], dtype=np.float64)
        self.idf_ = np.log((1.0 + len(counts)) / (1.0 + dfs)) + 1.0

    def _weigh(self, counts: Sequence[Counter[Hashable]]) -> np.ndarray:
        out = np.zeros((len(counts), len(self.vocabulary_)), dtype=np.float64)
        vocab = self.vocabulary_
        for row, tf in enumerate(counts):
            known = [(vocab[t], c) for t, c in tf.items() if t in vocab]
            if not known:
                continue
            cols = np.fromiter((k for k, _ in known), dtype=np.int64, count=len(known))
            vals = np.fromiter((c for _, c in known), dtype=np.float64, count=len(known))
            if self.sublinear_tf:
                vals = 1.0 + np.log(vals)
            out[row, cols] = vals * self.idf_[cols]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out

    def transform(self, documents: Sequence[object]) -> np.ndarray:
        return self._weigh([Counter(self.analyzer(doc)) for doc in documents])

    def fit_transform(self, documents: Sequence[object]) -> np.ndarray:
        """Fit and transform, analysing each document once."""
        counts = [Counter(self.analyzer(doc)) for doc in documents]
        self._fit_counts(counts)
        return self._weigh(counts)
