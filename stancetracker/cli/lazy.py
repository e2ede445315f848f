"""A command group that imports a command's module only when the command runs or its help is shown.

``stancetracker --help`` and the commands that neither chart nor analyse then
start without NumPy or Qt (issue 13): only charts.py loads them.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping

import click

from stancetracker.cli.base import CommandGroup


class LazyGroup(CommandGroup):
    """``lazy`` maps each command's name to (its module, the first paragraph of its help, as --help lists it)."""

    def __init__(self, *args, lazy: Mapping[str, tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            self.load(self.lazy[cmd_name][0])
        return self.commands.get(cmd_name)

    def load(self, module_name: str) -> None:
        """Import a module of commands and add every command it lists in its ``COMMANDS``."""
        module = importlib.import_module(module_name)
        for command in module.COMMANDS:
            self.add_command(command)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        if args and self.get_command(ctx, args[0]) is None:
            for module_name in sorted({m for m, _ in self.lazy.values()}):
                self.load(module_name)  # a mistyped name: click suggests the nearest among the commands it holds
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The list of commands, from the table of help texts: listing them imports none of their modules."""
        listed = [(name, self.commands.get(name) or click.Command(name, help=self.lazy[name][1]))
                  for name in self.list_commands(ctx)]
        listed = [(name, cmd) for name, cmd in listed if not cmd.hidden]
        if listed:
            limit = formatter.width - 6 - max(len(name) for name, _ in listed)
            with formatter.section("Commands"):
                formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in listed])


__all__ = ["LazyGroup"]
