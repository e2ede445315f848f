"""Chart images for reports: PNG at a chosen size and DPI, SVG, vector PDF, and the clipboard.

A chart is exported from a fresh offscreen copy laid out at the requested
size, so the window on screen is not resized and the image does not depend
on it. DPI works as in print: the chart is laid out at ``width * 96 / dpi``
logical pixels and painted scaled up, so text keeps its physical size.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtSvg import QSvgRenderer

from stancetracker.core.analysis import chartdata
from stancetracker.core.files import outputs
from stancetracker.core.model.errors import StanceError
from stancetracker.core.db.store import Store
from stancetracker.gui.charts import scene_paint, svg_export
from stancetracker.gui.charts.common import ChartFigure
from stancetracker.gui.charts.compare import CompareFigure
from stancetracker.gui.charts.profile import ProfileFigure
from stancetracker.gui.charts.snapshot import SnapshotFigure
from stancetracker.gui.charts.timeline import TimelineFigure

SCREEN_DPI = 96.0
FORMATS = (".png", ".svg", ".pdf")
NAMES = tuple(f[1:] for f in FORMATS)
EXPORT_PLOT_MIN_PX = 110  # each plot of an exported chart is at least this tall (logical pixels)


class ExportError(StanceError):
    """An export that cannot be written (bad size, unknown format, unwritable file)."""


def figure_for(data: chartdata.ChartData, store: Store | None = None) -> ChartFigure:
    """A new figure drawing ``data`` (its kind follows the data's type)."""
    cls = {chartdata.Timeline: TimelineFigure, chartdata.Profile: ProfileFigure,
           chartdata.Comparison: CompareFigure, chartdata.Snapshot: SnapshotFigure}[type(data)]
    fig = cls()
    fig.store = store
    fig.set_data(data)
    return fig


def _check_size(width: int, height: int, dpi: float) -> None:
    if not (100 <= width <= 20000 and 100 <= height <= 20000):
        raise ExportError(f"image size {width}×{height} is outside 100–20000 pixels")
    if not 24 <= dpi <= 1200:
        raise ExportError(f"{dpi:g} dpi is outside 24–1200")


def _resize(fig: ChartFigure, lw: int, lh: int) -> None:
    # Shown but never on screen: Qt then delivers resize events and lays out synchronously.
    fig.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    fig.show()
    fig.resize(lw, lh)
    fig.ci.layout.activate()


def _layout(fig: ChartFigure, width: int, height: int, dpi: float,
            x_range: tuple[float, float] | None) -> tuple[int, int]:
    """Lay an offscreen figure out at the logical size for this DPI; returns that size."""
    lw, lh = max(1, round(width * SCREEN_DPI / dpi)), max(1, round(height * SCREEN_DPI / dpi))
    _resize(fig, lw, lh)
    if x_range is not None:
        fig.set_window(*x_range)
    # Too short for its plots, event key and texts (known once laid out at this width and range),
    # a chart grows taller rather than squash its plots or cut its key.
    need = fig.minimum_height(EXPORT_PLOT_MIN_PX)
    if need > lh:
        lh = need
        fig.resize(lw, lh)
        fig.ci.layout.activate()
    return lw, lh


def laid_out_height(fig: ChartFigure, width: int, height: int, plot_min_px: int = EXPORT_PLOT_MIN_PX) -> int:
    """The height (96-dpi pixels) the figure needs laid out ``width`` wide: ``height``, or more when its
    plots (each at least ``plot_min_px`` tall), event key and texts need the room."""
    lh = _layout(fig, width, height, SCREEN_DPI, None)[1]
    return max(lh, fig.minimum_height(plot_min_px))


def _paint(fig: ChartFigure, painter: QPainter, target: QRectF, source: QRectF, scale: float) -> None:
    """Render the figure's scene with every item in export mode (symbols drawn as vectors)."""
    items = [it for it in fig.scene().items() if hasattr(it, "setExportMode")]
    opts = {"antialias": True, "background": QColor("white"), "painter": painter, "resolutionScale": scale}
    for it in items:
        it.setExportMode(True, opts)
    try:
        fig.scene().render(painter, target, source)
    finally:
        for it in items:
            it.setExportMode(False)


def render_image(fig: ChartFigure, width: int, height: int, dpi: float = SCREEN_DPI,
                 x_range: tuple[float, float] | None = None) -> QImage:
    """The figure as an image width pixels wide and height tall (taller if its plots and key need it), tagged with the DPI."""
    _check_size(width, height, dpi)
    lw, lh = _layout(fig, width, height, dpi, x_range)
    height = max(height, round(lh * dpi / SCREEN_DPI))
    # Premultiplied is the rasteriser's native format: several times faster to paint into.
    img = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(QColor("white"))
    p = QPainter(img)
    p.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    try:
        _paint(fig, p, QRectF(0, 0, width, height), QRectF(0, 0, lw, lh), dpi / SCREEN_DPI)
    finally:
        p.end()
    # Tagged only now: painted on an image of another DPI, the axes' cached QPictures
    # scale once more by it (their text came out at four times the size at 192 dpi).
    dpm = round(dpi / 0.0254)
    img.setDotsPerMeterX(dpm)
    img.setDotsPerMeterY(dpm)
    return img


def svg_bytes(fig: ChartFigure, width: int, height: int, x_range: tuple[float, float] | None = None) -> bytes:
    """The figure as an SVG document in page pixels (text stays text, lines stay paths)."""
    _check_size(width, height, SCREEN_DPI)
    lw, lh = _layout(fig, width, height, SCREEN_DPI, x_range)
    return svg_export.svg_document(fig.scene(), lw, lh, fig.title(), getattr(fig.data, "source", ""))


def paint_figure(fig: ChartFigure, painter: QPainter, target: QRectF,
                 layout_size: tuple[int, int] | None = None) -> None:
    """Lay the figure out at ``target``'s size and paint it there as vectors, into any painter.

    The layout size is ``target`` in 96-dpi pixels of the painter's device, so on a
    300-dpi PDF page a 9 pt label still prints at 9 pt. The figure goes through its
    SVG (page pixels, absolute pen widths), so lines and symbols keep their
    proportions on any device, as they do in the SVG and PNG files. ``layout_size``, if
    given, is the size to lay out at instead (the drawing is then scaled into ``target``).
    """
    lw, lh = layout_size or scene_paint.logical_size(painter, target)
    _check_size(max(lw, 100), max(lh, 100), SCREEN_DPI)
    _resize(fig, lw, lh)  # the date range stays as set
    renderer = QSvgRenderer(svg_export.svg_document(fig.scene(), lw, lh))
    painter.save()
    try:
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        renderer.render(painter, target)
    finally:
        painter.restore()


def pdf_bytes(fig: ChartFigure, width: int, height: int, x_range: tuple[float, float] | None = None) -> bytes:
    """The figure as a one-page vector PDF of width×height pixels (at 96 per inch; text stays text)."""
    _check_size(width, height, SCREEN_DPI)
    # Laid out first: a chart whose plots and event key need more room gets a taller page.
    _, lh = _layout(fig, width, height, SCREEN_DPI, x_range)
    height = max(height, lh)
    arr = QByteArray()
    buf = QBuffer(arr)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buf)
    writer.setResolution(round(SCREEN_DPI))
    writer.setTitle(fig.title())
    writer.setCreator("stancetracker")
    size = QPageSize(QSizeF(width * 72 / SCREEN_DPI, height * 72 / SCREEN_DPI), QPageSize.Unit.Point,
                     "chart", QPageSize.SizeMatchPolicy.ExactMatch)
    writer.setPageLayout(QPageLayout(size, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
    p = QPainter(writer)
    try:
        target = QRectF(0, 0, writer.width(), writer.height())
        p.fillRect(target, QColor("white"))
        paint_figure(fig, p, target)
    finally:
        p.end()
    buf.close()
    return bytes(arr)


def image_format(path: Path | str, fmt: str | None = None) -> str:
    """The format to write, png, svg or pdf: ``fmt``, else the file name's; PNG for standard output, a pipe or a device."""
    if fmt is not None:
        if fmt not in NAMES:
            raise ExportError(f"{fmt}: choose png, svg or pdf")
        return fmt
    suffix = Path(path).suffix.lower()
    if suffix in FORMATS:
        return suffix[1:]
    if outputs.plan_output(path).kind != "file":
        return "png"
    raise ExportError(f"{path}: choose a .png, .svg or .pdf file name")


def save(fig: ChartFigure, path: Path | str, width: int = 1600, height: int = 900,
         dpi: float = SCREEN_DPI, x_range: tuple[float, float] | None = None, fmt: str | None = None,
         option: str = "") -> Path | str:
    """Write the figure as PNG, SVG or PDF to ``path`` (by the rule of core/outputs.py)."""
    protect = outputs.database_files(getattr(fig.store, "path", None))
    outputs.check_output(path, protect=protect, option=option)  # before the work of drawing
    fmt = image_format(path, fmt)
    if fmt == "svg":
        data = svg_bytes(fig, width, height, x_range)
    elif fmt == "pdf":
        data = pdf_bytes(fig, width, height, x_range)
    else:
        img = render_image(fig, width, height, dpi, x_range)
        arr = QByteArray()
        buf = QBuffer(arr)
        buf.open(QIODevice.OpenModeFlag.WriteOnly)
        if not img.save(buf, "PNG"):
            raise ExportError(f"{path}: the PNG could not be encoded")
        data = bytes(arr)
    with outputs.open_output(path, mode="wb", protect=protect, option=option) as fh:
        fh.write(data)
    return path


def copy_of(fig: ChartFigure) -> ChartFigure:
    """An offscreen copy of a figure drawing the same data."""
    if fig.data is None:
        raise ExportError("there is no chart to export yet")
    return figure_for(fig.data, fig.store)


def export_figure(fig: ChartFigure, path: Path | str, width: int = 1600, height: int = 900,
                  dpi: float = SCREEN_DPI) -> Path | str:
    """Save what a figure on screen shows (its data and date range) to a file."""
    clone = copy_of(fig)
    try:
        return save(clone, path, width, height, dpi, fig.x_range())
    finally:
        clone.close()
        clone.deleteLater()


def copy_to_clipboard(fig: ChartFigure, width: int = 1600, height: int = 900, dpi: float = SCREEN_DPI) -> QImage:
    """Put the chart on the clipboard as an image; returns the image."""
    clone = copy_of(fig)
    try:
        img = render_image(clone, width, height, dpi, fig.x_range())
    finally:
        clone.close()
        clone.deleteLater()
    QGuiApplication.clipboard().setImage(img)
    return img


def export_chart(store: Store, req: chartdata.ChartRequest, path: Path | str, width: int = 1600,
                 height: int = 900, dpi: float = SCREEN_DPI, fmt: str | None = None,
                 notes: list[str] | None = None, size: list[int] | None = None) -> Path | str:
    """Build a chart from the database and write it (the command line's one call).

    ``notes``, if given, receives what the chart left out (records with invalid values);
    ``size`` the width and height written (taller than asked when the plots and event key need it).
    """
    fmt = image_format(path, fmt)
    outputs.check_output(path, protect=outputs.database_files(store.path), option="--output")
    data = chartdata.build(store, req)
    if notes is not None and data.note:
        notes.append(data.note)
    fig = figure_for(data, store)
    try:
        written = save(fig, path, width, height, dpi, fmt=fmt, option="--output")
        if size is not None:
            scale = dpi / SCREEN_DPI if fmt == "png" else 1.0
            size[:] = [width, max(height, round(fig.height() * scale))]
        return written
    finally:
        fig.close()
        fig.deleteLater()
