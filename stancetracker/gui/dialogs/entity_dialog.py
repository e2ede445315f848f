"""QtEntityDialog: the list-plus-form base of the dialogs that manage actors, dimensions, sources and events."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QMessageBox, QPushButton, QSplitter, QVBoxLayout, QWidget)

from stancetracker.core.model.errors import StanceError, ValidationError
from stancetracker.gui.dialogs.field_errors import QtFieldErrors, error_colour
from stancetracker.gui.hub import QtStoreHub


class QtEntityDialog(QDialog):
    """A filtered list of one kind of entity beside a form to create or edit it.

    Subclasses build the form in ``_build_form`` and implement the hooks
    (``_items``, ``_key``, ``_item_text``, ``_matches``, ``_load``,
    ``_snapshot``, ``_save``). Saving goes through the hub with core
    validation; a ``ValidationError`` is shown at its field. Switching away
    from unsaved changes asks first.
    """

    table = ""          # the hub.changed tag of the entity's table
    noun = "item"

    def __init__(self, hub: QtStoreHub, parent: QWidget | None = None):
        super().__init__(parent)
        self.hub = hub
        self.current: Any = None
        self.errors = QtFieldErrors()
        self._clean: dict = {}
        self._loading = False
        self._saving = False

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter")
        self.filter_edit.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setUniformItemSizes(True)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        flabel = QLabel("&Find:")
        flabel.setBuddy(self.filter_edit)
        frow = QHBoxLayout()
        frow.addWidget(flabel)
        frow.addWidget(self.filter_edit, 1)
        ll.addLayout(frow)
        for w in self._extra_filters():
            ll.addWidget(w)
        ll.addWidget(self.list, 1)
        self.new_button = QPushButton(f"Ne&w {self.noun}")
        ll.addWidget(self.new_button)

        self.title = QLabel()
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        self.form_area = QWidget()
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.title)
        rl.addWidget(self.form_area, 1)
        self._build_form(self.form_area)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setObjectName("status")
        self.save_button = QPushButton("&Save")
        self.revert_button = QPushButton("Re&vert")
        self.buttons = QDialogButtonBox()
        for b in self._extra_buttons():
            self.buttons.addButton(b, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.revert_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ApplyRole)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setAutoDefault(False)
        self.save_button.setDefault(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.buttons)
        rl.addLayout(bottom)

        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        split.setChildrenCollapsible(False)
        left.setMinimumWidth(230)
        split.setSizes([260, 720])
        lay = QVBoxLayout(self)
        lay.addWidget(split)

        self.filter_edit.textChanged.connect(lambda _t: self.refresh_list())
        self.list.currentItemChanged.connect(self._selection_changed)
        self.new_button.clicked.connect(self.new_item)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.revert)
        self.buttons.rejected.connect(self.reject)
        hub.changed.connect(self._hub_changed)

        self.refresh_list()
        self._show(None)
        if self.list.count():
            self.list.setCurrentRow(0)

    # -- hooks -----------------------------------------------------------------
    def _extra_filters(self) -> list[QWidget]:
        return []

    def _extra_buttons(self) -> list[QPushButton]:
        return []

    def _build_form(self, area: QWidget) -> None:
        raise NotImplementedError

    def _items(self) -> list:
        raise NotImplementedError

    def _key(self, item) -> str:
        return item.slug

    def _item_text(self, item) -> str:
        raise NotImplementedError

    def _matches(self, item, text: str) -> bool:
        """Whether the item passes the filter box (``text``) and any extra filters."""
        return not text or text.casefold() in self._item_text(item).casefold()

    def _load(self, item) -> None:
        """Fill the form from ``item`` (None: empty, for a new one)."""
        raise NotImplementedError

    def _snapshot(self) -> dict:
        """The form's raw values, to tell whether it has unsaved changes."""
        raise NotImplementedError

    def _save(self, item) -> str:
        """Create (item None) or update ``item`` through the hub; returns its key."""
        raise NotImplementedError

    def _title_for(self, item) -> str:
        return f"New {self.noun}" if item is None else self._item_text(item)

    def _reload_choices(self) -> None:
        """Refresh pickers that list other tables (called on hub changes)."""

    # -- state -------------------------------------------------------------------
    def is_dirty(self) -> bool:
        return self._snapshot() != self._clean

    def _edited(self) -> None:
        if self._loading:
            return
        dirty = self.is_dirty()
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
        if dirty:
            self.status.clear()

    def _show(self, item) -> None:
        self.current = item
        self._loading = True
        try:
            self.errors.clear()
            self._load(item)
        finally:
            self._loading = False
        self._clean = self._snapshot()
        self.title.setText(self._title_for(item))
        self.save_button.setEnabled(item is None)
        self.revert_button.setEnabled(False)

    def find(self, key: str):
        return next((i for i in self._items() if self._key(i) == key), None)

    def refresh_list(self, select: str | None = None) -> None:
        """Rebuild the list (filtered), keeping or setting the selection without reloading the form."""
        key = select if select is not None else (self._key(self.current) if self.current is not None else None)
        text = self.filter_edit.text().strip()
        with QSignalBlocker(self.list):
            self.list.clear()
            for item in self._items():
                if not self._matches(item, text):
                    continue
                li = self._list_item(item)
                li.setData(Qt.ItemDataRole.UserRole, self._key(item))
                self.list.addItem(li)
                if self._key(item) == key:
                    self.list.setCurrentItem(li)

    def _list_item(self, item) -> QListWidgetItem:
        return QListWidgetItem(self._item_text(item))

    def select(self, key: str) -> bool:
        """Select the entity with this key (through the unsaved-changes check)."""
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.ItemDataRole.UserRole) == key:
                self.list.setCurrentRow(i)
                return self.current is not None and self._key(self.current) == key
        return False

    # -- unsaved changes ------------------------------------------------------------
    def ask_unsaved(self) -> str:
        """Ask what to do with unsaved changes: 'save', 'discard' or 'cancel'."""
        answer = QMessageBox.question(
            self, "Unsaved changes", f"Save the changes to {self.title.text()}?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        return {QMessageBox.StandardButton.Save: "save",
                QMessageBox.StandardButton.Discard: "discard"}.get(answer, "cancel")

    def _may_leave(self) -> bool:
        """True when the form may be replaced: clean, saved, or changes discarded."""
        if not self.is_dirty():
            return True
        answer = self.ask_unsaved()
        if answer == "save":
            return self.save()
        return answer == "discard"

    def _selection_changed(self, new: QListWidgetItem | None, old: QListWidgetItem | None) -> None:
        if new is None:
            return
        key = new.data(Qt.ItemDataRole.UserRole)
        if self.current is not None and self._key(self.current) == key:
            return
        if not self._may_leave():
            self.refresh_list()  # puts the selection back on the item being edited
            return
        self._show(self.find(key))

    def new_item(self) -> None:
        if not self._may_leave():
            return
        with QSignalBlocker(self.list):
            self.list.setCurrentRow(-1)
            self.list.clearSelection()
        self._show(None)
        self.form_area.focusNextChild()

    def revert(self) -> None:
        self._show(self.find(self._key(self.current)) if self.current is not None else None)
        self._say("Changes reverted.")

    def reject(self) -> None:
        if self._may_leave():
            super().reject()

    # -- saving -------------------------------------------------------------------------
    def save(self) -> bool:
        """Validate and save the form through the hub; errors are shown inline."""
        if self.current is not None and not self.is_dirty():
            self._say("No changes to save.")
            return True
        self.errors.clear()
        self._saving = True
        try:
            key = self._save(self.current)
        except ValidationError as err:
            if not self.errors.show(err):
                self._status_error(str(err))
            else:
                self._status_error(f"Not saved: {err.reason}")
            return False
        except StanceError as err:
            self._status_error(str(err))
            return False
        finally:
            self._saving = False
        was_new = self.current is None
        self.refresh_list(select=key)
        self._show(self.find(key))
        self._say(f"{'Created' if was_new else 'Saved'} {self.noun} {key}.")
        return True

    def _status_error(self, text: str) -> None:
        self._say(text, error=True)

    def _say(self, text: str, error: bool = False) -> None:
        """Show a line in the status area (error-coloured when ``error``)."""
        pal = self.palette()
        if error:
            pal.setColor(QPalette.ColorRole.WindowText, error_colour(self.status))
        self.status.setPalette(pal)
        self.status.setText(text)

    def _hub_changed(self, what: str) -> None:
        if self._saving:
            return
        if what in ("all", "actors", "sources", "dimensions"):
            self._reload_choices()
        if what not in (self.table, "all"):
            return
        self.refresh_list()
        if self.current is not None and not self.is_dirty():
            fresh = self.find(self._key(self.current))
            if fresh is not None:
                self._show(fresh)


__all__ = ["QtEntityDialog"]
