"""What a scan looks for and how: thresholds, permutations, shingle sizes, batch sizes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from detector.errors import ConfigError
from detector.inputs.records import FieldMap
from detector.inputs.text import DEFAULT_MAX_BYTES
from detector.scan.lsh import optimal_bands
from detector.scan.minhash import MinHasher

__all__ = ["ScanOptions"]


@dataclass(frozen=True)
class ScanOptions:
    """What a scan looks for and how. Band counts are derived from the thresholds.

    Examples
    --------
    >>> options = ScanOptions(copy_threshold=0.5)
    >>> options.copy_bands
    (25, 5)
    >>> ScanOptions(copy_threshold=1.5)
    Traceback (most recent call last):
    ...
    detector.errors.ConfigError: copy-threshold must be in (0, 1), got 1.5
    """

    copy_threshold: float = 0.5
    copy_perm: int = 128
    spin_threshold: float = 0.2
    spin_perm: int = 64
    entity_threshold: float = 0.5
    entity_perm: int = 64
    shingle_k: int = 5
    skeleton_k: int = 6
    chunk_size: int = 5000
    verify_batch: int = 400
    max_bucket: int = 200
    max_bytes: int = DEFAULT_MAX_BYTES
    lexicon: bool = True
    #: Also make candidates of texts sharing their names and numbers. Off by default:
    #: on real wire copy (templated notices and results share both) it found 4,240
    #: candidates no other channel found, of which 642 were called pairs and 601 of
    #: those were wrong (benchmarks/README.md).
    entity_channel: bool = False
    #: Also make candidates of texts sharing a passage (:mod:`detector.scan.anchors`):
    #: sampled word 5-grams (1 in ``anchor_mod``), at least ``anchor_min_shared`` in
    #: common, each held by at most ``anchor_max_df`` texts; a candidate of this
    #: channel alone is verified only when the texts share a run of
    #: ``min_passage_run`` words.
    passage_channel: bool = True
    anchor_mod: int = 8
    anchor_min_shared: int = 3
    anchor_max_df: int = 20
    min_passage_run: int = 30
    #: Also make candidates of texts whose prose embeddings are near each other
    #: (:mod:`detector.scan.semantic`), for rewrites that share no words in a row: each
    #: document's ``semantic_k`` nearest neighbours at cosine ``semantic_threshold`` or
    #: more and ratio margin ``semantic_margin`` or more. Needs the ``semantic`` extra;
    #: off here, on by default in ``detector scan`` when the extra is installed.
    semantic_channel: bool = False
    semantic_k: int = 10
    semantic_threshold: float = 0.8
    semantic_margin: float = 1.15
    fields: FieldMap = field(default_factory=FieldMap)

    def __post_init__(self) -> None:
        for name in ("copy_threshold", "spin_threshold", "entity_threshold"):
            value = getattr(self, name)
            if not 0.0 < value < 1.0:
                raise ConfigError(f"{name.replace('_', '-')} must be in (0, 1), got {value}")
        if not -1.0 <= self.semantic_threshold <= 1.0:
            raise ConfigError(
                f"semantic-threshold must be in [-1, 1], got {self.semantic_threshold}"
            )
        if self.semantic_margin < 0:
            raise ConfigError(f"semantic-margin must be >= 0, got {self.semantic_margin}")
        if self.semantic_k < 1:
            raise ConfigError(f"semantic-k must be >= 1, got {self.semantic_k}")
        if self.chunk_size < 1 or self.verify_batch < 1:
            raise ConfigError("chunk size and verify batch must be >= 1")

    @property
    def copy_bands(self) -> tuple[int, int]:
        return optimal_bands(self.copy_threshold, self.copy_perm)

    @property
    def spin_bands(self) -> tuple[int, int]:
        return optimal_bands(self.spin_threshold, self.spin_perm)

    @property
    def entity_bands(self) -> tuple[int, int]:
        return optimal_bands(self.entity_threshold, self.entity_perm)

    @property
    def channels(self) -> tuple[tuple[str, int], ...]:
        """(channel, number of bands), in the order of the band matrix rows."""
        return (
            ("copy", self.copy_bands[0]),
            ("spin", self.spin_bands[0]),
            ("entity", self.entity_bands[0]),
        )

    def hashers(self) -> tuple[MinHasher, MinHasher, MinHasher]:
        """The copy, spin and entity channels' MinHashers (seeds 1, 2 and 3), made once
        per process for each set of permutation counts."""
        return _hashers(self.copy_perm, self.spin_perm, self.entity_perm)

    def fingerprint_key(self) -> dict[str, Any]:
        """What must match for ``resume`` to reuse checkpoints."""
        data = asdict(self)
        data["fields"] = asdict(self.fields)
        if not self.semantic_channel:
            # A scan without the channel keeps the manifest it had before there was one.
            for name in ("semantic_channel", "semantic_k", "semantic_threshold", "semantic_margin"):
                del data[name]
        return data


@lru_cache(maxsize=4)
def _hashers(
    copy_perm: int, spin_perm: int, entity_perm: int
) -> tuple[MinHasher, MinHasher, MinHasher]:
    return (
        MinHasher(copy_perm, seed=1),
        MinHasher(spin_perm, seed=2),
        MinHasher(entity_perm, seed=3),
    )
