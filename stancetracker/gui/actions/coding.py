"""The Coding menu (reliability studies, agreement, adjudication), View › Records of…, and the view's label."""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QInputDialog, QLabel, QMainWindow, QMenu

from stancetracker.core.db.query import DEFAULT_VIEW, RecordFilter
from stancetracker.gui.actions.menu import QtWindowActions
from stancetracker.gui.dialogs.adjudication_dialog import QtAdjudicationDialog
from stancetracker.gui.dialogs.agreement_panel import QtAgreementDialog
from stancetracker.gui.dialogs.studies_dialog import QtStudiesDialog


def view_text(flt: RecordFilter) -> str:
    """What the status bar says about whose records are shown."""
    if flt.blind_for:
        return f"Blind: study {flt.blind_for[0]}"
    if flt.view == "consensus":
        return "View: consensus only"
    if flt.view.startswith("coder:"):
        return f"View: coder {flt.view[6:]}"
    return "View: all coders"


class QtCodingActions(QtWindowActions):
    """Opens the reliability dialogs over the hub and switches whose records the window shows."""

    def __init__(self, window: QMainWindow, view_menu: QMenu, before: QMenu):
        super().__init__(window)
        self.hub = window.hub
        menu = QMenu("&Coding", window)
        window.menuBar().insertMenu(before.menuAction(), menu)
        self.menu = menu
        self.add(menu, "Reliability &studies…", self.studies, "Ctrl+Alt+R",
                 tip="Make a study, assign its coders, see their progress, mark it done")
        self.add(menu, "&Agreement…", self.agreement, "Ctrl+Alt+G",
                 tip="Krippendorff's alpha with its interval, per pair of coders, confusion matrices")
        self.add(menu, "A&djudicate…", self.adjudicate, "Ctrl+Alt+J",
                 tip="The units where coders disagree; settle each with a consensus record")
        # All three open over a read-only database too, to read; their own buttons that write are off there.
        records_of = view_menu.addMenu("&Records of")
        group = QActionGroup(window)
        self.view_actions: dict[str, QAction] = {}
        for view, text in (("consensus", "&Consensus only"), ("all", "&All coders"), ("coder", "&One coder…")):
            a = self.add(records_of, text, lambda _=False, v=view: self.choose_view(v))
            a.setCheckable(True)
            group.addAction(a)
            self.view_actions[view] = a
        self.view_actions[DEFAULT_VIEW].setChecked(True)
        self.label = QLabel()
        self.label.setToolTip("Whose records the table and charts show (View › Records of)")
        window.statusBar().addPermanentWidget(self.label)

    def choose_view(self, view: str, coder: str | None = None) -> None:
        """Show all coders, consensus only, or one coder (asked for unless given)."""
        if view == "coder":
            if coder is None:
                coders = self.hub.store.coders()
                if not coders:
                    self.status("No records, so no coder to show", 4000)
                    self.show_view(self.window.filter_bar.current() or RecordFilter())
                    return
                coder, ok = QInputDialog.getItem(self.window, "Records of one coder", "Coder:", coders, 0, False)
                if not ok:
                    self.show_view(self.window.filter_bar.current() or RecordFilter())
                    return
            view = f"coder:{coder}"
        self.window.filter_bar.set_view(view)

    def show_view(self, flt: RecordFilter) -> None:
        """Say in the status bar (and tick in the menu) which view is on."""
        self.label.setText(view_text(flt))
        key = "coder" if flt.view.startswith("coder:") else flt.view
        if key in self.view_actions:
            self.view_actions[key].setChecked(True)

    def studies(self) -> QtStudiesDialog:
        dlg = QtStudiesDialog(self.hub, parent=self.window)
        dlg.exec()
        return dlg

    def agreement(self) -> QtAgreementDialog:
        dlg = QtAgreementDialog(self.hub, self.window.filter_bar.current(), parent=self.window)
        dlg.exec()
        return dlg

    def adjudicate(self) -> QtAdjudicationDialog:
        dlg = QtAdjudicationDialog(self.hub, self.window.undo_stack, parent=self.window)
        dlg.exec()
        return dlg


__all__ = ["QtCodingActions", "view_text"]
