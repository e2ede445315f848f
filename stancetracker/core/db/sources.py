"""The sources table: documents records cite, read and written with their history."""

from __future__ import annotations

import dataclasses
import sqlite3

from stancetracker.core.db.audit import public_state
from stancetracker.core.db.stored_rows import optional_date
from stancetracker.core.model.entities import Source, check_date
from stancetracker.core.model.errors import NotFound, ValidationError
from stancetracker.core.model.stored_values import date_problem, stored_text, visible
from stancetracker.core.model.text import unique_slug


class SourceTable:
    """Reading and writing sources.

    A part of :class:`~stancetracker.core.db.store.Store`, which provides the
    connection, ``operation``, ``log`` and ``slug_ids`` it uses.
    """

    conn: sqlite3.Connection

    def sources(self) -> list[Source]:
        rows = self.conn.execute(
            "SELECT slug, title, publisher, author, url, published, published_precision, kind, language, id "
            "FROM sources ORDER BY title COLLATE NOCASE").fetchall()
        return [Source(slug=stored_text(s), title=stored_text(t), publisher=stored_text(p), author=stored_text(a),
                       url=stored_text(u), published=optional_date(pub, pp), kind=stored_text(k),
                       language=stored_text(lang), id=i)
                for s, t, p, a, u, pub, pp, k, lang, i in rows]

    def source(self, slug: str, with_text: bool = False) -> Source:
        for s in self.sources():
            if s.slug == slug:
                if with_text:
                    s.text = stored_text(self.conn.execute("SELECT text FROM sources WHERE id = ?", [s.id]).fetchone()[0])
                return s
        raise NotFound(f"no source {slug!r}")

    def add_source(self, src: Source) -> Source:
        src.validate()
        if self.conn.execute("SELECT 1 FROM sources WHERE slug = ?", [src.slug]).fetchone():
            raise ValidationError("slug", f"a source {src.slug!r} already exists")
        with self.operation("create", f"source {src.slug}"):
            self.insert_source(src)
        return src

    def insert_source(self, src: Source) -> None:
        """Add a source inside the operation under way; no checks."""
        cur = self.conn.execute(
            "INSERT INTO sources (slug, title, publisher, author, url, published, published_precision, kind, language, text)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [src.slug, src.title, src.publisher, src.author, src.url,
             src.published.iso if src.published else None,
             src.published.precision if src.published else None, src.kind, src.language, src.text])
        src.id = cur.lastrowid
        self.log("source", src.id, "create", None, public_state(src, skip=("text",)))

    def update_source(self, slug: str, **changes) -> Source:
        old = self.source(slug, with_text=True)
        new = dataclasses.replace(old, **changes)
        if isinstance(new.published, str):
            new.published = check_date("published", new.published, required=False)
        if "published" not in changes and old.published is None:
            stored = self.conn.execute("SELECT published, published_precision FROM sources WHERE id = ?",
                                       [old.id]).fetchone()
            if stored[0] is not None and date_problem(*stored):
                # Saving would silently erase it: the user decides what the date is.
                raise ValidationError("published", f"the stored date {visible(stored[0], 40)!r} is not a date "
                                      "(it was written by another program); give the publication date, or an "
                                      "empty one to clear it")
        new.validate()
        if new.slug != old.slug:
            raise ValidationError("slug", "a source's slug cannot change (records and files refer to it)")
        with self.operation("edit", f"source {slug}"):
            self.conn.execute(
                "UPDATE sources SET title=?, publisher=?, author=?, url=?, published=?, published_precision=?,"
                " kind=?, language=?, text=? WHERE id=?",
                [new.title, new.publisher, new.author, new.url, new.published.iso if new.published else None,
                 new.published.precision if new.published else None, new.kind, new.language, new.text, old.id])
            self.log("source", old.id, "edit", public_state(old, skip=("text",)), public_state(new, skip=("text",)))
        return new

    def unique_source_slug(self, title: str) -> str:
        taken = {r[0] for r in self.conn.execute("SELECT slug FROM sources")}
        return unique_slug(title, taken, "source", max_len=60)


__all__ = ["SourceTable"]
