"""Progress of a long command on standard error: drawn by click's progress bar when it is a terminal.

Silent when standard error is not a terminal (a script, a log file, a pipe)
and when the command is given ``--quiet``; standard output never carries it,
so a listing or a CSV written there stays clean. The core's long operations
take ``progress(done, total)`` (core/model/progress.py); :func:`progress`
hands them one, or None when nothing is to be drawn.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import TextIO

import click

from stancetracker.cli.base import CliState
from stancetracker.core.model.progress import Progress


def _quiet(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    state = ctx.find_object(CliState)
    if value and state is not None:
        state.quiet = True


QUIET = click.option("--quiet", is_flag=True, expose_value=False, callback=_quiet, is_eager=True,
                     help="Draw no progress bar (none is drawn either when standard error is not a terminal).")


def terminal() -> TextIO | None:
    """Standard error, if it is a terminal a person watches; else None."""
    stream = sys.stderr
    try:
        return stream if stream is not None and stream.isatty() else None
    except ValueError:  # closed
        return None


def _size(n: int) -> str:
    return f"{n / 2**20:,.1f} MB" if n >= 2**20 else f"{n / 2**10:,.0f} KB"


class _Drawn:
    """The Progress callback that moves a click progress bar, started at its first call (a step that never
    reports leaves no empty bar behind); ``unit`` says how ``done`` is shown."""

    def __init__(self, stream: TextIO, label: str, unit: str):
        self.stream, self.label, self.unit = stream, label, unit
        self.bar = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            # An empty iterator gives a bar of unknown length; a call with a total sets it.
            self.bar = click.progressbar(iter(()), label=self.label, file=self.stream, show_eta=True,
                                         show_pos=False, item_show_func=lambda item: item, width=24)
            self.bar.__enter__()
        bar = self.bar
        if total > 0 and bar.length != total:  # the total becomes known (or changes) as the work goes
            bar.length = total
        shown = self._shown(done, total)
        if done > bar.pos:
            bar.update(done - bar.pos, shown)
        else:
            bar.current_item = shown
            bar.render_progress()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)  # ends the bar's line before anything else is said

    def _shown(self, done: int, total: int) -> str:
        if self.unit == "bytes":
            return f"{_size(done)} of {_size(total)}" if total else _size(done)
        of = f" of {total:,}" if total else ""
        return f"{done:,}{of} {self.unit}".rstrip()


@contextlib.contextmanager
def progress(label: str, unit: str = "") -> Iterator[Progress | None]:
    """A Progress callback drawing a bar labelled ``label`` on standard error, or None (not a terminal, --quiet).

    ``unit``: "bytes" shows sizes; any other word is shown after the counts ("records", "pages").
    """
    ctx = click.get_current_context(silent=True)
    state = ctx.find_object(CliState) if ctx is not None else None
    stream = terminal()
    if stream is None or (state is not None and state.quiet):
        yield None
        return
    drawn = _Drawn(stream, label, unit)
    try:
        yield drawn
    finally:
        drawn.close()


__all__ = ["QUIET", "progress", "terminal"]
