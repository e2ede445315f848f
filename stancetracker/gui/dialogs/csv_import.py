"""QtImportDialog: preview a CSV, map a foreign layout, import in a thread with progress and Cancel."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog,
                               QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QProgressBar, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from stancetracker.core.files import outputs
from stancetracker.core.exchange.csv_reader import EXPORT_COLUMNS, CsvReader
from stancetracker.core.exchange.record_import import (
    FOREIGN_FIELDS,
    ImportOptions,
    import_records,
)
from stancetracker.core.exchange.record_options import guess_mapping
from stancetracker.core.model.errors import ImportFailed, StanceError
from stancetracker.core.model.progress import Cancelled
from stancetracker.core.exchange.table_import import detect_table, import_table
from stancetracker.gui.hub import QtStoreHub
from stancetracker.gui.store_job import QtStoreJob

PREVIEW_ROWS = 20
ENCODINGS = ("utf-8", "latin-1", "cp1252", "cp1256", "utf-16")
REQUIRED = ("actor", "date", "score")


def layout_key(header: list[str]) -> str:
    """The settings key under which a file layout's mapping is remembered."""
    return "importMappings/" + hashlib.sha1("\x1f".join(header).encode()).hexdigest()[:16]


class QtImportDialog(QDialog):
    """Import records (or actors, sources, events, dimensions) from a CSV file."""

    def __init__(self, hub: QtStoreHub, path: Path | None = None, parent: QWidget | None = None,
                 settings: QSettings | None = None):
        super().__init__(parent)
        self.hub = hub
        self.settings = settings or QSettings()
        self.job: QtStoreJob | None = None
        self.result = None
        self.problems = []
        self.header: list[str] = []
        self.setWindowTitle("Import CSV")
        self.file_label = QLabel()
        choose = QPushButton("&Choose file…")
        choose.clicked.connect(self.choose_file)
        self.encoding = QComboBox()
        self.encoding.addItems(list(ENCODINGS))
        self.encoding.currentIndexChanged.connect(lambda _i: self.load(self.path) if self.path else None)
        self.kind_label = QLabel()
        self.preview = QTableWidget(0, 0)
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.preview.setMaximumHeight(220)
        self.mapping_box = QGroupBox("Which column holds what (* required)")
        self.map_combos: dict[str, QComboBox] = {}
        mform = QFormLayout(self.mapping_box)
        for fld in FOREIGN_FIELDS:
            combo = QComboBox()
            self.map_combos[fld] = combo
            mform.addRow(fld + (" *" if fld in REQUIRED else ""), combo)
        self.fixed_dimension = QComboBox()
        mform.addRow("or one dimension for every row", self.fixed_dimension)
        self.rescale = QCheckBox("Rescale scores from")
        self.lo = QDoubleSpinBox()
        self.hi = QDoubleSpinBox()
        for sb in (self.lo, self.hi):
            sb.setRange(-1e6, 1e6)
            sb.setDecimals(3)
        self.lo.setValue(0)
        self.hi.setValue(10)
        row = QHBoxLayout()
        for w in (self.rescale, self.lo, QLabel("to"), self.hi, QLabel("onto −2 … +2")):
            row.addWidget(w)
        row.addStretch(1)
        mform.addRow(row)
        self.create_actors = QCheckBox("Create actors the file names but the database lacks")
        self.skip_invalid = QCheckBox("Import the valid rows and save the rejected ones beside the file")
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.hide()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.problem_table = QTableWidget(0, 3)
        self.problem_table.setHorizontalHeaderLabels(["Line", "Column", "Problem"])
        self.problem_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.problem_table.verticalHeader().hide()
        self.problem_table.hide()
        self.save_report = QPushButton("Save report as CSV…")
        self.save_report.clicked.connect(self.save_problems)
        self.save_report.hide()
        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton("&Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.import_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        top = QHBoxLayout()
        top.addWidget(choose)
        top.addWidget(self.file_label, 1)
        enc_label = QLabel("&Encoding")
        enc_label.setBuddy(self.encoding)
        top.addWidget(enc_label)
        top.addWidget(self.encoding)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.kind_label)
        lay.addWidget(self.preview)
        lay.addWidget(self.mapping_box)
        lay.addWidget(self.create_actors)
        lay.addWidget(self.skip_invalid)
        lay.addWidget(self.progress)
        lay.addWidget(self.summary)
        lay.addWidget(self.problem_table, 1)
        lay.addWidget(self.save_report)
        lay.addWidget(self.buttons)
        self.resize(900, 760)
        self.path: Path | None = None
        self.kind = ""
        if path is not None:
            self.load(Path(path))
        else:
            self.import_button.setEnabled(False)

    # -- file ------------------------------------------------------------------------
    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Import CSV", str(Path.home()), "CSV files (*.csv *.tsv *.txt)")
        if name:
            self.load(Path(name))

    def load(self, path: Path) -> None:
        """Read the header and the first rows, and decide which layout the file has."""
        self.path = path
        self.file_label.setText(str(path))
        reader = CsvReader(path, self.encoding.currentText())
        rows = []
        try:
            for _line, row in reader.rows():
                rows.append(row)
                if len(rows) >= PREVIEW_ROWS:
                    break
        except ImportFailed as err:
            self.kind_label.setText(f"Cannot read this file: {err}")
            self.import_button.setEnabled(False)
            return
        self.header = reader.header
        self.preview.setColumnCount(len(self.header))
        self.preview.setHorizontalHeaderLabels(self.header)
        self.preview.setRowCount(len(rows))
        for i, row in enumerate(rows):
            for j, cell in enumerate(row[:len(self.header)]):
                self.preview.setItem(i, j, QTableWidgetItem(cell))
        lower = [h.lower() for h in self.header]
        table = detect_table(lower)
        if table:
            self.kind = table
            self.kind_label.setText(f"This is a file of {table}; it will be added to the database.")
        elif set(lower) <= set(EXPORT_COLUMNS):
            self.kind = "records"
            self.kind_label.setText("Stance records in stancetracker's own layout.")
        else:
            self.kind = "foreign"
            self.kind_label.setText("A foreign layout: say which column holds what (remembered for files like this).")
        self.mapping_box.setVisible(self.kind == "foreign")
        self._fill_mapping()
        self.import_button.setEnabled(True)

    def _fill_mapping(self) -> None:
        for fld, combo in self.map_combos.items():
            combo.clear()
            combo.addItem("—", None)
            for h in self.header:
                combo.addItem(h, h)
        guesses = guess_mapping(self.header)  # year → date, party → actor, position → score …
        for fld, combo in self.map_combos.items():
            guess = guesses.get(fld)
            if guess:
                combo.setCurrentIndex(combo.findData(guess))
        self.fixed_dimension.clear()
        self.fixed_dimension.addItem("—", None)
        for d in self.hub.store.dimensions():
            self.fixed_dimension.addItem(d.label, d.slug)
        saved = self.settings.value(layout_key(self.header), None)
        if isinstance(saved, dict):
            for fld, col in (saved.get("map") or {}).items():
                if fld in self.map_combos:
                    self.map_combos[fld].setCurrentIndex(max(self.map_combos[fld].findData(col), 0))
            self.fixed_dimension.setCurrentIndex(max(self.fixed_dimension.findData(saved.get("dimension")), 0))
            scale = saved.get("scale")
            self.rescale.setChecked(bool(scale))
            if scale:
                self.lo.setValue(float(scale[0]))
                self.hi.setValue(float(scale[1]))

    def options(self) -> ImportOptions:
        opts = ImportOptions(create_actors=self.create_actors.isChecked(), skip_invalid=self.skip_invalid.isChecked(),
                             encoding=self.encoding.currentText(), words=self.words())
        if self.kind == "foreign":
            opts.mapping = {f: c.currentData() for f, c in self.map_combos.items() if c.currentData()}
            opts.dimension = self.fixed_dimension.currentData()
            if self.rescale.isChecked():
                opts.scale = (self.lo.value(), self.hi.value())
            self.settings.setValue(layout_key(self.header), {
                "map": opts.mapping, "dimension": opts.dimension, "scale": list(opts.scale) if opts.scale else None})
        return opts

    def words(self) -> dict[str, str]:
        """How the import's messages name this dialog's controls (not the command line's options)."""
        return {"create_actors": f"tick “{self.create_actors.text()}” to add {{them}}",
                "dimension": "or choose one dimension for every row",
                "map": f"say which column holds what under “{self.mapping_box.title()}”"}

    # -- running -----------------------------------------------------------------------
    def start(self) -> None:
        if self.path is None or self.job is not None:
            return
        path, kind = self.path, self.kind
        if kind in ("records", "foreign"):
            opts = self.options()
            if kind == "foreign" and (missing := [f for f in REQUIRED if f not in opts.mapping]):
                self.summary.setText(f"Choose the column for: {', '.join(missing)}")
                return
            fn = lambda store, progress: import_records(store, path, opts, progress)  # noqa: E731
        else:
            fn = lambda store, progress: import_table(store, path, kind)  # noqa: E731
        self.problem_table.hide()
        self.save_report.hide()
        self.progress.setValue(0)
        self.progress.show()
        self.import_button.setEnabled(False)
        self.summary.setText("Importing…")
        self.job = QtStoreJob(self.hub, fn, self)
        self.job.progressed.connect(self._progressed)
        self.job.succeeded.connect(self._done)
        self.job.failed.connect(self._failed)
        self.job.finished.connect(self._finished)
        self.job.start()

    def _progressed(self, done, total) -> None:
        if total:
            self.progress.setValue(int(1000 * done / total))

    def _done(self, result) -> None:
        self.result = result
        if hasattr(result, "summary"):
            # A new actor close to an existing one is said, as the command line says it (issue 17).
            self.summary.setText("\n".join([f"{self.path.name}: {result.summary()}", *result.near_duplicate_notes(advice=False)]))
        else:
            table, added, same = result
            self.summary.setText(f"{self.path.name}: {added} {table} added, {same} already present")
        self.progress.setValue(1000)
        self.hub.changed.emit("all")

    def _failed(self, err) -> None:
        if isinstance(err, Cancelled):
            self.summary.setText("Import cancelled; nothing was imported.")
        elif isinstance(err, ImportFailed):
            self.problems = err.problems
            self.summary.setText(str(err))
            self.problem_table.setRowCount(len(err.problems))
            for i, p in enumerate(err.problems):
                for j, v in enumerate((str(p.line), p.column, p.reason)):
                    self.problem_table.setItem(i, j, QTableWidgetItem(v))
            self.problem_table.show()
            self.save_report.show()
        elif isinstance(err, (StanceError, OSError)):
            self.summary.setText(f"Nothing was imported: {err}")
        else:
            self.summary.setText(f"Nothing was imported: unexpected error ({err})")
        self.progress.hide()

    def _finished(self) -> None:
        self.job = None
        self.import_button.setEnabled(self.path is not None)
        self.cancel_button.setText("Close")

    def cancel(self) -> None:
        if self.job is not None:
            self.job.request_cancel()
            self.summary.setText("Cancelling…")
            return
        self.reject()

    def save_problems(self, path: Path | None = None) -> None:
        if not isinstance(path, (str, Path)):  # from the button, whose clicked(bool) is no path
            name, _ = QFileDialog.getSaveFileName(self, "Save report", str(Path.home() / "import-problems.csv"),
                                                  "CSV files (*.csv)")
            if not name:
                return
            path = Path(name)
        protect = outputs.database_files(self.hub.store.path)
        if self.path is not None:
            protect.append(outputs.Guarded(self.path, "the file being imported"))
        try:
            with outputs.open_output(Path(path).absolute(), protect=protect, option="") as fh:
                w = csv.writer(fh)
                w.writerow(["line", "column", "problem"])
                for p in self.problems:
                    w.writerow([p.line, p.column, p.reason])
        except StanceError as err:
            self.summary.setText(f"The report was not saved: {err}")

    def closeEvent(self, event) -> None:
        if self.job is not None:  # never leave a thread writing behind a closed dialog
            self.job.request_cancel()
            self.job.wait()
        super().closeEvent(event)
