"""Graded content similarity: how alike two texts are, as one number for ranking.

The probability that one text derives from the other (``score``) answers "is this a
copy?"; a user sorting a thousand matches also wants "how close is it?", with
independent coverage of the same event above unrelated pairs. This module gives the
features of that second number. Every feature is symmetric in the two texts and lies in
[0, 1]; :class:`detector.compare.classifier.SimilarityModel` combines them with weights
fitted on sentence paraphrase pairs (MSRP, Dolan & Brockett 2005), where plain word
TF-IDF cosine reaches a ROC AUC of about 0.76.

The features are the lexical overlaps known to carry paraphrase signal: word, content-word,
word-pair and word-triple precision in both directions (BLEU-like), content-word and
name Jaccard, agreement of numbers and of negation, token-sequence similarity, length
ratio and difference, character n-gram cosine, fuzzy token-set and token-sort ratios,
and the share of content words matched by a WordNet synonym when not by their stem.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from itertools import pairwise
from typing import Any

from cachetools import LRUCache
from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from detector.compare.similarity import char_tfidf_cosine
from detector.text.normalize import Document, stem
from detector.text.wordlists import FUNCTION_WORDS

__all__ = ["SIMILARITY_FEATURES", "similarity_features"]

#: The features, in the order the similarity model's weights follow.
SIMILARITY_FEATURES: tuple[str, ...] = (
    "word_precision_min",
    "word_precision_max",
    "bigram_precision_min",
    "bigram_precision_max",
    "content_jaccard",
    "number_agreement",
    "sequence_similarity",
    "length_ratio",
    "char_cosine",
    "synonym_precision_min",
    "synonym_precision_max",
    "token_set_ratio",
    "token_sort_ratio",
    "content_precision_min",
    "content_precision_max",
    "trigram_precision_min",
    "trigram_precision_max",
    "number_mismatch",
    "name_jaccard",
    "negation_agreement",
    "length_difference",
)

#: Words that turn a statement into its denial.
NEGATIONS: frozenset[str] = frozenset({"not", "n't", "no", "never", "nor", "none", "neither"})


def _log_count(n: int, top: int) -> float:
    """A count on a log scale squeezed into [0, 1] (1 at ``top`` and beyond)."""
    return min(1.0, math.log1p(n) / math.log1p(top))


def _precision(own: set[Any], other: set[Any]) -> float:
    return len(own & other) / len(own) if own else 0.0


def _bigrams(stems: list[str]) -> set[tuple[str, str]]:
    return set(pairwise(stems))


#: At most this many unmatched words of a text are looked up in WordNet: texts that far
#: apart are no paraphrases, and the lookups would cost more than the rest of the comparison.
MAX_SYNONYM_LOOKUPS = 150


def _synonym_precision(
    own: Iterable[tuple[str, str]], other_stems: set[str], lexicon: object
) -> float:
    """Share of content words found in the other text by stem or by a WordNet synonym's stem."""
    words = sorted(own)
    if not words:
        return 0.0
    hit = lookups = 0
    for lower, word_stem in words:
        if word_stem in other_stems:
            hit += 1
        elif lexicon is not None and lookups < MAX_SYNONYM_LOOKUPS:
            lookups += 1
            if not _synonym_stems(lexicon, lower).isdisjoint(other_stems):
                hit += 1
    return hit / len(words)


#: (id of the lexicon, word) -> the stems of the word's one-word synonyms. Words recur
#: across the comparisons of a batch; looking them up is most of the graded features' time.
_SYNONYM_STEMS: LRUCache[tuple[int, str], frozenset[str]] = LRUCache(maxsize=1 << 16)


def _synonym_stems(lexicon: object, word: str) -> frozenset[str]:
    key = (id(lexicon), word)
    found = _SYNONYM_STEMS.get(key)
    if found is None:
        synonyms = lexicon.synonyms(word)  # type: ignore[attr-defined]
        found = frozenset(stem(s) for s in synonyms if " " not in s)
        _SYNONYM_STEMS[key] = found
    return found


