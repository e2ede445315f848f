"""The format-neutral shape of a report: blocks the HTML, PDF and DOCX writers render alike.

The builder turns the records in scope into a :class:`Report`; each writer walks
``Report.blocks`` in order and renders every block type. Texts are plain
Unicode (no markup): writers escape them and set their direction from the text
itself (right-to-left scripts such as Arabic display right to left).
Charts are not drawn here (the core is Qt-free): a :class:`Figure` carries the
chart request, and the writer asks a renderer it was given for the image.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from stancetracker.core.analysis.request import ChartRequest
from stancetracker.core.db.query import RecordFilter


@dataclass(frozen=True)
class Heading:
    """A section heading; level 1 is the report title, 2 a section, 3 a subsection."""

    level: int
    text: str
    anchor: str = ""  # an id for links inside the report ("sources", "method" …)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of text, with the citation numbers it cites shown after it ("[3, 7]")."""

    text: str
    cites: tuple[int, ...] = ()
    style: str = ""  # "" body, "meta" (small title-block lines), "note" (small print), "quote"
    anchor: str = ""  # an id links inside the report point at (a bibliography entry: "src-<key>")


@dataclass(frozen=True)
class Figure:
    """A chart: what to draw, its caption, and its size in pixels at 96 dpi."""

    request: ChartRequest
    caption: str
    width: int = 1200
    height: int = 700
    alt: str = ""  # a text alternative (screen readers, DOCX alt text)


@dataclass(frozen=True)
class Table:
    """A table with a header row; ``cites[i]`` are the citation numbers of row i.

    ``row_ids[i]`` is the record UUID behind row i ("" for rows not from one record);
    writers keep it (HTML: an id attribute) so a reader can trace each row.
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    cites: tuple[tuple[int, ...], ...] = ()
    row_ids: tuple[str, ...] = ()
    caption: str = ""
    widths: tuple[float, ...] = ()  # relative column widths (sum ~1); empty: writer decides


@dataclass(frozen=True)
class BulletList:
    items: tuple[str, ...]
    numbered: bool = False
    anchors: tuple[str, ...] = ()  # an id per item ("" for none): the notes list gives "cite-<n>"


@dataclass(frozen=True)
class Shift:
    """One shift in "what changed": a summary line and the evidence on each side."""

    summary: str  # e.g. "Muqtada al-Sadr on Iran: +1 (pro-Iran) on 2008 → −2 (strongly anti-Iran) on 2019"
    before: tuple["Evidence", ...]
    after: tuple["Evidence", ...]
    sign_change: bool = False


@dataclass(frozen=True)
class Evidence:
    """A record's evidence as quoted in the report, with its citation number."""

    date: str
    score: str
    text: str
    cite: int


Block = Heading | Paragraph | Figure | Table | BulletList | Shift


@dataclass(frozen=True)
class Citation:
    """A numbered citation of the report: a source and a locator in it ("[3] Sadr 2023, para. 4")."""

    number: int
    source_slug: str
    locator: str
    text: str  # the short form printed in notes: "Author Year, locator"


@dataclass(frozen=True)
class SourceEntry:
    """One bibliography entry: its author–date text, a citation key, and CSL-JSON."""

    key: str  # BibTeX / CSL id, stable for a source (derived from its slug)
    text: str  # the formatted author–date entry
    csl: dict = field(default_factory=dict)
    url: str = ""


@dataclass(frozen=True)
class Report:
    """A whole report, ready for any writer."""

    title: str
    created: _dt.datetime
    blocks: tuple[Block, ...]
    citations: tuple[Citation, ...] = ()
    sources: tuple[SourceEntry, ...] = ()
    record_uuids: tuple[str, ...] = ()  # every record in scope
    data_version: str = ""  # a hash of the records in scope
    command_line: str = ""  # the command that reproduces the report
    language: str = "en"
    flt: RecordFilter | None = None  # the filter selecting the records in scope (the replication CSV is its export)
