"""Chart export: PNG at the requested size and not blank, SVG that parses with title and series,
for each chart kind, from the GUI export functions and from the command line."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest
from click.testing import CliRunner
from PySide6.QtGui import QGuiApplication, QImage

from stancetracker.cli.main import cli
from stancetracker.core.analysis import chartdata as cd
from stancetracker.core.model.dates import parse_date
from stancetracker.core.project import open_project
from stancetracker.gui.charts import export
from stancetracker.gui.charts.export import ExportError, figure_for

SVG = "{http://www.w3.org/2000/svg}"
KEY_ACTORS = ["sadr", "maliki", "coordination-framework", "sadrist-movement", "kataib-hezbollah"]


@pytest.fixture(scope="module")
def seeded_path(tmp_path_factory):
    """A seeded database file shared by the module's tests (they only read it)."""
    path = tmp_path_factory.mktemp("export") / "seeded.db"
    open_project(path, user="tester").close()
    return path


@pytest.fixture(scope="module")
def seeded(seeded_path):
    s = open_project(seeded_path, readonly=True, user="tester")
    yield s
    s.close()


def request(kind: str) -> cd.ChartRequest:
    """A typical request of each kind on the seeded data."""
    return {
        "timeline": cd.ChartRequest("timeline", ["sadr", "maliki"], "iran"),
        "profile": cd.ChartRequest("profile", ["sadr"]),
        "compare": cd.ChartRequest("compare", ["sadr", "maliki"]),
        "snapshot": cd.ChartRequest("snapshot", KEY_ACTORS, at=parse_date("2022-01-16")),
    }[kind]


def series_names(kind: str) -> list[str]:
    """Names the legend or axes must show for the series of each kind."""
    return {"timeline": ["Muqtada al-Sadr", "Nouri al-Maliki"], "profile": ["Muqtada al-Sadr", "Iran"],
            "compare": ["Muqtada al-Sadr", "Nouri al-Maliki"],
            "snapshot": ["Muqtada al-Sadr", "Kata'ib Hezbollah", "United States"]}[kind]


