"""Errors a user can cause, each carrying a message fit to show as it is."""

from __future__ import annotations

from dataclasses import dataclass


class StanceError(Exception):
    """Base class: ``str(err)`` is a complete, user-facing message."""


class ValidationError(StanceError):
    """A value does not satisfy the domain rules.

    ``field`` names the offending field so a form can show the message
    beside it.
    """

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.reason = message


class NotFound(StanceError):
    """An actor, dimension, source, event or record does not exist."""


class ConflictError(StanceError):
    """A save over a record that changed since it was read."""

    def __init__(self, uuid: str, expected: int, actual: int | None):
        if actual is None:
            msg = f"record {uuid} no longer exists"
        else:
            msg = (f"record {uuid} was changed by someone else since you read it "
                   f"(your version {expected}, now version {actual}); reload it and "
                   "apply your change again")
        super().__init__(msg)
        self.uuid = uuid
        self.expected = expected
        self.actual = actual


class DatabaseError(StanceError):
    """The database file cannot be used (not ours, too new, locked, unreadable)."""


@dataclass(frozen=True)
class RowProblem:
    """One bad row of an imported file."""

    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        col = f"column {self.column}" if self.column else ""
        where = ", ".join(x for x in (f"line {self.line}" if self.line > 0 else "", col) if x)
        return f"{where}: {self.reason}" if where else self.reason


class ImportFailed(StanceError):
    """An import was refused; the database is unchanged."""

    def __init__(self, path: str, problems: list[RowProblem], total_bad: int | None = None):
        self.path = path
        self.problems = problems
        self.total_bad = total_bad if total_bad is not None else len(problems)
        if problems:
            first = problems[0]
            more = self.total_bad - 1
            tail = f" (and {more} more problem{'s' if more != 1 else ''})" if more > 0 else ""
            msg = f"{path}: {first}{tail}; nothing was imported"
        else:
            msg = f"{path}: nothing was imported"
        super().__init__(msg)
