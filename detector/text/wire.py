"""Wire copy: datelines that open a wire story, and sources that name a wire agency.

One place decides what counts as wire, for the comparison's provenance (a dateline such as
``NEW DELHI (Reuters) -`` in one text only) and for the scan's choice of a cluster's
original (a record whose source is a wire agency).
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["Dateline", "is_wire_source", "match_dateline"]

_DATELINE_RE = re.compile(
    r"""^[ \t]*
    [A-Z][A-Z.'\-]*(?:[ \t]+[A-Z][A-Z.'\-]*){0,3}          # CITY, all capitals
    (?:,[ \t]*[A-Z][\w.]*(?:[ \t]+[\w.]+){0,2}){0,2}        # , Country and/or , March 4
    [ \t]*(?:\([A-Za-z][^()\n]{0,40}\))?                    # (Agency)
    [ \t]*[\-\u2013\u2014:]{1,2}[ \t]+                      # dash
    """,
    re.VERBOSE,
)
_AGENCY_RE = re.compile(r"\(([A-Za-z][^()\n]{0,40})\)")
_WIRE_SOURCE_RE = re.compile(
    r"\b(?:reuters|associated press|ap|afp|agence france-presse|bloomberg|upi|dpa|efe|ansa|"
    r"wire|newswire|press|news service|news agency)\b",
    re.IGNORECASE,
)


class Dateline(NamedTuple):
    """A wire dateline at the start of a line: its length there and the agency it names."""

    end: int
    text: str
    agency: str | None


def match_dateline(line: str) -> Dateline | None:
    """The wire dateline that opens ``line``, if any (and the line goes on after it).

    Examples
    --------
    >>> match_dateline("NEW DELHI (Reuters) - Twitter said on Monday")
    Dateline(end=22, text='NEW DELHI (Reuters) -', agency='Reuters')
    >>> match_dateline("The minister said on Monday") is None
    True
    """
    m = _DATELINE_RE.match(line)
    if not m or m.end() >= len(line) or len(m.group().split()) < 2:
        return None
    head = m.group()
    agency = _AGENCY_RE.search(head)
    return Dateline(m.end(), head.strip(), agency.group(1).strip() if agency else None)


def is_wire_source(source: str | None) -> bool:
    """A wire agency by name, or an outlet named as a wire, press or news service.

    Examples
    --------
    >>> is_wire_source("Meridian Wire"), is_wire_source("Citywire Today"), is_wire_source("Reuters")
    (True, False, True)
    """
    return bool(source) and _WIRE_SOURCE_RE.search(source or "") is not None
