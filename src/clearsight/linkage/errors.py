"""Errors of the linkage stage."""

from __future__ import annotations


class LinkageError(ValueError):
    """A user-facing linkage failure, printed as one line."""


class NothingLinkableError(LinkageError):
    """The records hold no combination of fields able to tell one person from another.

    ``design_json`` is the profile that showed it, for the run's record."""

    def __init__(self, message: str, design_json: str | None = None) -> None:
        super().__init__(message)
        self.design_json = design_json
