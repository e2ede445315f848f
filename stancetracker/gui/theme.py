"""View › Theme: the system's palette, or Fusion's light or dark one; and the palette marks are drawn against."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleFactory, QWidget

from stancetracker.core.analysis.contrast import DARK, LIGHT, MARK_CONTRAST, Palette, readable

THEMES = {"system": "&System", "light": "&Light", "dark": "&Dark"}
_system: tuple[str, QPalette] | None = None  # the style and palette the platform gave, for "system"


def fusion_palette(p: Palette) -> QPalette:
    """A complete QPalette from one of the core's palettes (the dark one is Fusion's usual dark scheme)."""
    pal = QPalette()
    dark = p is DARK
    roles = {
        QPalette.ColorRole.Window: p.window, QPalette.ColorRole.WindowText: p.window_text,
        QPalette.ColorRole.Base: p.base, QPalette.ColorRole.AlternateBase: "#262626" if dark else "#f5f5f5",
        QPalette.ColorRole.Text: p.text, QPalette.ColorRole.Button: p.window,
        QPalette.ColorRole.ButtonText: p.window_text, QPalette.ColorRole.BrightText: "#ff6b6b",
        QPalette.ColorRole.ToolTipBase: "#3a3a3a" if dark else "#ffffdc",
        QPalette.ColorRole.ToolTipText: "#ffffff" if dark else "#000000",
        QPalette.ColorRole.Highlight: p.highlight, QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#7db8ff" if dark else "#0b57d0",
        QPalette.ColorRole.LinkVisited: "#c49bff" if dark else "#6a1b9a",
        QPalette.ColorRole.PlaceholderText: "#a8a8a8" if dark else "#6b6b6b",
        QPalette.ColorRole.Light: "#4a4a4a" if dark else "#ffffff",
        QPalette.ColorRole.Midlight: "#3c3c3c" if dark else "#e3e3e3",
        QPalette.ColorRole.Mid: "#5a5a5a" if dark else "#b8b8b8",
        QPalette.ColorRole.Dark: "#181818" if dark else "#9f9f9f",
        QPalette.ColorRole.Shadow: "#000000" if dark else "#767676",
    }
    for role, colour in roles.items():
        pal.setColor(role, QColor(colour))
    # Disabled text still readable (3:1 rather than the 4.5:1 of live text, as WCAG allows for inactive controls).
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor("#8a8a8a" if dark else "#7a7a7a"))
    return pal


_INDICATORS = {QStyle.PrimitiveElement.PE_IndicatorCheckBox, QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck,
               QStyle.PrimitiveElement.PE_IndicatorRadioButton}


class OutlinedFusion(QProxyStyle):
    """Fusion, with check boxes and radio buttons outlined at 3:1 from the palette's base.

    Fusion draws their outline a shade darker than the window, which on a dark
    palette leaves an unticked box all but invisible.
    """

    def __init__(self) -> None:
        super().__init__(QStyleFactory.create("Fusion"))

    def drawPrimitive(self, element, option, painter: QPainter, widget=None) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element not in _INDICATORS:
            return
        base = option.palette.color(QPalette.ColorRole.Base).name()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(QColor(readable("#8c8c8c", base, MARK_CONTRAST)), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        r = QRectF(option.rect).adjusted(1.5, 1.5, -1.5, -1.5)  # a 1-pixel pen on pixel centres: not blurred
        if element == QStyle.PrimitiveElement.PE_IndicatorRadioButton:
            painter.drawEllipse(r)
        else:
            painter.drawRoundedRect(r, 1.5, 1.5)
        painter.restore()


_styles: list[QProxyStyle] = []  # the application does not keep a Python reference to its style


def apply_theme(name: str) -> str:
    """Use a theme for the whole application; returns the name applied (unknown names mean "system")."""
    global _system
    app = QApplication.instance()
    if app is None:
        return "system"
    if _system is None:
        _system = (app.style().name(), QPalette(app.palette()))
    name = name if name in THEMES else "system"
    if name == "system":
        app.setStyle(QStyleFactory.create(_system[0]) or app.style())
        app.setPalette(_system[1])
    elif name == "dark":
        _styles[:] = [OutlinedFusion()]
        app.setStyle(_styles[0])
        app.setPalette(fusion_palette(DARK))
    else:
        app.setStyle("Fusion")
        app.setPalette(fusion_palette(LIGHT))
    return name


def palette_of(widget: QWidget) -> Palette:
    """The colours marks are drawn against in ``widget``, whatever theme is in use (a system one included)."""
    pal = widget.palette()

    def hex_of(role: QPalette.ColorRole) -> str:
        return pal.color(role).name()
    return Palette("current", base=hex_of(QPalette.ColorRole.Base), text=hex_of(QPalette.ColorRole.Text),
                   window=hex_of(QPalette.ColorRole.Window), window_text=hex_of(QPalette.ColorRole.WindowText),
                   highlight=hex_of(QPalette.ColorRole.Highlight))


__all__ = ["THEMES", "OutlinedFusion", "apply_theme", "fusion_palette", "palette_of"]
