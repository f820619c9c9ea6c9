"""The real development data: PAN 2013 text alignment (training corpus) and MSRP (train).

The data is third-party and stays outside the project (its licences allow research use,
not redistribution): it is read from a folder given by the user, by default
``../shared/devdata`` beside the project or ``$DETECTOR_DEVDATA``. Everything that needs
it says so and skips when it is absent.

Both sets are split once, by a hash of the source document (PAN) or of the first
sentence id (MSRP), into a *fit* part (80 %) that training may use and an *eval* part
(20 %) that only the evaluation reads. A pair's part never depends on the sample drawn,
so the verdict model never sees a document it is then evaluated on.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from detector.errors import InputError

__all__ = [
    "DEFAULT_DEVDATA",
    "MSRP_FILE",
    "PAN_DOCUMENTS_FILE",
    "PAN_PAIRS_FILE",
    "DevPair",
    "devdata_path",
    "load_msrp",
    "load_pan",
    "part_of",
    "sample_per_label",
]

DEFAULT_DEVDATA = Path(__file__).resolve().parents[3] / "shared" / "devdata"
PAN_DOCUMENTS_FILE = "pan13_train_documents.jsonl.gz"
PAN_PAIRS_FILE = "pan13_train_pairs.jsonl"
MSRP_FILE = "msrp_train.jsonl"
#: Share of the groups held out for evaluation.
EVAL_SHARE = 0.2

Part = Literal["fit", "eval", "all"]


@dataclass(frozen=True)
class DevPair:
    """One labelled pair of the development data.

    ``cases`` are PAN's true passages, ``((source_start, source_end), (suspicious_start,
    suspicious_end))`` character ranges in ``a`` (the source) and ``b`` (the suspicious
    document); empty for MSRP and for pairs without reuse.
    """

    id: str
    corpus: str
    label: str
    a: str
    b: str
    group: str
    cases: tuple[tuple[tuple[int, int], tuple[int, int]], ...] = ()

    @property
    def derived(self) -> bool:
        """Whether one text reuses the other (PAN: any label but ``no_plagiarism``)."""
        return self.corpus == "pan13" and self.label != "no_plagiarism"


def devdata_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The development data folder: ``path``, else ``$DETECTOR_DEVDATA``, else the default."""
    if path is not None:
        return Path(path)
    env = os.environ.get("DETECTOR_DEVDATA")
    return Path(env) if env else DEFAULT_DEVDATA


def part_of(group: str) -> Literal["fit", "eval"]:
    """The fixed part (``"fit"`` or ``"eval"``) of a group key.

    Examples
    --------
    >>> part_of("src/source-document00135.txt") in ("fit", "eval")
    True
    """
    digest = hashlib.sha256(group.encode("utf-8")).digest()
    return "eval" if int.from_bytes(digest[:8], "big") / 2**64 < EVAL_SHARE else "fit"


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    if not path.is_file():
        raise InputError(f"development data file not found: {path}")
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{number}: not JSON ({exc.msg})") from None


def sample_per_label(rows: Iterable[DevPair], per_label: int | None, seed: int) -> list[DevPair]:
    """Up to ``per_label`` pairs of each label, drawn with ``seed``, kept in input order."""
    rows = list(rows)
    if per_label is None:
        return rows
    by_label: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        by_label.setdefault(row.label, []).append(i)
    rng = random.Random(seed)
    chosen: list[int] = []
    for label in sorted(by_label):
        group = by_label[label]
        chosen.extend(rng.sample(group, min(per_label, len(group))))
    return [rows[i] for i in sorted(chosen)]


def _keep(group: str, part: Part) -> bool:
    return part == "all" or part_of(group) == part


def load_pan(
    folder: str | os.PathLike[str] | None = None,
    *,
    part: Part = "all",
    per_label: int | None = None,
    seed: int = 0,
) -> list[DevPair]:
    """PAN 2013 pairs (source as ``a``, suspicious document as ``b``), grouped by source."""
    root = devdata_path(folder)
    pairs = [p for p in _read_jsonl(root / PAN_PAIRS_FILE) if _keep(str(p["source"]), part)]
    by_label: list[DevPair] = [
        DevPair(
            str(p["id"]),
            "pan13",
            str(p["label"]),
            str(p["source"]),
            str(p["suspicious"]),
            str(p["source"]),
        )
        for p in pairs
    ]
    chosen = sample_per_label(by_label, per_label, seed)
    wanted = {p.a for p in chosen} | {p.b for p in chosen}
    texts = {
        str(d["id"]): str(d["text"])
        for d in _read_jsonl(root / PAN_DOCUMENTS_FILE)
        if d["id"] in wanted
    }
    missing = wanted - texts.keys()
    if missing:
        raise InputError(f"{root / PAN_DOCUMENTS_FILE} lacks document {sorted(missing)[0]}")
    cases = {
        str(p["id"]): tuple(
            (
                (c["source_offset"], c["source_offset"] + c["source_length"]),
                (c["this_offset"], c["this_offset"] + c["this_length"]),
            )
            for c in p["cases"]
        )
        for p in pairs
    }
    return [
        DevPair(p.id, p.corpus, p.label, texts[p.a], texts[p.b], p.group, cases[p.id])
        for p in chosen
    ]


def load_msrp(
    folder: str | os.PathLike[str] | None = None,
    *,
    part: Part = "all",
    per_label: int | None = None,
    seed: int = 0,
) -> list[DevPair]:
    """MSRP train sentence pairs (label ``paraphrase`` or not), grouped by first sentence."""
    root = devdata_path(folder)
    rows = []
    for r in _read_jsonl(root / MSRP_FILE):
        group = str(r["id"]).split("-")[2] if str(r["id"]).count("-") >= 3 else str(r["id"])
        if _keep(group, part):
            rows.append(
                DevPair(str(r["id"]), "msrp", str(r["label"]), str(r["a"]), str(r["b"]), group)
            )
    return sample_per_label(rows, per_label, seed)
