"""Keeping the record editor true to the database: after undo, redo, restore, import, merge,
revert or another window's save it shows the stored version, or says plainly what changed."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QPushButton, QWidget

from stancetracker.core.db.query import RecordRow
from stancetracker.core.db.store import HistoryEntry, Store
from stancetracker.core.model.changes import action_text, change_lines
from stancetracker.core.model.errors import NotFound
from stancetracker.core.model.fields import CONTENT_FIELDS


def who_and_when(entry: HistoryEntry, me: str) -> str:
    """"you (undo: edit) at 14:02 UTC" or "Alice (edit) at 2026-12-01 09:15 UTC"."""
    who = "you" if entry.user == me else entry.user
    when = entry.at[:16].replace("T", " ")
    return f"{who} ({action_text(entry.op_kind, entry.action)}) at {when} UTC"


def changes_since(store: Store, uuid: str, version: int) -> tuple[list[HistoryEntry], list[str]]:
    """The history entries after ``version`` of a record (each save adds one version) and
    what they changed, one "field: old → new" line a field."""
    rec = store.record(uuid)
    entries = store.history(uuid)
    newer = entries[len(entries) - max(0, rec.version - version):] if rec.version > version else []
    if not newer:
        return [], []
    before, after = newer[0].before or {}, newer[-1].after or {}
    return newer, change_lines(before, after, fields=(*CONTENT_FIELDS, "deleted"))


def conflict_text(store: Store, uuid: str, mine: int, now: int | None) -> tuple[str, str]:
    """(title, message) of the dialog shown when a save meets a newer version, in words."""
    if now is None:
        return "Record gone", "The record you were editing is no longer in the database; your edits were not saved."
    rec = store.record(uuid)
    newer, lines = changes_since(store, uuid, mine)
    what = f"{rec.actor_name} on {rec.dimension_label}, {rec.shown('date')}"
    people = sorted({"you, in another window" if e.user == store.user else e.user for e in newer}) or ["someone"]
    title = "Changed in another window" if people == ["you, in another window"] else f"Changed by {people[0]}"
    last = f" by {who_and_when(newer[-1], store.user)}" if newer else ""
    changed = "\n".join(f"• {line}" for line in lines[:8]) or "• (no field you can see changed)"
    return title, (f"While you edited {what}, it was saved again{last}: you started from version {mine}, "
                   f"the database now holds version {now}.\n\nWhat changed there:\n{changed}")


class QtEditorSync(QObject):
    """Watches the record in the editor: a newer stored version is shown (or, with unsaved
    edits, announced), and a record the table no longer shows is said to be hidden."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        self.editor = window.editor
        self.hub = window.hub
        self.bar = QWidget()
        self.bar.setObjectName("editor_notice")
        self.bar.setStyleSheet("#editor_notice { background: palette(alternate-base); border: 1px solid "
                               "palette(mid); border-radius: 3px }")
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setObjectName("editor_notice_text")
        self.load_button = QPushButton("Show the stored version")
        self.load_button.setToolTip("Drop the unsaved edits and show the record as it is stored now")
        self.load_button.clicked.connect(self.load_stored)
        lay = QHBoxLayout(self.bar)
        lay.setContentsMargins(6, 3, 6, 3)
        lay.addWidget(self.note, 1)
        lay.addWidget(self.load_button)
        self.bar.hide()
        self.editor.layout().insertWidget(1, self.bar)
        self._changed_note = ""
        self._hidden_note = ""
        self._loading = False
        self.hub.changed.connect(self.on_changed)
        window.model.modelReset.connect(self.check_shown)
        self.editor.loaded.connect(self._editor_loaded)

    # ------------------------------------------------------------ notes
    def text(self) -> str:
        """What the bar says (empty when it is hidden)."""
        return "" if self.bar.isHidden() else self.note.text()

    def _show(self) -> None:
        parts = [p for p in (self._changed_note, self._hidden_note) if p]
        self.note.setText("\n".join(parts))
        self.bar.setVisible(bool(parts))

    def _editor_loaded(self) -> None:
        if not self._loading:  # the analyst chose another record (or a new one): old news goes
            self._changed_note = ""
            self.load_button.hide()
        self.check_shown()

    # ------------------------------------------------------------ watching
    def on_changed(self, what: str) -> None:
        if what not in ("records", "all"):
            return
        cur = self.editor.current
        if cur is None:
            return
        try:
            row = self.hub.store.record(cur.uuid)
        except NotFound:
            self._changed_note = "This record is no longer in the database (an undone import or merge?)."
            self.load_button.hide()
            self._show()
            return
        if (row.version, row.deleted) == (cur.version, cur.deleted):
            return
        newer, _ = changes_since(self.hub.store, row.uuid, cur.version)
        how = f" by {who_and_when(newer[-1], self.hub.store.user)}" if newer else ""
        trash = " It is in the trash." if row.deleted else ""
        if not self.editor.is_dirty():
            self._load(row)
            self._changed_note = f"Now showing version {row.version}, saved{how}.{trash}"
            self.load_button.hide()
        elif not self.hub.external:
            # The analyst's own undo, redo, import or merge: the edits stay, and Save applies them to
            # the version now stored instead of calling the analyst's own change someone else's.
            self.editor.current = row
            self.editor.title.setText(f"<b>Record</b> <small>v{row.version} · unsaved edits"
                                      f"{' · in the trash' if row.deleted else ''}</small>")
            self._changed_note = (f"Version {row.version} was saved{how} while you edited; your unsaved edits "
                                  f"are kept and Save applies them to it.{trash}")
            self.load_button.show()
        else:
            self._changed_note = (f"Version {row.version} was saved{how} while you edited version {cur.version}; "
                                  f"Save will ask which to keep.{trash}")
            self.load_button.show()
        self._show()

    def check_shown(self) -> None:
        """Say so when the table no longer shows the record in the editor."""
        cur = self.editor.current
        self._hidden_note = ""
        if cur is not None and self.window.model.row_of(cur.uuid) < 0:
            try:
                deleted = self.hub.store.record(cur.uuid).deleted
            except NotFound:
                deleted = False
            self._hidden_note = ("This record is in the trash, which the table is not showing (Ctrl+T shows it)."
                                 if deleted and not self.window.model.filter.deleted
                                 else "This record is hidden by the current filter.")
        self._show()

    def load_stored(self) -> None:
        cur = self.editor.current
        if cur is None:
            return
        try:
            row = self.hub.store.record(cur.uuid)
        except NotFound:
            return
        self._load(row)
        self._changed_note = f"Showing the stored version {row.version}; your unsaved edits were dropped."
        self.load_button.hide()
        self._show()

    def _load(self, row: RecordRow) -> None:
        self._loading = True
        try:
            self.editor.load(row)
        finally:
            self._loading = False


__all__ = ["QtEditorSync", "changes_since", "conflict_text", "who_and_when"]
