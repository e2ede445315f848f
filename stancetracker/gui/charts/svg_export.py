"""SVG of a laid-out figure that librsvg, Chromium and Qt all draw like the PNG.

QSvgGenerator alone wrote files that went wrong in three ways, each seen in the
SVG text: it ran at 72 dpi, so pyqtgraph's axes (cached QPictures, which scale
by device DPI) came out under ``matrix(0.75…)`` while everything else did not,
and text was 9 units where the PNG has 12 px; it wrote no clipping, so lines ran
past the plots; and it kept each item's own coordinates — seconds since 1970 —
under transforms like ``matrix(1.9e-06,…)``, numbers librsvg gives up on
("NoMemory"). Its font was Qt's alias "Sans Serif", which browsers read as serif.

Here each run of items sharing a clip is painted (at 96 dpi) by its own
QSvgGenerator, every shape is mapped into page pixels, the run is wrapped in a
``clipPath`` group, and fonts get a sans-serif stack.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize
from PySide6.QtGui import QColor, QFont, QFontInfo, QImage, QPainter, QPainterPath, QTransform
from PySide6.QtSvg import QSvgGenerator

from stancetracker.gui.charts import scene_paint

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
FALLBACK_FONTS = ("DejaVu Sans", "Liberation Sans", "Arial", "Helvetica")
MAX_CELLS = 10_000  # images up to this many pixels are written as rectangles
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_PATH_TOKEN = re.compile(r"[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_MATRIX = re.compile(r"matrix\(([^)]*)\)")

ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)


def font_stack() -> str:
    """The font-family list: the family Qt's default font resolves to, then common sans fonts."""
    names = [QFontInfo(QFont()).family(), *FALLBACK_FONTS]
    seen: list[str] = []
    for n in names:
        if n and n not in seen and n.lower() not in ("sans serif", "sans-serif"):
            seen.append(n)
    return ", ".join(f"'{n}'" if " " in n else n for n in seen) + ", sans-serif"


def _num(v: float) -> str:
    if not math.isfinite(v):
        v = 0.0
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


class _Matrix:
    """An SVG matrix(a,b,c,d,e,f): x' = a·x + c·y + e, y' = b·x + d·y + f."""

    def __init__(self, a=1.0, b=0.0, c=0.0, d=1.0, e=0.0, f=0.0):
        self.a, self.b, self.c, self.d, self.e, self.f = a, b, c, d, e, f

    @classmethod
    def parse(cls, text: str | None) -> "_Matrix":
        m = _MATRIX.search(text or "")
        return cls(*map(float, m.group(1).split(","))) if m else cls()

    def then(self, outer: "_Matrix") -> "_Matrix":
        """This matrix followed by ``outer``."""
        o = outer
        return _Matrix(o.a * self.a + o.c * self.b, o.b * self.a + o.d * self.b,
                       o.a * self.c + o.c * self.d, o.b * self.c + o.d * self.d,
                       o.a * self.e + o.c * self.f + o.e, o.b * self.e + o.d * self.f + o.f)

    def map(self, x: float, y: float) -> tuple[float, float]:
        return self.a * x + self.c * y + self.e, self.b * x + self.d * y + self.f

    def axis_aligned(self) -> bool:
        return abs(self.b) < 1e-12 and abs(self.c) < 1e-12

    def translation_only(self) -> bool:
        return self.axis_aligned() and abs(self.a - 1) < 1e-9 and abs(self.d - 1) < 1e-9

    def stroke_scale(self) -> float:
        return math.sqrt(abs(self.a * self.d - self.b * self.c))

    def __str__(self) -> str:
        return "matrix(" + ",".join(_num(v) if i >= 4 else f"{v:.6g}"
                                    for i, v in enumerate((self.a, self.b, self.c, self.d, self.e, self.f))) + ")"


def _map_points(text: str, m: _Matrix) -> str:
    vals = [float(v) for v in _NUMBER.findall(text)]
    out = []
    for i in range(0, len(vals) - 1, 2):
        x, y = m.map(vals[i], vals[i + 1])
        out.append(f"{_num(x)},{_num(y)}")
    return " ".join(out)


def _map_path(d: str, m: _Matrix) -> str:
    """Map an absolute path (QSvgGenerator writes only M, L, C and Z) through the matrix."""
    out: list[str] = []
    pending: list[float] = []
    for tok in _PATH_TOKEN.findall(d):
        if tok.isalpha():
            out.append(tok.upper())
            continue
        pending.append(float(tok))
        if len(pending) == 2:
            x, y = m.map(*pending)
            out.append(f"{_num(x)},{_num(y)}")
            pending = []
    return " ".join(out)


