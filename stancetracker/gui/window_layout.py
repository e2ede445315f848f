"""The main window's size and docks: a first size from the screen, panes that scroll rather than push the
window past a small screen, the layout saved per screen size, and View › Reset layout."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QObject, QRect, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QDockWidget, QFrame, QMainWindow, QScrollArea, QWidget

SCREEN_SHARE = 0.9                 # the first window takes this much of the screen's free area …
LARGEST_FIRST = QSize(1600, 1000)  # … but no more than this: a wall-sized window is not a help
ACTOR_SHARE, ACTOR_WIDTH = 0.15, (150, 260)    # the actor list's first width: share of the window, bounds
EDITOR_SHARE, EDITOR_WIDTH = 0.26, (280, 420)
READER_SHARE, READER_WIDTH = 0.30, (300, 560)
# Where the reader goes when it first opens: a third column on a wide window, above the editor (so the words
# stay in sight while coding them) on a middling one, a tab beside the editor on a small one.
SIDE_BY_SIDE, STACKED = 1900, 1000


def first_geometry(available: QRect) -> QRect:
    """Where the first window goes on a screen whose free area is ``available``: centred, 90% of it, capped."""
    w = min(int(available.width() * SCREEN_SHARE), LARGEST_FIRST.width())
    h = min(int(available.height() * SCREEN_SHARE), LARGEST_FIRST.height())
    rect = QRect(0, 0, w, h)
    rect.moveCenter(available.center())
    return rect


def _bounded(total: int, share: float, bounds: tuple[int, int]) -> int:
    return max(bounds[0], min(bounds[1], int(total * share)))


def dock_widths(window_width: int, reader: bool) -> tuple[int, int, int]:
    """First widths of the actor list, the editor and (when open) the reader, leaving the rest to the table."""
    actor = _bounded(window_width, ACTOR_SHARE, ACTOR_WIDTH)
    editor = _bounded(window_width, EDITOR_SHARE, EDITOR_WIDTH)
    reader_w = _bounded(window_width, READER_SHARE, READER_WIDTH) if reader else 0
    # On a narrow window the table keeps at least a third; the docks give way, the reader first.
    spare = window_width - actor - editor - reader_w - window_width // 3
    if spare < 0 and reader:
        reader_w = max(READER_WIDTH[0] * 2 // 3, reader_w + spare)
    return actor, editor, reader_w


def layout_key(screen: QScreen | None) -> str:
    """The settings group for a screen's size: a layout made on a large screen never lands on a small one."""
    size = screen.availableGeometry().size() if screen is not None else QSize(0, 0)
    return f"layout/{size.width()}x{size.height()}"


def scrolling(widget: QWidget, horizontal: bool = True) -> QScrollArea:
    """``widget`` in a frameless scroll area: it keeps its minimum size and scrolls when the pane is smaller."""
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    if not horizontal:
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area


