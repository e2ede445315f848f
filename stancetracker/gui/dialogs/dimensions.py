"""QtDimensionsDialog: the questions stances answer, their poles and codebook text."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QSpinBox, QVBoxLayout, QWidget

from stancetracker.core.model.entities import LEVELS, Dimension
from stancetracker.gui.hub import QtStoreHub
from stancetracker.gui.dialogs.entity_dialog import QtEntityDialog
from stancetracker.gui.dialogs.form_fields import hint_label, multiline, watch


class QtDimensionsDialog(QtEntityDialog):
    """Dimensions: label, question, pole names and descriptions, codebook; with a preview of the score labels."""

    table = "dimensions"
    noun = "dimension"

    def __init__(self, hub: QtStoreHub, parent: QWidget | None = None):
        super().__init__(hub, parent)
        self.setWindowTitle("Dimensions")
        self.resize(900, 640)

    def _build_form(self, area: QWidget) -> None:
        self.slug_edit = QLineEdit()
        self.slug_edit.setPlaceholderText("e.g. eu (cannot change later)")
        self.label_edit = QLineEdit()
        self.question_edit = multiline(2, "The question a stance on it answers")
        self.neg_label_edit = QLineEdit()
        self.neg_label_edit.setPlaceholderText("short name of −2, e.g. anti-EU")
        self.pos_label_edit = QLineEdit()
        self.pos_label_edit.setPlaceholderText("short name of +2, e.g. pro-EU")
        self.neg_pole_edit = multiline(2, "What −2 means, in a sentence")
        self.pos_pole_edit = multiline(2, "What +2 means, in a sentence")
        self.codebook_edit = multiline(5, "What each level means, one line a level: -2: … / -1: … / 0: … / 1: … / 2: …")
        self.position_spin = QSpinBox()
        self.position_spin.setRange(0, 999)
        self.preview = hint_label()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for text, widget, name in (
                ("Slu&g", self.slug_edit, "slug"), ("&Label", self.label_edit, "label"),
                ("&Question", self.question_edit, "question"), ("−2 &name", self.neg_label_edit, "neg_label"),
                ("+2 na&me", self.pos_label_edit, "pos_label"), ("−2 m&eans", self.neg_pole_edit, "neg_pole"),
                ("+2 mea&ns", self.pos_pole_edit, "pos_pole"), ("&Codebook", self.codebook_edit, "codebook"),
                ("&Order", self.position_spin, "position")):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, self.errors.wrap(widget, name))
        form.addRow("Score labels", self.preview)
        lay = QVBoxLayout(area)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(form)
        lay.addStretch(1)
        for w in (self.slug_edit, self.label_edit, self.question_edit, self.neg_label_edit, self.pos_label_edit,
                  self.neg_pole_edit, self.pos_pole_edit, self.codebook_edit, self.position_spin):
            watch(w, self._edited)
        for w in (self.label_edit, self.neg_label_edit, self.pos_label_edit):
            w.textChanged.connect(self._update_preview)

    def _items(self) -> list[Dimension]:
        return self.hub.store.dimensions()

    def _item_text(self, item: Dimension) -> str:
        return item.label

    def _title_for(self, item: Dimension | None) -> str:
        return "New dimension" if item is None else f"{item.label} ({item.slug})"

    def _form_dimension(self) -> Dimension:
        return Dimension(slug=self.slug_edit.text(), label=self.label_edit.text(),
                         question=self.question_edit.toPlainText(), neg_label=self.neg_label_edit.text(),
                         pos_label=self.pos_label_edit.text(), neg_pole=self.neg_pole_edit.toPlainText(),
                         pos_pole=self.pos_pole_edit.toPlainText(), codebook=self.codebook_edit.toPlainText(),
                         position=self.position_spin.value())

    def _update_preview(self) -> None:
        d = self._form_dimension()
        label = d.label.strip() or "…"
        self.preview.setText(" · ".join(
            f"{lv:+d} {d.score_label(lv) if d.neg_label or d.pos_label else Dimension('x', label).score_label(lv)}"
            if lv else "0 neutral/mixed" for lv in LEVELS))

    def _load(self, item: Dimension | None) -> None:
        d = item or Dimension(slug="", label="")
        self.slug_edit.setText(d.slug)
        self.slug_edit.setReadOnly(item is not None)
        self.label_edit.setText(d.label)
        self.question_edit.setPlainText(d.question)
        self.neg_label_edit.setText(d.neg_label)
        self.pos_label_edit.setText(d.pos_label)
        self.neg_pole_edit.setPlainText(d.neg_pole)
        self.pos_pole_edit.setPlainText(d.pos_pole)
        self.codebook_edit.setPlainText(d.codebook)
        self.position_spin.setValue(d.position or 0)
        self._update_preview()

    def _snapshot(self) -> dict:
        return vars(self._form_dimension())

    def _save(self, item: Dimension | None) -> str:
        d = self._form_dimension()
        if item is None:
            return self.hub.add_dimension(d).slug
        changes = {k: v for k, v in vars(d).items() if k not in ("slug", "id")}
        return self.hub.update_dimension(item.slug, **changes).slug
