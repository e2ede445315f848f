"""Writing a REFI-QDA project (``.qdpx``): sources with text, coded passages, the codebook, cases, notes, users.

Each coded passage becomes a plain-text selection; each record on it a
coding with the code of its dimension and level (``Iran › +1 pro-Iran``),
its evidence a note; actors become cases that list their selections.
Records not coded from a passage have no words to select and are counted,
not written. See docs/formats.md, "REFI-QDA".
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from stancetracker import __version__
from stancetracker.core.db import passage_rows
from stancetracker.core.db.query import RecordFilter, RecordRow
from stancetracker.core.db.store import Store
from stancetracker.core.exchange.qdpx.model import (
    Element,
    LEVELS,
    NS,
    QDE,
    count,
    guid,
    level_name,
    level_texts,
    nearest_level,
)
from stancetracker.core.files.outputs import Guarded, open_output
from stancetracker.core.model.entities import Dimension, fmt_score
from stancetracker.core.model.progress import Progress, tick

_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# A stancetracker record's details in its evidence note's Description, read back by the importer.
NOTE_HEADER = "stancetracker record"


@dataclass
class ExportSummary:
    """What a .qdpx holds, and what was left out."""

    sources: int = 0
    selections: int = 0
    codings: int = 0
    cases: int = 0
    notes: int = 0
    users: int = 0
    not_on_passage: int = 0   # records with no passage: nothing to select
    lost_passages: int = 0    # passages whose words are no longer found in their text
    skipped: list[str] = field(default_factory=list)

    def text(self) -> str:
        parts = [count(self.sources, "text sources"), count(self.selections, "selections"),
                 count(self.codings, "codings"), count(self.cases, "cases"), count(self.notes, "notes"),
                 count(self.users, "users")]
        left = []
        if self.not_on_passage:
            left.append(f"{self.not_on_passage:,} records not coded from a passage")
        if self.lost_passages:
            left.append(count(self.lost_passages, "lost passages"))
        return ", ".join(parts) + (f" (left out: {', '.join(left)})" if left else "")


def coding_guid(uuid: str) -> str:
    """A record's coding keeps the record's own UUID, so an import can recognise it."""
    return uuid if _GUID.match(uuid) else guid("record", uuid)


def _el(parent: Element, name: str, attrs: dict | None = None, text: str | None = None) -> Element:
    e = etree.SubElement(parent, f"{{{NS}}}{name}", {k: str(v) for k, v in (attrs or {}).items() if v is not None})
    if text is not None:
        e.text = text
    return e


def _xml_text(text: str) -> str:
    """Text XML 1.0 can hold (the database refuses most control characters; this drops the rest)."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", text)


def _timestamp(value: str) -> str | None:
    return value if re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$", value or "") else None


def source_description(src) -> str:
    """The source's metadata as 'key: value' lines, which the importer reads back."""
    lines = [("publisher", src.publisher), ("author", src.author), ("url", src.url),
             ("published", src.published.short() if src.published else ""), ("kind", src.kind),
             ("language", src.language), ("slug", src.slug)]
    return "\n".join(f"{k}: {v}" for k, v in lines if v)


def record_description(r: RecordRow) -> str:
    lines = [NOTE_HEADER, f"date: {r.date.short() if r.date else ''}", f"score: {r.score!r}",
             f"confidence: {r.confidence}", f"actor: {r.actor}", f"dimension: {r.dimension}"]
    if r.locator:
        lines.append(f"locator: {r.locator}")
    return "\n".join(lines)


def _codebook(root: Element, dims: list[Dimension]) -> dict[tuple[str, int], str]:
    """The Dimension › level codes; returns (dimension slug, level) -> code GUID."""
    codes = _el(_el(root, "CodeBook"), "Codes")
    found = {}
    for d in dims:
        top = _el(codes, "Code", {"guid": guid("dimension", d.slug), "name": d.label, "isCodable": "false"})
        about = [x for x in (d.question, f"−2: {d.neg_pole}" if d.neg_pole else "",
                             f"+2: {d.pos_pole}" if d.pos_pole else "") if x]
        if about:
            _el(top, "Description", text=_xml_text("\n".join(about)))
        texts = level_texts(d)
        for lvl in LEVELS:
            g = guid("level", d.slug, lvl)
            code = _el(top, "Code", {"guid": g, "name": level_name(d, lvl), "isCodable": "true"})
            if texts.get(lvl):
                _el(code, "Description", text=_xml_text(texts[lvl]))
            found[(d.slug, lvl)] = g
    return found


