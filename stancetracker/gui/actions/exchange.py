"""The File menu's import and export actions: CSV in, the current view out as CSV or as a report, a colleague's work merged."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMessageBox

from stancetracker.core.model.errors import StanceError
from stancetracker.gui.actions.menu import QtWindowActions
from stancetracker.gui.dialogs.csv_import import QtImportDialog
from stancetracker.gui.dialogs.merge import QtMergeDialog
from stancetracker.gui.dialogs.qdpx_dialog import QtQdpxDialog
from stancetracker.gui.dialogs.records_export import QtRecordsExportDialog
from stancetracker.gui.dialogs.report_dialog import QtReportDialog
from stancetracker.gui.feedback import announce
from stancetracker.gui.undo import OperationCommand


def import_summary(result) -> str:
    """What an import did, in words: records (their summary) or a table's rows (added, already present)."""
    if hasattr(result, "summary"):
        return result.summary()
    table, added, same = result
    return f"{added} {table} added, {same} already present"


class QtExchangeActions(QtWindowActions):
    """Moving records in and out of the database; an import or merge is one undo step."""

    def __init__(self, window: QMainWindow, menu: QMenu):
        super().__init__(window)
        self.hub = window.hub
        self.a_import = self.add(menu, "&Import CSV…", lambda: self.import_csv(), "Ctrl+I", writes=True)
        self.add(menu, "&Export current view as CSV…", self.export_csv, "Ctrl+E")
        self.a_report = self.add(menu, "&Report…", self.report, "Ctrl+R",
                                 tip="A report (HTML, PDF, Word) of the ticked actors, the chart's dimension and "
                                     "the filter's dates")
        self.a_merge = self.add(menu, "&Merge a colleague's database or CSV…", self.merge_file, "Ctrl+Shift+M",
                                writes=True)
        # REFI-QDA, the exchange standard of MAXQDA, ATLAS.ti, NVivo and QualCoder (issue 17).
        self.a_import_qdpx = self.add(menu.addMenu("I&mport"), "REFI-QDA &project…", lambda: self.import_qdpx(),
                                      tip="A .qdpx project: text sources, selections as passages, records "
                                          "through a mapping", writes=True)
        self.a_export_qdpx = self.add(menu.addMenu("E&xport"), "REFI-QDA &project…", lambda: self.export_qdpx(),
                                      tip="The records in view, their passages and sources as a .qdpx project")

    def import_csv(self, path: Path | None = None) -> QtImportDialog:
        dlg = QtImportDialog(self.hub, path, parent=self.window)
        dlg.exec()
        op_id = getattr(dlg.result, "op_id", None)
        if op_id is not None:  # one undo step takes the whole import back out
            self.window.undo_stack.push(OperationCommand(self.hub, op_id, f"import {dlg.path.name}"))
        if dlg.result is not None:
            announce(self.window, f"Imported {dlg.path.name}: {import_summary(dlg.result)} (Ctrl+Z takes it back out)",
                     dlg.path)
        return dlg

    def import_qdpx(self) -> QtQdpxDialog:
        dlg = QtQdpxDialog(self.hub, "import", parent=self.window)
        dlg.exec()
        op_id = getattr(dlg.result, "op_id", None)
        if op_id is not None:  # one undo step takes the whole import back out
            self.window.undo_stack.push(OperationCommand(self.hub, op_id, f"import {Path(dlg.file.text()).name}"))
        return dlg

    def export_qdpx(self) -> QtQdpxDialog:
        dlg = QtQdpxDialog(self.hub, "export", self.window.model.filter, parent=self.window)
        dlg.exec()
        return dlg

    def export_csv(self) -> QtRecordsExportDialog:
        dlg = QtRecordsExportDialog(self.hub, self.window.model.filter, parent=self.window)
        dlg.exec()
        if dlg.written is not None:
            path = dlg.output_path()
            announce(self.window, f"Wrote {dlg.written:,} record{'s' if dlg.written != 1 else ''} to {path}", path)
        return dlg

    def report_dialog(self) -> QtReportDialog:
        """The report dialog for the window's selection: ticked actors, the chart's dimension, the filter."""
        w = self.window
        return QtReportDialog(self.hub, w.actor_list.checked(), w.charts.dimension_box.currentData(),
                              w.model.filter, parent=w)

    def report(self) -> QtReportDialog:
        dlg = self.report_dialog()
        if dlg.exec() and dlg.written:
            announce(self.window, f"Wrote the report to {dlg.written[0].parent}: "
                                  f"{', '.join(p.name for p in dlg.written)}", dlg.written[0])
        return dlg

    def merge_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Merge a colleague's work", str(Path.home()),
                                              "stancetracker databases or CSV (*.db *.sqlite *.csv);;All files (*)")
        if path:
            self.merge_path(Path(path))

    def merge_path(self, path: Path) -> QtMergeDialog | None:
        try:
            dlg = QtMergeDialog(self.hub, path, self.window)
        except (StanceError, OSError) as err:
            QMessageBox.warning(self.window, "Merge", f"Cannot merge {path.name}: {err}")
            return None
        if dlg.exec() and dlg.result is not None:
            if dlg.result.op_id is not None:
                self.window.undo_stack.push(OperationCommand(self.hub, dlg.result.op_id, f"merge {path.name}"))
            self.status(dlg.result.summary(), 10000)
        return dlg


__all__ = ["QtExchangeActions"]
