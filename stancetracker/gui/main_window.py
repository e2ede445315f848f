"""QtMainWindow: actor list, records table, record editor and charts, with one action class per menu area."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSettings, Qt, QTimer
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (QAbstractItemView, QDockWidget, QFileDialog, QHeaderView, QLabel, QMainWindow,
                               QMessageBox, QSplitter, QTableView, QVBoxLayout, QWidget)

from stancetracker.core.db.query import RecordFilter
from stancetracker.core.db.store import Store
from stancetracker.core.exchange.documents.reading import SUPPORTED
from stancetracker.core.files.paths import default_db_path
from stancetracker.core.model.errors import StanceError
from stancetracker.gui.actions.coding import QtCodingActions
from stancetracker.gui.actions.database import DATABASES, QtDatabaseActions
from stancetracker.gui.actions.documents import QtDocumentActions
from stancetracker.gui.actions.exchange import QtExchangeActions
from stancetracker.gui.actions.help import QtHelpActions
from stancetracker.gui.actions.manage import QtManageActions
from stancetracker.gui.actions.menu import add_action
from stancetracker.gui.actions.records import QtRecordActions
from stancetracker.gui.actions.view import QtViewActions
from stancetracker.gui.actor_list import QtActorList
from stancetracker.gui.charts.panel import QtChartPanel
from stancetracker.gui.editor_sync import QtEditorSync
from stancetracker.gui.filter_bar import QtFilterBar
from stancetracker.gui.hub import QtStoreHub
from stancetracker.gui.opening import ask_coder, open_store
from stancetracker.gui.reader_state import restore_reader, save_reader
from stancetracker.gui.record_editor import QtRecordEditor
from stancetracker.gui.records_model import UUID_ROLE, QtRecordTableModel
from stancetracker.gui.window_layout import QtWindowLayout, scrolling
from stancetracker.gui.records_view import QtRecordsView

POLL_MS = 1500
COLUMN_WIDTHS = (86, 170, 120, 52, 150, 80, 220, 150, 420, 70)


class QtMainWindow(QMainWindow):
    """The application window over one database.

    It lays out the widgets and keeps the table's selection and the editor in
    step; what the menus do lives in the action classes it composes
    (``database``, ``exchange``, ``records``, ``view``, ``manage``,
    ``documents``, ``help``).
    """

    @classmethod
    def launch(cls, db_path: Path | None, explicit: bool = False) -> "QtMainWindow | None":
        settings = QSettings()
        if not explicit:
            last = settings.value("lastDatabase", "")
            db_path = Path(last) if last and Path(last).exists() else (db_path or default_db_path())
        coder = ask_coder(settings)
        store = open_store(db_path, user=coder)
        while store is None:
            path, _ = QFileDialog.getOpenFileName(None, "Open a stancetracker database", str(Path.home()), DATABASES)
            if not path:
                return None
            store = open_store(Path(path), user=coder)
        win = cls(store, settings)
        QTimer.singleShot(0, win.help.first_run)  # the start page, once the window is shown
        return win

    def __init__(self, store: Store, settings: QSettings | None = None):
        super().__init__()
        self.settings = settings or QSettings()
        self.hub = QtStoreHub(store, self)
        self.undo_stack = QUndoStack(self)
        self._build()
        self._menus()
        self._wire()
        self.window_layout = QtWindowLayout(self, self.settings, self.actor_dock, self.editor_dock,
                                            self.documents.dock)
        self.window_layout.restore()
        self.editor_sync = QtEditorSync(self)  # the editor says when its record changed or left the view
        self.records_view = QtRecordsView(self, self.settings)  # column chooser, evidence pane, record menu
        self.store_opened()
        if not self.documents.dock.isHidden():  # the reader comes back with its document, as it was left
            restore_reader(self.documents.reader, self.settings)

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
        for col, width in enumerate(COLUMN_WIDTHS):
            self.table.setColumnWidth(col, width)
        self.editor = QtRecordEditor(hub)
        self.charts = QtChartPanel(hub)
        self.charts.layout().setContentsMargins(4, 2, 4, 2)  # as the records above: room for the plot, not a frame

        records = QWidget()
        rl = QVBoxLayout(records)
        rl.setContentsMargins(4, 4, 4, 0)
        rl.addWidget(self.filter_bar)
        rl.addWidget(self.table)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        # Each pane scrolls rather than push the window past a small screen (1024×640, or ×2 scaling).
        self.splitter.addWidget(scrolling(records))
        self.splitter.addWidget(scrolling(self.charts))
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([270, 530])  # charts keep room for a plot under their title and event strip
        self.setCentralWidget(self.splitter)

        self.actor_dock = self._dock("Actors", "actors", self.actor_list, Qt.DockWidgetArea.LeftDockWidgetArea)
        editor_pane = scrolling(self.editor, horizontal=False)
        editor_pane.setMinimumWidth(self.editor.minimumSizeHint().width()
                                    + editor_pane.verticalScrollBar().sizeHint().width())
        self.editor_dock = self._dock("Record", "editor", editor_pane, Qt.DockWidgetArea.RightDockWidgetArea)

        self.count_label = QLabel()
        self.path_label = QLabel()
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Permanent, as every status-bar widget is: a message then takes the free space to its left and never
        # draws over it (a normal widget came back under the message once the bar laid itself out again).
        self.statusBar().addPermanentWidget(self.count_label)
        self.statusBar().addPermanentWidget(self.path_label)
        self.setAcceptDrops(True)  # drop a CSV file on the window to import it

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)  # saveState/restoreState find the dock by it
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _menus(self) -> None:
        """The menu bar; each area's class fills its menu (File holds two areas)."""
        mb = self.menuBar()
        file, edit, view, manage, document, help_ = (
            mb.addMenu(t) for t in ("&File", "&Edit", "&View", "&Manage", "&Document", "&Help"))
        self.database = QtDatabaseActions(self, file)
        file.addSeparator()
        self.exchange = QtExchangeActions(self, file)
        self.database.add_backup_actions(file)
        file.addSeparator()
        add_action(self, file, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.records = QtRecordActions(self, edit)
        self.view = QtViewActions(self, view)
        self.manage = QtManageActions(self, manage)
        self.help = QtHelpActions(self, help_)
        # After Help, so the shortcuts list keeps its order; the reader dock goes beside the editor.
        self.documents = QtDocumentActions(self, document)
        self.coding = QtCodingActions(self, view, before=document)
        self.action_areas = (self.database, self.exchange, self.records, self.view, self.manage, self.help,
                             self.documents, self.coding)

    def _wire(self) -> None:
        self.filter_bar.filterChanged.connect(self.apply_filter)
        self.model.countChanged.connect(self._update_counts)
        self.model.modelReset.connect(self._reselect)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.editor.saveRequested.connect(self.records.save)
        self.editor.newSourceRequested.connect(self.manage.new_source)
        self.actor_list.actorActivated.connect(self._filter_actor)
        self.hub.commandFailed.connect(lambda msg: QMessageBox.warning(self, "Undo", msg))
        self.actor_list.checkedChanged.connect(self.charts.set_actors)
        self.charts.set_actors(self.actor_list.checked())
        self.charts.recordActivated.connect(self.select_record)
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self.database.check_external_changes)
        self._poll.start()

    # ------------------------------------------------------------ database
    def store_opened(self) -> None:
        """Show the database just opened (or reopened): title, what it allows, its records."""
        store = self.hub.store
        ro = " [read-only]" if store.readonly else ""
        self.setWindowTitle(f"{store.path.name if store.path else 'memory'}{ro} — stancetracker")
        self.path_label.setText(f"{store.path}{ro}")
        for area in self.action_areas:
            for a in area.writes:
                a.setEnabled(not store.readonly)
        self.editor.setEnabled(not store.readonly)
        self.database.opened()
        self.undo_stack.clear()
        self.apply_filter(self.filter_bar.current() or RecordFilter())
        self.editor.clear_for_new()

    # ------------------------------------------------------------ records
    def apply_filter(self, flt: RecordFilter) -> None:
        try:
            self.model.set_filter(flt)
        except StanceError as err:
            self.filter_bar.problem.setText(str(err))
            return
        self.charts.set_filter(flt)
        self.documents.reader.set_seen(flt)
        self.coding.show_view(flt)

    def _filter_actor(self, slug: str) -> None:
        actor = self.hub.store.actor(slug)
        self.filter_bar.set_actor(slug, actor.name)

    def _update_counts(self, n: int) -> None:
        live, in_trash = self.hub.store.record_counts()
        scope = self.model.filter.scoped()
        if scope["blind_for"] or scope["view"] != "all":  # totals of what this view may see: blind means blind
            live = self.hub.store.count(RecordFilter(**scope))
            in_trash = self.hub.store.count(RecordFilter(**scope, deleted=True))
        trash = " in the trash" if self.model.filter.deleted else ""
        self.count_label.setText(f"{n:,} of {live:,} records shown{trash} · {in_trash:,} in the trash")

    def current_uuid(self) -> str | None:
        idx = self.table.currentIndex()
        return idx.data(UUID_ROLE) if idx.isValid() else None

    def _row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self._selecting:
            return
        uuid = current.data(UUID_ROLE) if current.isValid() else None
        if uuid and (self.editor.current is None or self.editor.current.uuid != uuid):
            if not self.keep_or_discard_edits():
                self.select_row(previous.row() if previous.isValid() else -1)
                return
            self.editor.load(self.hub.store.record(uuid))
            self.charts.highlight_record(uuid)
            self._show_passage(uuid)

    _selecting = False

    def select_row(self, row: int) -> None:
        """Select a table row (-1: none) without loading it into the editor again."""
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
            self.select_row(self.model.row_of(cur.uuid))

    def select_record(self, uuid: str) -> None:
        """Select a record in the table and show it in the editor (e.g. from a chart)."""
        if not self.keep_or_discard_edits():
            return
        row = self.model.row_of(uuid)
        if row < 0 and not self.model.filter.is_empty():
            self.filter_bar.set_actor(None)
            row = self.model.row_of(uuid)
        self.editor.load(self.hub.store.record(uuid))
        self.select_row(row)
        self.charts.highlight_record(uuid)
        self._show_passage(uuid)

    def _show_passage(self, uuid: str) -> None:
        """With the reader open, show the passage the record was coded from."""
        if self.documents.dock.isVisible():
            self.documents.reader.show_record_passage(uuid)

    def keep_or_discard_edits(self) -> bool:
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
            self.records.save(vals)
            return not self.editor.is_dirty()
        return answer == QMessageBox.StandardButton.Discard

    # ------------------------------------------------------------ drag and drop
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if not self.hub.store.readonly and self._dropped_file(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = self._dropped_file(event)
        if path is None:
            return
        event.acceptProposedAction()
        if self.documents.is_document(path):
            self.documents.import_document(path)
        else:
            self.exchange.import_csv(path)

    @staticmethod
    def _dropped_file(event: QDragEnterEvent | QDropEvent) -> Path | None:
        """The CSV file or document being dragged onto the window, if it is exactly one."""
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        files = [Path(u.toLocalFile()) for u in urls if u.isLocalFile()]
        if len(files) == 1 and files[0].suffix.lower() in (".csv", ".tsv", *SUPPORTED):
            return files[0]
        return None

    def closeEvent(self, event) -> None:
        if not self.keep_or_discard_edits():
            event.ignore()
            return
        self.window_layout.save()
        save_reader(self.documents.reader, self.settings)
        self._poll.stop()
        self.hub.store.close()
        event.accept()


__all__ = ["POLL_MS", "QtMainWindow"]
