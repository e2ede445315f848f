"""The File menu's database actions: new, open, recent, backup copy, backups and restore."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMessageBox

from stancetracker.core.db import backups, integrity
from stancetracker.core.db.revert import list_operations
from stancetracker.core.files import outputs
from stancetracker.core.model.errors import StanceError
from stancetracker.gui.actions.menu import QtWindowActions
from stancetracker.gui.dialogs.backups import QtBackupsDialog
from stancetracker.gui.opening import open_store

MAX_RECENT = 8
DATABASES = "stancetracker databases (*.db *.sqlite);;All files (*)"


class QtDatabaseActions(QtWindowActions):
    """Which database the window shows, its copies, and changes other programs save to it."""

    def __init__(self, window: QMainWindow, menu: QMenu):
        super().__init__(window)
        self.hub = window.hub
        self.settings = window.settings
        self.last_version = self.hub.store.data_version()
        self.hub.ownJobFinished.connect(self.own_job_finished)
        self.add(menu, "&New database…", self.new_database, "Ctrl+Shift+N",
                 "Create a new database with the seeded dataset")
        self.add(menu, "&Open database…", self.open_database, QKeySequence.StandardKey.Open)
        self.recent_menu = menu.addMenu("Open &recent")

    def add_backup_actions(self, menu: QMenu) -> None:
        """Backup copy and Backups and restore (they sit after the import and export items)."""
        self.add(menu, "&Backup copy…", self.backup_copy, [QKeySequence.StandardKey.SaveAs, "Ctrl+Shift+B"],
                 "Save a verified copy of the database under another name")
        self.a_backups = self.add(menu, "Backups and &restore…", self.show_backups)

    # ------------------------------------------------------------ opening
    def opened(self) -> None:
        """Remember the database just opened (recent files, its version) and warn about a risky folder."""
        store = self.hub.store
        if store.path:
            self.settings.setValue("lastDatabase", str(store.path))
            recent = [p for p in self.settings.value("recentDatabases", []) or [] if p != str(store.path)]
            self.settings.setValue("recentDatabases", ([str(store.path)] + recent)[:MAX_RECENT])
        self.rebuild_recent()
        self.warn_risky_location()
        self.last_version = store.data_version()

    def rebuild_recent(self) -> None:
        self.recent_menu.clear()
        for p in self.settings.value("recentDatabases", []) or []:
            a = self.recent_menu.addAction(p)
            a.triggered.connect(lambda _=False, p=p: self.switch_to(Path(p)))
        self.recent_menu.setEnabled(bool(self.recent_menu.actions()))

    def switch_to(self, path: Path) -> None:
        if not self.window.keep_or_discard_edits():
            return
        store = open_store(path, self.window, self.hub.store.user)
        if store is not None:
            self.hub.replace_store(store)
            self.window.store_opened()

    def new_database(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.window, "New database", str(Path.home() / "stances.db"),
                                              "stancetracker databases (*.db)")
        if path:
            p = Path(path)
            if p.exists():
                QMessageBox.warning(self.window, "New database", f"{p} already exists; choose another name.")
                return
            try:  # not the open database's neighbours nor its backups folder (core/outputs.py)
                outputs.check_output(p, protect=outputs.database_files(self.hub.store.path), option="")
            except StanceError as err:
                QMessageBox.warning(self.window, "New database", str(err))
                return
            self.switch_to(p)

    def open_database(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open database", str(self.hub.store.path or Path.home()),
                                              DATABASES)
        if path:
            self.switch_to(Path(path))

    def warn_risky_location(self) -> None:
        """Once per file: SQLite's locking cannot be trusted in synced folders or on shares."""
        path = self.hub.store.path
        warning = integrity.risky_location(path) if path else None
        if not warning:
            return
        self.status(warning, 15000)
        seen = set(self.settings.value("warnedLocations", []) or [])
        if str(path) not in seen:
            self.settings.setValue("warnedLocations", sorted(seen | {str(path)}))
            QMessageBox.warning(self.window, "Risky location", warning)

    def check_external_changes(self) -> None:
        """Reload the views when another window or program saved to the database (polled).

        This window's own import runs on a second connection, so SQLite counts it as
        another's commit: the hub says when it is done, and its commit is taken as seen.
        """
        if self.hub.own_jobs:  # judged once this window's job is done
            return
        try:
            v = self.hub.store.data_version()
        except Exception:  # the file went away; leave it to the next action to report
            return
        if v != self.last_version:
            self.last_version = v
            self.hub.changed_elsewhere("all")
            self.status(f"Updated with changes saved by another window or program{self._last_change()}", 8000)

    def own_job_finished(self) -> None:
        """This window's import committed on its own connection: not a change to report as another's."""
        try:
            self.last_version = self.hub.store.data_version()
        except Exception:  # the file went away; the next poll or action reports it
            pass

    def _last_change(self) -> str:
        """Who made the latest operation and when, in words (", Alice's import, 14:02 UTC")."""
        try:
            ops = list_operations(self.hub.store, 1)
        except StanceError:
            return ""
        if not ops:
            return ""
        op = ops[0]
        return f": {op.user}'s {op.kind} at {op.at[11:16]} UTC" if len(op.at) >= 16 else f": {op.user}'s {op.kind}"

    # ------------------------------------------------------------ copies
    def backup_copy(self) -> None:
        store = self.hub.store
        suggested = store.path.with_name(store.path.stem + "-copy.db") if store.path else Path.home() / "copy.db"
        path, _ = QFileDialog.getSaveFileName(self.window, "Backup copy", str(suggested), "Databases (*.db)")
        if not path:
            return
        try:
            backups.copy_to(store.path, Path(path))
        except (StanceError, OSError) as err:
            QMessageBox.critical(self.window, "Backup copy", f"The copy was not made: {err}")
            return
        self.status(f"Verified copy saved to {path}", 8000)

    def show_backups(self) -> None:
        dlg = QtBackupsDialog(self.hub, self.window)
        if dlg.exec() and dlg.chosen is not None:
            self.restore_from_backup(dlg.chosen)

    def restore_from_backup(self, backup: Path) -> None:
        """Close the database, put the backup in its place, and open it again."""
        path, user = self.hub.store.path, self.hub.store.user
        self.hub.store.close()
        try:
            result = backups.restore_backup(path, backup)
        except (StanceError, OSError) as err:
            QMessageBox.critical(self.window, "Restore", f"Nothing was restored: {err}")
            result = None
        store = open_store(path, self.window, user)
        if store is None:
            return
        self.hub.replace_store(store)
        self.window.store_opened()
        if result is not None:
            self.status(result.summary(), 10000)


__all__ = ["DATABASES", "MAX_RECENT", "QtDatabaseActions"]
