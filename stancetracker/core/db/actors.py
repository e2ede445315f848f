"""The actors, their aliases and their memberships, read and written with their history."""

from __future__ import annotations

import sqlite3

from stancetracker.core.db.audit import public_state
from stancetracker.core.db.stored_rows import optional_date
from stancetracker.core.model.entities import Actor, Membership
from stancetracker.core.model import suggest
from stancetracker.core.model.errors import NotFound, ValidationError
from stancetracker.core.model.stored_values import stored_text
from stancetracker.core.model.text import name_key, unique_slug


class ActorMatcher:
    """Finds actors by slug, name or alias, ignoring case, diacritics and ``al-``."""

    def __init__(self, actors: list[Actor]):
        self.by_slug = {a.slug: a for a in actors}
        self._keys: dict[str, set[str]] = {}
        self._spellings: dict[str, tuple[str, str]] = {}  # name key -> (a spelling of it, the slug), for suggestions
        self._choices: list[str] | None = None  # the keys of _spellings as a list, kept between look-ups
        for a in actors:
            self._index(a)

    def _index(self, a: Actor) -> None:
        for n in [a.name, *a.aliases, a.slug]:  # the name first: the spelling a suggestion shows
            k = name_key(n)
            if k:
                self._keys.setdefault(k, set()).add(a.slug)
                self._spellings.setdefault(k, (n, a.slug))

    def find(self, text: str) -> list[str]:
        """Slugs of every actor the text may name (more than one means ambiguous)."""
        if text in self.by_slug:
            return [text]
        return sorted(self._keys.get(name_key(text), ()))

    def add(self, actor: Actor) -> None:
        self.by_slug[actor.slug] = actor
        self._index(actor)

    def closest(self, text: str, cutoff: float = suggest.SUGGEST_SCORE) -> list[tuple[str, str]]:
        """(name, slug) of the actors whose names, aliases or slugs are closest to ``text``: suggestions only."""
        if self._choices is None or len(self._choices) != len(self._spellings):
            self._choices = list(self._spellings)
        return [(self.by_slug[slug].name, slug)
                for _, slug in suggest.closest(name_key(text), self._spellings, cutoff=cutoff, keys=self._choices)]

    def unknown(self, text: str) -> str:
        """The message for a name no actor has, with the closest names if any."""
        hint = suggest.did_you_mean(self.closest(text))
        return f"no actor {text!r} (by slug, name or alias)" + (f"; {hint}" if hint else "")


