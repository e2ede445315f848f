"""SourceForm: the fields of a source, shared by the sources dialog and the new-source dialog."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit

from stancetracker.core.model.entities import SOURCE_KINDS, Source
from stancetracker.core.model.errors import ValidationError
from stancetracker.gui.dialogs.field_errors import QtFieldErrors
from stancetracker.gui.dialogs.form_fields import QtDateField
from stancetracker.gui.hub import QtStoreHub


class SourceForm:
    """The fields of a source, shared by the manage dialog and the quick 'new source' dialog."""

    def build(self, errors: QtFieldErrors) -> QFormLayout:
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("Title of the document (cited as it is)")
        self.slug_edit = QLineEdit()
        self.slug_edit.setPlaceholderText("made from the title if empty")
        self.publisher_edit = QLineEdit()
        self.author_edit = QLineEdit()
        self.url_edit = QLineEdit()
        self.published = QtDateField("2022-01-22, Jan 2022 or 2022")
        self.kind_combo = QComboBox()
        self.kind_combo.addItems(list(SOURCE_KINDS))
        self.language_edit = QLineEdit()
        self.language_edit.setPlaceholderText("en, ar …")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for text, widget, name in (
                ("&Title", self.title_edit, "title"), ("Slu&g", self.slug_edit, "slug"),
                ("&Publisher", self.publisher_edit, "publisher"), ("&Author", self.author_edit, "author"),
                ("&URL", self.url_edit, "url"), ("Publis&hed", self.published, "published"),
                ("&Kind", self.kind_combo, "kind"), ("Lan&guage", self.language_edit, "language")):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, errors.wrap(widget, name, target=getattr(widget, "edit", widget)))
        return form

    def widgets(self) -> tuple:
        return (self.title_edit, self.slug_edit, self.publisher_edit, self.author_edit, self.url_edit,
                self.published, self.kind_combo, self.language_edit)

    def fill(self, s: Source | None) -> None:
        self.title_edit.setText(s.title if s else "")
        self.slug_edit.setText(s.slug if s else "")
        self.slug_edit.setReadOnly(s is not None)
        self.publisher_edit.setText(s.publisher if s else "")
        self.author_edit.setText(s.author if s else "")
        self.url_edit.setText(s.url if s else "")
        self.published.set_value(s.published if s else None)
        self.kind_combo.setCurrentText(s.kind if s else "article")
        self.language_edit.setText(s.language if s else "")

    def raw(self) -> dict:
        return {w: (w.text() if hasattr(w, "text") else w.currentText()) for w in self.widgets()}

    def source(self, hub: QtStoreHub) -> Source:
        title = self.title_edit.text().strip()
        if not title:
            raise ValidationError("title", "is required")
        slug = self.slug_edit.text().strip() or hub.store.unique_source_slug(title)
        return Source(slug=slug, title=title, publisher=self.publisher_edit.text(), author=self.author_edit.text(),
                      url=self.url_edit.text(), published=self.published.value("published"),
                      kind=self.kind_combo.currentText(), language=self.language_edit.text())


__all__ = ["SourceForm"]
