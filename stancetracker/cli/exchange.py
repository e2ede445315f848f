"""Import and export: records (or actors, sources, events, dimensions) from CSV, and records to CSV."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from stancetracker.cli.base import CliState
from stancetracker.cli.options import filter_options, record_filter
from stancetracker.cli.progress import QUIET, progress
from stancetracker.core.exchange.csv_export import export_records
from stancetracker.core.exchange.csv_reader import CsvReader, parse_delimiter
from stancetracker.core.exchange.record_import import (
    ImportOptions,
    check_rejects,
    import_records,
    parse_mapping,
    parse_scale,
)
from stancetracker.core.exchange.table_import import detect_table, import_table
from stancetracker.core.files.inputs import STDIN_NAME, is_stdin, spooled
from stancetracker.core.files.outputs import check_output, database_files, to_stdout
from stancetracker.core.model.errors import ImportFailed


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path, allow_dash=True))
@click.option("--map", "mapping", help="Foreign CSV: actor=COL,date=COL,score=COL,dimension=COL[,confidence=COL,…].")
@click.option("--dimension", help="One dimension (slug) for every row of the file.")
@click.option("--scale", help="Rescale the file's scores from LO:HI onto -2..2 (e.g. 0:10).")
@click.option("--create-actors", is_flag=True, help="Create actors the file names but the database lacks.")
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows; write the rejected ones to a CSV.")
@click.option("--rejects", type=click.Path(dir_okay=False, allow_dash=True),
              help="Where to write rejected rows (- for standard output).")
@click.option("--encoding", help="The file's encoding if not UTF-8 (e.g. cp1256 for Windows Arabic, cp1252).")
@click.option("--no-formula-guard", is_flag=True,
              help="Read every cell exactly: the file has no export formula guard to undo.")
@click.option("--delimiter", metavar="D", help="The cell separator: , ; or tab (default: read from the header line).")
@QUIET
@click.pass_obj
def import_(obj: CliState, file: Path, mapping, dimension, scale, create_actors, skip_invalid, rejects, encoding,
            no_formula_guard, delimiter):
    """Import records (or actors, sources, events, dimensions) from a CSV file.

    All rows go in, or none do and every bad row is listed. FILE - reads standard input.
    """
    try:
        sep = parse_delimiter(delimiter) if delimiter is not None else None
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--delimiter") from None
    opts = ImportOptions(mapping=parse_mapping(mapping) if mapping else None, dimension=dimension,
                         scale=parse_scale(scale) if scale else None, create_actors=create_actors,
                         skip_invalid=skip_invalid, rejects=rejects, encoding=encoding,
                         formula_guard=False if no_formula_guard else None, delimiter=sep)
    if not is_stdin(file):
        return _import(obj, file, str(file), opts)
    if skip_invalid and rejects is None:  # the default rejects file would sit beside a temporary copy
        raise click.UsageError("with standard input, --skip-invalid needs --rejects FILE (or - for standard output)")
    with spooled(getattr(sys.stdin, "buffer", None)) as copy:
        try:
            _import(obj, copy, STDIN_NAME, opts)
        except ImportFailed as err:  # told as the user named it, not by the temporary copy's path
            if err.path != str(copy):
                raise
            raise ImportFailed(STDIN_NAME, err.problems, err.total_bad) from None


def _import(obj: CliState, file: Path, shown: str, opts: ImportOptions) -> None:
    check_rejects(obj.db_path, file, opts)  # before the database is opened (and backed up)
    store = obj.store()
    if not opts.mapping:
        table = _sniff_table(file, opts.encoding, opts.delimiter)
        if table:
            # A table file is small (table_import.MAX_TABLE_ROWS): read at once, no bar.
            table, added, same = import_table(store, file, table, delimiter=opts.delimiter, encoding=opts.encoding)
            click.echo(f"{shown}: {added} {table} added, {same} already present")
            return
    with progress("Importing records", "bytes") as told:
        result = import_records(store, file, opts, told)
    click.echo(f"{shown}: {result.summary()}",
               err=opts.skip_invalid and opts.rejects is not None and to_stdout(opts.rejects))
    for note in result.near_duplicate_notes():
        click.echo(f"note: {note}", err=True)


def _sniff_table(file: Path, encoding, delimiter) -> str | None:
    reader = CsvReader(file, encoding, delimiter=delimiter)
    try:
        next(reader.rows(), None)
    except ImportFailed:
        return None
    return detect_table(reader.header)


@click.command()
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="CSV file to write (- for standard output).")
@filter_options
@click.option("--excel", is_flag=True, help="Add a UTF-8 byte-order mark so Excel reads Arabic script correctly.")
@click.option("--no-formula-guard", is_flag=True, help="Write cells exactly (for programs, not spreadsheets).")
@QUIET
@click.pass_obj
def export(obj: CliState, output, actor, dimension, since, until, coder, query, min_confidence, excel,
           no_formula_guard):
    """Export records matching the filter to CSV (columns: see README)."""
    check_output(output, protect=database_files(obj.db_path))  # before the database is opened
    store = obj.store(readonly=True)
    # An export carries the data elsewhere: every coder's records unless --view narrows it.
    flt = record_filter(store, actor, dimension, since, until, coder, query, min_confidence, default_view="all")
    with progress("Exporting records", "records") as told:
        if told is not None:  # the export counts as it goes; the bar is told how many to expect
            drawn, expected = told, store.count(flt)
            told = lambda done, total: drawn(done, total or expected)  # noqa: E731
        n = export_records(store, output, flt, excel=excel, guard_formulas=not no_formula_guard, progress=told)
    # With the CSV on standard output, the summary goes to standard error.
    click.echo(f"Wrote {n:,} records to {output}", err=to_stdout(output))


@click.command("datasette-metadata")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="The JSON file to write, e.g. metadata.json (- for standard output).")
@click.option("--license", "license_", metavar="NAME", default="",
              help="The licence your data is published under (e.g. CC-BY-4.0); none is claimed without it.")
@click.option("--license-url", default="", help="Where that licence's text is.")
@click.option("--source", default="", help="Who or what the data comes from (default: the count of sources).")
@click.option("--source-url", default="", help="Where the data comes from.")
@click.pass_obj
def datasette_metadata(obj: CliState, output, license_, license_url, source, source_url):
    """Describe the database for Datasette: tables, columns, licence, sources, a positions query.

    Then: datasette DB --metadata metadata.json (the query is 'actor_positions', with :actor a slug or name).
    """
    from stancetracker.core.exchange.datasette import write_metadata

    check_output(output, protect=database_files(obj.db_path))  # before the database is opened
    store = obj.store(readonly=True)
    meta = write_metadata(store, output, obj.db_path.stem, license=license_, license_url=license_url,
                          source=source, source_url=source_url)
    tables = meta["databases"][obj.db_path.stem]["tables"]
    click.echo(f"Wrote Datasette metadata for {len(tables)} tables and "
               f"{sum(len(t['columns']) for t in tables.values())} columns to {output}", err=to_stdout(output))


COMMANDS = (import_, export, datasette_metadata)
