"""Markdown read into text and metadata: front matter, then CommonMark through pulldown-cmark.

Python-Markdown's time grows faster than the file on nested brackets, ``[a](<``
repeated and deep lists (minutes for 150 KB). pulldown-cmark (the Rust parser
behind ``pyromark``) is built to stay linear: 5 MB of any of those takes well
under a second here. The HTML it writes is read by the web-page reader, whose
limits on elements and depth apply to it as well.
"""

from __future__ import annotations

import re
from pathlib import Path

from stancetracker.core.exchange.documents.base import DocumentError, DocumentText, first_date, library
from stancetracker.core.exchange.documents.from_html import MAX_TAGS, html_text, inline_text, parse_html

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_FIELD = re.compile(r"^([A-Za-z][\w-]{0,40})[ \t]*:[ \t]*(.*?)[ \t]*$")


def front_matter(source: str) -> tuple[dict[str, str], str]:
    """``key: value`` lines of a leading ``---`` block, and the Markdown after it.

    Read as simple lines, not YAML: the few fields used here are plain values.
    A leading ``---`` block without any such line is a horizontal rule, not front matter.
    """
    m = _FRONT_MATTER.match(source)
    if not m:
        return {}, source
    fields: dict[str, str] = {}
    for line in m.group(1).split("\n"):
        f = _FIELD.match(line)
        if f and _unquote(f.group(2)):
            fields.setdefault(f.group(1).lower(), _unquote(f.group(2)))
    return (fields, source[m.end():]) if fields else ({}, source)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1].strip()
    return value


# Quotes and list items opened on one line, ``> > > - 1. …``: fifty is past any real document, and
# each level costs the parser and its HTML far more than a character of prose. Possessive
# repeats, so a line that falls short is given up at once rather than backtracked.
MAX_NESTING = 50
_DEEP_LINE = re.compile(r"^[ \t]*+(?:(?:>[ \t]*+|(?:[-+*]|\d{1,9}[.)])[ \t]++)){%d}" % (MAX_NESTING + 1), re.M)


def read_markdown(path: Path, source: str) -> DocumentText:
    pyromark = library("pyromark", path)
    source = source.replace("\r\n", "\n").replace("\r", "\n")
    deep = _DEEP_LINE.search(source)
    if deep:
        line = source.count("\n", 0, deep.start()) + 1
        raise DocumentError(path, f"line {line:,} opens more than {MAX_NESTING} quotes or lists inside each "
                                  "other; it is not an ordinary Markdown document (save it as .txt to read it as text)")
    fields, body = front_matter(source)
    # Twice a web page's elements: this HTML is flat, well formed and has no furniture to weigh,
    # and ordinary prose with some emphasis makes about 35,000 elements a megabyte.
    root = parse_html(pyromark.html(body, options=pyromark.Options.ENABLE_TABLES), path, "Markdown document",
                      max_tags=2 * MAX_TAGS)
    title = fields.get("title") or inline_text(next(root.iter("h1"), None))
    doc = DocumentText(
        html_text(root, path), "markdown", path.name,
        title=title,
        author=fields.get("author", ""),
        publisher=fields.get("publisher", ""),
        url=fields.get("url", ""),
        language=fields.get("language") or fields.get("lang", ""),
    )
    first_date(doc, (fields.get("published") or fields.get("date"),))
    return doc
