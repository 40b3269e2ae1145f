"""Errors of the linkage stage."""

from __future__ import annotations


class LinkageError(ValueError):
    """A user-facing linkage failure, printed as one line."""
