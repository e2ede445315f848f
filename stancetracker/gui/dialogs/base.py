"""Dialogs the main window opens from its menus, and the plumbing they share.

One dialog per module (``actors_dialog``, ``dimensions_dialog``, ``sources_dialog``,
``events_dialog``, ``import_dialog``, ``export_dialog``); import each from its
module. This package module holds what they share: inline field errors, a
date field that shows its precision, the list-plus-form dialog base, and a
thread that runs a core job on its own database connection.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, QThread, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QLineEdit,
                               QListWidget, QListWidgetItem, QMessageBox, QPlainTextEdit, QPushButton,
                               QSpinBox, QSplitter, QVBoxLayout, QWidget)

from stancetracker.core.model.dates import DateError, PartialDate, parse_date
from stancetracker.core.model.errors import StanceError, ValidationError
from stancetracker.core.model.entities import check_date
from stancetracker.core.db.store import Store
from stancetracker.core.project import open_project
from stancetracker.gui.hub import QtStoreHub

DATE_HINT = "2021-11-07, 2021-11, 2021 or 7 November 2021"


def error_colour(widget: QWidget) -> QColor:
    """A red that reads on the widget's palette (lighter on dark backgrounds)."""
    dark = widget.palette().color(QPalette.ColorRole.Window).lightness() < 128
    return QColor("#ff8a80") if dark else QColor("#c62828")


def hint_label(text: str = "") -> QLabel:
    """A small secondary label in the palette's placeholder colour."""
    lab = QLabel(text)
    lab.setWordWrap(True)
    pal = lab.palette()
    pal.setColor(QPalette.ColorRole.WindowText, pal.color(QPalette.ColorRole.PlaceholderText))
    lab.setPalette(pal)
    return lab


def describe_date(d: PartialDate | None) -> str:
    """'7 Nov 2021 (day)', 'Nov 2021 (month)', '2021 (year)'."""
    if d is None:
        return ""
    v = d.value
    if d.precision == "year":
        return f"{v.year} (year)"
    if d.precision == "month":
        return f"{v:%b} {v.year} (month)"
    return f"{v.day} {v:%b} {v.year} (day)"


def mark_invalid(widget: QWidget, invalid: bool) -> None:
    """Draw (or remove) an error-coloured border round an input widget."""
    if invalid:
        cls = widget.metaObject().className()
        widget.setStyleSheet(f"{cls} {{ border: 1px solid {error_colour(widget).name()};"
                             " border-radius: 2px; padding: 1px; }")
    else:
        widget.setStyleSheet("")
    widget.setProperty("invalid", invalid)


class QtFieldErrors:
    """Shows a ValidationError's reason under the field it names, inline."""

    def __init__(self) -> None:
        self._fields: dict[str, tuple[QWidget, QLabel]] = {}
        self._aliases: dict[str, str] = {}

    def wrap(self, widget: QWidget, name: str, target: QWidget | None = None) -> QWidget:
        """``widget`` with an (initially hidden) error label under it, registered as ``name``."""
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(widget)
        lab = QLabel()
        lab.setObjectName(f"error_{name}")
        lab.setWordWrap(True)
        lab.hide()
        lay.addWidget(lab)
        self._fields[name] = (target or widget, lab)
        return box

    def alias(self, name: str, *others: str) -> None:
        """Errors about any of ``others`` are shown at field ``name``."""
        for o in others:
            self._aliases[o] = name

    def label(self, name: str) -> QLabel:
        return self._fields[self._aliases.get(name, name)][1]

    def show(self, err: ValidationError) -> bool:
        """Show the reason at its field; False when no field of that name is here."""
        name = self._aliases.get(err.field, err.field)
        if name not in self._fields:
            return False
        target, lab = self._fields[name]
        pal = lab.palette()
        pal.setColor(QPalette.ColorRole.WindowText, error_colour(lab))
        lab.setPalette(pal)
        lab.setText(err.reason)
        lab.show()
        mark_invalid(target, True)
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def clear(self) -> None:
        for target, lab in self._fields.values():
            if lab.isVisible() or target.property("invalid"):
                lab.hide()
                lab.clear()
                mark_invalid(target, False)


