"""Record commands: init, seed, records (the readable table) and stats."""

from __future__ import annotations

import shutil

import click

from stancetracker.cli.base import CliState, one_line
from stancetracker.cli.options import filter_options, record_filter
from stancetracker.core.exchange.seeds import load_seeds
from stancetracker.core.model.stored_values import visible


@click.command()
@click.option("--no-seed", is_flag=True, help="Create an empty database, without the seeded dataset.")
@click.pass_obj
def init(obj: CliState, no_seed: bool):
    """Create a new database (with the seeded dataset)."""
    if obj.db_path.exists() and obj.db_path.stat().st_size > 0:
        raise click.ClickException(f"{obj.db_path}: already exists; nothing was changed")
    store = obj.create(seed=not no_seed)
    st = store.stats()
    click.echo(f"Created {obj.db_path} with {st['records']} records, {st['actors']} actors, "
               f"{st['dimensions']} dimensions, {st['sources']} sources and {st['events']} events.")


@click.command()
@click.pass_obj
def seed(obj: CliState):
    """Load the seeded dataset into the database (what is already there is kept)."""
    counts = load_seeds(obj.store())
    click.echo("Seeded: " + ", ".join(f"{n} {t}" for t, n in counts.items()))


@click.command()
@filter_options
@click.option("--trash", is_flag=True, help="Show the records in the trash instead.")
@click.option("--limit", default=50, show_default=True, help="At most this many rows (0: all).")
@click.pass_obj
def records(obj: CliState, actor, dimension, since, until, coder, query, min_confidence, trash, limit):
    """List records as a readable table."""
    store = obj.store(readonly=True)
    flt = record_filter(store, actor, dimension, since, until, coder, query, min_confidence, trash)
    rows = store.records(flt, limit=limit or None)
    total = store.count(flt)
    width = shutil.get_terminal_size((120, 20)).columns
    ev_width = max(20, width - 82)
    click.echo(f"{'date':<10}  {'actor':<20}  {'dimension':<10}  {'score':>5}  {'label':<22}  {'conf':<6}  evidence")
    marked = 0
    for r in rows:
        score = f"{r.shown('score')[:5]:>5}"
        mark = "!" if r.problems else " "
        marked += bool(r.problems)
        click.echo(f"{r.shown('date')[:10]:<10}{mark} {visible(r.actor_name, 20):<20}  {visible(r.dimension, 10):<10}  "
                   f"{score}  {r.score_label[:22]:<22}  {visible(r.confidence, 6):<6}  "
                   f"{visible(one_line(r.evidence, ev_width), ev_width)}")
    click.echo(f"({len(rows)} of {total:,} records)")
    if marked:
        click.echo(f"note: {marked} record{'s' if marked != 1 else ''} marked ! hold{'s' if marked == 1 else ''} "
                   "a value that breaks a rule (stancetracker check lists them)", err=True)


@click.command()
@click.pass_obj
def stats(obj: CliState):
    """Counts of what the database holds."""
    store = obj.store(readonly=True)
    click.echo(f"database: {store.path}")
    for k, v in store.stats().items():
        click.echo(f"{k.replace('_', ' ')}: {v if v is not None else '-'}")
    bad = store.invalid_date_count()
    if bad:
        click.echo(f"note: {bad:,} record{'s' if bad != 1 else ''} with a date that is not a real date "
                   "(left out of the first and last date; stancetracker check lists them)", err=True)


COMMANDS = (init, seed, records, stats)
