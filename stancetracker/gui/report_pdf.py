"""The PDF writer: a :class:`Report` as a vector A4 PDF (QPdfWriter), charts drawn as vectors.

The text flows through one QTextDocument laid out on A4 pages: headings,
paragraphs, lists, and tables whose header row Qt repeats on every page a
table spans. Each chart is a custom text object whose ``drawObject`` paints
the chart straight into the PDF painter, so axes, labels and lines stay
vectors and text (text a PDF reader can find). Arabic and other
right-to-left paragraphs get a right-to-left layout; Qt shapes them given a
font with their glyphs. We paginate ourselves to put "Page N of M" in a footer.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Protocol

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (QBrush, QColor, QFont, QPageLayout, QPageSize, QPainter, QPdfWriter, QPyTextObject,
                           QTextBlockFormat, QTextCharFormat, QTextCursor, QTextDocument, QTextFormat, QTextLength,
                           QTextListFormat, QTextTableFormat)

from stancetracker.core.analysis.request import ChartRequest
from stancetracker.core.files import outputs
from stancetracker.core.model.progress import Progress, tick
from stancetracker.core.report.bidi import is_rtl
from stancetracker.core.report.docx import with_cites
from stancetracker.core.report.document import BulletList, Figure, Heading, Paragraph, Report, Shift, Table

# Layout resolution: the screen's, as the charts assume (pyqtgraph sizes its tick fonts for the device it
# paints on). Text and lines stay vectors whatever it is.
DPI = 96
MARGIN_MM = 20.0
FOOTER_MM = 8.0
# DejaVu Sans has Arabic and Hebrew glyphs; the others are where it is missing.
FONT_FAMILIES = ["DejaVu Sans", "Noto Sans", "Noto Sans Arabic", "Liberation Sans", "Arial", "sans-serif"]
BODY_PT = 9.5
HEADING_PT = {1: 18.0, 2: 13.5, 3: 11.0}
INK, GREY, RULE, HEADER_FILL = QColor("#222222"), QColor("#555555"), QColor("#999999"), QColor("#e8e8e8")
CHART_OBJECT = QTextFormat.ObjectTypes.UserObject + 14
_FIGURE_PROPERTY = QTextFormat.Property.UserProperty + 1
_SCREEN_DPI = 96.0
LAYOUT_MIN_PX = 700  # a chart on a page is laid out at least this wide (96-dpi pixels)
_CANCELLED = "the PDF was cancelled; nothing was written"


class ChartPainter(Protocol):
    def paint(self, request: ChartRequest, painter: QPainter, rect: QRectF,
              layout_size: tuple[int, int] | None = None) -> None: ...


# ---------------------------------------------------------------- charts
def chart_painter(charts) -> ChartPainter:
    """``charts`` itself, checked: the renderer that paints the report's charts
    (``gui/report_charts.QtChartRenderer``, which keeps each figure for every format)."""
    if hasattr(charts, "paint"):
        return charts
    raise TypeError("the PDF writer needs a chart renderer with paint(request, painter, rect)")


class _ChartObject(QPyTextObject):
    """A chart inside the text flow: its size is the figure's at print scale, its drawing the chart's."""

    def __init__(self, charts: ChartPainter, figures: list[Figure], dpi: float, parent=None):
        super().__init__(parent)
        self.charts, self.figures, self.dpi = charts, figures, dpi
        self.drawn = 0
        self._needed: dict[int, float] = {}  # device pixels each figure needs, asked once
        self._shrink: dict[int, float] = {}  # how much smaller than at its layout size each figure is drawn

    def intrinsicSize(self, doc, pos, fmt) -> QSizeF:
        index = int(fmt.property(_FIGURE_PROPERTY))
        fig = self.figures[index]
        scale = self.dpi / _SCREEN_DPI
        width = min(doc.pageSize().width() - 2, fig.width * scale)
        # Laid out at least LAYOUT_MIN_PX wide and drawn a little smaller where the page is narrower,
        # so the event key keeps two columns; text stays within 10% of its point size.
        shrink = min(1.0, width / (scale * max(LAYOUT_MIN_PX, min(fig.width, LAYOUT_MIN_PX))))
        self._shrink[index] = shrink
        # A chart designed wider than the page keeps most of its height rather than its proportions:
        # its text stays at its point size, so the plot needs the room more than the shape; and it
        # takes what its plots and event key need at that width (a long key lists every event).
        height = max(width * fig.height / max(1, fig.width), 0.8 * fig.height * scale)
        height_for = getattr(self.charts, "height_for", None)
        if height_for is not None:
            if index not in self._needed:
                k = scale * shrink  # device pixels per layout pixel
                self._needed[index] = height_for(fig.request, round(width / k), round(height / k)) * k
            height = max(height, self._needed[index])
        limit = doc.pageSize().height() * 0.85  # leaves room for the caption on the same page
        return QSizeF(width, min(height, limit))

    def drawObject(self, painter: QPainter, rect: QRectF, doc, pos, fmt) -> None:
        if painter.hasClipping() and painter.clipBoundingRect().intersected(rect).height() < rect.height() / 2:
            return  # the page before or after the chart's own: drawing it there would be clipped away
        fig = self.figures[int(fmt.property(_FIGURE_PROPERTY))]
        # Charts lay out in 96-dpi pixels, so their text keeps its point size (shrunk a little on a narrow page).
        scale = self.dpi / _SCREEN_DPI * self._shrink.get(int(fmt.property(_FIGURE_PROPERTY)), 1.0)
        painter.save()
        try:
            painter.translate(rect.topLeft())
            painter.scale(scale, scale)
            target = QRectF(0, 0, rect.width() / scale, rect.height() / scale)
            self.charts.paint(fig.request, painter, target, (round(target.width()), round(target.height())))
        finally:
            painter.restore()
        self.drawn += 1


# ---------------------------------------------------------------- text flow
def _font(pt: float, bold: bool = False, italic: bool = False) -> QFont:
    f = QFont()
    f.setFamilies(FONT_FAMILIES)
    f.setPointSizeF(pt)
    f.setBold(bold)
    f.setItalic(italic)
    return f


def _char(pt: float = BODY_PT, bold: bool = False, italic: bool = False, colour: QColor = INK) -> QTextCharFormat:
    cf = QTextCharFormat()
    cf.setFont(_font(pt, bold, italic))
    cf.setForeground(QBrush(colour))
    return cf


def _direction(fmt: QTextBlockFormat, text: str) -> QTextBlockFormat:
    fmt.setLayoutDirection(Qt.LayoutDirection.RightToLeft if is_rtl(text) else Qt.LayoutDirection.LeftToRight)
    return fmt


class _Flow:
    """Builds the QTextDocument block by block."""

    def __init__(self, doc: QTextDocument, dpi: float):
        self.doc = doc
        self.cursor = QTextCursor(doc)
        self.first = True
        self.pt = dpi / 72.0  # device pixels per point
        self.figures: list[Figure] = []
        self.sections = 0

    def _block(self, text: str, fmt: QTextBlockFormat, cf: QTextCharFormat) -> None:
        _direction(fmt, text)
        if self.first:
            self.cursor.setBlockFormat(fmt)
            self.cursor.setBlockCharFormat(cf)
            self.first = False
        else:
            self.cursor.insertBlock(fmt, cf)
        self.cursor.insertText(text, cf)

    def _spaced(self, before: float = 0.0, after: float = 4.0, indent: float = 0.0) -> QTextBlockFormat:
        fmt = QTextBlockFormat()
        fmt.setTopMargin(before * self.pt)
        fmt.setBottomMargin(after * self.pt)
        if indent:
            fmt.setLeftMargin(indent * self.pt)
            fmt.setRightMargin(indent * self.pt)
        return fmt

    def add(self, block) -> None:
        handler = {Heading: self.heading, Paragraph: self.paragraph, Figure: self.figure, Table: self.table,
                   BulletList: self.bullets, Shift: self.shift}.get(type(block))
        if handler is None:
            raise TypeError(f"the PDF writer cannot render a {type(block).__name__}")
        handler(block)

    def heading(self, h: Heading) -> None:
        level = min(max(h.level, 1), 3)
        fmt = self._spaced(before=(4 if level == 1 else 12), after=4)
        fmt.setHeadingLevel(level)
        if level == 2:
            # Each section after the first starts a page, as the HTML prints: no heading or caption
            # is left alone at the foot of a page.
            if self.sections:
                fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
            self.sections += 1
        self._block(h.text, fmt, _char(HEADING_PT[level], bold=True))

    def paragraph(self, p: Paragraph) -> None:
        text = with_cites(p.text, p.cites)
        if p.style == "meta":
            self._block(text, self._spaced(after=1), _char(BODY_PT - 1, colour=GREY))
        elif p.style == "note":
            self._block(text, self._spaced(after=3), _char(BODY_PT - 1.5, colour=GREY))
        elif p.style == "quote":
            self._block(text, self._spaced(after=4, indent=12), _char(BODY_PT, italic=True))
        else:
            self._block(text, self._spaced(after=4), _char())

    def figure(self, fig: Figure) -> None:
        fmt = self._spaced(before=6, after=2)
        fmt.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self._block("", fmt, _char())
        obj = QTextCharFormat()
        obj.setObjectType(CHART_OBJECT)
        obj.setProperty(_FIGURE_PROPERTY, len(self.figures))
        self.figures.append(fig)
        self.cursor.insertText("\ufffc", obj)
        if fig.caption:
            cap = self._spaced(after=8)
            cap.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            self._block(fig.caption, cap, _char(BODY_PT - 1, italic=True, colour=GREY))

    def _list(self, items: list[tuple[str, QTextCharFormat]], numbered: bool) -> None:
        lf = QTextListFormat()
        lf.setStyle(QTextListFormat.Style.ListDecimal if numbered else QTextListFormat.Style.ListDisc)
        lf.setIndent(1)
        lst = None
        for text, cf in items:
            self._block(text, self._spaced(after=2), cf)
            if lst is None:
                lst = self.cursor.createList(lf)
            else:
                lst.add(self.cursor.block())

    def bullets(self, b: BulletList) -> None:
        self._list([(item, _char()) for item in b.items], b.numbered)

    def shift(self, sh: Shift) -> None:
        self._block(sh.summary, self._spaced(before=6, after=2), _char(bold=True))
        self._list([(with_cites(f"{side} · {ev.date} · {ev.score}: {ev.text}", [ev.cite]), _char(BODY_PT - 0.5))
                    for side, evs in (("Before", sh.before), ("After", sh.after)) for ev in evs], False)

    def table(self, tb: Table) -> None:
        if tb.caption:
            self._block(tb.caption, self._spaced(before=4, after=3), _char(BODY_PT - 1, italic=True, colour=GREY))
        ncols = len(tb.columns)
        tf = QTextTableFormat()
        tf.setHeaderRowCount(1)  # Qt repeats it at the top of every page the table reaches
        tf.setBorder(max(1.0, 0.5 * self.pt))  # under a device pixel Qt draws no border at all
        tf.setBorderBrush(QBrush(RULE))
        tf.setBorderCollapse(True)
        tf.setCellPadding(2.5 * self.pt)
        tf.setCellSpacing(0)
        tf.setWidth(QTextLength(QTextLength.Type.PercentageLength, 100))
        rel = list(tb.widths) if len(tb.widths) == ncols and sum(tb.widths) > 0 else [1.0] * ncols
        total = sum(rel)
        tf.setColumnWidthConstraints([QTextLength(QTextLength.Type.PercentageLength, 100 * r / total) for r in rel])
        if self.first:
            self._block("", self._spaced(after=0), _char())
        table = self.cursor.insertTable(1 + len(tb.rows), ncols, tf)
        head, body = _char(BODY_PT - 1.5, bold=True), _char(BODY_PT - 1.5)
        rows = [(tb.columns, head)]
        for i, row in enumerate(tb.rows):
            cells = list(row)
            cites = tb.cites[i] if i < len(tb.cites) else ()
            if cites and cells:
                cells[-1] = with_cites(cells[-1], cites)
            rows.append((cells, body))
        for r, (cells, cf) in enumerate(rows):
            for c, text in enumerate(cells[:ncols]):
                cell = table.cellAt(r, c)
                if r == 0:
                    cell_fmt = cell.format()
                    cell_fmt.setBackground(QBrush(HEADER_FILL))
                    cell.setFormat(cell_fmt)
                cur = cell.firstCursorPosition()
                cur.setBlockFormat(_direction(QTextBlockFormat(), text))
                cur.insertText(str(text), cf)
        self.cursor.movePosition(QTextCursor.MoveOperation.End)


# ---------------------------------------------------------------- pages
def _writer(device: QIODevice, report: Report) -> QPdfWriter:
    writer = QPdfWriter(device)
    writer.setResolution(DPI)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter))
    writer.setTitle(report.title)
    writer.setCreator("stancetracker")
    return writer


def render_pdf(report: Report, device: QIODevice, charts, progress: Progress | None = None) -> int:
    """Paint ``report`` as PDF into ``device``; returns the number of pages."""
    return _render(report, device, chart_painter(charts), progress)


def _render(report: Report, device: QIODevice, painter_of_charts: ChartPainter, progress: Progress | None) -> int:
    writer = _writer(device, report)
    dpi = writer.resolution()
    page = QRectF(0, 0, writer.width(), writer.height())
    mm = dpi / 25.4
    body = page.adjusted(MARGIN_MM * mm, MARGIN_MM * mm, -MARGIN_MM * mm, -MARGIN_MM * mm)
    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(writer)  # fonts measured at the PDF's resolution
    doc.setDefaultFont(_font(BODY_PT))
    doc.setDocumentMargin(0)
    doc.setPageSize(QSizeF(body.width(), body.height()))
    doc.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, report.title)
    flow = _Flow(doc, dpi)
    handler = _ChartObject(painter_of_charts, flow.figures, dpi, doc)
    doc.documentLayout().registerHandler(CHART_OBJECT, handler)
    flow.cursor.beginEditBlock()  # one layout at the end: laid out cell by cell, a long table is quadratic
    for i, block in enumerate(report.blocks):
        flow.add(block)
        tick(progress, i + 1, len(report.blocks) * 2, _CANCELLED)
    flow.cursor.endEditBlock()
    pages = doc.pageCount()
    footer_font = _font(BODY_PT - 2)
    painter = QPainter(writer)
    try:
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        for n in range(pages):
            if n:
                writer.newPage()
            painter.save()
            painter.translate(body.left(), body.top() - n * body.height())
            doc.drawContents(painter, QRectF(0, n * body.height(), body.width(), body.height()))
            painter.restore()
            _footer(painter, footer_font, body, page, mm, report.title, n + 1, pages)
            tick(progress, len(report.blocks) + round(len(report.blocks) * (n + 1) / pages), len(report.blocks) * 2,
                 _CANCELLED)
    finally:
        painter.end()
    return pages


def _footer(painter: QPainter, font: QFont, body: QRectF, page: QRectF, mm: float, title: str, n: int,
            pages: int) -> None:
    top = page.bottom() - (MARGIN_MM - FOOTER_MM / 2) * mm
    painter.setPen(RULE)
    painter.drawLine(QPointF(body.left(), top), QPointF(body.right(), top))
    painter.setPen(GREY)
    painter.setFont(font)
    box = QRectF(body.left(), top + 1.5 * mm, body.width(), FOOTER_MM * mm)
    painter.drawText(box, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop), f"Page {n} of {pages}")
    title_box = QRectF(box.left(), box.top(), box.width() * 0.75, box.height())
    short = painter.fontMetrics().elidedText(title, Qt.TextElideMode.ElideRight, int(title_box.width()))
    painter.drawText(title_box, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop), short)


def pdf_bytes(report: Report, charts, progress: Progress | None = None) -> bytes:
    """The report as the bytes of a PDF file."""
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    render_pdf(report, buf, charts, progress)
    buf.close()
    return bytes(data)


def write_pdf(report: Report, path: Path | str | IO[bytes], charts, progress: Progress | None = None,
              protect: list[outputs.Guarded] | None = None) -> None:
    """Write ``report`` as PDF to ``path`` (by core/files/outputs.py's rule) or a binary stream."""
    data = pdf_bytes(report, charts, progress)
    if hasattr(path, "write"):
        path.write(data)
        return
    with outputs.open_output(path, mode="wb", protect=protect or (), option="") as fh:
        fh.write(data)


__all__ = ["ChartPainter", "chart_painter", "pdf_bytes", "render_pdf",
           "write_pdf"]
