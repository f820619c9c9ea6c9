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
        df: Counter[Hashable] = Counter()
        n = 0
        for doc in documents:
            df.update(set(self.analyzer(doc)))
            n += 1
        terms = sorted(df, key=repr) if df else []
        self.vocabulary_ = {t: i for i, t in enumerate(terms)}
        counts = np.array([df[t] for t in terms], dtype=np.float64)
        self.idf_ = np.log((1.0 + n) / (1.0 + counts)) + 1.0
        return self

    def transform(self, documents: Sequence[object]) -> np.ndarray:
        out = np.zeros((len(documents), len(self.vocabulary_)), dtype=np.float64)
        vocab = self.vocabulary_
        for row, doc in enumerate(documents):
            tf = Counter(t for t in self.analyzer(doc) if t in vocab)
            if not tf:
                continue
            cols = np.fromiter((vocab[t] for t in tf), dtype=np.int64, count=len(tf))
            vals = np.fromiter(tf.values(), dtype=np.float64, count=len(tf))
            if self.sublinear_tf:
                vals = 1.0 + np.log(vals)
            out[row, cols] = vals * self.idf_[cols]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out

    def fit_transform(self, documents: Sequence[object]) -> np.ndarray:
        return self.fit(documents).transform(documents)