class QtDateField(QWidget):
    """A date typed as text (any form ``parse_date`` reads) with its parsed precision beside it."""

    changed = Signal()

    def __init__(self, placeholder: str = DATE_HINT, parent: QWidget | None = None):
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(placeholder)
        self.hint = hint_label()
        self.hint.setWordWrap(False)
        self.hint.setMinimumWidth(self.hint.fontMetrics().horizontalAdvance("not a date yet") + 8)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.edit, 1)
        lay.addWidget(self.hint)
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(self._typed)

    def text(self) -> str:
        return self.edit.text()

    def setText(self, text: str) -> None:
        self.edit.setText(text)

    def set_value(self, value: PartialDate | None) -> None:
        self.edit.setText(value.short() if value else "")

    def value(self, fld: str, required: bool = False) -> PartialDate | None:
        """The parsed date; raises ValidationError naming ``fld`` (core rules)."""
        return check_date(fld, self.edit.text(), required=required)

    def _typed(self, text: str) -> None:
        if not text.strip():
            self.hint.setText("")
        else:
            try:
                self.hint.setText(describe_date(parse_date(text)))
            except DateError:
                self.hint.setText("not a date yet")
        self.changed.emit()


def watch(widget: QWidget, slot: Callable[[], None]) -> None:
    """Call ``slot`` whenever the user changes the widget's value."""
    if isinstance(widget, QtDateField):
        widget.changed.connect(slot)
    elif isinstance(widget, QLineEdit):
        widget.textChanged.connect(slot)
    elif isinstance(widget, QPlainTextEdit):
        widget.textChanged.connect(slot)
    elif isinstance(widget, QComboBox):
        widget.currentIndexChanged.connect(slot)
        if widget.isEditable():
            widget.editTextChanged.connect(slot)
    elif isinstance(widget, QSpinBox):
        widget.valueChanged.connect(slot)
    else:  # pragma: no cover - a programming error
        raise TypeError(f"cannot watch {type(widget).__name__}")


def multiline(lines: int = 3, placeholder: str = "") -> QPlainTextEdit:
    """A plain-text box about ``lines`` lines high where Tab moves on."""
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setPlaceholderText(placeholder)
    h = box.fontMetrics().lineSpacing() * lines + 2 * box.frameWidth() + 10
    box.setMinimumHeight(h)
    box.setMaximumHeight(max(h, box.fontMetrics().lineSpacing() * (lines + 6)))
    return box


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


class QtStoreJob(QThread):
    """Runs ``fn(store, progress)`` in a thread on its own connection to the hub's database.

    ``progress(done, total)`` is thread-safe: it emits ``progressed`` and
    returns False once :meth:`request_cancel` was called, which the core
    takes as "stop and roll back". The connection is closed when done.
    """

    progressed = Signal(object, object)
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, hub: QtStoreHub, fn: Callable[[Store, Callable[[int, int], bool]], Any],
                 parent=None):
        super().__init__(parent)
        self.path = hub.store.path
        self.user = hub.store.user
        self.fn = fn
        self._cancel = threading.Event()

    def request_cancel(self) -> None:
        self._cancel.set()

    def progress(self, done: int, total: int = 0) -> bool:
        self.progressed.emit(done, total)
        return not self._cancel.is_set()

    def run(self) -> None:  # noqa: D102 - QThread entry point
        if self.path is None:
            self.failed.emit(StanceError("an in-memory database cannot be used from a second connection"))
            return
        try:
            store = open_project(self.path, seed=False, create=False, user=self.user)
        except Exception as err:  # a locked or vanished file: reported, not raised in a thread
            self.failed.emit(err)
            return
        try:
            result = self.fn(store, self.progress)
        except Exception as err:
            self.failed.emit(err)
        else:
            self.succeeded.emit(result)
        finally:
            store.close()


__all__ = ["DATE_HINT", "QtDateField", "QtEntityDialog", "QtFieldErrors", "QtStoreJob", "describe_date",
           "error_colour", "hint_label", "mark_invalid", "multiline", "watch"]
