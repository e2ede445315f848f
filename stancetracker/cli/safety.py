"""Safety-net commands: check, backups, restore, operations, revert, history, restore-version.

Each command makes one core call and prints its result. Errors a user can
cause reach the group's handler as StanceError and become one line and a
non-zero exit.
"""

from __future__ import annotations

from pathlib import Path

import click

from stancetracker.cli.base import CliState, one_line
from stancetracker.cli.options import FORMAT, emit
from stancetracker.cli.progress import QUIET, progress
from stancetracker.core.exchange import listing
from stancetracker.core.db import backups as _backups
from stancetracker.core.db.integrity import check as _check
from stancetracker.core.db.integrity import remove_foreign as _remove_foreign
from stancetracker.core.db.revert import list_operations, restore_version, revert_operation
from stancetracker.core.model.changes import action_text, change_lines


@click.command()
@click.option("--remove-foreign", is_flag=True,
              help="First remove the triggers, views and other objects stancetracker did not make (after a backup).")
@click.pass_obj
def check(obj: CliState, remove_foreign: bool):
    """Check the database: integrity, schema, stored values, references, search index, location; exit 1 on problems."""
    if remove_foreign:
        for line in _remove_foreign(obj.db_path).lines():
            click.echo(line)
    report = _check(obj.db_path)
    for line in report.lines():
        click.echo(line)
    if not report.ok:
        raise click.ClickException(report.summary())
    click.echo(report.summary())


@click.command("backups")
@click.pass_obj
def backups_(obj: CliState):
    """List the database's backups, newest first (they live in backups/ beside it)."""
    found = _backups.list_backups(obj.db_path)
    if not found:
        click.echo(f"No backups of {obj.db_path} yet (they go to {_backups.backup_dir(obj.db_path)}).")
        return
    for b in found:
        click.echo(b.describe())
    click.echo(f"({len(found)} backup{'s' if len(found) != 1 else ''} in {_backups.backup_dir(obj.db_path)})")


@click.command("backup")
@click.option("--to", "target", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a verified copy to this file instead of a new backup in backups/.")
@QUIET
@click.pass_obj
def backup_(obj: CliState, target: Path | None):
    """Back the database up now (a verified copy in backups/, or --to FILE)."""
    if not obj.db_path.exists():
        raise click.ClickException(f"{obj.db_path}: no such database")
    obj.store(readonly=True)  # an older file is upgraded first, a foreign one refused, in the usual words
    obj.close()
    with progress(f"Copying {obj.db_path.name}", "pages") as told:
        if target is not None:
            _backups.copy_to(obj.db_path, target, "--to", told)
            made = target
        else:
            made = _backups.make_backup(obj.db_path, "manual", told).path
    click.echo(f"Backed up {obj.db_path} to {made}")


@click.command()
@click.argument("backup", required=False, type=click.Path(path_type=Path))
@click.option("--latest", is_flag=True, help="Restore the backup with the newest state (by the file's own history).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@QUIET
@click.pass_obj
def restore(obj: CliState, backup: Path | None, latest: bool, yes: bool):
    """Replace the database with a backup (the current state is backed up first).

    BACKUP is a file, or a name listed by 'stancetracker backups'.
    """
    if bool(backup) == latest:
        raise click.UsageError("give a BACKUP (see 'stancetracker backups') or --latest, not both")
    if latest:
        newest = _backups.latest_backup(obj.db_path)
        if newest is None:
            raise click.ClickException(f"{obj.db_path}: has no backups to restore")
        backup = newest[0].path
    elif not backup.exists():
        named = [b.path for b in _backups.list_backups(obj.db_path) if b.path.name == backup.name]
        if not named:
            raise click.ClickException(f"{backup}: no such backup (see 'stancetracker backups')")
        backup = named[0]
    older = _backups.older_than_current(obj.db_path, backup)
    if older:  # never put an older state back without saying so (issue 12)
        click.echo(f"Note: {backup.name} is older than the database: {older}.", err=True)
    if not yes:
        click.confirm(f"Replace {obj.db_path} with {backup.name}?", abort=True)
    with progress(f"Restoring {backup.name}", "pages") as told:
        result = _backups.restore_backup(obj.db_path, backup, told)
    click.echo(result.summary())


@click.command()
@click.option("--limit", default=30, show_default=True, help="How many to show.")
@FORMAT
@click.pass_obj
def operations(obj: CliState, limit: int, fmt):
    """List recent operations (every change is one): id, when, who, kind, summary."""
    store = obj.store(readonly=True)
    if fmt != "table":
        emit(fmt, "operations", map(listing.operation_item, list_operations(store, limit)))
        return
    for op in list_operations(store, limit):
        click.echo(op.describe())


@click.command()
@click.argument("op_id", type=int)
@click.pass_obj
def revert(obj: CliState, op_id: int):
    """Undo an operation (an import, a merge, an edit …) as a new, recorded operation."""
    click.echo(revert_operation(obj.store(), op_id).summary())


@click.command("restore-version")
@click.argument("uuid")
@click.argument("history_id", type=int, required=False)
@click.pass_obj
def restore_version_(obj: CliState, uuid: str, history_id: int | None):
    """Put a record back to an earlier version; without HISTORY_ID, list its versions."""
    if history_id is None:
        store = obj.store(readonly=True)
        for h in store.history(uuid):
            state = h.after or {}
            click.echo(f"{h.id:>7}  {h.at[:19].replace('T', ' ')}  {h.user[:16]:<16} {action_text(h.op_kind, h.action):<8} "
                       f"score {state.get('score', '-')}  {'(in trash) ' if state.get('deleted') else ''}"
                       f"{one_line(str(state.get('evidence', '')), 50)}")
        return
    row = restore_version(obj.store(), uuid, history_id)
    click.echo(f"Record {row.uuid} is back to that version (now version {row.version}).")


@click.command()
@click.argument("uuid")
@FORMAT
@click.pass_obj
def history(obj: CliState, uuid, fmt):
    """Every recorded change of one record: who, when, before and after."""
    store = obj.store(readonly=True)
    if fmt != "table":
        emit(fmt, "history", map(listing.history_item, store.history(uuid)))
        return
    for h in store.history(uuid):
        click.echo(f"{h.at}  {h.user}  {action_text(h.op_kind, h.action)}")
        if h.before and h.after:
            for line in change_lines(h.before, h.after, arrow="->"):
                click.echo(f"    {line}")
        elif h.after:
            click.echo(f"    {h.after.get('actor')} / {h.after.get('dimension')} / {h.after.get('date')}: "
                       f"{h.after.get('score')}")


COMMANDS = (check, backup_, backups_, restore, operations, revert, history, restore_version_)
