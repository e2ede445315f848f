"""Opening a database from the window: problems explained in a dialog, the backup made in the background."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox, QProgressDialog, QWidget

from stancetracker.core.db import backups
from stancetracker.core.db.connection import needs_upgrade
from stancetracker.core.project import open_for_reading
from stancetracker.core.db.schema_audit import ForeignSchema
from stancetracker.core.db.store import Store
from stancetracker.core.files import identity
from stancetracker.core.project import open_project
from stancetracker.core.model.errors import StanceError

log = logging.getLogger("stancetracker")


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
        log.warning("backup on open failed: %s", err)


def ask_coder(settings: QSettings) -> str:
    """The coder's name, shared with the command line (core/files/identity.py): asked once, on first launch.

    The answer is saved in the data folder, where ``stancetracker`` commands
    read it too; a name the window kept in its own settings before is moved there.
    """
    if os.environ.get("STANCETRACKER_CODER", "").strip() or identity.stored_coder():
        return identity.coder()
    earlier = str(settings.value("coder", "") or "").strip()
    if earlier:
        return _keep(earlier, settings)
    text, ok = QInputDialog.getText(None, "Welcome to stancetracker",
                                    "Your name, as it should appear on the records you code "
                                    "(the command line will use it too):", text=identity.login_name())
    return _keep(text if ok and text.strip() else identity.login_name(), settings)


def _keep(name: str, settings: QSettings) -> str:
    try:
        name = identity.clean_name(name)
        identity.save_coder(name)
    except StanceError:
        name = identity.login_name()
    except OSError as err:  # a data folder that cannot be written: the window still knows the name
        log.warning("the coder name could not be saved: %s", err)
    settings.setValue("coder", name)
    return name


__all__ = ["ask_coder", "open_store"]
