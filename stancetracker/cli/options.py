"""Options shared by the commands: dates, and the record filter declared once for every command that filters."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterable, Mapping

import click

from stancetracker.core.db import studies
from stancetracker.core.db.query import DEFAULT_VIEW, RecordFilter, check_view
from stancetracker.core.db.store import Store
from stancetracker.core.exchange import listing
from stancetracker.core.model.dates import DateError, PartialDate, parse_date
from stancetracker.core.model.entities import CONFIDENCES


def date_option(value: str | None, name: str) -> PartialDate | None:
    """A date option's value as a PartialDate, or a click error naming the option."""
    if not value:
        return None
    try:
        return parse_date(value)
    except DateError as err:
        raise click.BadParameter(str(err), param_hint=name) from None


# Who coded, how sure, which words: the part of the filter that every command
# narrowing records takes, charts included.
CODER = click.option("--coder", multiple=True, help="Only records by this coder (repeatable).")
QUERY = click.option("--query", "-q", help="Full-text search in evidence and locator.")
MIN_CONFIDENCE = click.option("--min-confidence", type=click.Choice(CONFIDENCES), help="Lowest confidence to include.")
# Which actors, dimensions and dates: a chart takes these with its own meaning (one dimension, the range shown).
ACTOR = click.option("--actor", "-a", multiple=True, help="Actor slug, name or alias (repeatable).")
DIMENSION = click.option("--dimension", "-d", multiple=True, help="Dimension slug or label (repeatable).")
SINCE = click.option("--since", help="From this date (YYYY, YYYY-MM or YYYY-MM-DD).")
UNTIL = click.option("--until", help="Up to this date, inclusive.")
# What a listing command prints: the table for people, or a format for programs (docs/formats.md).
FORMAT = click.option("--format", "fmt", type=click.Choice(listing.FORMATS), default="table", show_default=True,
                      help="table for people; csv, json or jsonl for programs (fields: docs/formats.md).")




def _remember(key: str) -> Callable:
    def keep(ctx: click.Context, param: click.Parameter, value):
        if value is not None:
            if key == "view":
                try:
                    check_view(value)
                except ValueError as err:
                    raise click.BadParameter(str(err), ctx, param) from None
            ctx.meta[f"stancetracker.{key}"] = value
        return value
    return keep


# Whose records a command sees (docs/reliability.md); kept in the context, read by who_sees.
VIEW = click.option("--view", expose_value=False, callback=_remember("view"), metavar="consensus|all|coder:NAME",
                    help="consensus (the default, but all for export and export-qdpx): records settled by "
                         "adjudication give way to their consensus record; all: every coder's records; "
                         "coder:NAME: one coder's.")
BLIND_STUDY = click.option("--blind-study", expose_value=False, callback=_remember("blind_study"), metavar="STUDY",
                           help="Code this study blind as --coder: other coders' records on its units are hidden "
                                "(default: the study you are assigned to and have not marked done).")


def who_sees(store: Store, flt: RecordFilter | None, default_view: str = DEFAULT_VIEW) -> RecordFilter | None:
    """The filter with the command's --view and blindness: a coder in an open study never sees the others' records
    on its units (until 'study done'). Returns ``flt`` itself when neither applies. ``default_view`` is the view
    without --view: consensus for what is read and published, all for the exports that carry data elsewhere."""
    ctx = click.get_current_context(silent=True)
    meta = ctx.meta if ctx is not None else {}
    view = meta.get("stancetracker.view", default_view)
    slug = meta.get("stancetracker.blind_study")
    coder = store.user
    if slug:
        st = studies.study(store, slug)  # NotFound for an unknown one
        if not st.open_for(coder):
            slug = None
    else:
        slug = studies.open_study_for(store, coder)
        if slug and not meta.get("stancetracker.blind_noted"):
            meta["stancetracker.blind_noted"] = True
            click.echo(f"note: {coder} codes study {slug} blind: the other coders' records on its units are hidden "
                       f"(until 'stancetracker --coder {coder} study done {slug}')", err=True)
    if view == "all" and not slug:
        return flt
    out = RecordFilter() if flt is None else RecordFilter(**vars(flt))
    out.view = view
    out.blind_for = (slug, coder) if slug else None
    return out


def emit(fmt: str, command: str, items: Iterable[Mapping]) -> None:
    """Write a listing for programs to standard output, in UTF-8 whatever the locale."""
    sys.stdout.flush()
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=True) \
        if hasattr(sys.stdout, "buffer") else sys.stdout
    try:
        listing.write(fmt, command, items, out)
        out.flush()
    finally:
        if out is not sys.stdout:
            out.detach()  # standard output stays open for whatever the command says after


def _apply(f: Callable, options: tuple) -> Callable:
    for o in reversed(options):
        f = o(f)
    return f


def filter_options(f: Callable) -> Callable:
    """The whole record filter: --actor, --dimension, --since, --until, --coder, --query, --min-confidence."""
    return _apply(f, (ACTOR, DIMENSION, SINCE, UNTIL, CODER, QUERY, MIN_CONFIDENCE, VIEW, BLIND_STUDY))


def narrowing_options(f: Callable) -> Callable:
    """The filter's --coder, --query and --min-confidence, for commands that choose actors and dates their own way."""
    return _apply(f, (CODER, QUERY, MIN_CONFIDENCE, VIEW, BLIND_STUDY))


def record_filter(store: Store, actor=(), dimension=(), since=None, until=None, coder=(), query=None,
                  min_confidence=None, trash: bool = False, default_view: str = DEFAULT_VIEW) -> RecordFilter:
    """The RecordFilter the filter options ask for, with whose records may be seen (who_sees); names are resolved
    (NotFound for an unknown one)."""
    return who_sees(store, RecordFilter(
        actors=[store.actor(a).slug for a in actor], dimensions=[store.dimension(d).slug for d in dimension],
        since=date_option(since, "--since"), until=date_option(until, "--until"), coders=list(coder),
        min_confidence=min_confidence, query=query or "", deleted=trash), default_view)


__all__ = ["BLIND_STUDY", "FORMAT", "VIEW", "date_option", "emit", "filter_options", "narrowing_options",
           "record_filter", "who_sees"]
