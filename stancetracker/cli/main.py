"""The command line: the root group and the table of every command (see README for examples).

Each group of commands lives in its own module, which lists them in
``COMMANDS``; the table below names that module and the command's one-line
help, so the root imports a module only when one of its commands runs or
shows its help (issue 13: the CLI starts without NumPy or Qt).
"""

from __future__ import annotations

import contextlib
import signal
import sys
from pathlib import Path

import click

from stancetracker import __version__
from stancetracker.app import run_gui
from stancetracker.cli.base import CliState, on_sigint
from stancetracker.cli.lazy import LazyGroup

_MODULES: dict[str, dict[str, str]] = {
    # module: {command: the first paragraph of its help} (tests/test_cli_package.py holds them equal)
    "records": {
        "init": "Create a new database (with the seeded dataset).",
        "seed": "Load the seeded dataset into the database (what is already there is kept).",
        "records": "List records as a readable table.",
        "stats": "Counts of what the database holds.",
    },
    "editing": {
        "actors": "List actors; 'add' and 'edit' create and change them.",
        "dimensions": "List dimensions; 'add' and 'edit' create and change them.",
        "events": "List events (dated landmarks drawn on charts); 'add' creates one.",
        "sources": "List sources (documents records are coded from); 'add' creates one.",
    },
    "exchange": {
        "import": "Import records (or actors, sources, events, dimensions) from a CSV file.",
        "export": "Export records matching the filter to CSV (columns: see README).",
        "datasette-metadata": "Describe the database for Datasette: tables, columns, licence, sources, a positions "
                              "query.",
    },
    "charts": {
        "chart": "Draw a chart to PNG, SVG or PDF, e.g. chart --kind timeline -a Sadr -a Maliki -d iran -o sadr.png.",
        "shifts": "List shifts (a change of >= 2 points or of sign) with the evidence on each side.",
    },
    "documents": {
        "add-source": "Import a document (.txt, .md, .html, .pdf, .docx) as a source with its full text.",
        "documents": "List the sources that have text, with how much of each is coded; --search finds words in them.",
        "passages": "The coded passages of a source: offsets, page, quote and their records.",
    },
    "safety": {
        "check": "Check the database: integrity, schema, stored values, references, search index, location; "
                 "exit 1 on problems.",
        "backup": "Back the database up now (a verified copy in backups/, or --to FILE).",
        "backups": "List the database's backups, newest first (they live in backups/ beside it).",
        "restore": "Replace the database with a backup (the current state is backed up first).",
        "operations": "List recent operations (every change is one): id, when, who, kind, summary.",
        "revert": "Undo an operation (an import, a merge, an edit …) as a new, recorded operation.",
        "history": "Every recorded change of one record: who, when, before and after.",
        "restore-version": "Put a record back to an earlier version; without HISTORY_ID, list its versions.",
    },
    "merge": {
        "merge": "Merge another stancetracker database or export CSV into this one.",
    },
    "qdpx": {
        "export-qdpx": "Export sources, coded passages and their records as a REFI-QDA project (.qdpx).",
        "import-qdpx": "Import a REFI-QDA project (.qdpx): text sources, selections as passages, and records "
                       "through a mapping.",
    },
    "network": {
        "export-network": "Export actor-to-actor alignment networks per time window as GraphML and CSV edge lists "
                          "(Gephi, visone).",
    },
    "reliability": {
        "study": "Reliability studies: a sample of units that several coders code blind.",
        "agreement": "Agreement between coders: Krippendorff's alpha with its 95% interval, per pair of coders, "
                     "per dimension.",
        "adjudicate": "The units where coders disagree, and consensus records that settle them.",
        "positions": "Positions per actor × dimension × date: the mean of the records, its range and 68% "
                     "interval, and counts.",
    },
    "desktop": {
        "desktop-install": "Add stancetracker to your desktop's applications, to open .db files from a file "
                           "manager.",
    },
    "report": {
        "report": "Write a report (charts, what changed, the sourced table, sources, method) of the records in "
                  "scope.",
    },
}

COMMANDS: dict[str, tuple[str, str]] = {
    name: (f"stancetracker.cli.{module}", help_text)
    for module, commands in _MODULES.items() for name, help_text in commands.items()
}

DATABASE_SUFFIXES = (".db", ".sqlite", ".sqlite3")


def names_database(arg: str) -> bool:
    """Whether a word where a command goes is a database to open: a name ending .db/.sqlite, or an SQLite file.

    A file of another kind (a CSV given without 'import') stays an unknown command, told as one.
    """
    if arg.startswith("-"):
        return False
    path = Path(arg)
    if path.suffix.lower() in DATABASE_SUFFIXES:
        return True
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == b"SQLite format 3\x00"
    except OSError:  # not there, a folder, unreadable
        return False


@click.command("open", hidden=True)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def open_file(ctx: click.Context, file: Path):
    """Open FILE in the desktop application (what a file manager runs: stancetracker FILE.db)."""
    state = ctx.find_object(CliState)
    if state is not None and state.db_given:
        raise click.UsageError(f"give the database once: --db {state.db_path} or {file}, not both", ctx=ctx.parent)
    sys.exit(run_gui(file, explicit=True))


class RootGroup(LazyGroup):
    """The root: a command's name, or a database file to open in the window (``stancetracker FILE.db``)."""

    def resolve_command(self, ctx: click.Context, args: list[str]):
        # A command's name always wins; a file is what names no command and looks like a database.
        if args and self.get_command(ctx, args[0]) is None and names_database(args[0]):
            return open_file.name, open_file, args
        return super().resolve_command(ctx, args)


@click.group(cls=RootGroup, lazy=COMMANDS, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path),
              help="Database file (default: stancetracker.db in your user data folder).")
@click.option("--coder", help="Your name as coder (default: $STANCETRACKER_CODER, else the name the window "
                               "saved on first launch, else your login).")
@click.version_option(__version__, prog_name="stancetracker")
@click.pass_context
def cli(ctx: click.Context, db: Path | None, coder: str | None):
    """stancetracker: code, keep and chart political actors' stances over time.

    With no command, opens the desktop application; 'stancetracker FILE.db' opens FILE.db in it.
    """
    state = CliState(db, coder)
    ctx.obj = state
    ctx.call_on_close(state.close)
    if ctx.invoked_subcommand is None:
        sys.exit(run_gui(state.db_path, explicit=db is not None))


def main() -> None:
    """Entry point: no traceback ever reaches the user."""
    with contextlib.suppress(ValueError, OSError):  # not the main thread, or no signals here
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            signal.signal(signal.SIGINT, on_sigint)
    try:
        cli.main(prog_name="stancetracker")
    except KeyboardInterrupt:
        click.echo("Interrupted; nothing was left half-done.", err=True)
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as err:  # a bug: say so in one line, keep the details out of the way
        click.echo(f"stancetracker: internal error: {type(err).__name__}: {err} "
                   "(please report this; your database was not changed by the failed command)", err=True)
        sys.exit(70)


__all__ = ["COMMANDS", "cli", "main"]
