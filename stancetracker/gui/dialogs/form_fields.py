"""Form fields the dialogs share: a date field that shows its precision, hint labels, text boxes."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QSpinBox, QWidget

from stancetracker.core.model.dates import DateError, PartialDate, parse_date
from stancetracker.core.model.entities import check_date

DATE_HINT = "2021-11-07, 2021-11, 2021 or 7 November 2021"


def hint_label(text: str = "") -> QLabel:
    """A small secondary label in the palette's placeholder colour."""
    lab = QLabel(text)
    lab.setWordWrap(True)
    pal = lab.palette()
    pal.setColor(QPalette.ColorRole.WindowText, pal.color(QPalette.ColorRole.PlaceholderText))
    lab.setPalette(pal)
    return lab


def describe_date(d: PartialDate | None) -> str:
    """'7 Nov 2021 (day)', 'Nov 2021 (month)', '2021 (year)'."""
    if d is None:
        return ""
    v = d.value
    if d.precision == "year":
        return f"{v.year} (year)"
    if d.precision == "month":
        return f"{v:%b} {v.year} (month)"
    return f"{v.day} {v:%b} {v.year} (day)"


class QtDateField(QWidget):
    """A date typed as text (any form ``parse_date`` reads) with its parsed precision beside it."""

    changed = Signal()

    def __init__(self, placeholder: str = DATE_HINT, parent: QWidget | None = None):
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(placeholder)
        self.hint = hint_label()
        self.hint.setWordWrap(False)
        self.hint.setMinimumWidth(self.hint.fontMetrics().horizontalAdvance("not a date yet") + 8)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.edit, 1)
        lay.addWidget(self.hint)
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(self._typed)

    def text(self) -> str:
        return self.edit.text()

    def setText(self, text: str) -> None:
        self.edit.setText(text)

    def set_value(self, value: PartialDate | None) -> None:
        self.edit.setText(value.short() if value else "")

    def value(self, fld: str, required: bool = False) -> PartialDate | None:
        """The parsed date; raises ValidationError naming ``fld`` (core rules)."""
        return check_date(fld, self.edit.text(), required=required)

    def _typed(self, text: str) -> None:
        if not text.strip():
            self.hint.setText("")
        else:
            try:
                self.hint.setText(describe_date(parse_date(text)))
            except DateError:
                self.hint.setText("not a date yet")
        self.changed.emit()


def watch(widget: QWidget, slot: Callable[[], None]) -> None:
    """Call ``slot`` whenever the user changes the widget's value."""
    if isinstance(widget, QtDateField):
        widget.changed.connect(slot)
    elif isinstance(widget, QLineEdit):
        widget.textChanged.connect(slot)
    elif isinstance(widget, QPlainTextEdit):
        widget.textChanged.connect(slot)
    elif isinstance(widget, QComboBox):
        widget.currentIndexChanged.connect(slot)
        if widget.isEditable():
            widget.editTextChanged.connect(slot)
    elif isinstance(widget, QSpinBox):
        widget.valueChanged.connect(slot)
    else:  # pragma: no cover - a programming error
        raise TypeError(f"cannot watch {type(widget).__name__}")


def multiline(lines: int = 3, placeholder: str = "") -> QPlainTextEdit:
    """A plain-text box about ``lines`` lines high where Tab moves on."""
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setPlaceholderText(placeholder)
    h = box.fontMetrics().lineSpacing() * lines + 2 * box.frameWidth() + 10
    box.setMinimumHeight(h)
    box.setMaximumHeight(max(h, box.fontMetrics().lineSpacing() * (lines + 6)))
    return box




__all__ = ["DATE_HINT", "QtDateField", "describe_date", "hint_label", "multiline", "watch"]