def _rect_path(el: ET.Element, m: _Matrix) -> str:
    x, y = float(el.get("x", 0)), float(el.get("y", 0))
    w, h = float(el.get("width", 0)), float(el.get("height", 0))
    pts = [m.map(x, y), m.map(x + w, y), m.map(x + w, y + h), m.map(x, y + h)]
    return "M" + " L".join(f"{_num(px)},{_num(py)}" for px, py in pts) + " Z"


def _image_cells(el: ET.Element, m: _Matrix) -> ET.Element | None:
    """A small image (the snapshot's grid of cells) as rectangles: renderers smooth a scaled-up
    bitmap each in their own way, a rectangle they all fill alike. None for a large image."""
    href = el.get(f"{{{XLINK_NS}}}href") or el.get("href") or ""
    if not href.startswith("data:image/") or ";base64," not in href:
        return None
    img = QImage.fromData(QByteArray.fromBase64(href.split(",", 1)[1].encode("ascii")))
    if img.isNull() or img.width() * img.height() > MAX_CELLS:
        return None
    x, y = float(el.get("x", 0)), float(el.get("y", 0))
    cw, ch = float(el.get("width", img.width())) / img.width(), float(el.get("height", img.height())) / img.height()
    group = ET.Element(f"{{{SVG_NS}}}g", {"stroke": "none"})
    for row in range(img.height()):
        col = 0
        while col < img.width():
            colour = img.pixelColor(col, row)
            end = col + 1
            while end < img.width() and img.pixelColor(end, row) == colour:
                end += 1  # one rectangle for a run of equal cells
            if colour.alpha():
                cell = ET.Element(f"{{{SVG_NS}}}rect", {"x": repr(x + col * cw), "y": repr(y + row * ch),
                                                        "width": repr((end - col) * cw), "height": repr(ch),
                                                        "fill": colour.name()})
                if colour.alpha() < 255:
                    cell.set("fill-opacity", _num(colour.alphaF()))
                group.append(_flatten_shape(cell, m, None))
            col = end
    return group


def _flatten_shape(el: ET.Element, m: _Matrix, stroke_width: float | None) -> ET.Element:
    """The shape with its coordinates in page pixels (rects under a rotation or shear become paths)."""
    tag = el.tag.split("}")[-1]
    if tag in ("polyline", "polygon"):
        el.set("points", _map_points(el.get("points", ""), m))
    elif tag == "path":
        el.set("d", _map_path(el.get("d", ""), m))
    elif tag == "rect" and m.axis_aligned():
        x0, y0 = m.map(float(el.get("x", 0)), float(el.get("y", 0)))
        x1, y1 = m.map(float(el.get("x", 0)) + float(el.get("width", 0)),
                       float(el.get("y", 0)) + float(el.get("height", 0)))
        el.set("x", _num(min(x0, x1)))
        el.set("y", _num(min(y0, y1)))
        el.set("width", _num(abs(x1 - x0)))
        el.set("height", _num(abs(y1 - y0)))
    elif tag == "rect":
        attrs = {k: v for k, v in el.attrib.items() if k not in ("x", "y", "width", "height")}
        new = ET.Element(f"{{{SVG_NS}}}path", attrs)
        new.set("d", _rect_path(el, m))
        el = new
    elif tag in ("ellipse", "circle") and m.axis_aligned():
        cx, cy = m.map(float(el.get("cx", 0)), float(el.get("cy", 0)))
        el.set("cx", _num(cx))
        el.set("cy", _num(cy))
        for k, s in (("rx", m.a), ("ry", m.d), ("r", m.stroke_scale())):
            if el.get(k) is not None:
                el.set(k, _num(abs(float(el.get(k))) * abs(s)))
    elif tag == "image" and (cells := _image_cells(el, m)) is not None:
        return cells
    elif tag == "text" and m.translation_only():
        el.set("x", _num(float(el.get("x", 0)) + m.e))
        el.set("y", _num(float(el.get("y", 0)) + m.f))
        return el
    else:  # text under a rotation, images: keep their own matrix, now in page pixels
        el.set("transform", str(m))
        return el
    if el.attrib.pop("vector-effect", None) is None and stroke_width is not None:
        el.set("stroke-width", _num(stroke_width * m.stroke_scale()))  # a pen in item units
    return el


