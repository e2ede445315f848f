"""The report command: a brief of the records in scope, as HTML, PDF and DOCX, with its companion files.

The content is built in core/report; charts (and the PDF) are drawn by the Qt
renderer, loaded only when the report is really written, so ``report --help``
loads neither NumPy nor Qt.
"""

from __future__ import annotations

from pathlib import Path

import click

from stancetracker.cli.base import CliState
from stancetracker.cli.progress import QUIET, progress
from stancetracker.cli.options import ACTOR, DIMENSION, SINCE, UNTIL, date_option, narrowing_options, who_sees
from stancetracker.core.db.query import RecordFilter


@click.command("report")
@ACTOR
@DIMENSION
@SINCE
@UNTIL
@narrowing_options
@click.option("--title", default="", help="The report's title (default: made from the actors and the years).")
@click.option("--format", "formats", default="html", show_default=True,
              help="Formats, comma-separated: html, pdf, docx.")
@click.option("--no-charts", is_flag=True, help="Leave the charts out (faster; HTML and DOCX are then written without Qt).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="The report's file (e.g. sadr.html); the other formats and the companion files go beside it. "
                   "- writes the HTML alone to standard output.")
@QUIET
@click.pass_obj
def report(obj: CliState, actor, dimension, since, until, coder, query, min_confidence, title, formats, no_charts,
           output):
    """Write a report (charts, what changed, the sourced table, sources, method) of the records in scope.

    Beside it go the replication CSV (PATH-records.csv, re-importable), the sources as CSL-JSON
    (PATH-sources.json) and BibTeX (PATH-sources.bib). Example:
    stancetracker report --actor sadr --format html,pdf,docx -o sadr.html
    """
    from stancetracker.core.report.build import build_report
    from stancetracker.core.report.method import command_for
    from stancetracker.core.report.scope import ReportScope
    from stancetracker.core.report.write import check_paths, parse_formats, write_html_stream, write_report

    fmts = parse_formats(formats)
    to_stdout = output == "-"
    if to_stdout and fmts != ("html",):
        raise click.BadParameter("- (standard output) takes the HTML alone; write PDF and DOCX to a file",
                                 param_hint="--output")
    store = obj.store(readonly=True)
    if not to_stdout:
        check_paths(store, output, fmts)  # before any work: a bad -o is told at once
    flt = who_sees(store, RecordFilter(coders=list(coder), min_confidence=min_confidence, query=query or ""))
    scope = ReportScope(actors=tuple(actor), dimensions=tuple(dimension), since=date_option(since, "--since"),
                        until=date_option(until, "--until"), title=title, flt=flt)
    command = command_for(store, scope, output=output if to_stdout else Path(output).name, formats=fmts,
                          charts=not no_charts)
    built = build_report(store, scope, command_line=command, charts=not no_charts)
    charts = None
    if not no_charts or "pdf" in fmts:  # Qt draws the charts, and the PDF
        from stancetracker.gui.report_charts import QtChartRenderer, offscreen_app
        offscreen_app()
        charts = QtChartRenderer(store)
    try:
        if to_stdout:
            write_html_stream(store, built, click.get_binary_stream("stdout"), charts=charts)
            written = ["standard output (HTML only; the companion files need a file name)"]
        else:
            with progress("Writing the report", "steps") as told:
                written = write_report(store, built, output, fmts, charts=charts, progress=told)
    finally:
        if charts is not None:
            charts.close()
    n = len(built.record_uuids)
    # With the report on standard output, the summary goes to standard error.
    click.echo(f"Wrote the report of {n:,} record{'s' if n != 1 else ''} ({len(built.citations):,} citations, "
               f"{len(built.sources):,} sources):", err=to_stdout)
    for path in written:
        click.echo(f"  {path}", err=to_stdout)
    for note in getattr(charts, "notes", ()):
        click.echo(f"note: {note}", err=True)


COMMANDS = (report,)
