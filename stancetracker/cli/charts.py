"""The ``chart`` command: draws the GUI's charts to PNG or SVG without a screen."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from stancetracker.core.analysis.request import DEFAULT_HORIZON_MONTHS, KINDS, ChartRequest
from stancetracker.cli.options import date_option as _date
from stancetracker.core.model.entities import CONFIDENCES
from stancetracker.core.files.outputs import database_files, plan_output, to_stdout
from stancetracker.core.db.query import RecordFilter




def _qt_app():
    """The running QApplication, or a new offscreen one when there is no display."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication
    return QApplication.instance() or QApplication(["stancetracker-chart"])


@click.command("chart")
@click.option("--kind", type=click.Choice(KINDS), default="timeline", show_default=True, help="Which chart.")
@click.option("--actor", "-a", multiple=True, help="Actor slug, name or alias (repeatable; compare takes two).")
@click.option("--dimension", "-d", help="Dimension for a timeline (default: the first).")
@click.option("--since", help="Start of the date range shown (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", help="End of the date range shown, inclusive.")
@click.option("--at", "at", help="Date of a snapshot (default: the latest record).")
@click.option("--horizon", type=click.IntRange(1, 240), default=DEFAULT_HORIZON_MONTHS, show_default=True,
              help="Months after which evidence counts as stale (lines fade).")
@click.option("--coder", multiple=True, help="Only records by this coder (repeatable).")
@click.option("--min-confidence", type=click.Choice(CONFIDENCES), help="Lowest confidence to include.")
@click.option("--title", default="", help="Title printed on the chart (default: made from the request).")
@click.option("--no-events", is_flag=True, help="Leave out the event lines.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="FILE.png or FILE.svg; - writes a PNG to standard output.")
@click.option("--format", "fmt", type=click.Choice(["png", "svg"]),
              help="Image format (default: from the file name; PNG for standard output, a pipe or a device).")
@click.option("--width", type=click.IntRange(100, 20000), default=1600, show_default=True, help="Pixels.")
@click.option("--height", type=click.IntRange(100, 20000), default=900, show_default=True, help="Pixels.")
@click.option("--dpi", type=click.IntRange(24, 1200), default=96, show_default=True,
              help="Resolution: higher keeps the pixel size and draws text and lines smaller and finer.")
@click.pass_obj
def chart(obj, kind, actor, dimension, since, until, at, horizon, coder, min_confidence, title, no_events,
          output, fmt, width, height, dpi):
    """Draw a chart to PNG or SVG, e.g. chart --kind timeline -a Sadr -a Maliki -d iran -o sadr.png."""
    target = plan_output(output, protect=database_files(obj.db_path))  # before the database is opened
    suffix = Path(output).suffix.lower()
    if fmt is None and target.kind == "file" and suffix not in (".png", ".svg"):
        raise click.BadParameter("must end in .png or .svg (or give --format)", param_hint="--output")
    fmt = fmt or (suffix[1:] if suffix in (".png", ".svg") else "png")
    store = obj.store(readonly=True)
    flt = None
    if coder or min_confidence:
        flt = RecordFilter(coders=list(coder), min_confidence=min_confidence)
    req = ChartRequest(kind=kind, actors=[store.actor(a).slug for a in actor], dimension=dimension,
                       since=_date(since, "--since"), until=_date(until, "--until"), at=_date(at, "--at"),
                       horizon_months=horizon, title=title, flt=flt, events=not no_events)
    _qt_app()
    from stancetracker.gui.charts.export import export_chart  # Qt only once a chart is really drawn
    notes: list[str] = []
    path = export_chart(store, req, output, width, height, dpi, fmt=fmt, notes=notes)
    # With the image on standard output, the summary goes to standard error.
    click.echo(f"Wrote {path} ({width}×{height} px)", err=to_stdout(output))
    for note in notes:
        click.echo(f"note: {note}", err=True)
