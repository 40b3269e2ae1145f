"""Errors that refuse a whole submission: one clear line, nothing loaded."""

from __future__ import annotations


class SubmissionError(Exception):
    """A submission cannot be loaded; says where (file, row, column) and why."""

    def __init__(
        self,
        file: str,
        reason: str,
        *,
        row: int | None = None,
        column: str | None = None,
        code: str = "invalid_submission",
    ) -> None:
        super().__init__(reason)
        self.file = file
        self.reason = reason
        self.row = row
        self.column = column
        self.code = code

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.reason}"

    def as_dict(self) -> dict[str, str | int | None]:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "code": self.code,
            "reason": self.reason,
        }
