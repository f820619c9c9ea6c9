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

__all__ = ["DenseTfidf", "char_wb_counts", "char_wb_ngrams", "pair_cosine"]

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


def char_wb_counts(text: str, min_n: int = 3, max_n: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """The ``char_wb`` n-grams of a text as (sorted 64-bit hashes, counts), with NumPy.

    The same multiset as :func:`char_wb_ngrams`, each n-gram replaced by a 64-bit
    polynomial hash of its code points and its length (collisions are negligible
    at the sizes compared here).

    Examples
    --------
    >>> keys, counts = char_wb_counts("aa aa", 3, 3)
    >>> len(keys), counts.tolist()
    (2, [2, 2])
    """
    words = _WHITESPACE.sub(" ", text.lower()).split()
    if not words:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
    padded = "".join(f" {w} " for w in words)
    codes = np.frombuffer(padded.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(
        np.uint64
    )
    lengths = np.array([len(w) + 2 for w in words])
    ends = np.cumsum(lengths)
    position = np.arange(len(codes))
    keys: list[np.ndarray] = []
    base = np.uint64(1_000_003)
    with np.errstate(over="ignore"):
        window = codes.copy()  # window[i] = hash of codes[i : i + n] for the current n
        for n in range(1, max_n + 1):
            if n > len(codes):
                break
            if n > 1:
                shifted = np.zeros_like(codes)
                shifted[: len(codes) - n + 1] = codes[n - 1 :]
                window = window * base + shifted
            if n < min_n:
                continue
            # A word counted whole at an earlier n (length <= that n) stops there.
            live = lengths >= n
            word_end = np.repeat(np.where(live, ends, -1), lengths)
            valid = position + n <= word_end
            keys.append(window[valid] ^ np.uint64(n << 56))
        # A padded word shorter than min_n counts once, whole.
        for m in np.flatnonzero(lengths < min_n):
            h = np.uint64(0)
            for c in codes[ends[m] - lengths[m] : ends[m]]:
                h = h * base + c
            keys.append(np.array([h ^ np.uint64(int(lengths[m]) << 56)], dtype=np.uint64))
    unique, counts = np.unique(np.concatenate(keys), return_counts=True)
    return unique, counts


def pair_cosine(
    a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray], *, sublinear_tf: bool = True
) -> float:
    """TF-IDF cosine of two documents given as (sorted term keys, counts).

    IDF is fitted on the two documents, as scikit-learn does with ``smooth_idf``:
    ``ln(3 / (1 + df)) + 1``, so a term in both gets 1 and a term in one gets
    ``1 + ln 1.5``.
    """
    (ka, ca), (kb, cb) = a, b
    if not len(ka) or not len(kb):
        return 0.0
    idf_one, idf_both = 1.0 + np.log(1.5), 1.0
    wa = (1.0 + np.log(ca)) if sublinear_tf else ca.astype(float)
    wb = (1.0 + np.log(cb)) if sublinear_tf else cb.astype(float)
    in_b = np.isin(ka, kb, assume_unique=True)
    in_a = np.isin(kb, ka, assume_unique=True)
    wa = wa * np.where(in_b, idf_both, idf_one)
    wb = wb * np.where(in_a, idf_both, idf_one)
    dot = float(wa[in_b] @ wb[in_a])  # both sorted by key, so shared terms line up
    norm = float(np.linalg.norm(wa) * np.linalg.norm(wb))
    return dot / norm if norm else 0.0


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
