"""Networks for network analysts: actor-to-actor alignment per time window, as GraphML and CSV edge lists."""

from __future__ import annotations

from pathlib import Path

import click

from stancetracker.cli.base import CliState
from stancetracker.cli.options import filter_options, record_filter
from stancetracker.core.exchange.network_export import check_folder, write_network
from stancetracker.core.files.outputs import database_files

WINDOWS = ("1y", "6m", "3m", "all")  # core/analysis/network.WINDOWS; kept here so --help loads no NumPy


def _scope(actor, dimension, since, until, coder, query, min_confidence) -> str:
    parts = [f"{name} {', '.join(v) if isinstance(v, tuple) else v}" for name, v in (
        ("actors", actor), ("dimensions", dimension), ("since", since), ("until", until), ("coders", coder),
        ("matching", query), ("confidence at least", min_confidence)) if v]
    return "; ".join(parts)


@click.command("export-network")
@click.option("--window", type=click.Choice(WINDOWS), default="1y", show_default=True,
              help="One network per calendar year (1y), half-year (6m), quarter (3m), or one for all records.")
@click.option("--carry-forward", is_flag=True,
              help="An actor with no record on a dimension in a window keeps its last stance before it.")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="Folder to write the files in (made if missing).")
@filter_options
@click.pass_obj
def export_network(obj: CliState, window, carry_forward, output: Path, actor, dimension, since, until, coder, query,
                   min_confidence):
    """Export actor-to-actor alignment networks per time window as GraphML and CSV edge lists (Gephi, visone).

    An edge joins two actors with positions on a shared dimension; its weight is
    1 - mean |a - b| / 4 over those dimensions (1: the same positions, 0: opposite
    poles). See docs/formats.md, "Networks".
    """
    from stancetracker.core.analysis.network import network

    protect = database_files(obj.db_path)
    check_folder(output, protect)  # before the database is opened
    store = obj.store(readonly=True)
    flt = record_filter(store, actor, dimension, since, until, coder, query, min_confidence)
    net = network(store, flt, window, carry_forward)
    written = write_network(net, output, protect=protect,
                            scope=_scope(actor, dimension, since, until, coder, query, min_confidence))
    edges = sum(len(w.edges) for w in net.windows)
    click.echo(f"Wrote {len(written)} files to {output}: {len(net.windows)} window"
               f"{'s' if len(net.windows) != 1 else ''}, {edges} edge{'s' if edges != 1 else ''} in all "
               "(index.csv lists the windows)")
    if not net.windows:
        click.echo("note: no records match the filter, so there is no window to write", err=True)
    if net.skipped:
        click.echo(f"note: {net.skipped} record(s) with an invalid score or date left out "
                   "(stancetracker check lists them)", err=True)


COMMANDS = (export_network,)
