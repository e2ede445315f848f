"""QtEventsDialog: dated landmarks drawn on the charts."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QMessageBox, QPushButton, QVBoxLayout, QWidget

from stancetracker.core.model.errors import StanceError
from stancetracker.core.model.entities import Event
from stancetracker.core.model.text import slugify
from stancetracker.gui.hub import QtStoreHub
from stancetracker.gui.dialogs.entity_dialog import QtEntityDialog
from stancetracker.gui.dialogs.form_fields import QtDateField, hint_label, multiline, watch


class QtEventsDialog(QtEntityDialog):
    """Events: date, short chart label, description, the source that reports it; add, edit, delete."""

    table = "events"
    noun = "event"

    def __init__(self, hub: QtStoreHub, parent: QWidget | None = None):
        super().__init__(hub, parent)
        self.setWindowTitle("Events")
        self.resize(880, 520)

    def _extra_buttons(self) -> list[QPushButton]:
        self.delete_button = QPushButton("&Delete")
        self.delete_button.clicked.connect(self.delete_current)
        return [self.delete_button]

    def _build_form(self, area: QWidget) -> None:
        self.slug_edit = QLineEdit()
        self.slug_edit.setPlaceholderText("made from the label if empty")
        self.date = QtDateField()
        self.label_edit = QLineEdit()
        self.label_edit.setMaxLength(80)
        self.label_count = hint_label()
        self.description_edit = multiline(3, "What happened, in your own words")
        self.source_combo = QComboBox()
        self._reload_choices()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for text, widget, name in (
                ("Slu&g", self.slug_edit, "slug"), ("D&ate", self.date, "date"), ("&Label", self.label_edit, "label"),
                ("Des&cription", self.description_edit, "description"), ("So&urce", self.source_combo, "source")):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, self.errors.wrap(widget, name, target=getattr(widget, "edit", widget)))
        form.addRow("", self.label_count)
        lay = QVBoxLayout(area)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(form)
        lay.addStretch(1)
        for w in (self.slug_edit, self.date, self.label_edit, self.description_edit, self.source_combo):
            watch(w, self._edited)
        self.label_edit.textChanged.connect(
            lambda t: self.label_count.setText(f"{len(t)} characters" + (" — long for a chart label" if len(t) > 40 else "")))

    def _reload_choices(self) -> None:
        if not hasattr(self, "source_combo"):
            return
        cur = self.source_combo.currentData()
        self.source_combo.blockSignals(True)
        self.source_combo.clear()
        self.source_combo.addItem("(none)", None)
        for s in self.hub.store.sources():
            self.source_combo.addItem(s.title[:70], s.slug)
        idx = self.source_combo.findData(cur)
        self.source_combo.setCurrentIndex(max(idx, 0))
        self.source_combo.blockSignals(False)

    def _items(self) -> list[Event]:
        return self.hub.store.events()

    def _item_text(self, item: Event) -> str:
        return f"{item.date} · {item.label}"

    def _load(self, item: Event | None) -> None:
        self.slug_edit.setText(item.slug if item else "")
        self.slug_edit.setReadOnly(item is not None)
        self.date.set_value(item.date if item else None)
        self.label_edit.setText(item.label if item else "")
        self.description_edit.setPlainText(item.description if item else "")
        self.source_combo.setCurrentIndex(max(self.source_combo.findData(item.source if item else None), 0))
        self.delete_button.setEnabled(item is not None)

    def _snapshot(self) -> dict:
        return {"slug": self.slug_edit.text(), "date": self.date.text(), "label": self.label_edit.text(),
                "description": self.description_edit.toPlainText(), "source": self.source_combo.currentData()}

    def _save(self, item: Event | None) -> str:
        date = self.date.value("date", required=True)
        label = self.label_edit.text()
        if item is None:
            slug = self.slug_edit.text().strip() or slugify(f"{date.short()} {label}")[:60].strip("-")
            return self.hub.add_event(Event(slug=slug, date=date, label=label,
                                            description=self.description_edit.toPlainText(),
                                            source=self.source_combo.currentData())).slug
        return self.hub.update_event(item.slug, date=date, label=label,
                                     description=self.description_edit.toPlainText(),
                                     source=self.source_combo.currentData()).slug

    def delete_current(self) -> None:
        if self.current is None:
            return
        answer = QMessageBox.question(self, "Delete event", f"Delete the event “{self.current.label}”?")
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.hub.delete_event(self.current.slug)
        except StanceError as err:
            self._status_error(str(err))
            return
        self._show(None)
        self.refresh_list()
