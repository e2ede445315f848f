"""The Word writer: a :class:`Report` as a .docx with real headings, tables and pictures (python-docx).

Headings use Word's Heading 1–3 styles (so the navigation pane and a table of
contents find them), tables are Word tables whose header row repeats on every
page, charts are PNG pictures fitted to the page width, and each paragraph or
cell whose text starts right to left (Arabic, Hebrew) is marked so in the XML
(``w:bidi`` on the paragraph, ``w:rtl`` on its runs). The images come from a
callable the caller passes in, so this module stays free of Qt.
"""

from __future__ import annotations

import datetime as _dt
import io
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor

from stancetracker.core.files import outputs
from stancetracker.core.report.bidi import is_rtl
from stancetracker.core.report.document import (BulletList, Figure, Heading, Paragraph, Report, Shift, Table)

Images = Callable[[Figure], "bytes | None"]  # None: the chart could not be drawn (its caption stays)

PAGE_WIDTH, PAGE_HEIGHT = Cm(21.0), Cm(29.7)  # A4
MARGIN = Cm(2.0)
BODY_FONT = "Calibri"
# Word takes the complex-script font for Arabic runs; this one has Arabic glyphs on every system Word runs on.
CS_FONT = "Arial"
GREY = RGBColor(0x55, 0x55, 0x55)
_PARAGRAPH_STYLES = {"": "Normal", "meta": "Normal", "note": "Normal", "quote": "Quote"}
_SMALL = {"meta": Pt(9.5), "note": Pt(8.5)}
_EMU_PER_PX = 914400 // 96


def cite_text(cites: Iterable[int]) -> str:
    """The citation mark printed after a text: "[3]" or "[3, 7]" ("" when it cites nothing)."""
    nums = list(cites)
    return f"[{', '.join(str(n) for n in nums)}]" if nums else ""


def with_cites(text: str, cites: Iterable[int]) -> str:
    mark = cite_text(cites)
    return f"{text} {mark}" if mark and text else (mark or text)


def write_docx(report: Report, path_or_stream: Path | str | IO[bytes], images: Images) -> None:
    """Write ``report`` as a Word document to a file (by core/files/outputs.py's rule) or a binary stream."""
    doc = _document(report)
    _DocxWriter(doc, images).blocks(report.blocks)
    if hasattr(path_or_stream, "write"):
        doc.save(path_or_stream)
        return
    buf = io.BytesIO()
    doc.save(buf)
    with outputs.open_output(path_or_stream, mode="wb", option="") as fh:
        fh.write(buf.getvalue())


def _document(report: Report) -> docx.document.Document:
    doc = docx.Document()
    props = doc.core_properties
    props.title = report.title
    created = report.created
    if created.tzinfo is not None:  # the file format stores UTC
        created = created.astimezone(_dt.timezone.utc).replace(tzinfo=None)
    props.created = props.modified = created
    props.language = report.language
    props.subject = "stancetracker report"
    if report.data_version:
        props.identifier = report.data_version
    if report.command_line:
        props.comments = report.command_line
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(10.5)
    _rfonts(normal.element.get_or_add_rPr()).set(qn("w:cs"), CS_FONT)
    _page_number_footer(section)
    return doc


def _rfonts(rpr) -> OxmlElement:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    return fonts


