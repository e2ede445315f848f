"""Options shared by the commands: dates, and the record filter declared once for every command that filters."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterable, Mapping

import click

from stancetracker.core.db.query import RecordFilter
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
    return _apply(f, (ACTOR, DIMENSION, SINCE, UNTIL, CODER, QUERY, MIN_CONFIDENCE))


def narrowing_options(f: Callable) -> Callable:
    """The filter's --coder, --query and --min-confidence, for commands that choose actors and dates their own way."""
    return _apply(f, (CODER, QUERY, MIN_CONFIDENCE))


def record_filter(store: Store, actor=(), dimension=(), since=None, until=None, coder=(), query=None,
                  min_confidence=None, trash: bool = False) -> RecordFilter:
    """The RecordFilter the filter options ask for; names are resolved (NotFound for an unknown one)."""
    return RecordFilter(
        actors=[store.actor(a).slug for a in actor], dimensions=[store.dimension(d).slug for d in dimension],
        since=date_option(since, "--since"), until=date_option(until, "--until"), coders=list(coder),
        min_confidence=min_confidence, query=query or "", deleted=trash)


__all__ = ["FORMAT", "date_option", "emit", "filter_options", "narrowing_options", "record_filter"]
