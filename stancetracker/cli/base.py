"""What every command shares: the state it is run with, the one-line error handling, Ctrl-C, line cutting."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import click

from stancetracker.core.db import store as _store
from stancetracker.core.db.connection import NeedsUpgrade, SqliteError, describe_sqlite_error
from stancetracker.core.db.schema_audit import ForeignSchema
from stancetracker.core.db.store import Store
from stancetracker.core.files.paths import default_db_path
from stancetracker.core.model.errors import ImportFailed, StanceError
from stancetracker.core.project import open_for_reading, open_project

_SIGINT = threading.Event()  # set by a Ctrl-C, which SQLite's callbacks may turn into another error


def on_sigint(signum, frame) -> None:
    """The SIGINT handler: remember the Ctrl-C, then interrupt as Python would."""
    _SIGINT.set()
    raise KeyboardInterrupt


class CliState:
    """The database and coder a command runs with; the database opens on first use."""

    def __init__(self, db: Path | None, coder: str | None):
        self.db_path = db or default_db_path()
        self.coder = coder
        self.quiet = False  # --quiet: no progress bar (cli/progress.py)
        self.db_given = db is not None
        self._store: Store | None = None

    def store(self, *, readonly: bool = False) -> Store:
        """The open database; ``readonly`` for commands that only read (no backup, never created, never written)."""
        if self._store is None:
            if self.db_path == default_db_path():
                self.db_path.parent.mkdir(parents=True, exist_ok=True)
            self._store = self._open_for_reading() if readonly else open_project(self.db_path, user=self.coder)
        return self._store

    def _open_for_reading(self) -> Store:
        try:
            return open_project(self.db_path, user=self.coder, readonly=True, backup=False, create=False)
        except NeedsUpgrade:
            # An older database is upgraded by any command (the migration backs it up first).
            return open_project(self.db_path, user=self.coder, backup=False, create=False)
        except ForeignSchema as err:
            # Reading fires no trigger; it goes ahead, read-only, and says what is wrong.
            store = open_for_reading(self.db_path, err, user=self.coder)
            click.echo(f"Warning: {err}", err=True)
            return store

    def create(self, *, seed: bool) -> Store:
        """A new database at ``db_path`` (the caller checked there is none), with the seeds unless ``seed`` is False."""
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        self._store = open_project(self.db_path, seed=seed, user=self.coder)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


class CommandGroup(click.Group):
    """Turns every error a user can cause into one line and a non-zero exit."""

    def invoke(self, ctx: click.Context):
        _store.COMMITTED.clear()
        try:
            return self._invoke(ctx)
        except (KeyboardInterrupt, click.ClickException, OSError) as err:
            if not isinstance(err, KeyboardInterrupt) and not _SIGINT.is_set():
                raise
            # A Ctrl-C inside one of SQLite's callbacks (our authorizer) comes back as "not
            # authorized": whatever failed after a Ctrl-C, the Ctrl-C is what happened.
            click.echo(err=True)  # ends the terminal's ^C
            if not _store.COMMITTED:
                raise Interrupted("Interrupted; nothing was left half-done") from None
            op_id, what = _store.COMMITTED[-1]
            raise Interrupted(f"Interrupted after the change was saved as operation {op_id} ({what}); what the "
                              "command had still to write after it (a --rejects file, say) was not written — "
                              f"'stancetracker revert {op_id}' undoes the change") from None

    def _invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ImportFailed as err:
            for p in err.problems[1:20]:
                click.echo(f"  {p}", err=True)
            raise click.ClickException(str(err)) from None
        except StanceError as err:  # core.model.progress.Cancelled among them: told in its own words
            raise click.ClickException(str(err)) from None
        except BrokenPipeError:  # output piped into head or less, which closed early
            sys.stderr.close()
            sys.exit(0)
        except SqliteError as err:
            state = ctx.find_object(CliState)
            where = state.db_path if state is not None else Path("database")
            raise click.ClickException(describe_sqlite_error(where, err)) from None
        except OSError as err:
            raise click.ClickException(_os_message(err)) from None


class Interrupted(click.ClickException):
    """Ctrl-C, told as what it left: nothing, or a change already saved."""

    exit_code = 130


def _os_message(err: Exception) -> str:
    if isinstance(err, OSError):
        where = f"{err.filename}: " if getattr(err, "filename", None) else ""
        return f"{where}{err.strerror or err}"
    return f"database error: {err}"


def one_line(text: str, width: int) -> str:
    """``text`` on one line, its spaces evened out, cut with … to at most ``width`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


__all__ = ["CliState", "CommandGroup", "Interrupted", "on_sigint", "one_line"]
