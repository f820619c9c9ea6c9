"""Sentence and document embeddings from the static model of the ``semantic`` extra.

The model is distilled once from all-MiniLM-L6-v2 (Apache-2.0) by
``scripts/build_semantic_model.py`` and shipped in ``detector/data/semantic/`` with its
licence and provenance: one 256-dimensional vector per WordPiece token of the model's own
vocabulary (Model2Vec, Tulkens and van Dongen 2024). A text's embedding is the mean of its
tokens' vectors, L2-normalised; nothing runs a neural network and nothing is downloaded.

It needs the ``tokenizers`` package (``pip install detector[semantic]``). Without it
:func:`load_embedder` returns ``None`` and every caller goes on without semantic measures.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix

from detector.errors import ModelError

__all__ = [
    "SEMANTIC_ENV",
    "StaticEmbedder",
    "load_embedder",
    "reset_embedder",
    "semantic_available",
]

#: Set to ``0`` to switch the semantic stage off even when the extra is installed.
SEMANTIC_ENV = "DETECTOR_SEMANTIC"

_MODEL_DIR = "data/semantic"
#: Distinct words whose WordPiece ids are kept per process.
WORD_CACHE = 200_000


@dataclass(frozen=True)
class StaticEmbedder:
    """Token vectors and the WordPiece tokenizer they belong to.

    Examples
    --------
    >>> emb = load_embedder()
    >>> emb is None or emb.embed(["A cat sat.", "A cat sat."]).shape == (2, emb.dimensions)
    True
    """

    vectors: np.ndarray = field(repr=False)
    tokenizer: Any = field(repr=False)
    name: str = "all-MiniLM-L6-v2 (static, 256-d)"
    _words: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def dimensions(self) -> int:
        return int(self.vectors.shape[1])

    def _word_ids(self, word: str) -> tuple[int, ...]:
        ids = self._words.get(word)
        if ids is None:
            if len(self._words) >= WORD_CACHE:
                self._words.clear()
            # The tokenizer takes UTF-8 only: a lone surrogate becomes a replacement mark.
            safe = word.encode("utf-8", "replace").decode("utf-8")
            ids = tuple(self.tokenizer.encode(safe, add_special_tokens=False).ids)
            self._words[word] = ids
        return ids

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """WordPiece ids of each text, without the special tokens.

        The same ids as the tokenizer gives for the whole text: BERT's basic tokenizer
        splits at every whitespace first, so each whitespace-separated word is tokenised
        alone, once, and kept in a cache (news text repeats its words).
        """
        known, lookup = self._words.get, self._word_ids
        return [
            [i for word in text.split() for i in (known(word) or lookup(word))] for text in texts
        ]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised row per text (all zeros for a text with no tokens), float32."""
        ids = self.token_ids(texts)
        lengths = np.array([len(i) for i in ids], dtype=np.int64)
        flat = np.fromiter(
            (i for row in ids for i in row), dtype=np.int64, count=int(lengths.sum())
        )
        # A sparse texts-by-tokens count matrix times the token vectors: sums without
        # gathering a (tokens x dimensions) array, however large the batch.
        counts = csr_matrix(
            (np.ones(len(flat), dtype=np.float32), flat, np.concatenate(([0], np.cumsum(lengths)))),
            shape=(len(texts), self.vectors.shape[0]),
        )
        out = np.asarray(counts @ self.vectors, dtype=np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out


def semantic_available() -> bool:
    """Whether the semantic stage can run: the extra is installed and not switched off."""
    return load_embedder() is not None


@lru_cache(maxsize=1)
def _load(model_dir: str | None) -> StaticEmbedder | None:
    if os.environ.get(SEMANTIC_ENV, "1") == "0":
        return None
    try:
        from tokenizers import Tokenizer
    except ImportError:
        return None
    folder = Path(model_dir) if model_dir else Path(str(resources.files("detector") / _MODEL_DIR))
    try:
        # Stored as float16 (half the size); held as float32, which sums faster.
        vectors = np.load(folder / "vectors.npy", allow_pickle=False).astype(np.float32)
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        provenance = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"the semantic model in {folder} cannot be read: {exc}") from None
    tokenizer.no_truncation()
    tokenizer.no_padding()
    if vectors.ndim != 2 or vectors.shape[0] != tokenizer.get_vocab_size():
        raise ModelError(f"the semantic model in {folder} does not match its tokenizer")
    return StaticEmbedder(vectors, tokenizer, f"{provenance.get('model', 'static')} (static)")


def load_embedder(model_dir: str | os.PathLike[str] | None = None) -> StaticEmbedder | None:
    """The shipped static embedder, or ``None`` when the ``semantic`` extra is not installed.

    Reading is cached: the environment switch :data:`SEMANTIC_ENV` is read on first use.
    """
    return _load(str(model_dir) if model_dir is not None else None)


def reset_embedder() -> None:
    """Forget the loaded embedder, so that the next use reads :data:`SEMANTIC_ENV` again."""
    _load.cache_clear()
