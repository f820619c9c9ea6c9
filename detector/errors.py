"""Errors raised by the detector library.

The library raises these; the CLI turns them into a one-line message and an exit code.
"""

from __future__ import annotations


class DetectorError(Exception):
    """Base class of every error the detector raises on purpose."""

    exit_code = 1


class InputError(DetectorError):
    """An input text or file cannot be used (empty, binary, too large, undecodable)."""

    exit_code = 2


class ConfigError(DetectorError):
    """An option has a value outside its allowed range."""

    exit_code = 2


class ModelError(DetectorError):
    """The verdict model artifact is missing, malformed or does not fit the features."""

    exit_code = 1


class ArchiveError(DetectorError):
    """The archive cannot be read or written right now (locked, closed, disk error)."""

    exit_code = 1
