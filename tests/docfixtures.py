"""Small document files built in the tests, so no binary fixture is checked in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path


def _pdf_string(text: str) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.encode("latin-1") + b")"


def _content(lines: list[str]) -> bytes:
    """A page's drawing: the lines in Helvetica, or, with no lines, a grey box like a scan."""
    if not lines:
        return b"0.5 g 72 72 468 648 re f"
    shown = b" T* ".join(_pdf_string(line) + b" Tj" for line in lines)
    return b"BT /F1 12 Tf 14 TL 72 720 Td " + shown + b" ET"


def pdf_bytes(pages: list[list[str]], info: dict[str, str] | None = None, lang: str = "") -> bytes:
    """A valid PDF: one page per list of text lines (an empty list draws no text).

    ``info`` becomes the document information dictionary (``{"Title": ...}``).
    Objects: 1 catalog, 2 page tree, 3 font, then a page and its content per page,
    then the information dictionary.
    """
    n = len(pages)
    kids = b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(n))
    catalog = b"<< /Type /Catalog /Pages 2 0 R" + (b" /Lang " + _pdf_string(lang) if lang else b"") + b" >>"
    objects = [
        catalog,
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, lines in enumerate(pages):
        stream = _content(lines)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (5 + 2 * i))
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    entries = b" ".join(b"/" + k.encode() + b" " + _pdf_string(v) for k, v in (info or {}).items())
    objects.append(b"<< " + entries + b" >>")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += (b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, len(objects), xref))
    return bytes(out)


def write_docx(path: Path, *, title: str = "", author: str = "", created: dt.datetime | None = None,
               language: str = "", heading: str = "", paragraphs: Sequence[str] = (),
               table: list[list[str]] | None = None, after_table: str = "") -> Path:
    """A .docx made with python-docx: optional heading, paragraphs, a table, a closing paragraph."""
    from docx import Document

    doc = Document()
    props = doc.core_properties
    props.title, props.author, props.language = title, author, language
    props.created = created or dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
    if heading:
        doc.add_heading(heading, level=1)
    for text in paragraphs:
        doc.add_paragraph(text)
    if table:
        grid = doc.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    if after_table:
        doc.add_paragraph(after_table)
    doc.save(path)
    return path


ARTICLE_HTML = """<!DOCTYPE html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <title>Cleric rejects the deal | Example News</title>
  <meta property="og:title" content="Cleric rejects the  deal">
  <meta property="og:site_name" content="Example News">
  <meta property="og:url" content="https://example.org/og-url">
  <meta name="author" content="Jane Reporter">
  <meta property="article:published_time" content="2021-11-07T09:30:00+03:00">
  <link rel="canonical" href="https://example.org/2021/11/cleric-rejects-deal">
  <style>body { font-family: sans-serif; } .nav-menu { color: red; }</style>
  <script>var tracking = "SCRIPT-TEXT-HEAD";</script>
</head>
<body>
  <div id="cookie-banner">We use cookies. <button>Accept all</button></div>
  <header class="site-header"><a href="/">Example News home</a></header>
  <nav class="nav-menu"><ul><li>World</li><li>Politics</li><li>Sport</li></ul></nav>
  <main>
    <article>
      <header>
        <h1>Cleric rejects the deal</h1>
        <p class="byline">By <a href="/jane">Jane Reporter</a>,
          <time datetime="2021-11-06">6 November 2021</time></p>
      </header>
      <p>The cleric said on <b>Sunday</b> that the
         proposed   deal was "unacceptable".</p>
      <script>document.write("SCRIPT-TEXT-BODY")</script>
      <p>He called for new elections.<br>Supporters gathered outside.</p>
      <div class="share-bar">Share on Facebook Share on X</div>
      <blockquote>We will not accept it.</blockquote>
      <ul><li>First point</li><li>Second point</li></ul>
      <p>قال الصدر إن الاتفاق مرفوض.</p>
      <div class="related-links"><a href="/x">Related: other story</a></div>
    </article>
    <aside>Most read: something else</aside>
  </main>
  <footer>Copyright Example News</footer>
</body>
</html>
"""

MARKDOWN = """---
title: "Statement on the elections"
author: Ali Writer
date: 2022-03
url: https://example.org/statement
publisher: Example Press
---

# Heading that is not the title

Some **bold** and *emphasised* words with a [link text](https://example.org/x).

## Second section

- item one
- item `two`

> A quoted line.
"""
