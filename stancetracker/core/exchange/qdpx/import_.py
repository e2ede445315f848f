"""Importing a REFI-QDA project: text sources with their text, selections as passages, and — through a
mapping — codings as stance records, all in one transaction.

The whole file is read and checked before anything is written; what
stancetracker cannot use is skipped and counted. See docs/formats.md, "REFI-QDA".
"""

from __future__ import annotations

import datetime as _dt
import re
import uuid as _uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from stancetracker.core.db import passage_rows
from stancetracker.core.db.store import Store
from stancetracker.core.exchange.qdpx.archive import Archive
from stancetracker.core.exchange.qdpx.export import NOTE_HEADER
from stancetracker.core.exchange.qdpx.mapping import Mapping, code_key
from stancetracker.core.exchange.qdpx.model import count, guid, nearest_level
from stancetracker.core.exchange.qdpx.reading import Coding, Project, Selection, TextSource, read_project
from stancetracker.core.model.dates import DateError, PartialDate, parse_date, utc_now
from stancetracker.core.model.entities import CONFIDENCES, Record, Source, check_date
from stancetracker.core.model.errors import ValidationError
from stancetracker.core.model.progress import Progress, tick

CONTEXT = 32  # characters kept on each side of a passage, as core/coding/anchors keeps them
_LINE = re.compile(r"^\s*([a-z_]+)\s*:\s*(.*?)\s*$")
_SOURCE_KEYS = ("publisher", "author", "url", "published", "kind", "language", "slug")


@dataclass
class ImportSummary:
    """What an import added, reused and skipped."""

    sources: int = 0
    sources_reused: int = 0
    passages: int = 0
    records: int = 0
    records_present: int = 0
    op_id: int | None = None  # the operation that wrote it (one undo step, one revert)
    skipped: Counter = field(default_factory=Counter)
    details: list[str] = field(default_factory=list)

    def text(self) -> str:
        reused = f" ({self.sources_reused} already present)" if self.sources_reused else ""
        present = f" ({self.records_present} already present)" if self.records_present else ""
        out = (f"{count(self.sources, 'sources')}{reused}, {count(self.passages, 'passages')}, "
               f"{count(self.records, 'records')} added{present}")
        if self.skipped:
            out += "; skipped " + ", ".join(f"{n:,} {what}" for what, n in sorted(self.skipped.items(), key=lambda kv: kv[0].casefold()))
        return out


def _lines(text: str) -> dict[str, str]:
    found = {}
    for line in (text or "").splitlines():
        m = _LINE.match(line)
        if m:
            found.setdefault(m.group(1), m.group(2))
    return found


def _anchor(text: str, start: int, end: int) -> tuple[str, str, str]:
    return text[start:end], text[max(0, start - CONTEXT):start], text[end:end + CONTEXT]


