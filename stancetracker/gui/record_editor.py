"""QtRecordEditor: the form beside the table where records are coded."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QCompleter, QFormLayout, QFrame, QHBoxLayout, QLabel,
                               QLineEdit, QPlainTextEdit, QPushButton, QRadioButton, QTextBrowser, QVBoxLayout,
                               QWidget)

from stancetracker.core.model.dates import DateError, PartialDate, parse_date
from stancetracker.core.model.errors import ValidationError
from stancetracker.core.model.entities import CONFIDENCES, LEVELS, Dimension, Record, check_score
from stancetracker.core.coding.passages import passage_of_record
from stancetracker.core.db.query import RecordRow
from stancetracker.core.model.stored_values import visible
from stancetracker.gui.hub import QtStoreHub

NEW_SOURCE = "__new__"


@dataclass
class EditorValues:
    """What the form holds, validated: a Record plus which record it edits."""

    record: Record
    uuid: str | None  # None for a new record
    version: int | None
    passage: tuple[int, int] | None = None  # offsets in the source's text a new record is coded from


@dataclass(frozen=True)
class PassageDraft:
    """The passage of a document a record is being coded from."""

    source: str
    start: int
    end: int
    quote: str


class QtRecordEditor(QWidget):
    """Form for one record; emits saveRequested with validated values.

    Nothing invalid can be saved: each problem is shown under its field and
    the Save button stays disabled until the form is valid.
    """

    saveRequested = Signal(object)  # EditorValues
    newSourceRequested = Signal()
    loaded = Signal()  # the form now shows another record, or a new one

    def __init__(self, hub: QtStoreHub, parent: QWidget | None = None):
        super().__init__(parent)
        self.hub = hub
        self.current: RecordRow | None = None
        self._dims: dict[str, Dimension] = {}
        self._errors: dict[str, QLabel] = {}
        self._fraction: float | None = None
        self._touched: set[str] = set()
        self.passage: PassageDraft | None = None
        self._build()
        self.reload_choices()
        hub.changed.connect(self._on_changed)
        self.clear_for_new()

    # -- building ----------------------------------------------------------------
    def _err(self, name: str) -> QLabel:
        lab = QLabel()
        lab.setWordWrap(True)
        lab.setObjectName(f"error_{name}")
        pal = lab.palette()
        pal.setColor(QPalette.ColorRole.WindowText, Qt.GlobalColor.red)
        lab.setPalette(pal)
        lab.hide()
        self._errors[name] = lab
        return lab

    def _with_error(self, widget: QWidget, name: str) -> QWidget:
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(1)
        lay.addWidget(widget)
        lay.addWidget(self._err(name))
        return box

    def _build(self) -> None:
        self.title = QLabel("<b>New record</b>")
        self.actor = QLineEdit()
        self.actor.setPlaceholderText("name or alias, e.g. Moqtada al-Sadr")
        self.actor_completer = QCompleter()
        self.actor_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.actor_completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.actor.setCompleter(self.actor_completer)
        self.actor_resolved = QLabel()
        self.dimension = QComboBox()
        self.date = QLineEdit()
        self.date.setPlaceholderText("2020-01-24, Jan 2020, 2020 …")
        self.precision = QComboBox()
        self.precision.addItems(["day", "month", "year"])
        date_row = QWidget()
        dl = QHBoxLayout(date_row)
        dl.setContentsMargins(0, 0, 0, 0)
        dl.addWidget(self.date, 1)
        dl.addWidget(self.precision)
        self.score_group = QButtonGroup(self)
        self.score_buttons: dict[int, QRadioButton] = {}
        score_box = QWidget()
        sl = QVBoxLayout(score_box)
        sl.setContentsMargins(0, 0, 0, 0)
        sl.setSpacing(0)
        for i, level in enumerate(LEVELS):
            b = QRadioButton()
            b.setToolTip(f"Ctrl+{i + 1}")
            self.score_group.addButton(b, level + 2)
            self.score_buttons[level] = b
            sl.addWidget(b)
        self.fraction = QLabel()
        sl.addWidget(self.fraction)
        self.confidence = QComboBox()
        self.confidence.addItems(list(CONFIDENCES))
        self.source = QComboBox()
        # Long titles must not widen the whole window; the popup still shows them whole.
        for combo in (self.dimension, self.source):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(18)
        self.locator = QLineEdit()
        self.locator.setPlaceholderText("¶ 12, p. 4, section …")
        self.evidence = QPlainTextEdit()
        self.evidence.setPlaceholderText("What the source reports, in your words, and why this score")
        self.evidence.setTabChangesFocus(True)
        self.coder = QLineEdit()
        self.codebook = QTextBrowser()
        self.codebook.setFrameShape(QFrame.Shape.StyledPanel)
        self.codebook.setMinimumHeight(90)
        self.save_button = QPushButton("&Save")
        self.save_button.setToolTip("Ctrl+S")
        self.save_button.clicked.connect(self.request_save)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.passage_label = QLabel()
        self.passage_label.setWordWrap(True)
        self.passage_label.setObjectName("passage")
        self.unlink_button = QPushButton("Unlink")
        self.unlink_button.setToolTip("Code this record without pointing at the passage")
        self.unlink_button.clicked.connect(lambda: self.set_passage(None))
        self.passage_row = QWidget()
        pl = QHBoxLayout(self.passage_row)
        pl.setContentsMargins(0, 0, 0, 0)
        pl.addWidget(self.passage_label, 1)
        pl.addWidget(self.unlink_button)
        self.passage_row.hide()

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        def row(text: str, field: QWidget, name: str | None, shown: QWidget | None = None) -> None:
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, self._with_error(shown or field, name) if name else (shown or field))

        row("&Actor", self.actor, "actor")
        form.addRow("", self.actor_resolved)
        row("&Dimension", self.dimension, "dimension")
        row("Da&te", self.date, "date", date_row)
        row("Sc&ore", self.score_buttons[0], "score", score_box)
        row("&Confidence", self.confidence, "confidence")
        row("So&urce", self.source, "source")
        row("&Locator", self.locator, "locator")
        row("&Evidence", self.evidence, "evidence")
        row("Code&r", self.coder, "coder")
        # What the stored record breaks (a file edited elsewhere): named by column and rule.
        self.stored_problems = QLabel()
        self.stored_problems.setObjectName("stored_problems")
        self.stored_problems.setWordWrap(True)
        self.stored_problems.setTextFormat(Qt.TextFormat.PlainText)
        self.stored_problems.setStyleSheet("background: #ffe4cc; color: #700; padding: 4px")
        self.stored_problems.hide()
        lay = QVBoxLayout(self)
        lay.addWidget(self.title)
        lay.addWidget(self.stored_problems)
        lay.addWidget(self.passage_row)
        lay.addLayout(form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.save_button)
        lay.addLayout(buttons)
        lay.addWidget(QLabel("Codebook"))
        lay.addWidget(self.codebook, 1)

        for name, w in (("actor", self.actor), ("date", self.date), ("locator", self.locator), ("coder", self.coder)):
            w.textEdited.connect(lambda _t, n=name: self._touched.add(n))
            w.textChanged.connect(self.validate)
        self.score_group.idClicked.connect(lambda *_: self._touched.add("score"))
        self.source.activated.connect(lambda *_: self._touched.add("source"))
        self.evidence.textChanged.connect(self.validate)
        self.date.textChanged.connect(self._date_typed)
        self.precision.currentIndexChanged.connect(self.validate)
        self.dimension.currentIndexChanged.connect(self._dimension_changed)
        self.score_group.idToggled.connect(lambda *_: self.validate())
        self.confidence.currentIndexChanged.connect(self.validate)
        self.source.currentIndexChanged.connect(self._source_changed)

    # -- choices -------------------------------------------------------------------
    def reload_choices(self) -> None:
        store = self.hub.store
        self.matcher = store.actor_matcher()
        names = []
        for a in store.actors():
            names.append(a.name)
            names.extend(a.aliases)
        self.actor_completer.setModel(QStringListModel(sorted(set(names), key=str.casefold), self))
        cur_dim = self.dimension.currentData()
        self.dimension.blockSignals(True)
        self.dimension.clear()
        self._dims = {d.slug: d for d in store.dimensions()}
        for d in self._dims.values():
            self.dimension.addItem(d.label, d.slug)
        if cur_dim in self._dims:
            self.dimension.setCurrentIndex(self.dimension.findData(cur_dim))
        self.dimension.blockSignals(False)
        cur_src = self.source.currentData()
        self.source.blockSignals(True)
        self.source.clear()
        self.source.addItem("(no source)", None)
        for s in store.sources():
            label = s.title if len(s.title) < 70 else s.title[:67] + "…"
            self.source.addItem(f"{label} ({s.published})" if s.published else label, s.slug)
        self.source.addItem("New source…", NEW_SOURCE)
        idx = self.source.findData(cur_src)
        self.source.setCurrentIndex(idx if idx >= 0 else 0)
        self.source.blockSignals(False)
        self._dimension_changed()

    def _on_changed(self, what: str) -> None:
        if what in ("actors", "dimensions", "sources", "all"):
            self.reload_choices()

    def _dimension_changed(self) -> None:
        d = self._dims.get(self.dimension.currentData())
        if d is None:
            return
        for level, b in self.score_buttons.items():
            sign = f"{level:+d}" if level else " 0"
            b.setText(f"{sign}  {d.score_label(level)}")
        lines = [f"<b>{d.label}</b>"]
        if d.question:
            lines.append(f"<i>{_esc(d.question)}</i>")
        lines.append(f"−2: {_esc(d.neg_pole)}<br>+2: {_esc(d.pos_pole)}")
        if d.codebook:
            lines.append(_esc(d.codebook).replace("\n", "<br>"))
        self.codebook.setHtml("<p>" + "</p><p>".join(lines) + "</p>")
        self.validate()

    def _source_changed(self) -> None:
        if self.source.currentData() == NEW_SOURCE:
            self.source.setCurrentIndex(0)
            self.newSourceRequested.emit()
        self.validate()

    def select_source(self, slug: str) -> None:
        idx = self.source.findData(slug)
        if idx >= 0:
            self.source.setCurrentIndex(idx)

    def _date_typed(self) -> None:
        try:
            d = parse_date(self.date.text())
        except DateError:
            pass
        else:
            self.precision.blockSignals(True)
            self.precision.setCurrentText(d.precision)
            self.precision.blockSignals(False)
        self.validate()

    # -- loading a record ------------------------------------------------------------
    def load(self, rec: RecordRow) -> None:
        """Show an existing record for editing."""
        self.current = rec
        self.title.setText(f"<b>Record</b> <small>v{_esc(str(rec.version))[:12]} · {_esc(rec.uuid[:8])}"
                           f"{' · in the trash' if rec.deleted else ''}</small>")
        self.actor.setText(rec.actor_name)
        self.dimension.setCurrentIndex(self.dimension.findData(rec.dimension))
        # A stored value that breaks a rule is put in the form as it is stored, so the user sees it
        # and its own field says what is wrong; nothing is guessed in its place.
        if rec.date is not None:
            self.date.setText(rec.date.short())
            self.precision.setCurrentText(rec.date.precision)
        else:
            self.date.setText(rec.stored.get("date", ""))
        if rec.score is not None:
            self.set_score(rec.score)
        else:
            self._clear_score()
        if rec.confidence in CONFIDENCES:
            self.confidence.setCurrentText(rec.confidence)
        else:
            self.confidence.setCurrentIndex(-1)
        self.select_source(rec.source) if rec.source else self.source.setCurrentIndex(0)
        self.locator.setText(rec.locator)
        self.evidence.setPlainText(rec.evidence)
        self.coder.setText(rec.coder)
        self.status.clear()
        p = passage_of_record(self.hub.store, rec.uuid)
        self.set_passage(PassageDraft(p.source, p.start, p.end, p.quote) if p else None)
        self._show_stored_problems(rec)
        self._loaded_state = self._form_state()
        self.loaded.emit()

    def _show_stored_problems(self, rec: RecordRow | None) -> None:
        problems = rec.problems if rec is not None else []
        self.stored_problems.setText(
            "As stored, this record breaks a rule (it was written by another program or a merge); "
            "fix the marked fields and save:\n" + "\n".join(f"• {c}: {visible(why, 300)}" for c, why in problems)
            if problems else "")
        self.stored_problems.setVisible(bool(problems))

    def _form_state(self) -> tuple:
        """What the form shows, as plain values (to tell whether the user changed it)."""
        return (self.actor.text(), self.dimension.currentData(), self.date.text(), self.precision.currentText(),
                self.score_group.checkedId(), self._fraction, self.confidence.currentIndex(),
                self.source.currentData(), self.locator.text(), self.evidence.toPlainText(), self.coder.text())

    def _clear_score(self) -> None:
        self.score_group.setExclusive(False)
        for b in self.score_buttons.values():
            b.setChecked(False)
        self.score_group.setExclusive(True)
        self.fraction.clear()
        self._fraction = None

    def clear_for_new(self, keep_context: bool = True) -> None:
        """Empty the form for a new record, keeping the last source and date."""
        self.current = None
        self.title.setText("<b>New record</b>")
        self.actor.clear()
        if not keep_context:
            self.date.clear()
            self.source.setCurrentIndex(0)
        self._clear_score()
        self.confidence.setCurrentText("medium")
        self.locator.clear()
        self.evidence.clear()
        self.coder.setText(self.hub.store.user)
        self.status.clear()
        self._touched = set()
        self._show_stored_problems(None)
        self.set_passage(None)
        self.loaded.emit()

    def code_passage(self, draft: PassageDraft, actor: str | None, date: PartialDate | None, locator: str) -> None:
        """Start a new record coded from a passage: source, quote, date and locator filled in,
        the actor guessed; the analyst picks dimension and score."""
        self.clear_for_new(keep_context=True)
        self.select_source(draft.source)
        if actor and actor in self.matcher.by_slug:
            self.actor.setText(self.matcher.by_slug[actor].name)
        if date is not None:
            self.date.setText(date.short())
            self.precision.setCurrentText(date.precision)
        self.locator.setText(locator)
        quote = " ".join(draft.quote.split())
        self.evidence.setPlainText(f"“{quote if len(quote) <= 4000 else quote[:4000] + '…'}”")
        self.set_passage(draft)
        self.title.setText("<b>New record</b> <small>from the selected passage</small>")

    def set_passage(self, draft: PassageDraft | None) -> None:
        """Point the record at a passage (or at none)."""
        self.passage = draft
        if draft is not None:
            quote = " ".join(draft.quote.split())
            short = quote if len(quote) <= 160 else quote[:157] + "…"
            self.passage_label.setText(f"<small>Coded from: “{_esc(short)}”</small>")
        self.passage_row.setVisible(draft is not None)
        self.unlink_button.setVisible(draft is not None and self.current is None)
        self.validate()

    def duplicate(self) -> None:
        """Keep everything but make it a new record (for another actor or dimension)."""
        self.current = None
        self.title.setText("<b>New record</b> <small>(duplicate: change the actor or dimension)</small>")
        self.coder.setText(self.hub.store.user)
        self._show_stored_problems(None)
        self.set_passage(self.passage)  # a duplicate points at the same passage
        self.loaded.emit()
        self.actor.setFocus()
        self.actor.selectAll()

    def set_score(self, score: float) -> None:
        level = int(round(score))
        self._fraction = score if score != level else None
        self.score_buttons[max(-2, min(2, level))].setChecked(True)
        self.fraction.setText(f"stored value {score:g} (rescaled import)" if self._fraction is not None else "")

    def set_level(self, level: int) -> None:
        self._touched.add("score")
        self._fraction = None
        self.fraction.clear()
        self.score_buttons[level].setChecked(True)

    # -- validation ------------------------------------------------------------------
    def _show(self, problems: dict[str, str], everything: bool = False) -> None:
        # A fresh form does not scold: a field's problem shows once it has been
        # edited, or after an attempt to save.
        if everything:
            self._touched.update(self._errors)
        for name, lab in self._errors.items():
            shown = name in self._touched or self.current is not None or name in ("evidence", "locator", "coder")
            msg = problems.get(name) if shown else None
            lab.setText(msg or "")
            lab.setVisible(bool(msg))
        self.save_button.setEnabled(not problems)

    def values(self) -> tuple[EditorValues | None, dict[str, str]]:
        """The form as validated values, or the problems by field."""
        problems: dict[str, str] = {}
        actor_text = self.actor.text().strip()
        slugs = self.matcher.find(actor_text) if actor_text else []
        if not actor_text:
            problems["actor"] = "Type an actor's name or alias"
        elif not slugs:
            problems["actor"] = f"No actor called {actor_text!r}; add it under Manage › Actors"
        elif len(slugs) > 1:
            problems["actor"] = f"{actor_text!r} could be {', '.join(slugs)}; type the full name"
        self.actor_resolved.setText(f"→ {self.matcher.by_slug[slugs[0]].name} ({slugs[0]})" if len(slugs) == 1 else "")
        date: PartialDate | None = None
        try:
            date = parse_date(self.date.text(), self.precision.currentText())
        except DateError as err:
            problems["date"] = str(err)
        level = self.score_group.checkedId()
        if level < 0:
            problems["score"] = "Choose a score (Ctrl+1 … Ctrl+5)"
        if self.confidence.currentIndex() < 0:
            problems["confidence"] = "Choose low, medium or high"
        score = self._fraction if self._fraction is not None else level - 2
        if problems:
            return None, problems
        rec = Record(actor=slugs[0], dimension=self.dimension.currentData(), date=date, score=score,
                     confidence=self.confidence.currentText(), source=self.source.currentData(),
                     locator=self.locator.text(), evidence=self.evidence.toPlainText(), coder=self.coder.text(),
                     uuid=self.current.uuid if self.current else Record.__dataclass_fields__["uuid"].default_factory())
        try:
            check_score(score)
            rec.validate()
        except ValidationError as err:
            problems[err.field if err.field in self._errors else "evidence"] = err.reason
            return None, problems
        if not rec.source:
            problems["source"] = "Every record needs its source: pick one or add a new source"
            return None, problems
        if self.current is None and self.passage is not None:
            if rec.source != self.passage.source:
                problems["source"] = (f"The record is coded from a passage of {self.passage.source}; "
                                      "pick that source or unlink the passage")
                return None, problems
            return EditorValues(rec, None, None, (self.passage.start, self.passage.end)), {}
        return EditorValues(rec, self.current.uuid if self.current else None,
                            self.current.version if self.current else None), {}

    def show_error(self, err: ValidationError) -> None:
        """Show an error the core raised on saving at its field (evidence when no field here matches)."""
        self._show({err.field if err.field in self._errors else "evidence": err.reason})

    def validate(self) -> bool:
        _, problems = self.values()
        self._show(problems)
        return not problems

    def request_save(self) -> None:
        vals, problems = self.values()
        self._show(problems, everything=True)
        if vals is not None:
            self.saveRequested.emit(vals)

    def is_dirty(self) -> bool:
        """True if the form differs from the record it shows."""
        vals, _ = self.values()
        if self.current is None:
            return bool(self.actor.text().strip() or self.evidence.toPlainText().strip())
        if self.current.problems:  # its stored values cannot be compared: compare with what load() showed
            return self._form_state() != getattr(self, "_loaded_state", None)
        if vals is None:
            return True
        r, c = vals.record, self.current
        return (r.actor, r.dimension, r.date, r.score, r.confidence, r.source, r.locator, r.evidence, r.coder) != (
            c.actor, c.dimension, c.date, c.score, c.confidence, c.source, c.locator, c.evidence, c.coder)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
