"""The merge command: another stancetracker database or export CSV into this one."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from stancetracker.cli.base import CliState, one_line
from stancetracker.cli.progress import QUIET, progress
from stancetracker.core.exchange.merge import apply_merge, conflict_table, plan_merge

MAX_LISTED = 20  # refused rows printed one per line; the rest are counted


@click.command()
@click.argument("other", type=click.Path(path_type=Path))
@click.option("--take-theirs", multiple=True, metavar="UUID", help="Resolve this conflict to their version (repeatable).")
@click.option("--all-theirs", is_flag=True, help="Resolve every conflict to their version.")
@click.option("--dry-run", is_flag=True, help="Show the plan; change nothing.")
@click.option("--skip-invalid", is_flag=True, help="Merge the valid rows when some of theirs break the rules.")
@click.option("--encoding", help="An export CSV's encoding if not UTF-8 (e.g. cp1256 for Windows Arabic, cp1252).")
@QUIET
@click.pass_obj
def merge(obj: CliState, other: Path, take_theirs, all_theirs: bool, dry_run: bool, skip_invalid: bool, encoding):
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
            click.echo(f"{mark} {fld:<15} {one_line(ours, width):<{width}} {one_line(theirs, width)}")
    if plan.references:
        click.echo("")
    for d in plan.references:
        click.echo(d.describe())
    if dry_run:
        click.echo("\nDry run: nothing was changed.")
        return
    choices = {c.uuid: "theirs" for c in plan.conflicts} if all_theirs else {}
    choices.update({u.strip().lower(): "theirs" for u in take_theirs})
    with progress("Merging records", "records") as told:
        result = apply_merge(store, plan, choices, told, skip_invalid=skip_invalid)
    click.echo(f"\nMerged: {result.summary()}")
    if result.kept_ours:
        click.echo(f"{result.kept_ours} conflict(s) kept ours; take theirs with --take-theirs UUID or --all-theirs.")


COMMANDS = (merge,)
