"""The dimensions table: the questions a stance answers, read and written with their history."""

from __future__ import annotations

import sqlite3

from stancetracker.core.db.audit import public_state
from stancetracker.core.model.entities import Dimension
from stancetracker.core.model.errors import NotFound, ValidationError
from stancetracker.core.model.stored_values import stored_text
from stancetracker.core.model.text import name_key


class DimensionTable:
    """Reading and writing dimensions.

    A part of :class:`~stancetracker.core.db.store.Store`, which provides the
    connection, ``operation``, ``log`` and ``slug_ids`` it uses.
    """

    conn: sqlite3.Connection

    def dimensions(self) -> list[Dimension]:
        rows = self.conn.execute(
            "SELECT slug, label, question, neg_label, pos_label, neg_pole, pos_pole, codebook, position, id "
            "FROM dimensions ORDER BY position, label").fetchall()
        return [Dimension(*map(stored_text, r[:8]), r[8], r[9]) for r in rows]

    def dimension(self, slug_or_label: str) -> Dimension:
        for d in self.dimensions():
            if d.slug == slug_or_label or name_key(d.label) == name_key(slug_or_label):
                return d
        raise NotFound(f"no dimension {slug_or_label!r}; known: {', '.join(d.slug for d in self.dimensions())}")

    def add_dimension(self, dim: Dimension) -> Dimension:
        dim.validate()
        if any(d.slug == dim.slug for d in self.dimensions()):
            raise ValidationError("slug", f"a dimension {dim.slug!r} already exists")
        if not dim.position:
            dim.position = max([d.position for d in self.dimensions()] + [0]) + 1
        with self.operation("create", f"dimension {dim.slug}"):
            cur = self.conn.execute(
                "INSERT INTO dimensions (slug, label, question, neg_label, pos_label, neg_pole, pos_pole, codebook, position)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [dim.slug, dim.label, dim.question, dim.neg_label, dim.pos_label, dim.neg_pole,
                 dim.pos_pole, dim.codebook, dim.position])
            dim.id = cur.lastrowid
            self.log("dimension", dim.id, "create", None, public_state(dim))
        return dim

    def update_dimension(self, slug: str, **changes) -> Dimension:
        old = self.dimension(slug)
        new = Dimension(**{**public_state(old), **changes, "id": old.id}).validate()
        if new.slug != old.slug:
            raise ValidationError("slug", "a dimension's slug cannot change (records and files refer to it)")
        with self.operation("edit", f"dimension {slug}"):
            self.conn.execute(
                "UPDATE dimensions SET label=?, question=?, neg_label=?, pos_label=?, neg_pole=?, pos_pole=?, "
                "codebook=?, position=? WHERE id=?",
                [new.label, new.question, new.neg_label, new.pos_label, new.neg_pole, new.pos_pole,
                 new.codebook, new.position, old.id])
            self.log("dimension", old.id, "edit", public_state(old), public_state(new))
        return new


__all__ = ["DimensionTable"]