def _flatten_group(g: ET.Element, outer: _Matrix, fonts: str, out: list[ET.Element]) -> None:
    """Append to ``out`` the group's shapes, in page pixels, as groups without transforms."""
    m = _Matrix.parse(g.attrib.pop("transform", None)).then(outer)
    if g.get("font-family") is not None:
        g.set("font-family", fonts)
    width = g.get("stroke-width")
    kept = ET.Element(g.tag, g.attrib)
    for child in list(g):
        tag = child.tag.split("}")[-1]
        if tag == "g":
            if len(kept):
                out.append(kept)
                kept = ET.Element(g.tag, g.attrib)
            _flatten_group(child, m, fonts, out)
            continue
        if tag in ("title", "desc", "defs"):
            continue
        if child.get("font-family") is not None:
            child.set("font-family", fonts)
        kept.append(_flatten_shape(child, m, float(width) if width else None))
    if len(kept):
        out.append(kept)


def _clip_element(ident: str, clip: QPainterPath) -> ET.Element:
    el = ET.Element(f"{{{SVG_NS}}}clipPath", {"id": ident})
    r = clip.boundingRect()
    polys = clip.toFillPolygons()
    simple = QPainterPath()
    simple.addRect(r)
    if clip.subtracted(simple).isEmpty() and simple.subtracted(clip).isEmpty():
        ET.SubElement(el, f"{{{SVG_NS}}}rect", {"x": _num(r.x()), "y": _num(r.y()),
                                                  "width": _num(r.width()), "height": _num(r.height())})
    else:
        d = " ".join("M" + " L".join(f"{_num(p.x())},{_num(p.y())}" for p in poly) + " Z" for poly in polys)
        ET.SubElement(el, f"{{{SVG_NS}}}path", {"d": d})
    return el


class _Run:
    """One run of items sharing a clip, painted by its own QSvgGenerator."""

    def __init__(self, clip: QPainterPath | None, width: int, height: int):
        self.clip = clip
        self.buffer = QBuffer()
        self.buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        self.generator = QSvgGenerator()
        self.generator.setOutputDevice(self.buffer)
        self.generator.setResolution(round(scene_paint.SCREEN_DPI))  # the PNG's: pt sizes and QPictures agree
        self.generator.setSize(QSize(width, height))
        self.generator.setViewBox(QRect(0, 0, width, height))
        self.painter = QPainter(self.generator)
        self.painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)

    def finish(self) -> ET.Element:
        self.painter.end()
        return ET.fromstring(bytes(self.buffer.data()))


def svg_document(scene, width: int, height: int, title: str = "", description: str = "") -> bytes:
    """The scene's ``width``×``height`` pixels from its origin as a standalone SVG document."""
    runs: list[_Run] = []
    last: object = ()
    scene_paint.export_mode(scene, None, True)
    try:
        for piece in scene_paint.pieces(scene, QTransform()):
            key = piece.clip_key()
            if key != last or not runs:
                runs.append(_Run(piece.clip, width, height))
                last = key
            scene_paint.paint_piece(runs[-1].painter, piece)
    finally:
        scene_paint.export_mode(scene, None, False)
        trees = [run.finish() for run in runs]
    root = ET.Element(f"{{{SVG_NS}}}svg", {"width": str(width), "height": str(height),
                                           "viewBox": f"0 0 {width} {height}", "version": "1.1"})
    if title:
        ET.SubElement(root, f"{{{SVG_NS}}}title").text = title
    if description:
        ET.SubElement(root, f"{{{SVG_NS}}}desc").text = description
    defs = ET.SubElement(root, f"{{{SVG_NS}}}defs")
    ET.SubElement(root, f"{{{SVG_NS}}}rect", {"x": "0", "y": "0", "width": str(width), "height": str(height),
                                              "fill": QColor("white").name()})
    fonts = font_stack()
    for n, (run, tree) in enumerate(zip(runs, trees)):
        shapes: list[ET.Element] = []
        for g in tree.findall(f"{{{SVG_NS}}}g"):
            _flatten_group(g, _Matrix(), fonts, shapes)
        if not shapes:
            continue
        holder = root
        if run.clip is not None:
            ident = f"clip{n}"
            defs.append(_clip_element(ident, run.clip))
            holder = ET.SubElement(root, f"{{{SVG_NS}}}g", {"clip-path": f"url(#{ident})"})
        holder.extend(shapes)
    if not len(defs):
        root.remove(defs)
    ET.indent(root, space="")
    return b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n' + ET.tostring(root, encoding="utf-8",
                                                                                     xml_declaration=False)
