"""detector: find copies, syndicated edits, machine-spun and rewritten news articles.

>>> from detector import compare
>>> compare("The council voted 6-3 on Monday.", "The council voted 6-3 on Monday.").verdict
'duplicate'
"""

from __future__ import annotations

import logging

from detector.compare.pipeline import compare
from detector.errors import ConfigError, DetectorError, InputError, ModelError
from detector.models import (
    DERIVED_VERDICTS,
    VERDICTS,
    Comparison,
    Edit,
    Measures,
    Passage,
    SentencePair,
    Substitution,
)

__all__ = [
    "DERIVED_VERDICTS",
    "VERDICTS",
    "Comparison",
    "ConfigError",
    "DetectorError",
    "Edit",
    "InputError",
    "Measures",
    "ModelError",
    "Passage",
    "SentencePair",
    "Substitution",
    "compare",
]

__version__ = "0.1.0"

# The library logs (stage timings at DEBUG) but never prints: an application that wants
# the records configures logging; without that, this handler keeps them quiet.
logging.getLogger(__name__).addHandler(logging.NullHandler())
