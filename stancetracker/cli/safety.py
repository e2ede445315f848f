"""Safety-net commands: check, backups, restore, merge, operations, revert, restore-version.

Registered on the main group by ``register(cli)``; each command makes one
core call and prints its result. Errors a user can cause reach the main
group's handler as StanceError and become one line and a non-zero exit.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from stancetracker.core.db import backups as _backups
from stancetracker.core.db.integrity import check as _check
from stancetracker.core.db.integrity import remove_foreign as _remove_foreign
from stancetracker.core.exchange.merge import apply_merge, conflict_table, plan_merge
from stancetracker.core.db.revert import list_operations, restore_version, revert_operation

MAX_LISTED = 20  # refused rows printed one per line; the rest are counted


@click.command()
@click.option("--remove-foreign", is_flag=True,
              help="First remove the triggers, views and other objects stancetracker did not make (after a backup).")
@click.pass_obj
def check(obj, remove_foreign: bool):
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
def backups_(obj):
    """List the database's backups, newest first (they live in backups/ beside it)."""
    found = _backups.list_backups(obj.db_path)
    if not found:
        click.echo(f"No backups of {obj.db_path} yet (they go to {_backups.backup_dir(obj.db_path)}).")
        return
    for b in found:
        click.echo(b.describe())
    click.echo(f"({len(found)} backup{'s' if len(found) != 1 else ''} in {_backups.backup_dir(obj.db_path)})")


@click.command()
@click.argument("backup", required=False, type=click.Path(path_type=Path))
@click.option("--latest", is_flag=True, help="Restore the backup with the newest state (by the file's own history).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def restore(obj, backup: Path | None, latest: bool, yes: bool):
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
    click.echo(_backups.restore_backup(obj.db_path, backup).summary())


@click.command()
@click.argument("other", type=click.Path(path_type=Path))
@click.option("--take-theirs", multiple=True, metavar="UUID", help="Resolve this conflict to their version (repeatable).")
@click.option("--all-theirs", is_flag=True, help="Resolve every conflict to their version.")
@click.option("--dry-run", is_flag=True, help="Show the plan; change nothing.")
@click.option("--skip-invalid", is_flag=True, help="Merge the valid rows when some of theirs break the rules.")
@click.option("--encoding", help="An export CSV's encoding if not UTF-8 (e.g. cp1256 for Windows Arabic, cp1252).")
@click.pass_obj
def merge(obj, other: Path, take_theirs, all_theirs: bool, dry_run: bool, skip_invalid: bool, encoding):
    """Merge another stancetracker database or export CSV into this one.

    New records (by UUID) are added, identical ones skipped; a record that
    differs is kept as ours unless you take theirs. Rows of theirs that break
    the rules are listed and not merged. Undo with 'stancetracker revert'.
    """
    store = obj.store(readonly=dry_run)
    plan = plan_merge(store, other, encoding)  # the CSV reader's messages advise --encoding
    click.echo(plan.summary())
    for row in plan.refused[:MAX_LISTED]:
        click.echo(f"refused: {other}: {row.describe()}", err=True)
    if plan.refused_count > MAX_LISTED:
        click.echo(f"refused: … and {plan.refused_count - MAX_LISTED:,} more", err=True)
    width = max(20, (shutil.get_terminal_size((120, 20)).columns - 20) // 2)
    for c in plan.conflicts:
        click.echo(f"\nconflict {c.uuid} (differs in: {', '.join(c.fields)})")
        click.echo(f"  {'field':<15} {'ours':<{width}} theirs")
        for fld, ours, theirs in conflict_table(c):
            mark = "*" if fld in c.fields else " "
            click.echo(f"{mark} {fld:<15} {_cut(ours, width):<{width}} {_cut(theirs, width)}")
    if plan.references:
        click.echo("")
    for d in plan.references:
        click.echo(d.describe())
    if dry_run:
        click.echo("\nDry run: nothing was changed.")
        return
    choices = {c.uuid: "theirs" for c in plan.conflicts} if all_theirs else {}
    choices.update({u.strip().lower(): "theirs" for u in take_theirs})
    result = apply_merge(store, plan, choices, skip_invalid=skip_invalid)
    click.echo(f"\nMerged: {result.summary()}")
    if result.kept_ours:
        click.echo(f"{result.kept_ours} conflict(s) kept ours; take theirs with --take-theirs UUID or --all-theirs.")


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@click.command()
@click.option("--limit", default=30, show_default=True, help="How many to show.")
@click.pass_obj
def operations(obj, limit: int):
    """List recent operations (every change is one): id, when, who, kind, summary."""
    store = obj.store(readonly=True)
    for op in list_operations(store, limit):
        click.echo(op.describe())


@click.command()
@click.argument("op_id", type=int)
@click.pass_obj
def revert(obj, op_id: int):
    """Undo an operation (an import, a merge, an edit …) as a new, recorded operation."""
    click.echo(revert_operation(obj.store(), op_id).summary())


@click.command("restore-version")
@click.argument("uuid")
@click.argument("history_id", type=int, required=False)
@click.pass_obj
def restore_version_(obj, uuid: str, history_id: int | None):
    """Put a record back to an earlier version; without HISTORY_ID, list its versions."""
    if history_id is None:
        store = obj.store(readonly=True)
        for h in store.history(uuid):
            state = h.after or {}
            click.echo(f"{h.id:>7}  {h.at[:19].replace('T', ' ')}  {h.user[:16]:<16} {h.action:<8} "
                       f"score {state.get('score', '-')}  {'(in trash) ' if state.get('deleted') else ''}"
                       f"{_cut(str(state.get('evidence', '')), 50)}")
        return
    row = restore_version(obj.store(), uuid, history_id)
    click.echo(f"Record {row.uuid} is back to that version (now version {row.version}).")


def register(cli: click.Group) -> None:
    """Add the safety-net commands to the main command group."""
    for cmd in (check, backups_, restore, merge, operations, revert, restore_version_):
        cli.add_command(cmd)


__all__ = ["register"]