class QtWindowLayout(QObject):
    """Sizes and places the main window's docks; the window calls it at start, on close and from View."""

    def __init__(self, window: QMainWindow, settings: QSettings, left: QDockWidget, right: QDockWidget,
                 reader: QDockWidget):
        super().__init__(window)
        self.window, self.settings = window, settings
        self.left, self.right, self.reader = left, right, reader
        self.editor_width: int | None = None  # the editor's width while the reader is closed
        self.reader_placed = False  # the reader has its place in this layout (restored, or placed on opening)
        right.installEventFilter(self)
        reader.visibilityChanged.connect(self._reader_toggled)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Qt shrinks the editor before it says the reader opened: remember its width until then.
        if watched is self.right and event.type() == QEvent.Type.Resize and self.reader.isHidden():
            self.editor_width = self.right.width()
        return False

    def screen(self) -> QScreen | None:
        return self.window.screen() or QGuiApplication.primaryScreen()

    def restore(self) -> None:
        """The layout last used on a screen of this size, else a fresh one fitted to it."""
        key = layout_key(self.screen())
        geometry = self.settings.value(f"{key}/geometry", QByteArray())
        state = self.settings.value(f"{key}/state", QByteArray())
        if geometry and self.window.restoreGeometry(geometry) and self._fits() \
                and state and self.window.restoreState(state):
            self.reader_placed = True  # where the analyst left it
            return
        self.reset()

    def save(self) -> None:
        key = layout_key(self.screen())
        self.settings.setValue(f"{key}/geometry", self.window.saveGeometry())
        self.settings.setValue(f"{key}/state", self.window.saveState())

    def _fits(self) -> bool:
        screen = self.screen()
        return screen is None or screen.availableGeometry().contains(self.window.geometry())

    def reset(self) -> None:
        """The first layout: window sized to the screen, actor list left, editor right, reader beside it."""
        w = self.window
        if not (w.isMaximized() or w.isFullScreen()):
            screen = self.screen()
            if screen is not None:
                w.setGeometry(first_geometry(screen.availableGeometry()))
        reader_open = self.reader.isVisible()
        for dock, area in ((self.left, Qt.DockWidgetArea.LeftDockWidgetArea),
                           (self.right, Qt.DockWidgetArea.RightDockWidgetArea),
                           (self.reader, Qt.DockWidgetArea.RightDockWidgetArea)):
            dock.setFloating(False)
            w.addDockWidget(area, dock)
        w.splitDockWidget(self.reader, self.right, Qt.Orientation.Horizontal)
        self.left.show()
        self.right.show()
        self.editor_width = None
        self.reader_placed = False
        self.reader.setVisible(reader_open)
        # Once the window has its real size (after the event loop lays it out).
        QTimer.singleShot(0, self.size_docks)
        if reader_open:
            self.reader_placed = True
            QTimer.singleShot(0, self._place_reader)

    def size_docks(self) -> None:
        """Give each visible dock its first width for the window's present width."""
        reader_open = self.reader.isVisible()
        actor, editor, reader = dock_widths(self.window.width(), reader_open)
        docks, widths = [self.left, self.right], [actor, editor]
        if reader_open:
            docks.append(self.reader)
            widths.append(reader)
        self.window.resizeDocks(docks, widths, Qt.Orientation.Horizontal)

    def _place_reader(self) -> None:
        w, width = self.window, self.window.width()
        editor = self.editor_width or self.right.width()
        if width < STACKED:
            w.tabifyDockWidget(self.right, self.reader)
            self.reader.raise_()
            w.resizeDocks([self.right], [editor], Qt.Orientation.Horizontal)
        elif width < SIDE_BY_SIDE:
            w.splitDockWidget(self.reader, self.right, Qt.Orientation.Vertical)  # the editor under the reader
            h = self.reader.height() + self.right.height()
            w.resizeDocks([self.reader, self.right], [h * 11 // 20, h * 9 // 20], Qt.Orientation.Vertical)
            w.resizeDocks([self.right], [editor], Qt.Orientation.Horizontal)
        else:
            self._side_by_side(True)

    def _beside(self) -> bool:
        """True if the reader is a column of its own beside the editor (not a tab, not above it)."""
        return not self.window.tabifiedDockWidgets(self.reader) and abs(self.reader.x() - self.right.x()) > 4

    def _side_by_side(self, visible: bool) -> None:
        _, editor, reader = dock_widths(self.window.width(), True)
        editor = self.editor_width or editor
        if visible:
            keep = max(self.left.width(), ACTOR_WIDTH[0])  # the actor list is never squeezed to make room
            self.window.resizeDocks([self.left, self.right, self.reader], [keep, editor, reader],
                                    Qt.Orientation.Horizontal)
        else:
            self.window.resizeDocks([self.right], [editor], Qt.Orientation.Horizontal)

    def _reader_toggled(self, visible: bool) -> None:
        """The reader takes its room from the table and charts, and gives it back to them when hidden."""
        if self.reader.isFloating():
            return
        if visible and not self.reader_placed:
            self.reader_placed = True
            QTimer.singleShot(0, self._place_reader)
        elif visible and self._beside():
            QTimer.singleShot(0, lambda: self._side_by_side(True))
        elif not visible and self.editor_width:
            # Hidden, it is not beside anything; the editor goes back to its width, the rest to the table.
            QTimer.singleShot(0, lambda: self._side_by_side(False))


__all__ = ["LARGEST_FIRST", "QtWindowLayout", "dock_widths", "first_geometry", "layout_key", "scrolling"]
