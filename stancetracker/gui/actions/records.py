"""The Edit menu: undo and redo, and creating, saving, trashing and stepping through records."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox

from stancetracker.core.model.errors import ConflictError, StanceError, ValidationError
from stancetracker.gui.actions.menu import QtWindowActions, set_keys
from stancetracker.gui.dialogs.history import QtHistoryDialog
from stancetracker.gui.editor_sync import conflict_text
from stancetracker.gui.record_editor import EditorValues
from stancetracker.gui.undo import (CreateRecordCommand, DeleteRecordCommand, EditRecordCommand,
                                    RestoreRecordCommand, changes_between)


class QtRecordActions(QtWindowActions):
    """Edits of the record in the editor, each one undo step (Undo/Redo go through the same core calls)."""

    def __init__(self, window: QMainWindow, menu: QMenu):
        super().__init__(window)
        self.hub = window.hub
        self.editor = window.editor
        self.undo_stack = window.undo_stack
        self.a_undo = self.undo_stack.createUndoAction(window, "&Undo")
        set_keys(self.a_undo, QKeySequence.StandardKey.Undo)
        self.a_redo = self.undo_stack.createRedoAction(window, "&Redo")
        set_keys(self.a_redo, QKeySequence.StandardKey.Redo)
        for a in (self.a_undo, self.a_redo):
            menu.addAction(a)
            window.addAction(a)
        menu.addSeparator()
        self.a_new = self.add(menu, "&New record", self.new_record, QKeySequence.StandardKey.New,
                              writes=True)
        self.a_save = self.add(menu, "&Save record", self.editor.request_save, QKeySequence.StandardKey.Save,
                               writes=True)
        self.a_dup = self.add(menu, "&Duplicate for another actor or dimension", self.editor.duplicate, "Ctrl+D",
                              writes=True)
        self.a_delete = self.add(menu, "Move to &trash", self.delete_record, ["Ctrl+Del"], writes=True)
        self.a_restore = self.add(menu, "Restore from trash", self.restore_record, "Ctrl+Shift+R", writes=True)
        # Not Ctrl+H: on macOS that is ⌘H, Hide.
        self.add(menu, "Record &history…", self.show_history, "Ctrl+Shift+H")
        menu.addSeparator()
        self.add(menu, "Ne&xt record", lambda: self.step(1), "Ctrl+PgDown")
        self.add(menu, "Pre&vious record", lambda: self.step(-1), "Ctrl+PgUp")
        for i, level in enumerate((-2, -1, 0, 1, 2)):
            self.add(menu, f"Score {level:+d}" if level else "Score 0",
                     lambda _=False, lv=level: self.editor.set_level(lv), f"Ctrl+{i + 1}")
        window.table.addAction(self._table_delete_action())

    def _table_delete_action(self) -> QAction:
        """Delete in the table (only there: elsewhere it deletes text) moves the record to the trash."""
        a = QAction("Move to trash", self.window.table)
        set_keys(a, QKeySequence.StandardKey.Delete)
        a.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        a.triggered.connect(self.delete_record)
        return a

    def chosen_uuid(self) -> str | None:
        """The record selected in the table, else the one in the editor."""
        return self.window.current_uuid() or (self.editor.current.uuid if self.editor.current else None)

    def step(self, delta: int) -> None:
        table, model = self.window.table, self.window.model
        row = table.currentIndex().row() + delta
        if 0 <= row < model.rowCount():
            table.setCurrentIndex(model.index(row, 0))

    def new_record(self) -> None:
        if not self.window.keep_or_discard_edits():
            return
        self.window.table.clearSelection()
        self.editor.clear_for_new(keep_context=True)
        self.editor.actor.setFocus()

    def save(self, vals: EditorValues) -> None:
        try:
            if vals.uuid is None:
                cmd = CreateRecordCommand(self.hub, vals.record, vals.passage).execute()
                self.undo_stack.push(cmd)
                uuid = cmd.uuid
            else:
                current = self.hub.store.record(vals.uuid)
                changes = changes_between(current, vals.record)
                if not changes:
                    self.editor.status.setText("No changes to save")
                    return
                self.undo_stack.push(EditRecordCommand(self.hub, vals.uuid, vals.version, changes).execute())
                uuid = vals.uuid
        except ConflictError as err:
            self._resolve_conflict(err, vals)
            return
        except ValidationError as err:
            self.editor.show_error(err)
            return
        except StanceError as err:
            QMessageBox.warning(self.window, "Not saved", f"The record was not saved: {err}")
            return
        self.editor.load(self.hub.store.record(uuid))
        self.editor.status.setText("Saved")
        self.window.select_row(self.window.model.row_of(uuid))

    def _resolve_conflict(self, err: ConflictError, vals: EditorValues) -> None:
        title, text = conflict_text(self.hub.store, vals.uuid, err.expected, err.actual)
        if err.actual is None:
            QMessageBox.warning(self.window, title, text)
            return
        box = QMessageBox(QMessageBox.Icon.Warning, title,
                          f"{text}\n\nKeep your edits (they are saved over version {err.actual}, which stays in "
                          f"the history) or show version {err.actual} (your edits are dropped)?", parent=self.window)
        mine = box.addButton("Keep my edits", QMessageBox.ButtonRole.AcceptRole)
        theirs = box.addButton(f"Show version {err.actual}", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is mine and err.actual is not None:
            self.save(EditorValues(vals.record, vals.uuid, err.actual))
        elif box.clickedButton() is theirs:
            self.editor.load(self.hub.store.record(vals.uuid))

    def delete_record(self) -> None:
        uuid = self.chosen_uuid()
        if not uuid:
            return
        rec = self.hub.store.record(uuid)
        if rec.deleted:
            return
        try:
            self.undo_stack.push(DeleteRecordCommand(self.hub, uuid, rec.version).execute())
        except StanceError as err:
            QMessageBox.warning(self.window, "Not deleted", str(err))
            return
        self.editor.clear_for_new()
        self.status("Moved to the trash (Ctrl+Z to undo; Ctrl+T shows the trash)", 6000)

    def restore_record(self) -> None:
        uuid = self.window.current_uuid()
        if not uuid:
            return
        rec = self.hub.store.record(uuid)
        if not rec.deleted:
            return
        try:
            self.undo_stack.push(RestoreRecordCommand(self.hub, uuid, rec.version).execute())
        except StanceError as err:
            QMessageBox.warning(self.window, "Not restored", str(err))
            return
        self.status("Restored from the trash", 5000)

    def show_history(self) -> None:
        uuid = self.chosen_uuid()
        if uuid:
            QtHistoryDialog(self.hub, uuid, self.window).exec()
            if self.editor.current is not None and self.editor.current.uuid == uuid:
                self.editor.load(self.hub.store.record(uuid))


__all__ = ["QtRecordActions"]
