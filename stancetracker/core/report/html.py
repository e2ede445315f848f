"""The report as one self-contained HTML file that also prints cleanly.

Nothing is fetched: charts are SVG images embedded as ``data:`` URIs, the
style sheet is inline, there is no script, and a Content-Security-Policy
forbids any other load. The only links that leave the file are the sources'
own web addresses in the bibliography (plain http(s) links a reader may
follow; a browser never loads them by itself). Every element holding text
carries ``dir="auto"``, so Arabic (or any right-to-left) evidence and titles
display right to left while the page stays left to right.

Charts come from a renderer the caller gives (the core draws nothing): any
object with ``svg(request, width, height) -> bytes``.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Callable

from stancetracker import __version__
from stancetracker.core.model.errors import StanceError
from stancetracker.core.report.document import (
    Block,
    BulletList,
    Evidence,
    Figure,
    Heading,
    Paragraph,
    Report,
    Shift,
    Table,
)

_SAFE_URL = re.compile(r"^https?://[^\s\"'<>`]+$", re.IGNORECASE)

CSS = """
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", "Noto Sans", "Noto Naskh Arabic", "Segoe UI", Arial, sans-serif;
       font-size: 11pt; line-height: 1.45; color: #111; background: #fff; margin: 0; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 2rem 3rem; }