class _Import:
    def __init__(self, store: Store, path: Path, project: Project, mapping: Mapping | None):
        self.store, self.path, self.p, self.mapping = store, path, project, mapping
        self.summary = ImportSummary(skipped=Counter(project.skipped), details=list(project.details))
        self.slugs = {s.slug: s for s in store.sources()}
        self.selection_source: dict[str, str] = {}  # selection guid -> source guid
        self.uuids_seen: set[str] = set()

    def skip(self, what: str, detail: str = "", n: int = 1) -> None:
        self.summary.skipped[what] += n
        if detail and len(self.summary.details) < 20:
            self.summary.details.append(detail)

    # ---------------------------------------------------------------- sources
    def source(self, ts: TextSource) -> str | None:
        """The slug of the source for a text source: one already holding this text, or a new one."""
        meta = _lines(ts.description)
        title = ts.name or (ts.text.split("\n", 1)[0][:80].strip() or "Untitled source")
        wanted = meta.get("slug", "")
        # The same document imported again (its slug, or its title, with the same text) is reused.
        for slug in [wanted] + [s.slug for s in self.slugs.values() if s.title == title and s.slug != wanted]:
            row = passage_rows.source_text_row(self.store, slug) if slug in self.slugs else None
            if row and row[1] == ts.text:
                self.summary.sources_reused += 1
                return slug
        try:
            published = check_date("published", meta.get("published") or None, required=False)
        except (DateError, ValidationError):
            published = None
        slug = wanted if wanted and wanted not in self.slugs and re.fullmatch(r"[a-z0-9][a-z0-9-]*", wanted) \
            else self.store.unique_source_slug(title)
        src = Source(slug=slug, title=title, publisher=meta.get("publisher", ""), author=meta.get("author", ""),
                     url=meta.get("url", ""), published=published, kind=meta.get("kind", "") or "article",
                     language=meta.get("language", ""), text=ts.text)
        try:
            src.validate()
        except ValidationError as err:
            try:  # the description's extras are optional: keep the source with its title and text alone
                src = Source(slug=slug, title=title, text=ts.text).validate()
            except ValidationError:
                self.skip("text sources the database refuses", f"TextSource {ts.name!r}: {err}")
                return None
        self.store.insert_source(src)
        passage_rows.set_document_info(self.store, src.slug, "", "txt", f"{ts.guid}.txt")
        self.slugs[src.slug] = src
        self.summary.sources += 1
        return src.slug

    def passage(self, slug: str, text: str, sel: Selection) -> int:
        source_id = passage_rows.source_text_row(self.store, slug)[0]
        found = passage_rows.anchored_passage_id(self.store, source_id, sel.start, sel.end)
        if found is not None:
            return found
        quote, prefix, suffix = _anchor(text, sel.start, sel.end)
        codes = sorted({self.p.codes[c.code][0] for c in sel.codings if c.code in self.p.codes})
        self.summary.passages += 1
        return passage_rows.add_passage(self.store, source_id, slug, sel.start, sel.end, quote, prefix, suffix,
                                        None, utc_now(), codes)

    # ---------------------------------------------------------------- records
    def actors_of(self, sel: Selection, source_guid: str) -> list[str]:
        assert self.mapping is not None
        found = []
        for case in self.p.cases:
            if sel.guid in case.selections or source_guid in case.sources:
                actor = self.mapping.cases.get(code_key(case.name))
                if actor and actor not in found:
                    found.append(actor)
        return found

    def records(self, slug: str, source_guid: str, sel: Selection, passage_id: int, published) -> None:
        assert self.mapping is not None
        for c in sel.codings:
            path, name = self.p.codes.get(c.code, ("", ""))
            mapped = self.mapping.code(path, name) if path else None
            if mapped is None:
                self.skip("codings whose code is not in the mapping")
                continue
            actors = self.actors_of(sel, source_guid)
            if not actors:
                self.skip("codings in no case mapped to an actor",
                          f"PlainTextSelection {sel.guid}: coded {path!r} but in no mapped case")
                continue
            for actor in actors:
                self.record(c, sel, slug, actor, mapped, passage_id, published, len(actors) > 1)

    def record(self, c: Coding, sel: Selection, slug: str, actor: str, mapped: tuple[str, float],
               passage_id: int, published: PartialDate | None, several: bool) -> None:
        dim, score = mapped
        note = next((self.p.notes[n] for n in c.notes if n in self.p.notes), None)
        ours = _lines(note.description) if note and note.description.startswith(NOTE_HEADER) else {}
        date = _date(ours.get("date")) or published or _day(c.created) or _day(sel.created)
        if date is None:
            self.skip("codings with no date", f"Coding {c.guid}: no date in its note, source or timestamps")
            return
        try:
            exact = float(ours.get("score", "nan"))
        except ValueError:
            exact = float("nan")
        if ours.get("dimension") == dim and exact == exact and nearest_level(exact) == nearest_level(score):
            score = exact  # our own export rounded a fraction onto a level's code: its note keeps the value
        uuid = _record_uuid(c.guid, actor, several)
        if uuid in self.uuids_seen or self.store_has(uuid):
            self.summary.records_present += 1
            return
        conf = ours.get("confidence") if ours.get("confidence") in CONFIDENCES else self.mapping.confidence
        rec = Record(actor=actor, dimension=dim, date=date, score=score, confidence=conf, source=slug,
                     locator=ours.get("locator", ""), evidence=note.text if note else "",
                     coder=self.p.users.get(c.user) or self.store.user, uuid=uuid)
        try:
            row = self.store.add_record(rec)
        except ValidationError as err:
            self.skip("codings the database refuses as records", f"Coding {c.guid}: {err}")
            return
        passage_rows.link_record(self.store, row.id, passage_id)
        self.uuids_seen.add(uuid)
        self.summary.records += 1

    def store_has(self, uuid: str) -> bool:
        return passage_rows.record_passage_id(self.store, uuid) is not None

    def run(self, progress: Progress | None) -> ImportSummary:
        for i, ts in enumerate(self.p.sources):
            tick(progress, i, len(self.p.sources), "import cancelled")
            slug = self.source(ts)
            if slug is None:
                self.skip("selections of skipped sources", n=len(ts.selections))
                continue
            published = self.slugs[slug].published
            for sel in ts.selections:
                pid = self.passage(slug, ts.text, sel)
                if self.mapping is not None:
                    self.records(slug, ts.guid, sel, pid, published)
        return self.summary


def _date(text: str | None) -> PartialDate | None:
    if not text:
        return None
    try:
        return parse_date(text)
    except DateError:
        return None


def _day(stamp: str) -> PartialDate | None:
    try:
        return PartialDate(_dt.date.fromisoformat(stamp[:10]), "day") if stamp else None
    except ValueError:
        return None


def _record_uuid(coding_guid: str, actor: str, several: bool) -> str:
    """The coding's GUID (a record we exported keeps its UUID); one per actor when a selection has several."""
    try:
        base = str(_uuid.UUID(coding_guid))
    except ValueError:
        base = guid("coding", coding_guid)
    return guid("record", base, actor) if several else base


def import_qdpx(store: Store, path: Path | str, mapping: Mapping | None = None, *,
                progress: Progress | None = None) -> ImportSummary:
    """Import a .qdpx in one transaction; on any error nothing is written."""
    path = Path(path)
    with Archive(path) as archive:
        project = read_project(archive)
    store.backup_before("import-qdpx")
    with store.operation("import", f"REFI-QDA project {path.name}", {"file": path.name}) as op_id:
        summary = _Import(store, path, project, mapping).run(progress)
        summary.op_id = op_id
    return summary


__all__ = ["ImportSummary", "import_qdpx"]