def check_png(path, width: int, height: int) -> QImage:
    """The PNG loads, has the width asked for, at least the height, and is a real drawing, not a blank page.

    A chart whose plots and event key need more room than the height asked for
    is drawn taller rather than squashed or cut (``export.EXPORT_PLOT_MIN_PX``).
    """
    img = QImage(str(path))
    assert not img.isNull(), path
    assert img.width() == width and img.height() >= height, (img.width(), img.height())
    height = img.height()
    rgb = img.convertToFormat(QImage.Format.Format_RGB32)  # keep a reference: the array views its memory
    arr = np.frombuffer(rgb.constBits(), np.uint8).reshape(height, rgb.bytesPerLine() // 4, 4)
    arr = arr[:, :width, :3].copy()
    non_white = (arr < 245).any(axis=-1).mean()
    assert 0.01 < non_white < 0.95, non_white
    packed = (arr[..., 0].astype(np.uint32) << 16) | (arr[..., 1].astype(np.uint32) << 8) | arr[..., 2]
    assert np.unique(packed).size > 20  # colours, not a flat fill
    return img


def check_svg(path, title: str, names: list[str]) -> None:
    """The SVG parses as XML and shows the title and the series."""
    root = ET.parse(path).getroot()
    texts = [" ".join("".join(t.itertext()).split()) for t in root.iter(f"{SVG}text")]
    assert title in texts
    for name in names:
        assert any(name in t for t in texts), name
    assert len(list(root.iter(f"{SVG}polyline"))) + len(list(root.iter(f"{SVG}path"))) >= 5


@pytest.mark.slow
@pytest.mark.parametrize("kind", cd.KINDS)
def test_gui_export_png_and_svg(qtbot, seeded, tmp_path, kind):
    """From the GUI: PNG at 1200×700 and an SVG with the title and series, for each kind."""
    data = cd.build(seeded, request(kind))
    fig = figure_for(data, seeded)
    qtbot.addWidget(fig)
    check_png(export.export_figure(fig, tmp_path / f"{kind}.png", 1200, 700), 1200, 700)
    check_svg(export.export_figure(fig, tmp_path / f"{kind}.svg", 1200, 700), data.title, series_names(kind))


@pytest.mark.slow
@pytest.mark.parametrize("kind", cd.KINDS)
def test_cli_chart_png_and_svg(qtbot, seeded_path, tmp_path, kind):
    """From the command line: the same charts to PNG (custom size) and SVG."""
    req = request(kind)
    args = ["--db", str(seeded_path), "chart", "--kind", kind]
    for a in req.actors:
        args += ["--actor", a]
    if req.dimension:
        args += ["--dimension", req.dimension]
    if req.at:
        args += ["--at", req.at.iso]
    png, svg = tmp_path / f"{kind}.png", tmp_path / f"{kind}.svg"
    res = CliRunner().invoke(cli, args + ["-o", str(png), "--width", "900", "--height", "600"])
    assert res.exit_code == 0, res.output
    img = check_png(png, 900, 600)
    assert f"({img.width()}×{img.height()} px)" in res.output  # the size written, not the size asked
    res = CliRunner().invoke(cli, args + ["-o", str(svg), "--title", "My report chart"])
    assert res.exit_code == 0, res.output
    check_svg(svg, "My report chart", series_names(kind))


@pytest.mark.slow
def test_png_dpi_keeps_pixel_size_and_tags_resolution(qtbot, seeded, tmp_path):
    """At 192 dpi the PNG keeps its pixel size and records the resolution."""
    fig = figure_for(cd.build(seeded, request("timeline")), seeded)
    qtbot.addWidget(fig)
    img = check_png(export.save(fig, tmp_path / "hi.png", 1600, 900, dpi=192), 1600, 900)
    assert round(img.dotsPerMeterX() * 0.0254) == 192


def test_copy_to_clipboard(qtbot, seeded):
    """Copy puts an image of the requested size on the clipboard (taller only if its key needs it)."""
    fig = figure_for(cd.build(seeded, request("compare")), seeded)
    qtbot.addWidget(fig)
    export.copy_to_clipboard(fig, 1600, 900)
    img = QGuiApplication.clipboard().image()
    assert (img.width(), img.height()) == (1600, 900)
    export.copy_to_clipboard(fig, 800, 500)  # 37 events in two columns and a readable plot need more
    img = QGuiApplication.clipboard().image()
    assert img.width() == 800 and img.height() > 500


def test_export_refuses_bad_names_and_sizes(qtbot, seeded, tmp_path):
    """A wrong suffix or an absurd size is a clear error, not a file."""
    fig = figure_for(cd.build(seeded, request("timeline")), seeded)
    qtbot.addWidget(fig)
    with pytest.raises(ExportError, match=r"\.png, \.svg or \.pdf"):
        export.save(fig, tmp_path / "chart.gif")
    with pytest.raises(ExportError, match="outside"):
        export.save(fig, tmp_path / "chart.png", 10, 10)
    assert not (tmp_path / "chart.png").exists()


def test_cli_chart_errors_are_one_line(seeded_path, tmp_path):
    """Bad requests end with a one-line message and a non-zero exit."""
    run = lambda *a: CliRunner().invoke(cli, ["--db", str(seeded_path), "chart", *a])
    res = run("--kind", "compare", "-a", "sadr", "-o", str(tmp_path / "x.png"))
    assert res.exit_code != 0 and "exactly two actors" in res.output
    res = run("-a", "Nobody", "-o", str(tmp_path / "x.png"))
    assert res.exit_code != 0 and "no actor 'Nobody'" in res.output
    res = run("-a", "sadr", "-o", str(tmp_path / "x.gif"))
    assert res.exit_code != 0 and ".png, .svg or .pdf" in res.output
    assert "Traceback" not in res.output