def _page_number_footer(section) -> None:
    """"Page N of M" in the footer, as Word fields (updated by Word as it lays the pages out)."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text, field in (("Page ", None), (None, "PAGE"), (" of ", None), (None, "NUMPAGES")):
        if text is not None:
            run = p.add_run(text)
            run.font.size, run.font.color.rgb = Pt(8.5), GREY
            continue
        fld = OxmlElement("w:fldSimple")
        fld.set(qn("w:instr"), field)
        r = OxmlElement("w:r")
        t = OxmlElement("w:t")
        t.text = "1"
        r.append(t)
        fld.append(r)
        p.paragraph_format.element.append(fld)


# What follows w:bidi in a w:pPr: Word rejects children out of the schema's order.
_AFTER_BIDI = {qn(f"w:{t}") for t in ("adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
                                       "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
                                       "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr",
                                       "pPrChange")}


def _mark_rtl(p_element, runs) -> None:
    """Right-to-left paragraph: w:bidi on the paragraph, w:rtl on each run."""
    ppr = p_element.get_or_add_pPr()
    if ppr.find(qn("w:bidi")) is None:
        later = next((i for i, child in enumerate(ppr) if child.tag in _AFTER_BIDI), len(ppr))
        ppr.insert(later, OxmlElement("w:bidi"))
    for r in runs:
        r.get_or_add_rPr().get_or_add_rtl()  # python-docx places w:rtl where the schema wants it


class _DocxWriter:
    """Walks the blocks in order; one method per block type."""

    def __init__(self, doc: docx.document.Document, images: Images):
        self.doc = doc
        self.images = images
        section = doc.sections[0]
        self.text_width = section.page_width - section.left_margin - section.right_margin
        self.text_height = section.page_height - section.top_margin - section.bottom_margin
        self._style_ids: dict[str, str] = {}

    def blocks(self, blocks: Iterable) -> None:
        for block in blocks:
            handler = {Heading: self.heading, Paragraph: self.paragraph, Figure: self.figure, Table: self.table,
                       BulletList: self.bullets, Shift: self.shift}.get(type(block))
            if handler is None:
                raise TypeError(f"the DOCX writer cannot render a {type(block).__name__}")
            handler(block)

    def _style_id(self, name: str) -> str:
        # python-docx finds a style by name with a scan of every style, per paragraph: once per name here.
        if name not in self._style_ids:
            self._style_ids[name] = self.doc.styles[name].style_id
        return self._style_ids[name]

    def _para(self, text: str, style: str = "Normal", rtl: bool | None = None):
        p = self.doc.add_paragraph()
        if style != "Normal":
            p.paragraph_format.element.style = self._style_id(style)
        run = p.add_run(text)
        if rtl if rtl is not None else is_rtl(text):
            _mark_rtl(p.paragraph_format.element, [run.element])
        return p, run

    def heading(self, h: Heading) -> None:
        level = min(max(h.level, 1), 3)
        p, _ = self._para(h.text, f"Heading {level}")
        if h.anchor:
            _bookmark(p.paragraph_format.element, h.anchor)

    def paragraph(self, para: Paragraph) -> None:
        p, run = self._para(with_cites(para.text, para.cites), _PARAGRAPH_STYLES.get(para.style, "Normal"),
                            is_rtl(para.text))
        if para.style in _SMALL:
            run.font.size = _SMALL[para.style]
            run.font.color.rgb = GREY
            p.paragraph_format.space_after = Pt(2)

    def figure(self, fig: Figure) -> None:
        png = self.images(fig)
        if png is None:
            if fig.caption:
                self._para(fig.caption, "Caption")
            return
        width = min(self.text_width, Emu(fig.width * _EMU_PER_PX))
        # A chart taller than two thirds of the page is shrunk so its caption stays beside it.
        height = Emu(int(width * fig.height / max(1, fig.width)))
        limit = Emu(int(self.text_height * 2 / 3))
        if height > limit:
            width, height = Emu(int(width * limit / height)), limit
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.keep_with_next = True
        p.add_run().add_picture(io.BytesIO(png), width=width, height=height)
        doc_pr = p.paragraph_format.element.find(".//" + qn("wp:docPr"))
        if doc_pr is not None:
            doc_pr.set("descr", fig.alt or fig.caption)
            doc_pr.set("title", fig.caption)
        if fig.caption:
            self._para(fig.caption, "Caption")

    def bullets(self, lst: BulletList) -> None:
        if not lst.numbered:
            for item in lst.items:
                self._para(item, "List Bullet")
            return
        # Numbers written out, not Word's list numbering, which runs on from one numbered list to the
        # next: the notes must read 1, 2, 3 … so that each "[n]" finds its note.
        for n, item in enumerate(lst.items, 1):
            p, _ = self._para(f"{n}. {item}", "Normal", is_rtl(item))
            p.paragraph_format.left_indent = Cm(0.9)
            p.paragraph_format.first_line_indent = Cm(-0.9)
            p.paragraph_format.space_after = Pt(1)

    def shift(self, sh: Shift) -> None:
        p, run = self._para(sh.summary)
        run.bold = True
        p.paragraph_format.keep_with_next = True
        p.paragraph_format.space_before = Pt(6)
        for side, evidence in (("Before", sh.before), ("After", sh.after)):
            for ev in evidence:
                text = f"{side} · {ev.date} · {ev.score}: {ev.text}"
                self._para(with_cites(text, [ev.cite]), "List Bullet", is_rtl(ev.text))

    def table(self, tb: Table) -> None:
        if tb.caption:
            cap, _ = self._para(tb.caption, "Caption")
            cap.paragraph_format.keep_with_next = True
        ncols = len(tb.columns)
        table = self.doc.add_table(rows=0, cols=ncols)
        table.style = self.doc.styles["Table Grid"]
        table.autofit = False  # a fixed layout: Word keeps the report's column widths
        widths = self._widths(tb, ncols)
        for col, w in zip(table.columns, widths):
            col.width = w
        tbl = self.doc.element.body.xpath("./w:tbl")[-1]  # the table just added
        tbl.append(_row(tb.columns, widths, header=True))
        for i, row in enumerate(tb.rows):
            cells = list(row)
            cites = tb.cites[i] if i < len(tb.cites) else ()
            if cites and cells:  # the citation follows the row's last text, as after a paragraph
                cells[-1] = with_cites(cells[-1], cites)
            tbl.append(_row(cells, widths))
        self.doc.add_paragraph()  # Word joins two tables that touch; a blank line keeps them apart

    def _widths(self, tb: Table, ncols: int) -> list[Emu]:
        rel = list(tb.widths) if len(tb.widths) == ncols and sum(tb.widths) > 0 else [1.0] * ncols
        total = sum(rel)
        return [Emu(int(self.text_width * r / total)) for r in rel]


def _bookmark(p_element, name: str) -> None:
    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), str(abs(hash(name)) % 10**6))
    start.set(qn("w:name"), name[:40])
    end.set(qn("w:id"), start.get(qn("w:id")))
    p_element.insert(1 if p_element.pPr is not None else 0, start)
    p_element.append(end)


def _row(cells: Iterable[str], widths: list[Emu], header: bool = False) -> OxmlElement:
    """A table row built as XML: python-docx's cell lookups are linear, too slow for long tables."""
    tr = OxmlElement("w:tr")
    trpr = OxmlElement("w:trPr")
    trpr.append(OxmlElement("w:cantSplit"))
    if header:
        trpr.append(OxmlElement("w:tblHeader"))  # repeated at the top of every page the table spans
    tr.append(trpr)
    for text, width in zip(cells, widths):
        tc = OxmlElement("w:tc")
        tcpr = OxmlElement("w:tcPr")
        tcw = OxmlElement("w:tcW")
        tcw.set(qn("w:w"), str(int(width / 635)))  # twentieths of a point
        tcw.set(qn("w:type"), "dxa")
        tcpr.append(tcw)
        if header:
            shd = OxmlElement("w:shd")
            shd.set(qn("w:val"), "clear")
            shd.set(qn("w:fill"), "E8E8E8")
            tcpr.append(shd)
        tc.append(tcpr)
        rtl = is_rtl(text)
        for line in str(text).split("\n") or [""]:
            p = OxmlElement("w:p")
            ppr = OxmlElement("w:pPr")
            if rtl:
                ppr.append(OxmlElement("w:bidi"))
            spacing = OxmlElement("w:spacing")
            spacing.set(qn("w:after"), "0")
            ppr.append(spacing)
            p.append(ppr)
            r = OxmlElement("w:r")
            rpr = OxmlElement("w:rPr")
            if header:
                rpr.append(OxmlElement("w:b"))
            for tag in ("w:sz", "w:szCs"):  # 8.5 pt: a seven-column table fits an A4 page
                size = OxmlElement(tag)
                size.set(qn("w:val"), "17")
                rpr.append(size)
            if rtl:
                rpr.append(OxmlElement("w:rtl"))
            r.append(rpr)
            t = OxmlElement("w:t")
            t.set(qn("xml:space"), "preserve")
            t.text = line
            r.append(t)
            p.append(r)
            tc.append(p)
        tr.append(tc)
    return tr


__all__ = ["cite_text", "with_cites", "write_docx"]
