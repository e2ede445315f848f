"""The SVG of every chart kind, drawn by independent renderers, looks like the PNG of the same chart.

librsvg (rsvg-convert) and Qt's own SVG renderer draw each SVG at the PNG's size,
and Chromium too where it is installed; the images must stay within a tolerance
of the PNG. The SVG the exporter used to write fails the same measure.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator, QSvgRenderer

import chart_raster as cr
from stancetracker.core.analysis import chartdata as cd
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.model.dates import parse_date
from stancetracker.core.project import open_project
from stancetracker.gui.charts import export

W, H = 1000, 700
MEAN_LIMIT = 3.0     # of 255, after the renderers' sub-pixel glyph placement is averaged out
BLOCKS_LIMIT = 0.095 # of the blocks holding ink
SVG = "{http://www.w3.org/2000/svg}"
KEY_ACTORS = ["sadr", "maliki", "coordination-framework", "sadrist-movement", "kataib-hezbollah"]
SHOWN = RecordFilter(view="consensus")  # what the window and the command line chart by default
REQUESTS = {
    "timeline": cd.ChartRequest("timeline", ["sadr", "maliki"], "iran", flt=SHOWN),
    "profile": cd.ChartRequest("profile", ["sadr"], flt=SHOWN),
    "compare": cd.ChartRequest("compare", ["sadr", "maliki"], flt=SHOWN),
    "snapshot": cd.ChartRequest("snapshot", KEY_ACTORS, at=parse_date("2022-01-16"), flt=SHOWN),
}
needs_rsvg = pytest.mark.skipif(not cr.have("rsvg-convert"), reason="rsvg-convert (librsvg2-bin) is not installed")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    path = tmp_path_factory.mktemp("svgrender") / "seeded.db"
    open_project(path, user="tester").close()
    s = open_project(path, readonly=True, user="tester")
    yield s
    s.close()


@pytest.fixture(scope="module")
def exported(seeded, tmp_path_factory, qapp):
    """Each kind's PNG and SVG, written once by the exporter."""
    out = tmp_path_factory.mktemp("svgfiles")
    files = {}
    for kind, req in REQUESTS.items():
        fig = export.figure_for(cd.build(seeded, req), seeded)
        try:
            export.save(fig, out / f"{kind}.png", W, H)
            export.save(fig, out / f"{kind}.svg", W, H)
        finally:
            fig.close()
            fig.deleteLater()
        files[kind] = (out / f"{kind}.png", out / f"{kind}.svg")
    return files


def within_tolerance(diff: cr.Difference) -> bool:
    return diff.mean <= MEAN_LIMIT and diff.blocks <= BLOCKS_LIMIT


def size_of(png) -> tuple[int, int]:
    """The PNG's width and height: W wide, and H tall or taller when the chart's plots and event key need it."""
    h, w = cr.rgb_array(png).shape[:2]
    assert w == W and h >= H
    return w, h


