"""QtCorrectTextDialog: fix a source's text by hand; its coded passages follow their words."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMessageBox, QPlainTextEdit, QVBoxLayout, QWidget

from stancetracker.core.coding.sourcetext import Reanchoring, replace_text
from stancetracker.core.model.errors import StanceError
from stancetracker.gui.hub import QtStoreHub


class QtCorrectTextDialog(QDialog):
    """Edit a source's text by hand (a typo, a mis-read line); saving re-anchors its coded passages."""

    def __init__(self, hub: QtStoreHub, slug: str, text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.hub = hub
        self.slug = slug
        self.reanchoring: Reanchoring | None = None
        self.setWindowTitle(f"Correct the text — {slug}")
        self.editor = QPlainTextEdit(text)
        self.original = text
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("Coded passages follow their words when you save; a passage whose words you change "
                             "is listed as lost, with its records kept."))
        lay.addWidget(self.editor, 1)
        lay.addWidget(buttons)
        self.resize(760, 620)

    def save(self) -> None:
        text = self.editor.toPlainText()
        if text == self.original:
            self.reject()
            return
        try:
            self.reanchoring = self.hub.run("sources", replace_text, self.slug, text)
        except StanceError as err:
            QMessageBox.warning(self, "Not saved", str(err))
            return
        self.accept()


__all__ = ["QtCorrectTextDialog"]
