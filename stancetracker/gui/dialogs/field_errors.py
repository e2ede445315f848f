"""Inline field errors: a ValidationError's reason shown under the field it names."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from stancetracker.core.model.errors import ValidationError


def error_colour(widget: QWidget) -> QColor:
    """A red that reads on the widget's palette (lighter on dark backgrounds)."""
    dark = widget.palette().color(QPalette.ColorRole.Window).lightness() < 128
    return QColor("#ff8a80") if dark else QColor("#c62828")



def mark_invalid(widget: QWidget, invalid: bool) -> None:
    """Draw (or remove) an error-coloured border round an input widget."""
    if invalid:
        cls = widget.metaObject().className()
        widget.setStyleSheet(f"{cls} {{ border: 1px solid {error_colour(widget).name()};"
                             " border-radius: 2px; padding: 1px; }")
    else:
        widget.setStyleSheet("")
    widget.setProperty("invalid", invalid)


class QtFieldErrors:
    """Shows a ValidationError's reason under the field it names, inline."""

    def __init__(self) -> None:
        self._fields: dict[str, tuple[QWidget, QLabel]] = {}
        self._aliases: dict[str, str] = {}

    def wrap(self, widget: QWidget, name: str, target: QWidget | None = None) -> QWidget:
        """``widget`` with an (initially hidden) error label under it, registered as ``name``."""
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(widget)
        lab = QLabel()
        lab.setObjectName(f"error_{name}")
        lab.setWordWrap(True)
        lab.hide()
        lay.addWidget(lab)
        self._fields[name] = (target or widget, lab)
        return box

    def alias(self, name: str, *others: str) -> None:
        """Errors about any of ``others`` are shown at field ``name``."""
        for o in others:
            self._aliases[o] = name

    def label(self, name: str) -> QLabel:
        return self._fields[self._aliases.get(name, name)][1]

    def show(self, err: ValidationError) -> bool:
        """Show the reason at its field; False when no field of that name is here."""
        name = self._aliases.get(err.field, err.field)
        if name not in self._fields:
            return False
        target, lab = self._fields[name]
        pal = lab.palette()
        pal.setColor(QPalette.ColorRole.WindowText, error_colour(lab))
        lab.setPalette(pal)
        lab.setText(err.reason)
        lab.show()
        mark_invalid(target, True)
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def clear(self) -> None:
        for target, lab in self._fields.values():
            if lab.isVisible() or target.property("invalid"):
                lab.hide()
                lab.clear()
                mark_invalid(target, False)



__all__ = ["QtFieldErrors", "error_colour", "mark_invalid"]
