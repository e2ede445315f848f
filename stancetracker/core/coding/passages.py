"""Coded passages: the words of a document a stance record rests on.

A passage is a span of a source's text, remembered by its quote, offsets,
page and some text on each side (an :class:`~.anchors.Anchor`), so it can be
found again when the text is corrected. Several records may point at one
passage. A passage whose words cannot be found again is kept, marked lost
with the reason, and listed for the analyst — never moved onto other words.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace

from stancetracker.core.coding.anchors import Anchor, make_anchor
from stancetracker.core.model.dates import utc_now
from stancetracker.core.exchange.documents.reading import page_at
from stancetracker.core.model.errors import NotFound, ValidationError
from stancetracker.core.coding.speaker import nearest_mention
from stancetracker.core.coding.mentions import Mention, paragraphs
from stancetracker.core.model.entities import Record
from stancetracker.core.db import passage_rows
from stancetracker.core.db.query import RecordFilter, RecordRow
from stancetracker.core.db.store import Store


@dataclass(frozen=True)
class Passage:
    """A coded span of one source's text; ``records`` counts its live records."""

    id: int
    source: str
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str
    page: int | None
    lost: str
    records: int

    @property
    def anchor(self) -> Anchor:
        return Anchor(self.start, self.end, self.quote, self.prefix, self.suffix)


def passages(store: Store, source: str, *, lost: bool | None = False,
             seen: RecordFilter | None = None) -> list[Passage]:
    """A source's passages in text order: anchored ones (default), lost ones, or all (``lost=None``).

    ``seen`` says whose records may be seen (its view and blindness): a passage whose records are all hidden
    is left out, so a blind coder sees no other coder's shading, and ``records`` counts the visible ones.
    """
    rows = [Passage(*r) for r in passage_rows.passage_rows(store, source, lost)]
    if seen is None or not (seen.blind_for or seen.view != "all"):
        return rows
    visible = passage_rows.visible_passage_records(store, source, RecordFilter(**seen.scoped()))
    return [replace(p, records=len(visible.get(p.id, []))) for p in rows if not p.records or p.id in visible]


def passage(store: Store, passage_id: int) -> Passage:
    row = passage_rows.passage_row(store, passage_id)
    if row is None:
        raise NotFound(f"no passage {passage_id}")
    return Passage(*row)


def passage_records(store: Store, passage_id: int, seen: RecordFilter | None = None) -> list[str]:
    """UUIDs of the live records coded from a passage, oldest first (with ``seen``, those it lets be seen)."""
    uuids = passage_rows.passage_record_uuids(store, passage_id)
    if seen is None or not (seen.blind_for or seen.view != "all") or not uuids:
        return uuids
    p = passage(store, passage_id)
    shown = set(passage_rows.visible_passage_records(store, p.source, RecordFilter(**seen.scoped())).get(passage_id, []))
    return [u for u in uuids if u in shown]


def passage_of_record(store: Store, uuid: str) -> Passage | None:
    """The passage a record was coded from, if any."""
    row = passage_rows.record_passage_id(store, uuid)
    if row is None:
        raise NotFound(f"no record {uuid}")
    return passage(store, row[0]) if row[0] is not None else None


def imported_codes(store: Store, source: str) -> dict[int, list[str]]:
    """Passage id -> code names (maybe none), for a source's passages imported from a REFI-QDA project."""
    return passage_rows.imported_codes(store, source)


def source_text(store: Store, source: str) -> tuple[int, str, list[int]]:
    """(row id, text, page start offsets) of a source."""
    row = passage_rows.source_text_row(store, source)
    if row is None:
        raise NotFound(f"no source {source!r}")
    return row[0], row[1], parse_pages(row[2])


def parse_pages(text: str) -> list[int]:
    return [int(p) for p in text.split(",")] if text else []


def _find_or_add_passage(store: Store, source: str, start: int, end: int) -> int:
    """The id of the anchored passage at exactly these offsets, made if new."""
    source_id, text, pages = source_text(store, source)
    if not text:
        raise ValidationError("passage", f"source {source!r} has no text to code from")
    if not 0 <= start < end <= len(text) or not text[start:end].strip():
        raise ValidationError("passage", f"offsets {start}..{end} do not select words of {source!r} "
                                         f"(its text has {len(text)} characters)")
    found = passage_rows.anchored_passage_id(store, source_id, start, end)
    if found is not None:
        return found
    a = make_anchor(text, start, end)
    return passage_rows.add_passage(store, source_id, source, a.start, a.end, a.quote, a.prefix, a.suffix,
                                    page_at(pages, start), utc_now())


def add_coded_record(store: Store, rec: Record, start: int, end: int) -> RecordRow:
    """Save a new record coded from ``rec.source``'s text between two offsets, in one transaction.

    The passage is shared with any other record coded from the same words.
    """
    if not rec.source:
        raise ValidationError("source", "a record coded from a passage needs its source")
    with store.operation("create", f"record {rec.uuid} from a passage of {rec.source}"):
        pid = _find_or_add_passage(store, rec.source, start, end)
        row = store.add_record(rec)
        passage_rows.link_record(store, row.id, pid)
    return row


# ----------------------------------------------------------------- coverage
@dataclass(frozen=True)
class Coverage:
    """Which paragraphs of a text have at least one live coded passage."""

    paragraphs: list[tuple[int, int]]
    coded: list[bool]

    @property
    def share(self) -> float:
        return sum(self.coded) / len(self.coded) if self.coded else 0.0

    def next_uncoded(self, offset: int) -> tuple[int, int] | None:
        """The first uncoded paragraph starting after ``offset``, wrapping round to the top."""
        starts = [s for s, _ in self.paragraphs]
        first = bisect.bisect_right(starts, offset)
        order = list(range(first, len(starts))) + list(range(0, first))
        for i in order:
            if not self.coded[i]:
                return self.paragraphs[i]
        return None


def coverage(text: str, spans: list[tuple[int, int]]) -> Coverage:
    """Coverage of ``text`` by coded ``spans`` (start, end); a span touching a paragraph codes it."""
    paras = paragraphs(text)
    coded = [False] * len(paras)
    starts = [s for s, _ in paras]
    for s, e in spans:
        i = max(bisect.bisect_right(starts, s) - 1, 0)
        while i < len(paras) and paras[i][0] < e:
            if paras[i][1] > s:
                coded[i] = True
            i += 1
    return Coverage(paras, coded)


def coded_spans(items: list[Passage]) -> list[tuple[int, int]]:
    """The spans of passages that still have a live record."""
    return [(p.start, p.end) for p in items if p.records]


# ------------------------------------------------------------- actor guess
def guess_actor(mentions: list[Mention], start: int, end: int) -> str | None:
    """The actor a selection names: the first one inside it, else the last one before it
    (`speaker.guess_speaker` prefers who speaks, and falls back to this)."""
    return nearest_mention(mentions, start, end)
