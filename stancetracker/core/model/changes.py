"""What changed between two saved states of a record, in words: the CLI's history and the history dialog."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

BOOKKEEPING = ("updated_at", "version")  # they change with every save: a line for them tells nothing


def changed_fields(before: Mapping, after: Mapping, fields: Iterable[str] | None = None) -> list[str]:
    """The fields whose value differs, in the order of ``fields`` (default: ``after``'s, less bookkeeping)."""
    names = [k for k in after if k not in BOOKKEEPING] if fields is None else list(fields)
    return [k for k in names if before.get(k) != after.get(k)]


def change_lines(before: Mapping, after: Mapping, *, fields: Iterable[str] | None = None,
                 arrow: str = "→") -> list[str]:
    """One ``field: old → new`` line per changed field, the values written as Python literals."""
    return [f"{k}: {before.get(k)!r} {arrow} {after.get(k)!r}" for k in changed_fields(before, after, fields)]


def action_text(op_kind: str, action: str) -> str:
    """A history row's action in words: an edit made by undoing or redoing says so ("undo: edit")."""
    if op_kind in ("undo", "redo", "revert") and op_kind != action:
        return f"{op_kind}: {action}"
    return action


__all__ = ["BOOKKEEPING", "action_text", "change_lines", "changed_fields"]
