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

from detector.errors import ModelError

__all__ = ["SEMANTIC_ENV", "StaticEmbedder", "load_embedder", "semantic_available"]

#: Set to ``0`` to switch the semantic stage off even when the extra is installed.
SEMANTIC_ENV = "DETECTOR_SEMANTIC"

_MODEL_DIR = "data/semantic"


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

    @property
    def dimensions(self) -> int:
        return int(self.vectors.shape[1])

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """WordPiece ids of each text, without the special tokens."""
        return [e.ids for e in self.tokenizer.encode_batch(list(texts), add_special_tokens=False)]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised row per text (all zeros for a text with no tokens), float32."""
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        if not texts:
            return out
        for row, ids in enumerate(self.token_ids(texts)):
            if ids:
                out[row] = self.vectors[ids].mean(axis=0, dtype=np.float32)
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
        vectors = np.load(folder / "vectors.npy", allow_pickle=False)
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
