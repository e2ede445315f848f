"""The one shape of progress and cancelling for every long operation.

A long operation (import, export, merge, backup, restore, report) takes an
optional ``progress`` callback, calls it as ``progress(done, total)`` — in the
operation's own units (bytes read, rows written; ``total`` is 0 when unknown) —
and stops, leaving nothing changed, when the callback returns ``False``: it
raises :class:`Cancelled`, the one exception every caller catches for that.
"""

from __future__ import annotations

from collections.abc import Callable

from stancetracker.core.model.errors import StanceError

Progress = Callable[[int, int], "bool | None"]
"""``progress(done, total) -> False`` to cancel; any other return goes on."""


class Cancelled(StanceError):
    """The user cancelled a long operation; nothing was changed."""


def tick(progress: Progress | None, done: int, total: int, cancelled: str) -> None:
    """Report ``done`` of ``total``; raise :class:`Cancelled` with ``cancelled`` if asked to stop."""
    if progress is not None and progress(done, total) is False:
        raise Cancelled(cancelled)
