"""The events table: dated landmarks drawn on charts, read and written with their history."""

from __future__ import annotations

import dataclasses
import sqlite3

from stancetracker.core.db.audit import public_state
from stancetracker.core.db.stored_rows import optional_date
from stancetracker.core.model.entities import Event, check_date
from stancetracker.core.model.errors import NotFound, ValidationError
from stancetracker.core.model.stored_values import stored_text


class EventTable:
    """Reading and writing events.

    A part of :class:`~stancetracker.core.db.store.Store`, which provides the
    connection, ``operation``, ``log`` and ``slug_ids`` it uses.
    """

    conn: sqlite3.Connection

    def events(self) -> list[Event]:
        rows = self.conn.execute(
            "SELECT e.slug, e.date, e.date_precision, e.label, e.description, s.slug, e.id "
            "FROM events e LEFT JOIN sources s ON s.id = e.source_id ORDER BY e.date, e.id").fetchall()
        # An event whose stored date is no date has nowhere to be drawn; it keeps date None
        # (a save must then give one) and `check` lists it.
        return [Event(slug=stored_text(sl), date=optional_date(d, p), label=stored_text(lab), description=stored_text(desc),
                      source=src, id=i)
                for sl, d, p, lab, desc, src, i in rows]

    def add_event(self, ev: Event) -> Event:
        ev.validate()
        if self.conn.execute("SELECT 1 FROM events WHERE slug = ?", [ev.slug]).fetchone():
            raise ValidationError("slug", f"an event {ev.slug!r} already exists")
        src_id = None
        if ev.source:
            src_id = self.slug_ids()["sources"].get(ev.source)
            if src_id is None:
                raise ValidationError("source", f"no source {ev.source!r}")
        with self.operation("create", f"event {ev.slug}"):
            cur = self.conn.execute(
                "INSERT INTO events (slug, date, date_precision, label, description, source_id) VALUES (?, ?, ?, ?, ?, ?)",
                [ev.slug, ev.date.iso, ev.date.precision, ev.label, ev.description, src_id])
            ev.id = cur.lastrowid
            self.log("event", ev.id, "create", None, public_state(ev))
        return ev

    def update_event(self, slug: str, **changes) -> Event:
        olds = [e for e in self.events() if e.slug == slug]
        if not olds:
            raise NotFound(f"no event {slug!r}")
        old = olds[0]
        new = dataclasses.replace(old, **changes)
        if isinstance(new.date, str):
            new.date = check_date("date", new.date)
        new.validate()
        if new.slug != old.slug:
            raise ValidationError("slug", "an event's slug cannot change")
        src_id = None
        if new.source:
            src_id = self.slug_ids()["sources"].get(new.source)
            if src_id is None:
                raise ValidationError("source", f"no source {new.source!r}")
        with self.operation("edit", f"event {slug}"):
            self.conn.execute("UPDATE events SET date=?, date_precision=?, label=?, description=?, source_id=? WHERE id=?",
                              [new.date.iso, new.date.precision, new.label, new.description, src_id, old.id])
            self.log("event", old.id, "edit", public_state(old), public_state(new))
        return new

    def delete_event(self, slug: str) -> None:
        olds = [e for e in self.events() if e.slug == slug]
        if not olds:
            raise NotFound(f"no event {slug!r}")
        with self.operation("delete", f"event {slug}"):
            self.conn.execute("DELETE FROM events WHERE id = ?", [olds[0].id])
            self.log("event", olds[0].id, "delete", public_state(olds[0]), None)


__all__ = ["EventTable"]
