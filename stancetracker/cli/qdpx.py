"""REFI-QDA project exchange (.qdpx): the standard of MAXQDA, ATLAS.ti, NVivo and QualCoder."""

from __future__ import annotations

from pathlib import Path

import click

from stancetracker.cli.base import CliState
from stancetracker.cli.options import filter_options, record_filter
from stancetracker.core.exchange.qdpx.export import write_qdpx
from stancetracker.core.exchange.qdpx.import_ import import_qdpx
from stancetracker.core.exchange.qdpx.mapping import read_mapping
from stancetracker.core.files.outputs import check_output, database_files, to_stdout


@click.command("export-qdpx")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help=".qdpx file to write (- for standard output).")
@filter_options
@click.pass_obj
def export_qdpx(obj: CliState, output, actor, dimension, since, until, coder, query, min_confidence):
    """Export sources, coded passages and their records as a REFI-QDA project (.qdpx).

    Sources with text become text sources, coded passages selections coded
    "Dimension › level", actors cases, evidence notes, coders users. With a
    filter, only the matching records and the sources they cite.
    """
    check_output(output, protect=database_files(obj.db_path))  # before the database is opened
    store = obj.store(readonly=True)
    # An export carries the data elsewhere: every coder's records unless --view narrows it.
    flt = record_filter(store, actor, dimension, since, until, coder, query, min_confidence, default_view="all")
    summary = write_qdpx(store, output, flt, protect=database_files(obj.db_path))
    click.echo(f"Wrote {output}: {summary.text()}", err=to_stdout(output))


@click.command("import-qdpx")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--mapping", type=click.Path(path_type=Path, dir_okay=False),
              help="TOML or JSON file: code names -> dimension and score, case names -> actors "
                   "(docs/formats.md, REFI-QDA). Without it, no records are made.")
@click.option("--details", is_flag=True, help="List what was skipped, one line each (the first 20).")
@click.pass_obj
def import_qdpx_(obj: CliState, file: Path, mapping: Path | None, details: bool):
    """Import a REFI-QDA project (.qdpx): text sources, selections as passages, and records through a mapping.

    Everything is written in one transaction; parts stancetracker cannot use
    (PDF, picture and media sources, graphic selections) are skipped and counted.
    """
    store = obj.store()
    m = read_mapping(mapping, store) if mapping else None
    summary = import_qdpx(store, file, m)
    click.echo(f"{file}: {summary.text()}")
    if details:
        for line in summary.details:
            click.echo(f"  skipped: {line}", err=True)


COMMANDS = (export_qdpx, import_qdpx_)
