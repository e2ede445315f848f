"""Commands that chart or analyse: chart (draws the GUI's charts without a screen) and shifts.

They are the only commands that load NumPy (the series), and chart the only one
that loads Qt; the root group imports this module only when one of them runs.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
import textwrap
from pathlib import Path

import click

from stancetracker.cli.base import CliState
from stancetracker.cli.options import BLIND_STUDY, FORMAT, VIEW, date_option, emit, narrowing_options, who_sees
from stancetracker.core.exchange import listing
from stancetracker.core.analysis import series
from stancetracker.core.analysis.request import DEFAULT_HORIZON_MONTHS, KINDS, ChartRequest
from stancetracker.core.analysis.wording import fmt_score, shift_text
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.files.outputs import database_files, plan_output, to_stdout
from stancetracker.core.model.stored_values import visible


def _qt_app():
    """The running QApplication, or a new offscreen one when there is no display."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication  # Qt only once a chart is really drawn
    app = QApplication.instance() or QApplication(["stancetracker-chart"])
    _skip_collection_at_exit()
    return app


def _freeze() -> None:
    gc.freeze()


def _skip_collection_at_exit() -> None:
    """Spare the process the garbage collector's last passes over Qt's and pyqtgraph's objects.

    They took 0.2-0.3 s of a 1.2 s chart command here, after the image was written.
    Frozen at exit, objects held only in reference cycles are left to the operating
    system; the image file (a ``with`` block) and the database (the command's
    ``call_on_close``) are closed before, and standard output is flushed as usual.
    """
    atexit.unregister(_freeze)  # once, however many charts an in-process caller (a test) draws
    atexit.register(_freeze)


@click.command("chart")
@click.option("--kind", type=click.Choice(KINDS), default="timeline", show_default=True, help="Which chart.")
@click.option("--actor", "-a", multiple=True, help="Actor slug, name or alias (repeatable; compare takes two).")
@click.option("--dimension", "-d", help="Dimension for a timeline (default: the first).")
@click.option("--since", help="Start of the date range shown (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", help="End of the date range shown, inclusive.")
@click.option("--at", "at", help="Date of a snapshot (default: the latest record).")
@click.option("--horizon", type=click.IntRange(1, 240), default=DEFAULT_HORIZON_MONTHS, show_default=True,
              help="Months after which evidence counts as stale (lines fade).")
@narrowing_options
@click.option("--title", default="", help="Title printed on the chart (default: made from the request).")
@click.option("--no-events", is_flag=True, help="Leave out the event lines.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="FILE.png, FILE.svg or FILE.pdf; - writes a PNG to standard output.")
@click.option("--format", "fmt", type=click.Choice(["png", "svg", "pdf"]),
              help="Image format (default: from the file name; PNG for standard output, a pipe or a device).")
@click.option("--width", type=click.IntRange(100, 20000), default=1600, show_default=True, help="Pixels.")
@click.option("--height", type=click.IntRange(100, 20000), default=900, show_default=True, help="Pixels.")
@click.option("--dpi", type=click.IntRange(24, 1200), default=96, show_default=True,
              help="Resolution: higher keeps the pixel size and draws text and lines smaller and finer.")
@click.pass_obj
def chart(obj: CliState, kind, actor, dimension, since, until, at, horizon, coder, query, min_confidence, title,
          no_events, output, fmt, width, height, dpi):
    """Draw a chart to PNG, SVG or PDF, e.g. chart --kind timeline -a Sadr -a Maliki -d iran -o sadr.png."""
    target = plan_output(output, protect=database_files(obj.db_path))  # before the database is opened
    suffix = Path(output).suffix.lower()
    if fmt is None and target.kind == "file" and suffix not in (".png", ".svg", ".pdf"):
        raise click.BadParameter("must end in .png, .svg or .pdf (or give --format)", param_hint="--output")
    fmt = fmt or (suffix[1:] if suffix in (".png", ".svg", ".pdf") else "png")
    store = obj.store(readonly=True)
    flt = None
    if coder or min_confidence or query:
        flt = RecordFilter(coders=list(coder), min_confidence=min_confidence, query=query or "")
    flt = who_sees(store, flt)
    req = ChartRequest(kind=kind, actors=[store.actor(a).slug for a in actor], dimension=dimension,
                       since=date_option(since, "--since"), until=date_option(until, "--until"),
                       at=date_option(at, "--at"), horizon_months=horizon, title=title, flt=flt,
                       events=not no_events)
    _qt_app()
    from stancetracker.gui.charts.export import export_chart  # Qt and pyqtgraph only once a chart is really drawn
    notes: list[str] = []
    size = [width, height]
    path = export_chart(store, req, output, width, height, dpi, fmt=fmt, notes=notes, size=size)
    # With the image on standard output, the summary goes to standard error.
    taller = " (taller than asked: its plots and event key need the room)" if size[1] > height else ""
    click.echo(f"Wrote {path} ({size[0]}×{size[1]} px){taller}", err=to_stdout(output))
    for note in notes:
        click.echo(f"note: {note}", err=True)


@click.command()
@click.option("--actor", "-a", multiple=True, help="Actor slug, name or alias (repeatable; default all).")
@click.option("--dimension", "-d", multiple=True, help="Dimension (repeatable; default all).")
@VIEW
@BLIND_STUDY
@FORMAT
@click.pass_obj
def shifts(obj: CliState, actor, dimension, fmt):
    """List shifts (a change of >= 2 points or of sign) with the evidence on each side."""
    store = obj.store(readonly=True)
    actors = [store.actor(a).slug for a in actor] or None
    dims = [store.dimension(d).slug for d in dimension] or None
    skipped: dict[str, int] = {}
    found = series.shifts(store, actors, dims, who_sees(store, None), skipped=skipped)
    names = {a.slug: a.name for a in store.actors()}
    labels = {d.slug: d for d in store.dimensions()}
    if fmt != "table":
        emit(fmt, "shifts", (listing.shift_item(sh, names[sh.actor], labels[sh.dimension]) for sh in found))
        if skipped:
            click.echo(f"note: {series.skipped_note(skipped)}", err=True)
        return
    wrap = lambda t: textwrap.fill(" ".join(t.split()), width=100, initial_indent="      ", subsequent_indent="      ")
    for sh in found:
        click.echo(shift_text(sh, names[sh.actor], labels[sh.dimension]))
        for side, recs in (("before", sh.before_records), ("after", sh.after_records)):
            for r in recs:
                where = visible(f"{r.source_title or 'no source'}{', ' + r.locator if r.locator else ''}", 300)
                click.echo(f"   {side}: {fmt_score(r.score)} [{r.confidence}] {where}")
                if r.evidence:
                    click.echo(wrap(visible(r.evidence, 5000)))
        click.echo("")
    click.echo(f"{len(found)} shift{'s' if len(found) != 1 else ''}")
    if skipped:
        click.echo(f"note: {series.skipped_note(skipped)}", err=True)


COMMANDS = (chart, shifts)
