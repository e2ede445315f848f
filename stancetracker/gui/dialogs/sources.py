"""QtSourcesDialog and QtNewSourceDialog: the documents records are coded from."""

from __future__ import annotations

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout,
                               QWidget)

from stancetracker.core.model.errors import StanceError, ValidationError
from stancetracker.core.model.entities import SOURCE_KINDS, Source
from stancetracker.gui.hub import QtStoreHub
from stancetracker.gui.dialogs.base import QtDateField, QtEntityDialog, QtFieldErrors, watch


class _SourceForm:
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


class QtSourcesDialog(QtEntityDialog):
    """Sources: a list beside the metadata form."""

    table = "sources"
    noun = "source"

    def __init__(self, hub: QtStoreHub, parent: QWidget | None = None):
        super().__init__(hub, parent)
        self.setWindowTitle("Sources")
        self.resize(900, 520)

    def _build_form(self, area: QWidget) -> None:
        self.form = _SourceForm()
        lay = QVBoxLayout(area)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(self.form.build(self.errors))
        lay.addStretch(1)
        for w in self.form.widgets():
            watch(w, self._edited)

    def _items(self) -> list[Source]:
        return self.hub.store.sources()

    def _item_text(self, item: Source) -> str:
        return f"{item.title} ({item.published})" if item.published else item.title

    def _load(self, item: Source | None) -> None:
        self.form.fill(item)

    def _snapshot(self) -> dict:
        return {str(i): v for i, v in enumerate(self.form.raw().values())}

    def _save(self, item: Source | None) -> str:
        src = self.form.source(self.hub)
        if item is None:
            return self.hub.add_source(src).slug
        return self.hub.update_source(item.slug, title=src.title, publisher=src.publisher, author=src.author,
                                      url=src.url, published=src.published, kind=src.kind,
                                      language=src.language).slug


class QtNewSourceDialog(QDialog):
    """Add one source from the record editor; ``created_slug`` names it when accepted."""

    def __init__(self, hub: QtStoreHub, parent: QWidget | None = None):
        super().__init__(parent)
        self.hub = hub
        self.created_slug: str | None = None
        self.setWindowTitle("New source")
        self.errors = QtFieldErrors()
        self.form = _SourceForm()
        self.status = QLabel()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(self.form.build(self.errors))
        lay.addWidget(self.status)
        lay.addWidget(buttons)
        self.resize(560, 0)

    def accept(self) -> None:
        self.errors.clear()
        try:
            self.created_slug = self.hub.add_source(self.form.source(self.hub)).slug
        except ValidationError as err:
            if not self.errors.show(err):
                self.status.setText(str(err))
            return
        except StanceError as err:
            self.status.setText(str(err))
            return
        super().accept()
