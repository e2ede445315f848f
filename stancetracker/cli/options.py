"""Option parsing shared by the command-line modules."""

from __future__ import annotations

import click

from stancetracker.core.model.dates import DateError, parse_date


def date_option(value: str | None, name: str):
    """A date option's value as a PartialDate, or a click error naming the option."""
    if not value:
        return None
    try:
        return parse_date(value)
    except DateError as err:
        raise click.BadParameter(str(err), param_hint=name) from None
