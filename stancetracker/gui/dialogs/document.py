"""Import a document as a source with its text, or read it again into an existing source."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QMessageBox,
                               QPlainTextEdit, QVBoxLayout, QWidget)

from stancetracker.core.exchange.documents.reading import DocumentText, read_document
from stancetracker.core.model.errors import StanceError, ValidationError
from stancetracker.core.coding.mentions import paragraphs
from stancetracker.core.coding.sourcetext import Reanchoring, add_document, documents, replace_text
from stancetracker.gui.hub import QtStoreHub
from stancetracker.gui.dialogs.field_errors import QtFieldErrors
from stancetracker.gui.dialogs.form_fields import QtDateField

NEW = ""
_LABELS = {"title": "Title", "author": "Author", "publisher": "Publisher", "url": "URL", "published": "Published"}


def read_or_warn(path: Path, parent: QWidget) -> DocumentText | None:
    """The document read from ``path``, or None after telling the user why it cannot be read."""
    try:
        return read_document(path)
    except StanceError as err:
        QMessageBox.warning(parent, "Cannot import the document", str(err))
        return None


class QtDocumentDialog(QDialog):
    """Shows what was read from a file (metadata to confirm, a preview, counts) and saves it.

    ``created_slug`` names the source afterwards; ``reanchoring`` says what became of the coded
    passages when the text of an existing source was replaced.
    """

    def __init__(self, hub: QtStoreHub, doc: DocumentText, parent: QWidget | None = None):
        super().__init__(parent)
        self.hub = hub
        self.doc = doc
        self.created_slug: str | None = None
        self.reanchoring: Reanchoring | None = None
        self.setWindowTitle(f"Import document — {doc.file_name}")
        self.errors = QtFieldErrors()
        self.target = QComboBox()
        self.target.addItem("a new source", NEW)
        for slug, title, _n in documents(hub.store):
            self.target.addItem(f"replace the text of “{title}”", slug)
        same = [s for s in hub.store.sources() if s.title == doc.title and doc.title]
        if same and self.target.findData(same[0].slug) >= 0:
            self.target.setCurrentIndex(self.target.findData(same[0].slug))
        self.target.currentIndexChanged.connect(self._target_changed)
        self.title = QLineEdit(doc.title or Path(doc.file_name).stem)
        self.author = QLineEdit(doc.author)
        self.publisher = QLineEdit(doc.publisher)
        self.url = QLineEdit(doc.url)
        self.published = QtDateField()
        self.published.set_value(doc.published)
        form = QFormLayout()
        form.addRow("Save as", self.target)
        form.addRow("&Title", self.errors.wrap(self.title, "title"))
        form.addRow("&Author", self.errors.wrap(self.author, "author"))
        form.addRow("&Publisher", self.errors.wrap(self.publisher, "publisher"))
        form.addRow("&URL", self.errors.wrap(self.url, "url"))
        form.addRow("P&ublished", self.errors.wrap(self.published, "published"))
        self.fields = (self.title, self.author, self.publisher, self.url, self.published)
        self.notes = QLabel(self._notes(doc))
        self.notes.setObjectName("document_warnings")
        self.notes.setWordWrap(True)
        self.notes.setVisible(bool(doc.warnings))
        pages = f", {len(doc.pages)} pages" if doc.pages else ""
        counts = QLabel(f"{doc.format.upper()} · {len(doc.text):,} characters · "
                        f"{len(paragraphs(doc.text)):,} paragraphs{pages}")
        preview = QPlainTextEdit(doc.text[:3000] + ("\n…" if len(doc.text) > 3000 else ""))
        preview.setReadOnly(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Import")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.notes)
        lay.addLayout(form)
        lay.addWidget(counts)
        lay.addWidget(preview, 1)
        lay.addWidget(buttons)
        self.resize(640, 560)
        self._target_changed()

    @staticmethod
    def _notes(doc: DocumentText) -> str:
        """What the reader cleaned or left out, each with the field to fill in instead."""
        lines = []
        for w in doc.warnings:
            where = f" — type it in the {_LABELS[w.field]} field if you want one" if w.field in _LABELS else ""
            lines.append(f"• {w.reason[0].upper()}{w.reason[1:]}{where}.")
        return "Read with notes:\n" + "\n".join(lines) if lines else ""

    def _target_changed(self) -> None:
        new = self.target.currentData() == NEW
        for w in self.fields:
            w.setEnabled(new)
            w.setToolTip("" if new else "The source keeps its details; only its text is replaced")

    def save(self) -> None:
        self.errors.clear()
        target = self.target.currentData()
        try:
            if target == NEW:
                src = self.hub.run("sources", add_document, self.doc, title=self.title.text(),
                                   author=self.author.text(), publisher=self.publisher.text(), url=self.url.text(),
                                   published=self.published.text().strip() or None)
                self.created_slug = src.slug
            else:
                self.reanchoring = self.hub.run("sources", replace_text, target, self.doc)
                self.created_slug = target
        except ValidationError as err:
            if not self.errors.show(err):
                QMessageBox.warning(self, "Not imported", str(err))
            return
        except StanceError as err:
            QMessageBox.warning(self, "Not imported", str(err))
            return
        self.accept()
