"""QtNewSourceDialog: add one source from the record editor."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from stancetracker.core.model.errors import StanceError, ValidationError
from stancetracker.gui.dialogs.field_errors import QtFieldErrors
from stancetracker.gui.dialogs.source_form import SourceForm
from stancetracker.gui.hub import QtStoreHub


class QtNewSourceDialog(QDialog):
    """Add one source from the record editor; ``created_slug`` names it when accepted."""

    def __init__(self, hub: QtStoreHub, parent: QWidget | None = None):
        super().__init__(parent)
        self.hub = hub
        self.created_slug: str | None = None
        self.setWindowTitle("New source")
        self.errors = QtFieldErrors()
        self.form = SourceForm()
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


__all__ = ["QtNewSourceDialog"]
