"""all-MiniLM-L6-v2 run in plain numpy: the sentence encoder the static model is distilled from.

Used only by ``scripts/build_semantic_model.py`` (and its check): the detector itself never runs
the transformer. The forward pass is the BERT encoder (Devlin et al. 2019) as the checkpoint's
``config.json`` describes it: 6 layers, hidden size 384, 12 heads, GELU (erf form), LayerNorm
eps 1e-12, absolute positions; then the sentence-transformers head of this model (Reimers and
Gurevych 2019): mean of the token states under the attention mask, L2-normalised.

Checked against the similarities the model's authors publish in the sentence-transformers
quick start (see ``PUBLISHED_SIMILARITIES``) before anything is distilled from it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.special import erf

#: The quick start of sentence-transformers encodes these three sentences with
#: all-MiniLM-L6-v2 and prints their cosine similarities (four decimals).
PUBLISHED_SENTENCES = (
    "The weather is lovely today.",
    "It's so sunny outside!",
    "He drove to the stadium.",
)
PUBLISHED_SIMILARITIES = {(0, 1): 0.6660, (0, 2): 0.1046, (1, 2): 0.1411}

MAX_SEQ_LENGTH = 256  # sentence_bert_config.json of the checkpoint


@dataclass(frozen=True)
class MiniLM:
    weights: dict[str, np.ndarray]
    layers: int = 6
    heads: int = 12
    eps: float = 1e-12

    @classmethod
    def load(cls, model_dir: Path) -> MiniLM:
        from safetensors.numpy import load_file

        raw = load_file(str(model_dir / "model.safetensors"))
        return cls({k: v.astype(np.float32) for k, v in raw.items()})

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.weights[f"{name}.weight"].T + self.weights[f"{name}.bias"]

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        y = (x - mean) / np.sqrt(var + self.eps)
        return y * self.weights[f"{name}.weight"] + self.weights[f"{name}.bias"]

    def token_states(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Last hidden states, shape (batch, length, 384), for padded ``ids`` and ``mask``."""
        w = self.weights
        batch, length = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][np.arange(length)][None]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        hidden = x.shape[-1]
        size = hidden // self.heads
        bias = np.where(mask[:, None, None, :] > 0, 0.0, -1e9).astype(np.float32)
        for i in range(self.layers):
            p = f"encoder.layer.{i}"

            def split(t: np.ndarray) -> np.ndarray:
                return t.reshape(batch, length, self.heads, size).transpose(0, 2, 1, 3)

            q = split(self._dense(x, f"{p}.attention.self.query"))
            k = split(self._dense(x, f"{p}.attention.self.key"))
            v = split(self._dense(x, f"{p}.attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(size) + bias
            scores -= scores.max(-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(-1, keepdims=True)
            context = (probs @ v).transpose(0, 2, 1, 3).reshape(batch, length, hidden)
            x = self._norm(
                self._dense(context, f"{p}.attention.output.dense") + x,
                f"{p}.attention.output.LayerNorm",
            )
            inner = self._dense(x, f"{p}.intermediate.dense")
            inner = 0.5 * inner * (1.0 + erf(inner / math.sqrt(2.0)))
            x = self._norm(self._dense(inner, f"{p}.output.dense") + x, f"{p}.output.LayerNorm")
        return x

    def encode_ids(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Sentence embeddings: masked mean of the token states, L2-normalised."""
        states = self.token_states(ids, mask)
        m = mask[..., None].astype(np.float32)
        pooled = (states * m).sum(1) / np.maximum(m.sum(1), 1e-9)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


def load_tokenizer(model_dir: Path):  # type: ignore[no-untyped-def]
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tok.enable_truncation(MAX_SEQ_LENGTH)
    tok.enable_padding(pad_id=0, pad_token="[PAD]")
    return tok


def encode_sentences(model: MiniLM, tokenizer, sentences: list[str]) -> np.ndarray:  # type: ignore[no-untyped-def]
    out = tokenizer.encode_batch(sentences)
    ids = np.array([e.ids for e in out], dtype=np.int64)
    mask = np.array([e.attention_mask for e in out], dtype=np.int64)
    return model.encode_ids(ids, mask)


def check_published(model: MiniLM, tokenizer) -> dict[tuple[int, int], float]:  # type: ignore[no-untyped-def]
    """Similarities of the published sentences; raises if any differs by 5e-4 or more."""
    emb = encode_sentences(model, tokenizer, list(PUBLISHED_SENTENCES))
    got = {pair: float(emb[pair[0]] @ emb[pair[1]]) for pair in PUBLISHED_SIMILARITIES}
    for pair, want in PUBLISHED_SIMILARITIES.items():
        if abs(got[pair] - want) >= 5e-4:
            raise ValueError(f"similarity {pair} is {got[pair]:.4f}, published {want:.4f}")
    return got
