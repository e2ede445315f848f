"""Honest annotation as drawn and exported (issue 14): every chart kind shows the sources its records
cite in short form, the coders and the data date, titles its axes, labels averages as averages and
never writes "+0"; the source line wraps whole words at narrow widths; the shifts panel and the
CLI's shifts use the same words."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QGraphicsTextItem

from stancetracker.cli.main import cli
from stancetracker.core.analysis import chartdata as cd
from stancetracker.core.analysis import series
from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.entities import Record, Source
from stancetracker.core.project import open_project
from stancetracker.gui.charts import export
from stancetracker.gui.charts.shifts_panel import QtShiftsPanel

SVG = "{http://www.w3.org/2000/svg}"
AVERAGE = "−1.5 (average of 2: −2 to −1)"


def _add(store, actor, dim, date, score, source=None, coder="tester"):
    store.add_record(Record(actor=actor, dimension=dim, date=parse_date(date), score=score, confidence="medium",
                            source=source, evidence=f"{actor} {dim} {date}", coder=coder))


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """Made-up sources and records: two records on one date (an average), a zero, two coders."""
    from conftest import make_store
    path = tmp_path_factory.mktemp("notes") / "notes.db"
    store = make_store(path)
    store.add_source(Source("carnegie-23", "A made-up report", publisher="Carnegie Endowment (Middle East)",
                            published=parse_date("2023-05")))
    store.add_source(Source("arab-22", "A made-up column", publisher="The New Arab",
                            published=parse_date("2022-01-02")))
    for dim in ("iran", "us"):
        _add(store, "sadr", dim, "2021-01-01", -2, "carnegie-23")
        _add(store, "sadr", dim, "2021-01-01", -1, "carnegie-23", coder="ana")
        _add(store, "sadr", dim, "2022-01-01", 1, "arab-22")
        _add(store, "sadr", dim, "2022-06-01", 0)
        _add(store, "maliki", dim, "2021-06-01", 0, "paper-a")
        _add(store, "maliki", dim, "2022-03-01", 1, "paper-a", coder="ana")
    _add(store, "sadr", "us", "2023-01-01", -2)  # a shift away from the zero record
    store.close()
    return path


@pytest.fixture(scope="module")
def store(db):
    s = open_project(db, readonly=True, user="tester")
    yield s
    s.close()


REQUESTS = {
    "timeline": cd.ChartRequest("timeline", ["sadr", "maliki"], "iran"),
    "profile": cd.ChartRequest("profile", ["sadr"]),
    "compare": cd.ChartRequest("compare", ["sadr", "maliki"]),
    "snapshot": cd.ChartRequest("snapshot", ["sadr", "maliki"], at=parse_date("2022-02-01")),
}
AXIS_TITLES = {
    "timeline": ["Date", "Stance on Iran"],
    "profile": ["Date", "Iran", "United States", "Roles"],
    "compare": ["Date", "Mean distance between them", "Dimensions"],
    "snapshot": ["Actor", "Dimension"],
}


def axis_labels(fig) -> list[str]:
    """The titles of every axis of every plot in the figure that shows one."""
    out = []
    for item in fig.ci.items:
        axes = getattr(item, "axes", None)
        if not axes:
            continue
        for side in ("left", "bottom", "top"):
            ax = item.getAxis(side)
            if ax.isVisible() and ax.label.isVisible() and ax.labelText:
                out.append(ax.labelText)
    return out


def svg_texts(data: bytes) -> list[str]:
    root = ET.fromstring(data)
    return [" ".join("".join(t.itertext()).split()) for t in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("kind", list(REQUESTS))
def test_each_chart_kind_draws_and_exports_its_sources_coders_and_axis_titles(qtbot, store, kind):
    """The window's figure and its SVG name the cited sources, coders and data date, not only the file."""
    data = cd.build(store, REQUESTS[kind])
    fig = export.figure_for(data, store)
    qtbot.addWidget(fig)
    svg = svg_texts(export.svg_bytes(fig, 1600, 900))
    drawn = [it.toPlainText() for it in fig.scene().items() if isinstance(it, QGraphicsTextItem) and it.isVisible()]
    for texts in (svg, drawn):
        joined = " ".join(" ".join(texts).split())
        for part in ("Carnegie Endowment 2023", "The New Arab 2022", "coders: ana, tester", "data as of 20",
                     "[notes.db]"):
            assert part in joined, (kind, part)
        for title in AXIS_TITLES[kind]:
            assert title in [t.strip() for t in texts], (kind, title)
        assert "+0" not in joined and "−0 " not in joined, kind
    assert set(AXIS_TITLES[kind]) <= set(axis_labels(fig)), kind
    if kind == "timeline":  # the level ticks are written by the same rule: a real minus, a bare zero
        for tick in ("−2 strongly anti-Iran", "−1 anti-Iran", "0 neutral/mixed", "+1 pro-Iran"):
            assert tick in svg, tick
    assert "stancetracker.db" not in " ".join(svg)