h1 { font-size: 1.7rem; margin: 0 0 .6rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .6rem; border-bottom: 1px solid #bbb; padding-bottom: .15rem; }
h3 { font-size: 1.08rem; margin: 1.3rem 0 .4rem; }
h4 { font-size: .95rem; margin: .2rem 0; }
p { margin: .35rem 0 .6rem; }
.meta { margin: .1rem 0; color: #333; font-size: .95rem; }
.note { color: #444; font-size: .9rem; }
blockquote { margin: .4rem 0 .8rem; padding: .3rem .8rem; border-inline-start: 3px solid #999; background: #f4f4f4;
             font-family: "DejaVu Sans Mono", "Noto Sans Mono", Consolas, monospace; font-size: .85rem;
             overflow-wrap: anywhere; }
figure { margin: 1rem 0 1.4rem; break-inside: avoid; page-break-inside: avoid; }
figure img { display: block; width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { font-size: .9rem; color: #333; margin-top: .3rem; }
.nochart { border: 1px dashed #999; padding: 1rem; color: #555; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .85rem; table-layout: fixed; }
caption { text-align: start; font-weight: bold; margin-bottom: .3rem; }
th, td { border: 1px solid #ccc; padding: .25rem .4rem; vertical-align: top; text-align: start;
         overflow-wrap: break-word; hyphens: auto; }
th { background: #eee; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
sup.cites { font-size: .75em; white-space: nowrap; }
a { color: #1a4d8f; }
.shift { border: 1px solid #ccc; border-radius: 4px; padding: .5rem .8rem; margin: .7rem 0; break-inside: avoid;
         page-break-inside: avoid; }
.shift .summary { font-weight: bold; margin: 0 0 .3rem; }
.shift .badge { font-weight: normal; font-size: .8rem; border: 1px solid #999; border-radius: 3px;
                padding: 0 .3rem; margin-inline-start: .4rem; }
.sides { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
.sides ul { margin: 0; padding-inline-start: 1.1rem; }
.sides li { margin-bottom: .3rem; font-size: .9rem; }
.evidence-date, .evidence-score { font-weight: bold; }
ol.notes li, p.bib { font-size: .9rem; }
p.bib { padding-inline-start: 1.5rem; text-indent: -1.5rem; }
@page { size: A4; margin: 16mm 14mm 18mm; }
@media print {
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  section { break-before: page; page-break-before: always; }
  header + section { break-before: auto; page-break-before: auto; }  /* the charts follow the title */
  table { font-size: 7.5pt; }
  th, td { padding: .15rem .25rem; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  figure img { border: none; }
}
"""


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _text(text: str) -> str:
    """Escaped text with its line breaks kept."""
    return "<br>".join(_esc(line) for line in text.split("\n"))


def _id(anchor: str) -> str:
    return f' id="{_esc(anchor)}"' if anchor else ""


def _cites(numbers: tuple[int, ...], known: set[int]) -> str:
    shown = [n for n in numbers if n]
    if not shown:
        return ""
    links = ", ".join(f'<a href="#cite-{n}">{n}</a>' if n in known else str(n) for n in shown)
    return f' <sup class="cites">[{links}]</sup>'


class HtmlWriter:
    """Renders one report; ``charts`` draws the figures (None: each figure is named, not drawn)."""

    def __init__(self, report: Report, charts=None, on_figure: Callable[[], None] | None = None):
        self.report = report
        self.charts = charts
        self.on_figure = on_figure
        self.known = {c.number for c in report.citations}
        self.cite_source = {f"cite-{c.number}": c.source_slug for c in report.citations}
        self.entry_urls = {f"src-{e.key}": e.url for e in report.sources}
        self.sources = {e.key for e in report.sources}

    def render(self) -> str:
        r = self.report
        out = ["<!DOCTYPE html>",
               f'<html lang="{_esc(r.language or "en")}" dir="ltr">', "<head>", '<meta charset="utf-8">',
               # Nothing outside this file may be loaded: images only from data: URIs, the inline style only.
               '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; '
               'style-src \'unsafe-inline\'">',
               '<meta name="viewport" content="width=device-width, initial-scale=1">',
               f'<meta name="generator" content="stancetracker {_esc(__version__)}">',
               f'<meta name="stancetracker-data-version" content="{_esc(r.data_version)}">',
               f'<title dir="auto">{_esc(r.title)}</title>', f"<style>{CSS}</style>", "</head>", "<body>", "<main>"]
        open_section = "header"
        out.append('<header class="title-block">')
        for block in r.blocks:
            if isinstance(block, Heading) and block.level == 2:
                out.append(f"</{open_section}>")
                out.append(f"<section{_id(block.anchor)}>")
                open_section = "section"
            out.append(self.block(block))
        out += [f"</{open_section}>", "</main>", "</body>", "</html>", ""]
        return "\n".join(out)

    def block(self, b: Block) -> str:
        if isinstance(b, Heading):
            level = min(max(b.level, 1), 4)
            return f'<h{level} dir="auto"{_id(b.anchor if b.level != 2 else "")}>{_esc(b.text)}</h{level}>'
        if isinstance(b, Paragraph):
            return self.paragraph(b)
        if isinstance(b, Figure):
            return self.figure(b)
        if isinstance(b, Table):
            return self.table(b)
        if isinstance(b, BulletList):
            return self.bullets(b)
        if isinstance(b, Shift):
            return self.shift(b)
        raise TypeError(f"no HTML for {type(b).__name__}")

    def paragraph(self, p: Paragraph) -> str:
        body = _text(p.text)
        if p.anchor in self.entry_urls:
            url = self.entry_urls[p.anchor]
            if url and _SAFE_URL.match(url) and _esc(url) in body:
                link = f'<a href="{_esc(url)}" rel="noreferrer">{_esc(url)}</a>'
                body = body.replace(_esc(url), link, 1)
            return f'<p dir="auto" class="bib"{_id(p.anchor)}>{body}</p>'
        if p.style == "quote":
            return f'<blockquote dir="auto"{_id(p.anchor)}>{body}{_cites(p.cites, self.known)}</blockquote>'
        cls = f' class="{_esc(p.style)}"' if p.style else ""
        return f'<p dir="auto"{cls}{_id(p.anchor)}>{body}{_cites(p.cites, self.known)}</p>'

    def figure(self, f: Figure) -> str:
        caption = f'<figcaption dir="auto">{_esc(f.caption)}</figcaption>'
        alt = f.alt or f.caption
        if self.charts is None:
            return f'<figure><div class="nochart" dir="auto">Chart not drawn: {_esc(alt)}</div>{caption}</figure>'
        try:
            svg = self.charts.svg(f.request, f.width, f.height)
        except StanceError as err:
            return (f'<figure><div class="nochart" dir="auto">This chart could not be drawn: {_esc(str(err))}'
                    f"</div>{caption}</figure>")
        finally:
            if self.on_figure is not None:
                self.on_figure()
        data = base64.b64encode(svg).decode("ascii")
        return (f'<figure><img src="data:image/svg+xml;base64,{data}" width="{f.width}" height="{f.height}" '
                f'alt="{_esc(alt)}">{caption}</figure>')

    def table(self, t: Table) -> str:
        out = ["<table>"]
        if t.caption:
            out.append(f'<caption dir="auto">{_esc(t.caption)}</caption>')
        if t.widths and len(t.widths) == len(t.columns):
            total = sum(t.widths) or 1
            out.append("<colgroup>" + "".join(f'<col style="width:{100 * w / total:.1f}%">' for w in t.widths)
                       + "</colgroup>")
        out.append("<thead><tr>" + "".join(f'<th scope="col" dir="auto">{_esc(c)}</th>' for c in t.columns)
                   + "</tr></thead>")
        out.append("<tbody>")
        for i, row in enumerate(t.rows):
            rid = t.row_ids[i] if i < len(t.row_ids) else ""
            cites = t.cites[i] if i < len(t.cites) else ()
            cells = [_text(c) for c in row]
            if cells:
                cells[-1] += _cites(cites, self.known)
            attrs = f' id="record-{_esc(rid)}" data-uuid="{_esc(rid)}"' if rid else ""
            out.append(f"<tr{attrs}>" + "".join(f'<td dir="auto">{c}</td>' for c in cells) + "</tr>")
        out.append("</tbody></table>")
        return "\n".join(out)

    def bullets(self, b: BulletList) -> str:
        tag = "ol" if b.numbered else "ul"
        notes = bool(b.anchors) and all(a in self.cite_source for a in b.anchors if a)
        items = []
        for i, item in enumerate(b.items):
            anchor = b.anchors[i] if i < len(b.anchors) else ""
            body = _text(item)
            slug = self.cite_source.get(anchor)
            if slug in self.sources:  # a note links to its bibliography entry
                body = f'<a href="#src-{_esc(slug)}">{body}</a>'
            items.append(f'<li dir="auto"{_id(anchor)}>{body}</li>')
        cls = ' class="notes"' if notes else ""
        return f"<{tag}{cls}>" + "".join(items) + f"</{tag}>"

    def shift(self, s: Shift) -> str:
        badge = '<span class="badge">change of sign</span>' if s.sign_change else ""
        return ('<div class="shift">'
                f'<p dir="auto" class="summary">{_esc(s.summary)}{badge}</p><div class="sides">'
                + self._side("Before", s.before) + self._side("After", s.after) + "</div></div>")

    def _side(self, title: str, evidence: tuple[Evidence, ...]) -> str:
        items = "".join(
            f'<li dir="auto"><span class="evidence-date">{_esc(e.date)}</span> · '
            f'<span class="evidence-score">{_esc(e.score)}</span>: {_text(e.text)}'
            f"{_cites((e.cite,), self.known)}</li>" for e in evidence)
        return f'<div><h4 dir="auto">{title}</h4><ul>{items}</ul></div>'


def render_html(report: Report, charts=None, on_figure: Callable[[], None] | None = None) -> str:
    """The whole HTML document of a report."""
    return HtmlWriter(report, charts, on_figure).render()


__all__ = ["CSS", "HtmlWriter", "render_html"]
