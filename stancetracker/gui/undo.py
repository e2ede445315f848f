"""Undo/Redo: QUndoCommands that make the same core calls as everything else.

Undoing a creation moves the record to the trash (nothing is ever erased);
redoing it restores it. Each command remembers the version it expects, so an
undo over a change made meanwhile by someone else is refused as a conflict
rather than applied blindly.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from stancetracker.core.db.revert import revert_operation
from stancetracker.core.model.errors import StanceError
from stancetracker.core.model.entities import Record
from stancetracker.core.model.fields import EDITED_ATTRIBUTES
from stancetracker.gui.hub import QtStoreHub

_FIELDS = EDITED_ATTRIBUTES


class _RecordCommand(QUndoCommand):
    """Base: the first ``redo`` (done by QUndoStack.push) runs ``do`` and may raise,
    so a refused save never lands on the stack; later undo/redo failures are
    reported through ``hub.commandFailed`` and drop the command."""

    def __init__(self, hub: QtStoreHub, text: str):
        super().__init__(text)
        self.hub = hub
        self.uuid: str | None = None
        self._pushed = False

    def do(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def undo_it(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def redo(self) -> None:
        if not self._pushed:
            self._pushed = True
            return  # already done by execute()
        self._guard(self.do, "redo")

    def undo(self) -> None:
        self._guard(self.undo_it, "undo")

    def _guard(self, fn, kind: str) -> None:
        try:
            with self.hub.as_operation(kind, f"{kind} {self.text()}"):  # history says "undo", not "edit"
                fn()
        except StanceError as err:
            self.setObsolete(True)
            self.hub.commandFailed.emit(f"Could not {self.text()}: {err}")

    def execute(self) -> "_RecordCommand":
        """Do the change now (raising on a refusal); push the result afterwards."""
        self.do()
        return self


class CreateRecordCommand(_RecordCommand):
    """Create a record; undo sends it to the trash, redo brings it back."""

    def __init__(self, hub: QtStoreHub, record: Record, passage: tuple[int, int] | None = None):
        super().__init__(hub, f"create record ({record.actor}, {record.dimension}, {record.date})")
        self.record = record
        self.passage = passage  # offsets in the source's text the record is coded from
        self.version: int | None = None

    def do(self) -> None:
        if self.uuid is None:
            row = self.hub.add_record(self.record, self.passage)
            self.uuid = row.uuid
        else:
            row = self.hub.restore_record(self.uuid, self.version)
        self.version = row.version

    def undo_it(self) -> None:
        self.version = self.hub.delete_record(self.uuid, self.version).version


class EditRecordCommand(_RecordCommand):
    """Change a record's fields; undo puts the old values back."""

    def __init__(self, hub: QtStoreHub, uuid: str, expected_version: int, changes: dict):
        super().__init__(hub, "edit record")
        self.uuid = uuid
        self.changes = changes
        current = hub.store.record(uuid)
        self.before = {k: getattr(current, k) for k in changes}
        self.version = expected_version

    def do(self) -> None:
        self.version = self.hub.update_record(self.uuid, self.version, **self.changes).version

    def undo_it(self) -> None:
        self.version = self.hub.update_record(self.uuid, self.version, **self.before).version


class DeleteRecordCommand(_RecordCommand):
    """Move a record to the trash; undo restores it."""

    def __init__(self, hub: QtStoreHub, uuid: str, expected_version: int | None = None):
        super().__init__(hub, "delete record")
        self.uuid = uuid
        self.version = expected_version

    def do(self) -> None:
        self.version = self.hub.delete_record(self.uuid, self.version).version

    def undo_it(self) -> None:
        self.version = self.hub.restore_record(self.uuid, self.version).version


class RestoreRecordCommand(_RecordCommand):
    """Bring a record back from the trash; undo sends it back."""

    def __init__(self, hub: QtStoreHub, uuid: str, expected_version: int | None = None):
        super().__init__(hub, "restore record")
        self.uuid = uuid
        self.version = expected_version

    def do(self) -> None:
        self.version = self.hub.restore_record(self.uuid, self.version).version

    def undo_it(self) -> None:
        self.version = self.hub.delete_record(self.uuid, self.version).version


def changes_between(current, record: Record) -> dict:
    """The fields of ``record`` that differ from ``current``."""
    return {f: getattr(record, f) for f in _FIELDS if getattr(record, f) != getattr(current, f)}


class OperationCommand(QUndoCommand):
    """An import or merge already applied; undo reverts the whole operation at once."""

    def __init__(self, hub: QtStoreHub, op_id: int, text: str):
        super().__init__(text)
        self.hub = hub
        self.op_id = op_id
        self._pushed = False

    def redo(self) -> None:
        if not self._pushed:
            self._pushed = True
            return
        # Re-applying a reverted merge is a new merge: the stack cannot redo it.
        self.setObsolete(True)
        self.hub.commandFailed.emit(f"{self.text()} cannot be redone; merge or import the file again")

    def undo(self) -> None:
        try:
            self.hub.run("all", revert_operation, self.op_id)
        except StanceError as err:
            self.setObsolete(True)
            self.hub.commandFailed.emit(f"Could not undo {self.text()}: {err}")