def test_averaged_values_are_drawn_as_averages(qtbot, store):
    """A snapshot cell of two records, and the hover over an averaged timeline point, say "average of 2"."""
    snap = cd.build(store, cd.ChartRequest("snapshot", ["sadr", "maliki"], at=parse_date("2021-07-01")))
    fig = export.figure_for(snap, store)
    qtbot.addWidget(fig)
    cells = [t.toPlainText() for t in fig.texts]
    assert AVERAGE in cells and "0 neutral/mixed" in cells
    assert not any("strongly" in c and "average" in c for c in cells)
    tl = cd.build(store, REQUESTS["timeline"])
    fig = export.figure_for(tl, store)
    qtbot.addWidget(fig)
    fig.resize(1200, 800)
    fig.ci.layout.activate()
    hit = fig.pick(fig.marker_scene_pos("sadr", 0))
    assert hit is not None and hit[1].startswith(f"Muqtada al-Sadr — 2021-01-01: {AVERAGE}")
    assert "+0" not in fig.pick(fig.marker_scene_pos("sadr", 2))[1]


@pytest.mark.parametrize("width", [520, 800])
def test_the_source_line_wraps_whole_words_in_a_narrow_export(qtbot, store, width):
    """At a narrow width the source line takes several lines, each inside the chart, no word cut."""
    data = cd.build(store, REQUESTS["timeline"])
    fig = export.figure_for(data, store)
    qtbot.addWidget(fig)
    svg = svg_texts(export.svg_bytes(fig, width, 700))
    label = fig.source_item
    lines = label.lines
    assert len(lines) >= 2, lines
    font = QFont(label.item.font())
    font.setPointSizeF(label.FONT_PT)
    fm = QFontMetricsF(font)
    words = {w for variant in ((3, False), (2, False), (1, False), (1, True))
             for w in " ".join(data.source_line.parts(*variant)).split()} | {"·"}
    for line in lines:
        assert fm.horizontalAdvance(line) <= label.rect().width(), line
        assert set(line.split()) <= words, line  # only whole words of the line's own parts
        assert line in svg, line  # exported as drawn, one text per line
    # The label is inside the figure, below the plot, and tall enough for its lines.
    rect = label.sceneBoundingRect()
    assert rect.right() <= fig.width() + 0.5 and rect.bottom() <= fig.height() + 0.5
    assert label.item.boundingRect().height() <= rect.height() + 0.5
    assert "data as of" in " ".join(lines) and "Carnegie Endowment 2023" in " ".join(lines)


def test_the_shifts_panel_and_the_cli_say_the_same(qtbot, store, db):
    """The shifts list and 'stancetracker shifts' word a shift alike: averages, single values, "0"."""
    found = series.shifts(store, ["sadr"], ["iran"])
    panel = QtShiftsPanel()
    qtbot.addWidget(panel)
    panel.set_shifts(found, {a.slug: a.name for a in store.actors()}, {d.slug: d for d in store.dimensions()})
    top = panel.tree.topLevelItem(0)
    expected = (f"Muqtada al-Sadr on Iran: {AVERAGE} on 2021-01-01 → +1 pro-Iran on 2022-01-01 (sign change)")
    assert top.text(0) == f"2022-01-01 · {expected}"
    children = [top.child(k).text(0) for k in range(top.childCount())]
    assert any(c.startswith("before 2021-01-01: −2 [medium]") for c in children)
    panel_text = " ".join(panel.tree.topLevelItem(k).text(0) for k in range(panel.tree.topLevelItemCount()))
    res = CliRunner().invoke(cli, ["--db", str(db), "shifts", "--actor", "sadr", "--dimension", "iran"])
    assert res.exit_code == 0, res.output
    assert expected in res.output.splitlines()
    assert "+0" not in res.output and "+0" not in panel_text
    us = CliRunner().invoke(cli, ["--db", str(db), "shifts", "--actor", "sadr", "--dimension", "us"])
    assert "Muqtada al-Sadr on United States: 0 neutral/mixed on 2022-06-01 → −2 strongly anti-US on 2023-01-01" \
        in us.output.splitlines()
    assert "   before: 0 [medium] no source" in us.output.splitlines() and "+0" not in us.output
    listing = CliRunner().invoke(cli, ["--db", str(db), "records", "--actor", "sadr"])
    assert listing.exit_code == 0 and "+0" not in listing.output and " 0  neutral/mixed" in listing.output