class ActorTable:
    """Reading and writing actors, aliases and memberships.

    A part of :class:`~stancetracker.core.db.store.Store`, which provides the
    connection, ``operation``, ``log`` and ``slug_ids`` it uses.
    """

    conn: sqlite3.Connection

    def actors(self, kind: str | None = None) -> list[Actor]:
        aliases: dict[int, list[str]] = {}
        for aid, alias in self.conn.execute("SELECT actor_id, alias FROM actor_aliases ORDER BY id"):
            aliases.setdefault(aid, []).append(alias)
        sql = "SELECT slug, name, kind, colour, description, id FROM actors"
        params: list = []
        if kind:
            sql += " WHERE kind = ?"
            params.append(kind)
        rows = self.conn.execute(sql + " ORDER BY name COLLATE NOCASE", params).fetchall()
        return [Actor(slug=stored_text(s), name=stored_text(n), kind=stored_text(k), colour=stored_text(c),
                      description=stored_text(d), aliases=[stored_text(x) for x in aliases.get(i, [])], id=i)
                for s, n, k, c, d, i in rows]

    def actor_matcher(self) -> ActorMatcher:
        return ActorMatcher(self.actors())

    def actor(self, text: str) -> Actor:
        """An actor by slug, name or alias."""
        matcher = self.actor_matcher()
        found = matcher.find(text)
        if not found:
            raise NotFound(matcher.unknown(text))
        if len(found) > 1:
            raise NotFound(f"{text!r} could name several actors: {', '.join(found)}; use the slug")
        return matcher.by_slug[found[0]]

    def add_actor(self, actor: Actor) -> Actor:
        actor.validate()
        self._check_actor_names(actor)
        if not actor.colour:
            actor.colour = palette_colour(self.conn.execute("SELECT count(*) FROM actors").fetchone()[0])
        with self.operation("create", f"actor {actor.slug}"):
            self.insert_actor(actor)
        return actor

    def insert_actor(self, actor: Actor) -> None:
        """Add an actor and its aliases inside the operation under way; no checks."""
        cur = self.conn.execute(
            "INSERT INTO actors (slug, name, kind, colour, description) VALUES (?, ?, ?, ?, ?)",
            [actor.slug, actor.name, actor.kind, actor.colour, actor.description])
        actor.id = cur.lastrowid
        self.conn.executemany("INSERT INTO actor_aliases (actor_id, alias) VALUES (?, ?)",
                              [(actor.id, a) for a in actor.aliases])
        self.log("actor", actor.id, "create", None, public_state(actor))

    def _check_actor_names(self, actor: Actor, ignore: str | None = None) -> None:
        matcher = self.actor_matcher()
        if actor.slug in matcher.by_slug and actor.slug != ignore:
            raise ValidationError("slug", f"an actor {actor.slug!r} already exists")
        for fld, names in (("name", [actor.name]), ("aliases", actor.aliases)):
            for n in names:
                clash = [s for s in matcher.find(n) if s != (ignore or actor.slug)]
                if clash:
                    raise ValidationError(fld, f"{n!r} already names the actor {clash[0]!r}")

    def update_actor(self, slug: str, **changes) -> Actor:
        old = self.actor(slug)
        new = Actor(**{**public_state(old), **changes, "id": old.id}).validate()
        if new.slug != old.slug:
            raise ValidationError("slug", "an actor's slug cannot change (records and files refer to it)")
        self._check_actor_names(new, ignore=old.slug)
        with self.operation("edit", f"actor {slug}"):
            self.conn.execute("UPDATE actors SET name=?, kind=?, colour=?, description=? WHERE id=?",
                              [new.name, new.kind, new.colour, new.description, old.id])
            self.conn.execute("DELETE FROM actor_aliases WHERE actor_id = ?", [old.id])
            self.conn.executemany("INSERT INTO actor_aliases (actor_id, alias) VALUES (?, ?)",
                                  [(old.id, a) for a in new.aliases])
            self.log("actor", old.id, "edit", public_state(old), public_state(new))
        return new

    def unique_actor_slug(self, name: str) -> str:
        taken = {r[0] for r in self.conn.execute("SELECT slug FROM actors")}
        return unique_slug(name, taken, "actor")

    # ------------------------------------------------------------ memberships
    def memberships(self, actor: str | None = None) -> list[Membership]:
        sql = ("SELECT m.id, am.slug, ag.slug, m.role, m.start, m.start_precision, m.\"end\", m.end_precision, m.note "
               "FROM memberships m JOIN actors am ON am.id = m.member_id JOIN actors ag ON ag.id = m.group_id")
        params: list = []
        if actor:
            sql += " WHERE am.slug = ? OR ag.slug = ?"
            params = [actor, actor]
        out = []
        for mid, member, group, role, start, sp, end, ep, note in self.conn.execute(sql + " ORDER BY m.start, m.id", params):
            out.append(Membership(member=stored_text(member), group=stored_text(group), role=stored_text(role),
                                  start=optional_date(start, sp), end=optional_date(end, ep), note=stored_text(note), id=mid))
        return out

    def add_membership(self, m: Membership) -> Membership:
        m.validate()
        ids = self.slug_ids()["actors"]
        for fld in ("member", "group"):
            if getattr(m, fld) not in ids:
                raise ValidationError(fld, f"no actor {getattr(m, fld)!r}")
        with self.operation("create", f"membership {m.member} in {m.group}"):
            cur = self.conn.execute(
                "INSERT INTO memberships (member_id, group_id, role, start, start_precision, \"end\", end_precision, note)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [ids[m.member], ids[m.group], m.role, m.start.iso if m.start else None,
                 m.start.precision if m.start else None, m.end.iso if m.end else None,
                 m.end.precision if m.end else None, m.note])
            m.id = cur.lastrowid
            self.log("membership", m.id, "create", None, public_state(m))
        return m

    def delete_membership(self, membership_id: int) -> None:
        old = [m for m in self.memberships() if m.id == membership_id]
        if not old:
            raise NotFound(f"no membership {membership_id}")
        with self.operation("delete", f"membership {old[0].member} in {old[0].group}"):
            self.conn.execute("DELETE FROM memberships WHERE id = ?", [membership_id])
            self.log("membership", membership_id, "delete", public_state(old[0]), None)


_PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
            "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173"]


def palette_colour(n: int) -> str:
    return _PALETTE[n % len(_PALETTE)]


__all__ = ["ActorMatcher", "ActorTable", "palette_colour"]
