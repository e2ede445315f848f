"""QtReportDialog (File › Report…): a report of the current selection, previewed in counts, written with progress.

The scope starts from what the window shows — the actors ticked in the
actor list, the chart panel's dimension, the records filter's dates (and its
coder, confidence and text search) — and the analyst may change the title,
the dimensions, the formats and the file. The report is built by the core
(``core/report/build.py``) and written by ``core/report/write.py`` on the
window's connection, in the GUI thread (Qt draws the charts there), kept live
through the progress callback, where Cancel stops it with nothing written.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QApplication, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog,
                               QFormLayout, QHBoxLayout, QLabel, QLineEdit, QProgressDialog, QPushButton,
                               QVBoxLayout, QWidget)

from stancetracker.core.db.query import RecordFilter
from stancetracker.core.model.dates import PartialDate
from stancetracker.core.model.errors import StanceError
from stancetracker.core.model.progress import Cancelled
from stancetracker.core.report.build import build_report
from stancetracker.core.report.document import Figure, Report, Shift
from stancetracker.core.report.method import command_for
from stancetracker.core.report.scope import ReportScope, describe_filter, resolve
from stancetracker.core.report.write import output_paths, write_report
from stancetracker.gui.hub import QtStoreHub
from stancetracker.gui.report_charts import QtChartRenderer

FORMATS = (("html", "&HTML (one self-contained file)"), ("pdf", "&PDF"), ("docx", "&Word (DOCX)"))
PREVIEW_DELAY_MS = 250


def report_counts(report: Report) -> dict[str, int]:
    """What a report holds, in the numbers the dialog shows."""
    return {"records": len(report.record_uuids), "sources": len(report.sources),
            "shifts": sum(isinstance(b, Shift) for b in report.blocks),
            "charts": sum(isinstance(b, Figure) for b in report.blocks)}


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


class QtReportDialog(QDialog):
    """Choose what the report covers and where it goes; shows what it will contain; writes and opens it."""

    def __init__(self, hub: QtStoreHub, actors: list[str], dimension: str | None = None,
                 flt: RecordFilter | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.hub = hub
        self.actors = list(actors)
        base = flt or RecordFilter()
        self.base = RecordFilter(coders=list(base.coders), min_confidence=base.min_confidence, query=base.query)
        self.since: PartialDate | None = base.since
        self.until: PartialDate | None = base.until
        self.report: Report | None = None
        self.written: list[Path] = []
        self.running = False
        self.progress_dialog: QProgressDialog | None = None
        self.setWindowTitle("Report")

        self.title_edit = QLineEdit()
        self.dimension_box = QComboBox()
        self.dimension_box.addItem("All dimensions with records", None)
        for d in hub.store.dimensions():
            self.dimension_box.addItem(d.label, d.slug)
        self.dimension_box.setCurrentIndex(max(0, self.dimension_box.findData(dimension)) if dimension else 0)
        self.format_checks = {}
        formats = QHBoxLayout()
        for fmt, label in FORMATS:
            box = QCheckBox(label)
            box.setChecked(fmt in ("html", "pdf"))
            box.toggled.connect(self._formats_changed)
            self.format_checks[fmt] = box
            formats.addWidget(box)
        formats.addStretch(1)
        self.path_edit = QLineEdit(str(Path.home() / self._default_name()))
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self.browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        self.open_check = QCheckBox("&Open the report when it is written")
        self.open_check.setChecked(True)
        self.scope_label = QLabel()
        self.scope_label.setWordWrap(True)
        self.contents_label = QLabel()
        self.contents_label.setWordWrap(True)
        self.files_label = QLabel()
        self.files_label.setWordWrap(True)
        self.files_label.setStyleSheet("color: #555")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #a00")

        form = QFormLayout()
        form.addRow("&Title", self.title_edit)
        form.addRow("&Dimensions", self.dimension_box)
        form.addRow("Formats", formats)
        file_label = QLabel("&File")
        file_label.setBuddy(self.path_edit)
        form.addRow(file_label, path_row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.write_button = buttons.addButton("&Write report", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.scope_label)
        lay.addWidget(self.contents_label)
        lay.addWidget(self.files_label)
        lay.addWidget(self.open_check)
        lay.addWidget(self.status)
        lay.addWidget(buttons)
        self.resize(640, 0)

        # The preview is the real build: what it counts is what will be written.
        self._timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.preview)
        self.title_edit.textEdited.connect(lambda _t: self._timer.start())
        self.dimension_box.currentIndexChanged.connect(lambda _i: self.preview())
        self.path_edit.textChanged.connect(lambda _t: self._show_files())
        self.preview()

    # ------------------------------------------------------------ scope
    def _default_name(self) -> str:
        store = self.hub.store
        names = [store.actor(a).slug for a in self.actors[:3]] if self.actors else ["all-actors"]
        return re.sub(r"[^A-Za-z0-9_.-]+", "-", "-".join(names)) + "-report.html"

    def scope(self) -> ReportScope:
        dim = self.dimension_box.currentData()
        return ReportScope(actors=tuple(self.actors), dimensions=(dim,) if dim else (), since=self.since,
                           until=self.until, title=self.title_edit.text().strip(), flt=self.base)

    def formats(self) -> tuple[str, ...]:
        return tuple(f for f, box in self.format_checks.items() if box.isChecked())

    def path(self) -> Path:
        # Absolute: in the window, a file named "-" is a file, not standard output.
        return Path(self.path_edit.text().strip()).expanduser().absolute()

    def preview(self) -> Report | None:
        """Build the report for the current choices and show what it holds (or why it cannot be built)."""
        self._timer.stop()
        store = self.hub.store
        scope = self.scope()
        try:
            self.scope_label.setText(f"Scope: {describe_filter(store, resolve(store, scope).flt)}")
            self.report = build_report(store, scope)
        except StanceError as err:
            self.report = None
            self.scope_label.setText("")
            self.contents_label.setTextFormat(Qt.TextFormat.PlainText)
            self.contents_label.setText(f"No report: {err}")
            self.write_button.setEnabled(False)
            return None
        c = report_counts(self.report)
        self.contents_label.setText(
            f"<b>{html.escape(self.report.title)}</b><br>The report will hold {_plural(c['records'], 'record')} from "
            f"{_plural(c['sources'], 'source')}, {_plural(c['shifts'], 'shift')} in “What changed” and "
            f"{_plural(c['charts'], 'chart')}.")
        self.contents_label.setTextFormat(Qt.TextFormat.RichText)
        if not self.title_edit.text().strip():
            self.title_edit.setPlaceholderText(self.report.title)
        self._formats_changed()
        return self.report

    def _formats_changed(self, *_args) -> None:
        self.write_button.setEnabled(self.report is not None and bool(self.formats()) and not self.running)
        self._show_files()

    def _show_files(self) -> None:
        fmts = self.formats()
        if not fmts or not self.path_edit.text().strip():
            self.files_label.setText("Choose at least one format and a file." if not fmts else "Choose a file.")
            return
        names = [p.name for p in output_paths(self.path(), fmts).values()]
        self.files_label.setText("Files: " + ", ".join(names))

    def browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Write the report", self.path_edit.text(),
                                              "Reports (*.html *.pdf *.docx)")
        if name:
            self.path_edit.setText(name)

    # ------------------------------------------------------------ writing
    def accept(self) -> None:
        if self.running:
            return
        report = self.preview()  # the records as they are now (another coder may have added some)
        if report is None or not self.formats():
            return
        path, fmts = self.path(), self.formats()
        store = self.hub.store
        scope = self.scope()
        self.running = True
        self.write_button.setEnabled(False)
        self.status.setText("")
        try:
            report = build_report(store, scope, command_line=command_for(store, scope, output=path.name,
                                                                         formats=fmts))
            self.progress_dialog = QProgressDialog("Writing the report…", "Cancel", 0, 0, self)
            self.progress_dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.progress_dialog.setMinimumDuration(0)
            with QtChartRenderer(store) as charts:
                self.written = write_report(store, report, path, fmts, charts=charts, progress=self.progress,
                                            option="")
        except Cancelled:
            self.status.setText("Report cancelled; nothing was written.")
            return
        except (StanceError, OSError) as err:
            self.status.setText(f"Nothing was written: {err}")
            return
        finally:
            self.running = False
            if self.progress_dialog is not None:
                self.progress_dialog.close()
                self.progress_dialog = None
            self._formats_changed()
        if self.open_check.isChecked() and self.written:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.written[0])))
        super().accept()

    def progress(self, done: int, total: int = 0) -> bool:
        """The core's progress callback (core/model/progress.py): False once Cancel was pressed."""
        bar = self.progress_dialog
        if bar is None:
            return True
        bar.setMaximum(max(total, 1))
        bar.setValue(min(done, max(total, 1)))
        QApplication.processEvents()  # paints the bar and lets Cancel be pressed
        return not bar.wasCanceled()

    def reject(self) -> None:
        if self.running:  # Escape while writing cancels the writing, not the dialog
            if self.progress_dialog is not None:
                self.progress_dialog.cancel()
            return
        super().reject()

    def closeEvent(self, event) -> None:
        if self.running:
            self.reject()
            event.ignore()
            return
        super().closeEvent(event)


__all__ = ["QtReportDialog", "report_counts"]
