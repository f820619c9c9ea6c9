"""Plain reference versions of the scan's batch code, for tests and benchmarks.

Not a test module: ``tests/test_fingerprint.py`` and ``benchmarks/fingerprint_bench.py``
import it. The package runs :func:`detector.scan.fingerprint.fingerprint_batch`; these
functions compute the same results the obvious way, one text at a time.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from detector.scan.fingerprint import content_hash, document_sets, stack_bands
from detector.scan.options import ScanOptions
from detector.scan.tokens import tokenize


def fingerprint_texts(
    texts: Sequence[str], options: ScanOptions
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Content hashes, band hashes and MinHash signatures of texts, one text at a time.

    The plain per-document pipeline: scans use
    :func:`detector.scan.fingerprint.fingerprint_batch`, which gives the same arrays, bit
    for bit, several times faster (tested against this).

    Three channels, stacked in :attr:`ScanOptions.channels` order: word 5-grams
    (copies), skeleton 6-grams (spun copies; generic grams left out, see
    :func:`detector.scan.minhash.skeleton_gram_hashes`) and the set of names and numbers
    (rewrites keep them; Zhang et al.'s "immutables").

    Returns
    -------
    hashes : ndarray of uint64, one per text
    bands : ndarray of uint64, (total bands, texts)
    signatures : ndarray of uint32, (total permutations, texts)
    """
    sets = [document_sets(text, options) for text in texts]
    hashes = np.array([content_hash(s[0]) for s in sets], dtype=np.uint64)
    hashers = options.hashers()
    signatures = [hasher.signatures([s[c + 1] for s in sets]) for c, hasher in enumerate(hashers)]
    return hashes, stack_bands(signatures, options), np.vstack(signatures)


def ascii_tokens(texts: Sequence[str]) -> tuple[list[list[str]], list[list[str]]]:
    """Tokens and names (before any filtering) per ASCII text, from the byte-level tokenizer.

    Equal to ``detector.scan.minhash.analyze(text)`` except that the names are not yet
    filtered.
    """
    tok = tokenize(texts)
    lowered = tok.data.tobytes().lower().decode("ascii")
    words = [lowered[s:e] for s, e in zip(tok.starts.tolist(), tok.ends.tolist(), strict=True)]
    names = tok.names.tolist()
    out_tokens: list[list[str]] = []
    out_names: list[list[str]] = []
    for a, b in zip(tok.offsets[:-1].tolist(), tok.offsets[1:].tolist(), strict=True):
        out_tokens.append(words[a:b])
        out_names.append([w for w, name in zip(words[a:b], names[a:b], strict=True) if name])
    return out_tokens, out_names