def similarity_features(
    a: Document, b: Document, *, lexicon: object = None, char_cosine: float | None = None
) -> dict[str, float]:
    """The graded-similarity features of two normalised texts (symmetric, each in [0, 1]).

    Parameters
    ----------
    a, b : Document
        Normalised texts.
    lexicon : SynonymLexicon or None
        WordNet synonyms for the synonym precision; without it that feature counts stem
        matches only.
    char_cosine : float, optional
        The texts' character n-gram cosine when the caller has it already
        (:func:`detector.compare.similarity.char_tfidf_cosine`); computed otherwise.

    Examples
    --------
    >>> from detector.text.normalize import normalize
    >>> f = similarity_features(normalize("The cat sat on the mat."), normalize("The cat sat on the mat."))
    >>> f["word_precision_min"], f["sequence_similarity"], f["length_ratio"]
    (1.0, 1.0, 1.0)
    """
    stems_a = [t.stem for t in a.tokens]
    stems_b = [t.stem for t in b.tokens]
    set_a, set_b = set(stems_a), set(stems_b)
    bi_a, bi_b = _bigrams(stems_a), _bigrams(stems_b)
    content_a = {t.stem for t in a.tokens if t.lower not in FUNCTION_WORDS}
    content_b = {t.stem for t in b.tokens if t.lower not in FUNCTION_WORDS}
    numbers_a = {t.lower for t in a.tokens if t.numeric}
    numbers_b = {t.lower for t in b.tokens if t.numeric}
    words_a = {(t.lower, t.stem) for t in a.tokens if t.lower not in FUNCTION_WORDS}
    words_b = {(t.lower, t.stem) for t in b.tokens if t.lower not in FUNCTION_WORDS}
    word = (_precision(set_a, set_b), _precision(set_b, set_a))
    bigram = (_precision(bi_a, bi_b), _precision(bi_b, bi_a))
    synonym = (
        _synonym_precision(words_a, content_b, lexicon),
        _synonym_precision(words_b, content_a, lexicon),
    )
    union = content_a | content_b
    numbers = numbers_a | numbers_b
    text_a, text_b = " ".join(t.lower for t in a.tokens), " ".join(t.lower for t in b.tokens)
    content = (_precision(content_a, content_b), _precision(content_b, content_a))
    tri_a = set(zip(stems_a, stems_a[1:], stems_a[2:], strict=False))
    tri_b = set(zip(stems_b, stems_b[1:], stems_b[2:], strict=False))
    trigram = (_precision(tri_a, tri_b), _precision(tri_b, tri_a))
    names_a = {t.lower for t in a.tokens if t.capitalized and t.lower not in FUNCTION_WORDS}
    names_b = {t.lower for t in b.tokens if t.capitalized and t.lower not in FUNCTION_WORDS}
    names = names_a | names_b
    negated_a = not NEGATIONS.isdisjoint(t.lower for t in a.tokens)
    negated_b = not NEGATIONS.isdisjoint(t.lower for t in b.tokens)
    longest = max(len(stems_a), len(stems_b))
    return {
        "word_precision_min": min(word),
        "word_precision_max": max(word),
        "bigram_precision_min": min(bigram),
        "bigram_precision_max": max(bigram),
        "content_jaccard": len(content_a & content_b) / len(union) if union else 0.0,
        "number_agreement": len(numbers_a & numbers_b) / len(numbers) if numbers else 1.0,
        "sequence_similarity": Indel.normalized_similarity(stems_a, stems_b),
        "length_ratio": min(len(stems_a), len(stems_b)) / longest if longest else 0.0,
        "char_cosine": char_tfidf_cosine(a, b) if char_cosine is None else char_cosine,
        "synonym_precision_min": min(synonym),
        "synonym_precision_max": max(synonym),
        "token_set_ratio": fuzz.token_set_ratio(text_a, text_b) / 100.0,
        "token_sort_ratio": fuzz.token_sort_ratio(text_a, text_b) / 100.0,
        "content_precision_min": min(content),
        "content_precision_max": max(content),
        "trigram_precision_min": min(trigram),
        "trigram_precision_max": max(trigram),
        "number_mismatch": _log_count(len(numbers_a ^ numbers_b), 20),
        "name_jaccard": len(names_a & names_b) / len(names) if names else 1.0,
        "negation_agreement": 1.0 if negated_a == negated_b else 0.0,
        "length_difference": _log_count(abs(len(stems_a) - len(stems_b)), 1000),
    }
