"""File › Import › REFI-QDA project… and File › Export › REFI-QDA project…: a file, a mapping, and the core call."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from stancetracker.core.db.query import RecordFilter
from stancetracker.core.exchange.qdpx.export import write_qdpx
from stancetracker.core.exchange.qdpx.import_ import import_qdpx
from stancetracker.core.exchange.qdpx.mapping import read_mapping
from stancetracker.core.files import outputs
from stancetracker.core.model.errors import StanceError
from stancetracker.core.model.progress import Cancelled
from stancetracker.gui.hub import QtStoreHub
from stancetracker.gui.store_job import QtStoreJob

_FILTER = "REFI-QDA projects (*.qdpx);;All files (*)"


class QtQdpxDialog(QDialog):
    """Import a .qdpx (with an optional mapping) or export the current view as one, on a store job."""

    def __init__(self, hub: QtStoreHub, mode: str, flt: RecordFilter | None = None, parent=None):
        super().__init__(parent)
        self.hub, self.mode, self.flt = hub, mode, flt or RecordFilter()
        self.job: QtStoreJob | None = None
        self.result = None
        importing = mode == "import"
        self.setWindowTitle("Import a REFI-QDA project" if importing else "Export as a REFI-QDA project")
        self.setMinimumWidth(620)
        self.file = QLineEdit()
        self.file.setMinimumWidth(360)
        self.mapping = QLineEdit()
        self.mapping.setPlaceholderText("optional: code names → dimension and score, cases → actors")
        form = QFormLayout()
        form.addRow("Project file:", self._with_browse(self.file, self._browse_file))
        if importing:
            form.addRow("Mapping (TOML or JSON):", self._with_browse(self.mapping, self._browse_mapping))
        self.summary = QLabel("Text sources, their selections (as passages) and, through a mapping, records."
                              if importing else "Sources with text, coded passages of the records in view, "
                              "their codes, cases and notes.")
        self.summary.setWordWrap(True)
        self.summary.setMinimumHeight(3 * self.summary.fontMetrics().lineSpacing())
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.Close)
        self.go = self.buttons.addButton("Import" if importing else "Export", QDialogButtonBox.AcceptRole)
        self.go.clicked.connect(self.start)
        self.buttons.rejected.connect(self.cancel)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.summary)
        lay.addWidget(self.progress)
        lay.addWidget(self.buttons)

    def _with_browse(self, edit: QLineEdit, slot) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(edit)
        button = QPushButton("Browse…")
        button.clicked.connect(slot)
        row.addWidget(button)
        return box

    def _browse_file(self) -> None:
        if self.mode == "import":
            name, _ = QFileDialog.getOpenFileName(self, "REFI-QDA project", str(Path.home()), _FILTER)
        else:
            name, _ = QFileDialog.getSaveFileName(self, "REFI-QDA project", str(Path.home() / "project.qdpx"),
                                                  _FILTER)
        if name:
            self.file.setText(name)

    def _browse_mapping(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Mapping", str(Path.home()), "TOML or JSON (*.toml *.json)")
        if name:
            self.mapping.setText(name)

    def start(self) -> None:
        if self.job is not None or not self.file.text().strip():
            return
        path = Path(self.file.text().strip())
        if self.mode == "import":
            mapping = Path(self.mapping.text().strip()) if self.mapping.text().strip() else None
            fn = lambda store, progress: import_qdpx(  # noqa: E731
                store, path, read_mapping(mapping, store) if mapping else None, progress=progress)
        else:
            protect = outputs.database_files(self.hub.store.path)
            flt = self.flt
            fn = lambda store, progress: write_qdpx(store, path, flt, protect=protect,  # noqa: E731
                                                    progress=progress)
        self.go.setEnabled(False)
        self.progress.setValue(0)
        self.progress.show()
        self.summary.setText("Importing…" if self.mode == "import" else "Exporting…")
        self.job = QtStoreJob(self.hub, fn, self)
        self.job.progressed.connect(lambda done, total: total and self.progress.setValue(int(1000 * done / total)))
        self.job.succeeded.connect(self._done)
        self.job.failed.connect(self._failed)
        self.job.finished.connect(self._finished)
        self.job.start()

    def _done(self, result) -> None:
        self.result = result
        self.progress.setValue(1000)
        self.summary.setText(f"{Path(self.file.text()).name}: {result.text()}")
        if self.mode == "import":
            self.hub.changed.emit("all")

    def _failed(self, err) -> None:
        self.progress.hide()
        if isinstance(err, Cancelled):
            self.summary.setText("Cancelled; nothing was changed.")
        elif isinstance(err, (StanceError, OSError)):
            self.summary.setText(str(err))
        else:
            self.summary.setText(f"Nothing was changed: unexpected error ({err})")

    def _finished(self) -> None:
        self.job = None
        self.go.setEnabled(True)

    def cancel(self) -> None:
        if self.job is not None:
            self.job.request_cancel()
            return
        self.reject()

    def closeEvent(self, event) -> None:
        if self.job is not None:  # never leave a thread writing behind a closed dialog
            self.job.request_cancel()
            self.job.wait()
        super().closeEvent(event)


__all__ = ["QtQdpxDialog"]
