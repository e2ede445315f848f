"""QtMainWindow: actor list, records table, record editor, charts, menus."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QDockWidget, QFileDialog, QHeaderView,
                               QInputDialog, QLabel, QMainWindow, QMessageBox, QProgressDialog, QSplitter,
                               QTableView, QVBoxLayout, QWidget)

from stancetracker.core.db import backups
from stancetracker.core.db import integrity
from stancetracker.core.files import outputs
from stancetracker.core.db.connection import needs_upgrade
from stancetracker.core.model.errors import ConflictError, StanceError, ValidationError
from stancetracker.core.files.paths import default_db_path
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.project import open_for_reading
from stancetracker.core.db.schema_audit import ForeignSchema
from stancetracker.core.db.store import Store, default_user
from stancetracker.core.project import open_project
from stancetracker.gui.actor_list import QtActorList
from stancetracker.gui.filter_bar import QtFilterBar
from stancetracker.gui.hub import QtStoreHub
from stancetracker.gui.record_editor import EditorValues, QtRecordEditor
from stancetracker.gui.records_model import UUID_ROLE, QtRecordTableModel
from stancetracker.gui.dialogs.shortcuts import QtShortcutsDialog
from stancetracker.gui.undo import (
    CreateRecordCommand,
    DeleteRecordCommand,
    EditRecordCommand,
    RestoreRecordCommand,
    changes_between,
)

MAX_RECENT = 8
POLL_MS = 1500


def resources_dir() -> Path:
    here = Path(__file__).resolve()
    for cand in (here.parent.parent / "resources", here.parents[2] / "resources"):
        if cand.exists():
            return cand
    return here.parents[2] / "resources"


def open_store(path: Path, parent: QWidget | None = None, user: str | None = None) -> Store | None:
    """Open a database, explaining any problem in a dialog (the file is left as it was).

    The backup-on-open runs in a background thread on its own connection, so a
    large database does not delay the window.
    """
    notice = None
    if needs_upgrade(path):  # a one-time step that takes a while on a large database: say so
        notice = QProgressDialog(f"Upgrading {path.name} for this version of stancetracker (a one-time step; "
                                 "a verified backup is made first)…", "", 0, 0, parent)
        notice.setWindowTitle("Upgrading the database")
        notice.setCancelButton(None)
        notice.setMinimumDuration(0)
        notice.show()
        QApplication.processEvents()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    foreign = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            store = open_project(path, user=user, backup=False)
        except ForeignSchema as err:
            # Issue 12: objects we did not make: shown read-only (reading fires no trigger), and said so.
            foreign = err
            store = open_for_reading(path, err, user=user)
    except (StanceError, OSError) as err:
        store, problem = None, err
    if notice is not None:
        QApplication.restoreOverrideCursor()
        notice.close()
    if store is None:
        QMessageBox.critical(parent, "Cannot open the database", f"{problem}")
        return None
    if foreign is not None:
        QMessageBox.warning(parent, "Opened read-only", str(foreign))
    if not store.readonly and not store.created:
        threading.Thread(target=_backup_quietly, args=(path,), daemon=True, name="backup-on-open").start()
    return store


def _backup_quietly(path: Path) -> None:
    try:
        backups.backup_on_open(path)
    except Exception as err:  # a failed backup must not take the session down; say so in the log
        import logging
        logging.getLogger("stancetracker").warning("backup on open failed: %s", err)


class QtMainWindow(QMainWindow):
    """The application window over one database."""

    @classmethod
    def launch(cls, db_path: Path | None, explicit: bool = False) -> "QtMainWindow | None":
        settings = QSettings()
        if not explicit:
            last = settings.value("lastDatabase", "")
            db_path = Path(last) if last and Path(last).exists() else (db_path or default_db_path())
        coder = ask_coder(settings)
        store = open_store(db_path, user=coder)
        while store is None:
            path, _ = QFileDialog.getOpenFileName(None, "Open a stancetracker database", str(Path.home()),
                                                  "stancetracker databases (*.db *.sqlite);;All files (*)")
            if not path:
                return None
            store = open_store(Path(path), user=coder)
        return cls(store, settings)

    def __init__(self, store: Store, settings: QSettings | None = None):
        super().__init__()
        self.settings = settings or QSettings()
        self.hub = QtStoreHub(store, self)
        self.undo_stack = QUndoStack(self)
        self._last_version = store.data_version()
        self._build()
        self._actions()
        self._wire()
        self.restoreGeometry(self.settings.value("geometry", b""))
        if not self.restoreState(self.settings.value("windowState", b"")):
            # First run: docks sized once the window has its real size.
            QTimer.singleShot(0, lambda: self.resizeDocks([self.actor_dock, self.editor_dock], [240, 380],
                                                          Qt.Orientation.Horizontal))
        self._store_opened()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        hub = self.hub
        self.actor_list = QtActorList(hub)
        self.filter_bar = QtFilterBar(hub)
        self.model = QtRecordTableModel(hub, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Set the indicator first: enabling sorting sorts by it, and Qt's default is descending.
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for col, width in enumerate((86, 170, 120, 52, 150, 80, 220, 150, 420, 70)):
            self.table.setColumnWidth(col, width)
        self.editor = QtRecordEditor(hub)
        self.charts = _make_chart_panel(hub)

        records = QWidget()
        rl = QVBoxLayout(records)
        rl.setContentsMargins(4, 4, 4, 0)
        rl.addWidget(self.filter_bar)
        rl.addWidget(self.table)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(records)
        self.splitter.addWidget(self.charts)
        self.splitter.setSizes([330, 470])
        self.setCentralWidget(self.splitter)

        self.actor_dock = QDockWidget("Actors", self)
        self.actor_dock.setObjectName("actors")
        self.actor_dock.setWidget(self.actor_list)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.actor_dock)
        self.editor_dock = QDockWidget("Record", self)
        self.editor_dock.setObjectName("editor")
        self.editor_dock.setWidget(self.editor)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.editor_dock)

        self.count_label = QLabel()
        self.path_label = QLabel()
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addWidget(self.count_label)
        self.statusBar().addPermanentWidget(self.path_label)
        self.resize(1440, 900)
        self.setAcceptDrops(True)  # drop a CSV file on the window to import it

    def _act(self, menu, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        a = QAction(text, self)
        if shortcut is not None:
            keys = shortcut if isinstance(shortcut, list) else [shortcut]
            a.setShortcuts([QKeySequence(k) for k in keys])
        if tip:
            a.setStatusTip(tip)
        a.triggered.connect(slot)
        menu.addAction(a)
        self.addAction(a)
        return a

    def _actions(self) -> None:
        mb = self.menuBar()
        f = mb.addMenu("&File")
        self._act(f, "&New database…", self.new_database, "Ctrl+Shift+N", "Create a new database with the seeded dataset")
        self._act(f, "&Open database…", self.open_database, QKeySequence.StandardKey.Open)
        self.recent_menu = f.addMenu("Open &recent")
        f.addSeparator()
        self.a_import = self._act(f, "&Import CSV…", lambda: self.import_csv(), "Ctrl+I")
        self._act(f, "&Export current view as CSV…", self.export_csv, "Ctrl+E")
        self.a_merge = self._act(f, "&Merge a colleague's database or CSV…", self.merge_file, "Ctrl+M")
        self._act(f, "&Backup copy…", self.backup_copy, "Ctrl+Shift+B", "Save a verified copy of the database")
        self.a_backups = self._act(f, "Backups and &restore…", self.show_backups)
        f.addSeparator()
        self._act(f, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        e = mb.addMenu("&Edit")
        self.a_undo = self.undo_stack.createUndoAction(self, "&Undo")
        self.a_undo.setShortcuts([QKeySequence("Ctrl+Z")])
        self.a_redo = self.undo_stack.createRedoAction(self, "&Redo")
        self.a_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for a in (self.a_undo, self.a_redo):
            e.addAction(a)
            self.addAction(a)
        e.addSeparator()
        self.a_new = self._act(e, "&New record", self.new_record, "Ctrl+N")
        self.a_save = self._act(e, "&Save record", self.editor.request_save, "Ctrl+S")
        self.a_dup = self._act(e, "&Duplicate for another actor or dimension", self.duplicate_record, "Ctrl+D")
        self.a_delete = self._act(e, "Move to &trash", self.delete_record, ["Ctrl+Del"])
        self.a_restore = self._act(e, "Restore from trash", self.restore_record, "Ctrl+Shift+R")
        self._act(e, "Record &history…", self.show_history, "Ctrl+H")
        e.addSeparator()
        self._act(e, "Ne&xt record", lambda: self.step(1), "Ctrl+PgDown")
        self._act(e, "Pre&vious record", lambda: self.step(-1), "Ctrl+PgUp")
        for i, level in enumerate((-2, -1, 0, 1, 2)):
            self._act(e, f"Score {level:+d}" if level else "Score 0", lambda _=False, lv=level: self.editor.set_level(lv),
                      f"Ctrl+{i + 1}")

        v = mb.addMenu("&View")
        self._act(v, "Search &actors", lambda: self.actor_list.search.setFocus(), "Ctrl+F")
        self._act(v, "Search &evidence", lambda: self.filter_bar.query.setFocus(), "Ctrl+Shift+F")
        self._act(v, "Show the &trash", lambda: self.filter_bar.trash.toggle(), "Ctrl+T")
        self._act(v, "Go to the records &table", lambda: self.table.setFocus(), "Ctrl+L")
        v.addAction(self.actor_dock.toggleViewAction())
        v.addAction(self.editor_dock.toggleViewAction())

        m = mb.addMenu("&Manage")
        self.manage_actions = [
            self._act(m, "&Actors…", lambda: self._dialog("actors_dialog", "QtActorsDialog"), "Ctrl+Shift+A"),
            self._act(m, "&Dimensions…", lambda: self._dialog("dimensions_dialog", "QtDimensionsDialog")),
            self._act(m, "&Sources…", lambda: self._dialog("sources_dialog", "QtSourcesDialog"), "Ctrl+Shift+S"),
            self._act(m, "&Events…", lambda: self._dialog("events_dialog", "QtEventsDialog")),
        ]
        h = mb.addMenu("&Help")
        self._act(h, "&Keyboard shortcuts", self.show_shortcuts, QKeySequence.StandardKey.HelpContents)
        self._act(h, "&About stancetracker", self.about)
        self.table.addAction(self._table_delete_action())
        from stancetracker.gui.document_actions import QtDocumentActions
        self.documents = QtDocumentActions(self)

    def _table_delete_action(self) -> QAction:
        a = QAction("Move to trash", self.table)
        a.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        a.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        a.triggered.connect(self.delete_record)
        return a

    def _wire(self) -> None:
        self.filter_bar.filterChanged.connect(self.apply_filter)
        self.model.countChanged.connect(self._update_counts)
        self.model.modelReset.connect(self._reselect)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.editor.saveRequested.connect(self.save)
        self.editor.newSourceRequested.connect(self.new_source)
        self.actor_list.actorActivated.connect(self._filter_actor)
        self.hub.commandFailed.connect(lambda msg: QMessageBox.warning(self, "Undo", msg))
        self.actor_list.checkedChanged.connect(self.charts.set_actors)
        self.charts.set_actors(self.actor_list.checked())
        self.charts.recordActivated.connect(self.select_record)
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._check_external_changes)
        self._poll.start()

    # ------------------------------------------------------------ database
    def _store_opened(self) -> None:
        store = self.hub.store
        ro = " [read-only]" if store.readonly else ""
        self.setWindowTitle(f"{store.path.name if store.path else 'memory'}{ro} — stancetracker")
        self.path_label.setText(f"{store.path}{ro}")
        for a in (self.a_new, self.a_save, self.a_dup, self.a_delete, self.a_restore, self.a_import,
                  self.a_merge, *self.manage_actions, self.documents.a_import, self.documents.a_code,
                  self.documents.a_correct):
            a.setEnabled(not store.readonly)
        self.editor.setEnabled(not store.readonly)
        if store.path:
            self.settings.setValue("lastDatabase", str(store.path))
            recent = [p for p in self.settings.value("recentDatabases", []) or [] if p != str(store.path)]
            self.settings.setValue("recentDatabases", ([str(store.path)] + recent)[:MAX_RECENT])
        self._rebuild_recent()
        self._warn_risky_location()
        self.undo_stack.clear()
        self._last_version = store.data_version()
        self.apply_filter(self.filter_bar.current() or RecordFilter())
        self.editor.clear_for_new()

    def _rebuild_recent(self) -> None:
        self.recent_menu.clear()
        for p in self.settings.value("recentDatabases", []) or []:
            a = self.recent_menu.addAction(p)
            a.triggered.connect(lambda _=False, p=p: self.switch_to(Path(p)))
        self.recent_menu.setEnabled(bool(self.recent_menu.actions()))

    def switch_to(self, path: Path) -> None:
        if not self._keep_or_discard_edits():
            return
        store = open_store(path, self, self.hub.store.user)
        if store is not None:
            self.hub.replace_store(store)
            self._store_opened()

    def new_database(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "New database", str(Path.home() / "stances.db"),
                                              "stancetracker databases (*.db)")
        if path:
            p = Path(path)
            if p.exists():
                QMessageBox.warning(self, "New database", f"{p} already exists; choose another name.")
                return
            try:  # not the open database's neighbours nor its backups folder (core/outputs.py)
                outputs.check_output(p, protect=outputs.database_files(self.hub.store.path), option="")
            except StanceError as err:
                QMessageBox.warning(self, "New database", str(err))
                return
            self.switch_to(p)

    def open_database(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open database", str(self.hub.store.path or Path.home()),
                                              "stancetracker databases (*.db *.sqlite);;All files (*)")
        if path:
            self.switch_to(Path(path))

    def backup_copy(self) -> None:
        store = self.hub.store
        suggested = store.path.with_name(store.path.stem + "-copy.db") if store.path else Path.home() / "copy.db"
        path, _ = QFileDialog.getSaveFileName(self, "Backup copy", str(suggested), "Databases (*.db)")
        if not path:
            return
        try:
            backups.copy_to(store.path, Path(path))
        except (StanceError, OSError) as err:
            QMessageBox.critical(self, "Backup copy", f"The copy was not made: {err}")
            return
        self.statusBar().showMessage(f"Verified copy saved to {path}", 8000)

    def _warn_risky_location(self) -> None:
        """Once per file: SQLite's locking cannot be trusted in synced folders or on shares."""
        path = self.hub.store.path
        warning = integrity.risky_location(path) if path else None
        if not warning:
            return
        self.statusBar().showMessage(warning, 15000)
        seen = set(self.settings.value("warnedLocations", []) or [])
        if str(path) not in seen:
            self.settings.setValue("warnedLocations", sorted(seen | {str(path)}))
            QMessageBox.warning(self, "Risky location", warning)

    def show_history(self) -> None:
        uuid = self.current_uuid() or (self.editor.current.uuid if self.editor.current else None)
        if uuid:
            from stancetracker.gui.dialogs.history import QtHistoryDialog
            QtHistoryDialog(self.hub, uuid, self).exec()
            if self.editor.current is not None and self.editor.current.uuid == uuid:
                self.editor.load(self.hub.store.record(uuid))

    def show_backups(self) -> None:
        from stancetracker.gui.dialogs.backups import QtBackupsDialog
        dlg = QtBackupsDialog(self.hub, self)
        if dlg.exec() and dlg.chosen is not None:
            self.restore_from_backup(dlg.chosen)

    def restore_from_backup(self, backup: Path) -> None:
        """Close the database, put the backup in its place, and open it again."""
        path, user = self.hub.store.path, self.hub.store.user
        self.hub.store.close()
        try:
            result = backups.restore_backup(path, backup)
        except (StanceError, OSError) as err:
            QMessageBox.critical(self, "Restore", f"Nothing was restored: {err}")
            result = None
        store = open_store(path, self, user)
        if store is None:
            return
        self.hub.replace_store(store)
        self._store_opened()
        if result is not None:
            self.statusBar().showMessage(result.summary(), 10000)

    def merge_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Merge a colleague's work", str(Path.home()),
                                              "stancetracker databases or CSV (*.db *.sqlite *.csv);;All files (*)")
        if path:
            self.merge_path(Path(path))

    def merge_path(self, path: Path):
        from stancetracker.gui.dialogs.merge import QtMergeDialog
        from stancetracker.gui.undo import OperationCommand
        try:
            dlg = QtMergeDialog(self.hub, path, self)
        except (StanceError, OSError) as err:
            QMessageBox.warning(self, "Merge", f"Cannot merge {path.name}: {err}")
            return None
        if dlg.exec() and dlg.result is not None:
            if dlg.result.op_id is not None:
                self.undo_stack.push(OperationCommand(self.hub, dlg.result.op_id, f"merge {path.name}"))
            self.statusBar().showMessage(dlg.result.summary(), 10000)
        return dlg

    def _check_external_changes(self) -> None:
        try:
            v = self.hub.store.data_version()
        except Exception:  # the file went away; leave it to the next action to report
            return
        if v != self._last_version:
            self._last_version = v
            self.hub.changed.emit("all")
            self.statusBar().showMessage("Updated with changes saved by another window or program", 5000)

    # ------------------------------------------------------------ records
    def apply_filter(self, flt: RecordFilter) -> None:
        try:
            self.model.set_filter(flt)
        except StanceError as err:
            self.filter_bar.problem.setText(str(err))
            return
        self.charts.set_filter(flt)

    def _filter_actor(self, slug: str) -> None:
        actor = self.hub.store.actor(slug)
        self.filter_bar.set_actor(slug, actor.name)

    def _update_counts(self, n: int) -> None:
        live, in_trash = self.hub.store.record_counts()
        trash = " in the trash" if self.model.filter.deleted else ""
        self.count_label.setText(f"{n:,} of {live:,} records shown{trash} · {in_trash:,} in the trash")

    def current_uuid(self) -> str | None:
        idx = self.table.currentIndex()
        return idx.data(UUID_ROLE) if idx.isValid() else None

    def _row_changed(self, current, previous) -> None:
        if self._selecting:
            return
        uuid = current.data(UUID_ROLE) if current.isValid() else None
        if uuid and (self.editor.current is None or self.editor.current.uuid != uuid):
            if not self._keep_or_discard_edits():
                self._select_row_quietly(previous.row() if previous.isValid() else -1)
                return
            self.editor.load(self.hub.store.record(uuid))
            self.charts.highlight_record(uuid)
            self._show_passage(uuid)

    _selecting = False

    def _select_row_quietly(self, row: int) -> None:
        self._selecting = True
        try:
            if row >= 0:
                idx = self.model.index(row, 0)
                self.table.selectionModel().setCurrentIndex(
                    idx, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
                self.table.scrollTo(idx)
            else:
                self.table.clearSelection()
        finally:
            self._selecting = False

    def _reselect(self) -> None:
        """After a reload keep the edited record selected, if it is still shown."""
        cur = self.editor.current
        if cur is not None:
            self._select_row_quietly(self.model.row_of(cur.uuid))

    def select_record(self, uuid: str) -> None:
        """Select a record in the table and show it in the editor (e.g. from a chart)."""
        if not self._keep_or_discard_edits():
            return
        row = self.model.row_of(uuid)
        if row < 0 and not self.model.filter.is_empty():
            self.filter_bar.set_actor(None)
            row = self.model.row_of(uuid)
        self.editor.load(self.hub.store.record(uuid))
        self._select_row_quietly(row)
        self.charts.highlight_record(uuid)
        self._show_passage(uuid)

    def _show_passage(self, uuid: str) -> None:
        """With the reader open, show the passage the record was coded from."""
        if self.documents.dock.isVisible():
            self.documents.reader.show_record_passage(uuid)

    def step(self, delta: int) -> None:
        row = self.table.currentIndex().row() + delta
        if 0 <= row < self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(row, 0))

    def new_record(self) -> None:
        if not self._keep_or_discard_edits():
            return
        self.table.clearSelection()
        self.editor.clear_for_new(keep_context=True)
        self.editor.actor.setFocus()

    def duplicate_record(self) -> None:
        self.editor.duplicate()

    def save(self, vals: EditorValues) -> None:
        try:
            if vals.uuid is None:
                cmd = CreateRecordCommand(self.hub, vals.record, vals.passage).execute()
                self.undo_stack.push(cmd)
                uuid = cmd.uuid
            else:
                current = self.hub.store.record(vals.uuid)
                changes = changes_between(current, vals.record)
                if not changes:
                    self.editor.status.setText("No changes to save")
                    return
                self.undo_stack.push(EditRecordCommand(self.hub, vals.uuid, vals.version, changes).execute())
                uuid = vals.uuid
        except ConflictError as err:
            self._resolve_conflict(err, vals)
            return
        except ValidationError as err:
            self.editor._show({err.field if err.field in self.editor._errors else "evidence": err.reason})
            return
        except StanceError as err:
            QMessageBox.warning(self, "Not saved", f"The record was not saved: {err}")
            return
        self.editor.load(self.hub.store.record(uuid))
        self.editor.status.setText("Saved")
        self._select_row_quietly(self.model.row_of(uuid))

    def _resolve_conflict(self, err: ConflictError, vals: EditorValues) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "Changed by someone else",
                          f"{err}\n\nKeep your version (it replaces theirs, which stays in the history) "
                          "or load theirs (your edits are dropped)?", parent=self)
        mine = box.addButton("Keep mine", QMessageBox.ButtonRole.AcceptRole)
        theirs = box.addButton("Load theirs", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is mine and err.actual is not None:
            self.save(EditorValues(vals.record, vals.uuid, err.actual))
        elif box.clickedButton() is theirs:
            self.editor.load(self.hub.store.record(vals.uuid))

    def delete_record(self) -> None:
        uuid = self.current_uuid() or (self.editor.current.uuid if self.editor.current else None)
        if not uuid:
            return
        rec = self.hub.store.record(uuid)
        if rec.deleted:
            return
        try:
            self.undo_stack.push(DeleteRecordCommand(self.hub, uuid, rec.version).execute())
        except StanceError as err:
            QMessageBox.warning(self, "Not deleted", str(err))
            return
        self.editor.clear_for_new()
        self.statusBar().showMessage("Moved to the trash (Ctrl+Z to undo; Ctrl+T shows the trash)", 6000)

    def restore_record(self) -> None:
        uuid = self.current_uuid()
        if not uuid:
            return
        rec = self.hub.store.record(uuid)
        if not rec.deleted:
            return
        try:
            self.undo_stack.push(RestoreRecordCommand(self.hub, uuid, rec.version).execute())
        except StanceError as err:
            QMessageBox.warning(self, "Not restored", str(err))
            return
        self.statusBar().showMessage("Restored from the trash", 5000)

    def _keep_or_discard_edits(self) -> bool:
        """Ask what to do with unsaved edits; False means stay where we are."""
        if not self.editor.isEnabled() or not self.editor.is_dirty():
            return True
        answer = QMessageBox.question(
            self, "Unsaved changes", "The record in the editor has changes that are not saved.",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Save:
            vals, _ = self.editor.values()
            if vals is None:
                return False
            self.save(vals)
            return not self.editor.is_dirty()
        return answer == QMessageBox.StandardButton.Discard

    # -------------------------------------------------------------- dialogs
    def _dialog(self, module: str, cls: str, *args):
        import importlib
        mod = importlib.import_module(f"stancetracker.gui.dialogs.{module}")
        dlg = getattr(mod, cls)(self.hub, *args, parent=self)
        dlg.exec()
        return dlg

    def new_source(self) -> None:
        dlg = self._dialog("sources_dialog", "QtNewSourceDialog")
        slug = getattr(dlg, "created_slug", None) if dlg is not None else None
        if slug:
            self.editor.select_source(slug)

    def dragEnterEvent(self, event) -> None:
        if not self.hub.store.readonly and self._dropped_file(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        path = self._dropped_file(event)
        if path is None:
            return
        event.acceptProposedAction()
        if self.documents.is_document(path):
            self.documents.import_document(path)
        else:
            self.import_csv(path)

    @staticmethod
    def _dropped_file(event) -> Path | None:
        """The CSV file or document being dragged onto the window, if it is exactly one."""
        from stancetracker.core.exchange.documents.reading import SUPPORTED
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        files = [Path(u.toLocalFile()) for u in urls if u.isLocalFile()]
        if len(files) == 1 and files[0].suffix.lower() in (".csv", ".tsv", *SUPPORTED):
            return files[0]
        return None

    def import_csv(self, path: Path | None = None) -> None:
        from stancetracker.gui.undo import OperationCommand
        dlg = self._dialog("import_dialog", "QtImportDialog", path) if path else \
            self._dialog("import_dialog", "QtImportDialog")
        op_id = getattr(getattr(dlg, "result", None), "op_id", None)
        if op_id is not None:  # one undo step takes the whole import back out
            self.undo_stack.push(OperationCommand(self.hub, op_id, f"import {dlg.path.name}"))

    def export_csv(self) -> None:
        self._dialog("export_dialog", "QtExportDialog", self.model.filter)

    def show_shortcuts(self) -> None:
        QtShortcutsDialog(self.actions() + self.table.actions(), self).exec()

    def about(self) -> None:
        from stancetracker import __version__
        QMessageBox.about(self, "About stancetracker",
                          f"<b>stancetracker {__version__}</b><p>Code, keep and chart how political actors' "
                          "stances shift over time.</p>")

    def closeEvent(self, event) -> None:
        if not self._keep_or_discard_edits():
            event.ignore()
            return
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("windowState", self.saveState())
        self._poll.stop()
        self.hub.store.close()
        event.accept()


def ask_coder(settings: QSettings) -> str:
    """The coder's name: asked once, then kept in the settings."""
    name = settings.value("coder", "")
    if name:
        return name
    import os
    default = os.environ.get("STANCETRACKER_CODER") or default_user()
    if os.environ.get("STANCETRACKER_CODER"):
        return default
    text, ok = QInputDialog.getText(None, "Welcome to stancetracker",
                                    "Your name, as it should appear on the records you code:", text=default)
    name = text.strip() if ok and text.strip() else default
    settings.setValue("coder", name)
    return name


def _make_chart_panel(hub: QtStoreHub):
    from stancetracker.gui.charts.panel import QtChartPanel
    return QtChartPanel(hub)