def build_project(store: Store, flt: RecordFilter | None = None, *, name: str = "stancetracker project",
                  progress: Progress | None = None) -> tuple[Element, dict[str, str], ExportSummary]:
    """The project.qde tree and the source texts to put beside it (archive name -> text)."""
    flt = flt or RecordFilter()
    summary = ExportSummary()
    records = {r.uuid: r for r in store.records(flt)}
    dims = store.dimensions()
    actors = {a.slug: a for a in store.actors()}
    sources = {s.slug: s for s in store.sources()}
    with_text = [slug for slug, _title, _n in passage_rows.document_list(store)]
    cited = {r.source for r in records.values() if r.source}
    if not flt.is_empty():
        with_text = [s for s in with_text if s in cited]

    root = etree.Element(f"{{{NS}}}Project", nsmap={None: NS})
    root.set("name", name)
    root.set("origin", f"stancetracker {__version__}")
    users_el = _el(root, "Users")
    codes = _codebook(root, dims)
    cases_el = _el(root, "Cases")
    sources_el = _el(root, "Sources")
    notes_el = _el(root, "Notes")
    users: dict[str, str] = {}
    case_selections: dict[str, list[str]] = {}
    texts: dict[str, str] = {}
    on_passage: set[str] = set()

    def user(coder: str) -> str:
        if coder not in users:
            users[coder] = guid("user", coder)
            _el(users_el, "User", {"guid": users[coder], "name": coder})
        return users[coder]

    for i, slug in enumerate(with_text):
        tick(progress, i, len(with_text), "export cancelled")
        src = sources[slug]
        _id, text, _pages = passage_rows.source_text_row(store, slug)
        text_guid = guid("text", slug)
        texts[f"Sources/{text_guid}.txt"] = text  # not XML: written as stored, so offsets stay exact
        el = _el(sources_el, "TextSource", {"guid": guid("source", slug), "name": _xml_text(src.title),
                                            "plainTextPath": f"internal://{text_guid}.txt"})
        if desc := source_description(src):
            _el(el, "Description", text=_xml_text(desc))
        summary.sources += 1
        for row in passage_rows.passage_rows(store, slug, None):
            pid, _s, start, end, quote, _prefix, _suffix, _page, lost, _live = row
            recs = [records[u] for u in passage_rows.passage_record_uuids(store, pid) if u in records]
            on_passage.update(r.uuid for r in recs)
            if lost:
                summary.lost_passages += 1
                continue
            if not recs and not flt.is_empty():
                continue
            sel_guid = guid("selection", slug, start, end)
            sel = _el(el, "PlainTextSelection", {
                "guid": sel_guid, "name": _xml_text(" ".join(quote.split())[:80]), "startPosition": start,
                "endPosition": end, "creatingUser": user(recs[0].coder) if recs else None})
            summary.selections += 1
            for r in recs:
                if r.score is None or r.date is None:
                    continue  # a stored value another program broke: nothing to code it with
                coding = _el(sel, "Coding", {"guid": coding_guid(r.uuid), "creatingUser": user(r.coder),
                                             "creationDateTime": _timestamp(r.created_at)})
                _el(coding, "CodeRef", {"targetGUID": codes[(r.dimension, nearest_level(r.score))]})
                note_guid = guid("evidence", r.uuid)
                _el(coding, "NoteRef", {"targetGUID": note_guid})
                note = _el(notes_el, "Note", {"guid": note_guid, "name": _xml_text(
                    f"Evidence: {r.actor_name or r.actor}, {r.dimension_label or r.dimension}, "
                    f"{r.date.short()} ({fmt_score(r.score)})"), "creatingUser": user(r.coder)})
                _el(note, "Description", text=_xml_text(record_description(r)))
                _el(note, "PlainTextContent", text=_xml_text(r.evidence))
                summary.codings += 1
                summary.notes += 1
                case_selections.setdefault(r.actor, [])
                if sel_guid not in case_selections[r.actor]:
                    case_selections[r.actor].append(sel_guid)
    summary.not_on_passage = len(set(records) - on_passage)
    for slug, sels in case_selections.items():
        a = actors[slug]
        case = _el(cases_el, "Case", {"guid": guid("actor", slug), "name": _xml_text(a.name)})
        _el(case, "Description", text=_xml_text("\n".join(
            x for x in (f"slug: {a.slug}", f"kind: {a.kind}",
                        f"aliases: {'; '.join(a.aliases)}" if a.aliases else "") if x)))
        for g in sels:
            _el(case, "SelectionRef", {"targetGUID": g})
        summary.cases += 1
    summary.users = len(users)
    for parent in (users_el, cases_el, sources_el, notes_el):
        if not len(parent):
            root.remove(parent)  # each list must hold at least one element when present
    return root, texts, summary


def project_bytes(root: Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_qdpx(store: Store, output: Path | str, flt: RecordFilter | None = None, *,
               protect: Iterable[Guarded] = (), progress: Progress | None = None) -> ExportSummary:
    """Write the records ``flt`` selects (all by default) as a .qdpx; the file appears only when complete."""
    name = store.path.stem if store.path is not None else "stancetracker project"
    root, texts, summary = build_project(store, flt, name=name, progress=progress)
    with open_output(output, mode="wb", protect=protect) as fh:
        with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as z:
            z.writestr(QDE, project_bytes(root))
            for member, text in texts.items():
                z.writestr(member, text.encode("utf-8"))
    return summary


__all__ = ["ExportSummary", "build_project", "coding_guid", "project_bytes", "write_qdpx"]
