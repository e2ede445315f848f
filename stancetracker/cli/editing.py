"""Editing commands: actors, dimensions, events and sources (each lists, and adds or edits)."""

from __future__ import annotations

import click

from stancetracker.cli.base import CliState, CommandGroup
from stancetracker.cli.options import FORMAT, date_option, emit
from stancetracker.core.exchange import listing
from stancetracker.core.model.entities import ACTOR_KINDS, SOURCE_KINDS, Actor, Dimension, Event, Source
from stancetracker.core.model.stored_values import visible


# ---------------------------------------------------------------- actors
@click.group(cls=CommandGroup, invoke_without_command=True)
@click.option("--kind", type=click.Choice(ACTOR_KINDS), help="Only actors of this kind.")
@FORMAT
@click.pass_context
def actors(ctx: click.Context, kind, fmt):
    """List actors; 'add' and 'edit' create and change them."""
    if ctx.invoked_subcommand is None and fmt != "table":
        emit(fmt, "actors", map(listing.actor_item, ctx.obj.store(readonly=True).actors(kind)))
    elif ctx.invoked_subcommand is None:
        for a in ctx.obj.store(readonly=True).actors(kind):
            aliases = f"  ({'; '.join(a.aliases)})" if a.aliases else ""
            click.echo(f"{a.slug:<26} {a.name:<32} {a.kind:<12}{aliases}")


@actors.command("add")
@click.argument("slug")
@click.option("--name", required=True)
@click.option("--kind", type=click.Choice(ACTOR_KINDS), default="other", show_default=True)
@click.option("--alias", multiple=True, help="Another spelling (repeatable).")
@click.option("--colour", help="Chart colour, #rrggbb.")
@click.option("--description", default="")
@click.pass_obj
def actors_add(obj: CliState, slug, name, kind, alias, colour, description):
    """Create an actor."""
    a = obj.store().add_actor(Actor(slug=slug, name=name, kind=kind, aliases=list(alias), colour=colour or "",
                                    description=description))
    click.echo(f"Added actor {a.slug} ({a.name})")


@actors.command("edit")
@click.argument("actor")
@click.option("--name")
@click.option("--kind", type=click.Choice(ACTOR_KINDS))
@click.option("--alias", multiple=True, help="Replace the aliases with these (repeatable).")
@click.option("--add-alias", multiple=True, help="Add an alias (repeatable).")
@click.option("--colour")
@click.option("--description")
@click.pass_obj
def actors_edit(obj: CliState, actor, name, kind, alias, add_alias, colour, description):
    """Change an actor's name, kind, aliases, colour or description."""
    store = obj.store()
    current = store.actor(actor)
    changes = {k: v for k, v in dict(name=name, kind=kind, colour=colour, description=description).items() if v is not None}
    if alias or add_alias:
        changes["aliases"] = list(alias or current.aliases) + list(add_alias)
    a = store.update_actor(current.slug, **changes)
    click.echo(f"Updated actor {a.slug} ({a.name})")


# ------------------------------------------------------------ dimensions
@click.group(cls=CommandGroup, invoke_without_command=True)
@FORMAT
@click.pass_context
def dimensions(ctx: click.Context, fmt):
    """List dimensions; 'add' and 'edit' create and change them."""
    if ctx.invoked_subcommand is None and fmt != "table":
        emit(fmt, "dimensions", map(listing.dimension_item, ctx.obj.store(readonly=True).dimensions()))
    elif ctx.invoked_subcommand is None:
        for d in ctx.obj.store(readonly=True).dimensions():
            click.echo(f"{d.slug:<12} {d.label:<40} -2: {d.neg_label} … +2: {d.pos_label}")


def _dimension_options(f):
    for o in reversed([
        click.option("--question", help="The question a stance on it answers."),
        click.option("--neg", "neg_pole", help="What -2 means, in a sentence."),
        click.option("--pos", "pos_pole", help="What +2 means, in a sentence."),
        click.option("--neg-label", help="Short name of the -2 pole (e.g. anti-EU)."),
        click.option("--pos-label", help="Short name of the +2 pole (e.g. pro-EU)."),
        click.option("--codebook", help="What each level means."),
    ]):
        f = o(f)
    return f