def qt_render(svg, out, size) -> "cr.np.ndarray":
    """The SVG as Qt's QSvgRenderer draws it at ``size``."""
    W, H = size
    img = QImage(W, H, QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    p = QPainter(img)
    p.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    QSvgRenderer(str(svg)).render(p, QRectF(0, 0, W, H))
    p.end()
    img.save(str(out))
    return cr.rgb_array(out)


@needs_rsvg
@pytest.mark.parametrize("kind", cd.KINDS)
def test_librsvg_draws_the_svg_like_the_png(exported, kind):
    png, svg = exported[kind]
    diff = cr.difference(cr.rgb_array(png), cr.rsvg(svg, *size_of(png)))
    assert within_tolerance(diff), f"{kind}: {diff}"


@pytest.mark.parametrize("kind", cd.KINDS)
def test_qt_svg_renderer_draws_the_svg_like_the_png(exported, kind):
    png, svg = exported[kind]
    diff = cr.difference(cr.rgb_array(png), qt_render(svg, svg.with_suffix(".qt.png"), size_of(png)))
    assert within_tolerance(diff), f"{kind}: {diff}"


@pytest.mark.slow
@pytest.mark.skipif(not cr.CHROMIUM.exists(), reason="no Chromium at /usr/bin/chromium")
@pytest.mark.parametrize("kind", ["timeline", "snapshot"])
def test_chromium_draws_the_svg_like_the_png(exported, kind):
    png, svg = exported[kind]
    diff = cr.difference(cr.rgb_array(png), cr.chromium(svg, *size_of(png)))
    assert within_tolerance(diff), f"{kind}: {diff}"


@pytest.mark.parametrize("kind", cd.KINDS)
def test_svg_is_in_page_pixels_with_a_sans_serif_stack(exported, kind):
    """Pixel size, no scaling transforms, no absurd coordinates, every font a stack ending in sans-serif."""
    root = ET.parse(exported[kind][1]).getroot()
    w, h = size_of(exported[kind][0])
    assert (root.get("width"), root.get("height"), root.get("viewBox")) == (str(w), str(h), f"0 0 {w} {h}")
    biggest = 0.0
    for el in root.iter():
        for m in re.findall(r"matrix\(([^)]*)\)", el.get("transform", "")):
            a, b, c, d = (float(v) for v in m.split(",")[:4])
            assert abs(abs(a * d - b * c) - 1) < 1e-3, f"scaling transform {m}"
        family = el.get("font-family")
        if family is not None:
            assert family.endswith("sans-serif") and "Sans Serif" not in family, family
        for attr in ("points", "d", "x", "y", "width", "height"):
            for v in re.findall(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", el.get(attr, "")):
                biggest = max(biggest, abs(float(v)))
    assert biggest <= 4 * max(w, h), biggest
    assert any(el.tag == f"{SVG}clipPath" for el in root.iter()) or kind == "snapshot"


def old_svg(fig, path, size) -> None:
    """What the exporter wrote before: the whole scene through QSvgGenerator at its default 72 dpi."""
    W, H = size
    export._layout(fig, W, H, export.SCREEN_DPI, None)
    gen = QSvgGenerator()
    gen.setFileName(str(path))
    gen.setSize(QSize(W, H))
    gen.setViewBox(QRect(0, 0, W, H))
    p = QPainter(gen)
    p.fillRect(QRectF(0, 0, W, H), QColor("white"))
    fig.scene().render(p, QRectF(0, 0, W, H), QRectF(0, 0, W, H))
    p.end()


@pytest.mark.slow
@needs_rsvg
@pytest.mark.parametrize("kind", ["timeline", "compare"])
def test_the_old_svg_fails_the_same_measure(seeded, exported, tmp_path, kind):
    """The measure is not lenient: the old file is refused by librsvg or far off the PNG, in Qt's renderer too."""
    size = size_of(exported[kind][0])
    fig = export.figure_for(cd.build(seeded, REQUESTS[kind]), seeded)
    try:
        old_svg(fig, tmp_path / "old.svg", size)
    finally:
        fig.close()
        fig.deleteLater()
    png = cr.rgb_array(exported[kind][0])
    try:
        drawn = cr.rsvg(tmp_path / "old.svg", *size)
    except AssertionError as err:  # "NoMemory": librsvg gives up on the seconds-since-1970 coordinates
        assert "refused" in str(err), err
        drawn = None
    if drawn is not None:
        assert not within_tolerance(cr.difference(png, drawn))
    assert not within_tolerance(cr.difference(png, qt_render(tmp_path / "old.svg", tmp_path / "old.qt.png", size)))


def test_png_at_192_dpi_is_the_96_dpi_chart_drawn_finer(seeded, qapp, tmp_path):
    """Twice the DPI lays the chart out at half the pixels and draws it twice as fine: the axes too
    (their cached pictures used to scale once more by the image's DPI, text at four times the size)."""
    fig = export.figure_for(cd.build(seeded, REQUESTS["timeline"]), seeded)
    try:
        fine = export.render_image(fig, 2 * W, 2 * H, dpi=192)
        coarse = export.render_image(fig, W, H, dpi=96)
    finally:
        fig.close()
        fig.deleteLater()
    assert round(fine.dotsPerMeterX() * 0.0254) == 192
    assert (fine.width(), fine.height()) == (2 * coarse.width(), 2 * coarse.height())
    fine.scaled(coarse.width(), coarse.height(), mode=Qt.TransformationMode.SmoothTransformation).save(str(tmp_path / "fine.png"))
    coarse.save(str(tmp_path / "coarse.png"))
    diff = cr.difference(cr.rgb_array(tmp_path / "fine.png"), cr.rgb_array(tmp_path / "coarse.png"))
    assert within_tolerance(diff), diff  # before the fix: mean 7.7, 27 % of blocks
