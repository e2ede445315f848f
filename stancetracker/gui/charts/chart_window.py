"""Room for a chart: a scrolling holder that never squashes its plots, and a window of its own.

A chart in the panel sits in a :class:`ChartScroll`: the figure keeps the
height its plots and event key need (``ChartFigure.minimum_height``) and the
holder scrolls when the panel is shorter. :class:`QtChartWindow` takes that same
holder, figure and all, into a window of its own (full screen with F11): it is
the live chart, redrawn with every change, and closing the window puts it back
in its tab.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QFrame, QMainWindow, QScrollArea, QWidget

from stancetracker.gui.charts.common import ChartFigure

FULL_SCREEN_KEY = "F11"
OWN_WINDOW_KEY = "Ctrl+Shift+W"


class ChartScroll(QScrollArea):
    """A figure that scrolls rather than shrinks below the height its plots need."""

    def __init__(self, figure: ChartFigure, parent: QWidget | None = None):
        super().__init__(parent)
        self.figure = figure
        figure.scrolls = True
        figure.fit_content()
        self.setWidget(figure)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)


class QtChartWindow(QMainWindow):
    """A chart in a window of its own; ``closed`` is emitted once its holder has been handed back."""

    closed = Signal(str)

    def __init__(self, kind: str, holder: ChartScroll, title: str, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.kind = kind
        self.holder = holder
        self.setWindowTitle(title)
        self.setCentralWidget(holder)
        holder.show()
        self.full_action = QAction("Full screen", self, checkable=True)
        self.full_action.setShortcut(QKeySequence(FULL_SCREEN_KEY))
        self.full_action.toggled.connect(self.set_full_screen)
        back = QAction("Back to the panel", self)
        back.setShortcuts([QKeySequence(OWN_WINDOW_KEY), QKeySequence(QKeySequence.StandardKey.Close)])
        back.triggered.connect(self.close)
        leave = QAction("Leave full screen", self)
        leave.setShortcut(QKeySequence("Esc"))
        leave.triggered.connect(lambda: self.full_action.setChecked(False))
        bar = self.addToolBar("Chart")
        bar.setObjectName("chartWindowBar")
        bar.setMovable(False)
        bar.addAction(self.full_action)
        bar.addAction(back)
        self.addAction(leave)
        self.full_action.setToolTip(f"Full screen ({FULL_SCREEN_KEY}; Esc leaves it)")
        back.setToolTip(f"Put the chart back in its tab ({OWN_WINDOW_KEY})")
        self.resize(1200, 820)

    def set_full_screen(self, on: bool) -> None:
        if on:
            self.showFullScreen()
        else:
            self.showNormal()
        if self.full_action.isChecked() != on:
            self.full_action.setChecked(on)

    def take_holder(self) -> ChartScroll | None:
        """Hand the chart back (the window then holds nothing)."""
        if self.centralWidget() is None:
            return None
        return self.takeCentralWidget()

    def closeEvent(self, ev: QCloseEvent) -> None:
        super().closeEvent(ev)
        if ev.isAccepted():
            self.closed.emit(self.kind)


__all__ = ["FULL_SCREEN_KEY", "OWN_WINDOW_KEY", "ChartScroll", "QtChartWindow"]