@dimensions.command("add")
@click.argument("slug")
@click.option("--label", required=True)
@_dimension_options
@click.pass_obj
def dimensions_add(obj: CliState, slug, label, question, neg_pole, pos_pole, neg_label, pos_label, codebook):
    """Create a dimension, e.g. dimensions add eu --label "European Union" --neg "…" --pos "…"."""
    d = obj.store().add_dimension(Dimension(
        slug=slug, label=label, question=question or "", neg_pole=neg_pole or "", pos_pole=pos_pole or "",
        neg_label=neg_label or "", pos_label=pos_label or "", codebook=codebook or ""))
    click.echo(f"Added dimension {d.slug} ({d.label})")


@dimensions.command("edit")
@click.argument("slug")
@click.option("--label")
@_dimension_options
@click.pass_obj
def dimensions_edit(obj: CliState, slug, label, question, neg_pole, pos_pole, neg_label, pos_label, codebook):
    """Change a dimension's label, poles or codebook text."""
    changes = {k: v for k, v in dict(label=label, question=question, neg_pole=neg_pole, pos_pole=pos_pole,
                                     neg_label=neg_label, pos_label=pos_label, codebook=codebook).items()
               if v is not None}
    d = obj.store().update_dimension(obj.store().dimension(slug).slug, **changes)
    click.echo(f"Updated dimension {d.slug} ({d.label})")


# ---------------------------------------------------------------- events
@click.group(cls=CommandGroup, invoke_without_command=True)
@FORMAT
@click.pass_context
def events(ctx: click.Context, fmt):
    """List events (dated landmarks drawn on charts); 'add' creates one."""
    if ctx.invoked_subcommand is None and fmt != "table":
        emit(fmt, "events", map(listing.event_item, ctx.obj.store(readonly=True).events()))
    elif ctx.invoked_subcommand is None:
        for e in ctx.obj.store(readonly=True).events():
            when = e.date.short() if e.date else "(no date)"  # its stored date is none: check lists it
            click.echo(f"{when:<10}  {visible(e.slug, 30):<30} {visible(e.label, 80)}")


@events.command("add")
@click.argument("slug")
@click.option("--date", "when", required=True, help="YYYY, YYYY-MM, YYYY-MM-DD or '7 November 2021'.")
@click.option("--label", required=True, help="Short label drawn on charts.")
@click.option("--description", default="")
@click.option("--source", help="Slug of a source that reports it.")
@click.pass_obj
def events_add(obj: CliState, slug, when, label, description, source):
    """Create an event."""
    e = obj.store().add_event(Event(slug=slug, date=date_option(when, "--date"), label=label,
                                    description=description, source=source))
    click.echo(f"Added event {e.slug} on {e.date}")


# --------------------------------------------------------------- sources
@click.group(cls=CommandGroup, invoke_without_command=True)
@FORMAT
@click.pass_context
def sources(ctx: click.Context, fmt):
    """List sources (documents records are coded from); 'add' creates one."""
    if ctx.invoked_subcommand is None and fmt != "table":
        emit(fmt, "sources", map(listing.source_item, ctx.obj.store(readonly=True).sources()))
    elif ctx.invoked_subcommand is None:
        for s in ctx.obj.store(readonly=True).sources():
            click.echo(f"{s.slug:<28} {str(s.published or ''):<10}  {s.title[:70]}")


@sources.command("add")
@click.option("--title", required=True)
@click.option("--slug", help="Stable identifier (default: made from the title).")
@click.option("--publisher", default="")
@click.option("--author", default="")
@click.option("--url", default="")
@click.option("--published", help="Publication date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--kind", type=click.Choice(SOURCE_KINDS), default="article", show_default=True)
@click.option("--language", default="")
@click.pass_obj
def sources_add(obj: CliState, title, slug, publisher, author, url, published, kind, language):
    """Create a source."""
    store = obj.store()
    s = store.add_source(Source(slug=slug or store.unique_source_slug(title), title=title, publisher=publisher,
                                author=author, url=url, published=date_option(published, "--published"),
                                kind=kind, language=language))
    click.echo(f"Added source {s.slug}")


COMMANDS = (actors, dimensions, events, sources)
