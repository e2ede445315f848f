"""QtActorsDialog: browse, create and edit actors and their memberships."""

from __future__ import annotations

from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QColorDialog, QComboBox, QFormLayout, QGridLayout,
                               QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListWidgetItem,
                               QPushButton, QTableWidget, QTableWidgetItem, QToolButton, QVBoxLayout, QWidget)

from stancetracker.core.model.errors import StanceError, ValidationError
from stancetracker.core.model.entities import ACTOR_KINDS, Actor, Membership
from stancetracker.core.model.text import name_key
from stancetracker.gui.hub import QtStoreHub
from stancetracker.gui.dialogs.entity_dialog import QtEntityDialog
from stancetracker.gui.dialogs.field_errors import QtFieldErrors
from stancetracker.gui.dialogs.form_fields import QtDateField, describe_date, hint_label, multiline, watch

ROLES = ("member", "leader", "founder", "commander", "split from", "ally")
MEMBER_OF, HAS_MEMBER = "member", "group"


def swatch(colour: str, size: int = 14) -> QIcon:
    """A square icon filled with an actor's chart colour (empty: no icon)."""
    if not colour:
        return QIcon()
    pix = QPixmap(size, size)
    pix.fill(QColor(colour))
    return QIcon(pix)


class QtActorsDialog(QtEntityDialog):
    """Actors: a filterable list beside a form (name, slug, kind, aliases, colour, memberships)."""

    table = "actors"
    noun = "actor"

    def __init__(self, hub: QtStoreHub, parent: QWidget | None = None):
        self._actors: list[Actor] = []
        self._memberships: list[Membership] = []
        self._slug_auto = True
        super().__init__(hub, parent)
        self.setWindowTitle("Actors")
        self.resize(980, 700)

    # -- building --------------------------------------------------------------
    def _extra_filters(self) -> list[QWidget]:
        self.kind_filter = QComboBox()
        self.kind_filter.addItem("All kinds", "")
        for k in ACTOR_KINDS:
            self.kind_filter.addItem(k.capitalize(), k)
        self.kind_filter.setToolTip("Show only actors of this kind")
        self.kind_filter.currentIndexChanged.connect(lambda _i: self.refresh_list())
        return [self.kind_filter]

    def _build_form(self, area: QWidget) -> None:
        e = self.errors
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("Display name, e.g. Muqtada al-Sadr")
        self.slug_edit = QLineEdit()
        self.slug_hint = hint_label()
        self.kind_combo = QComboBox()
        for k in ACTOR_KINDS:
            self.kind_combo.addItem(k, k)
        self.aliases_edit = multiline(3, "Other spellings, one per line (Moqtada al-Sadr, Muqtada Sadr …)")
        self.colour_button = QPushButton()
        self.colour_button.setMinimumWidth(self.colour_button.fontMetrics().horizontalAdvance("Automatic") + 56)
        self.colour_button.setToolTip("Chart colour; choose one, or leave automatic")
        self.colour_clear = QToolButton()
        self.colour_clear.setText("Automatic")
        self.colour_clear.setToolTip("Let stancetracker choose the chart colour")
        self._colour = ""
        self.description_edit = multiline(2, "One or two lines")

        slug_box = QWidget()
        sl = QVBoxLayout(slug_box)
        sl.setContentsMargins(0, 0, 0, 0)
        sl.setSpacing(1)
        sl.addWidget(self.slug_edit)
        sl.addWidget(self.slug_hint)
        colour_box = QWidget()
        cl = QHBoxLayout(colour_box)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addWidget(self.colour_button)
        cl.addWidget(self.colour_clear)
        cl.addStretch(1)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for text, widget, name, shown in (
                ("&Name", self.name_edit, "name", None), ("Slu&g", self.slug_edit, "slug", slug_box),
                ("&Kind", self.kind_combo, "kind", None), ("Al&iases", self.aliases_edit, "aliases", None),
                ("&Colour", self.colour_button, "colour", colour_box),
                ("&Description", self.description_edit, "description", None)):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, e.wrap(shown or widget, name, target=widget))

        lay = QVBoxLayout(area)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(form)
        lay.addWidget(self._build_memberships(), 1)

        for w in (self.name_edit, self.slug_edit, self.kind_combo, self.aliases_edit, self.description_edit):
            watch(w, self._edited)
        self.name_edit.textChanged.connect(self._name_typed)
        self.slug_edit.textEdited.connect(self._slug_typed)
        self.colour_button.clicked.connect(self.choose_colour)
        self.colour_clear.clicked.connect(lambda: self.set_colour(""))

    def _build_memberships(self) -> QGroupBox:
        box = QGroupBox("Memberships")
        self.m_table = QTableWidget(0, 6)
        self.m_table.setHorizontalHeaderLabels(["Relation", "Actor", "Role", "From", "Until", "Note"])
        self.m_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.m_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.m_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.m_table.verticalHeader().hide()
        self.m_table.setTabKeyNavigation(False)
        head = self.m_table.horizontalHeader()
        for col in range(5):
            head.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        head.setStretchLastSection(True)
        self.m_table.setMinimumHeight(110)

        self.m_errors = QtFieldErrors()
        self.m_errors.alias("other", "member", "group")
        self.m_relation = QComboBox()
        self.m_relation.addItem("is in", MEMBER_OF)
        self.m_relation.addItem("includes", HAS_MEMBER)
        self.m_other = QComboBox()
        self.m_role = QComboBox()
        self.m_role.setEditable(True)
        self.m_role.addItems(ROLES)
        self.m_start = QtDateField("e.g. 2021-10")
        self.m_end = QtDateField("empty: still so, or unknown")
        self.m_note = QLineEdit()
        self.m_note.setPlaceholderText("What the membership rests on")
        self.m_add = QPushButton("&Add")
        self.m_update = QPushButton("U&pdate")
        self.m_remove = QPushButton("Re&move")
        self.m_hint = hint_label()

        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        rows = [("&Relation", self.m_relation, None, 0, 0), ("Ac&tor", self.m_other, "other", 0, 2),
                ("Ro&le", self.m_role, "role", 1, 0), ("Not&e", self.m_note, "note", 1, 2),
                ("Fr&om", self.m_start, "start", 2, 0), ("&Until", self.m_end, "end", 2, 2)]
        for text, widget, name, r, c in rows:
            lab = QLabel(text)
            lab.setBuddy(widget)
            grid.addWidget(lab, r, c)
            shown = self.m_errors.wrap(widget, name, target=getattr(widget, "edit", widget)) if name else widget
            grid.addWidget(shown, r, c + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.m_hint, 1)
        for b in (self.m_add, self.m_update, self.m_remove):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        grid.addLayout(buttons, 3, 0, 1, 4)

        lay = QVBoxLayout(box)
        lay.addWidget(self.m_table, 1)
        lay.addLayout(grid)
        self.m_table.itemSelectionChanged.connect(self._membership_selected)
        self.m_add.clicked.connect(self.add_membership)
        self.m_update.clicked.connect(self.update_membership)
        self.m_remove.clicked.connect(self.remove_membership)
        self.m_box = box
        return box

    # -- list ------------------------------------------------------------------------
    def _items(self) -> list[Actor]:
        self._actors = self.hub.store.actors()
        return self._actors

    def _item_text(self, item: Actor) -> str:
        return item.name

    def _list_item(self, item: Actor) -> QListWidgetItem:
        li = QListWidgetItem(swatch(item.colour), item.name)
        aka = f"\nalso: {'; '.join(item.aliases)}" if item.aliases else ""
        li.setToolTip(f"{item.slug} · {item.kind}{aka}")
        return li

    def _matches(self, item: Actor, text: str) -> bool:
        kind = self.kind_filter.currentData()
        if kind and item.kind != kind:
            return False
        key = name_key(text)
        if not key:
            return True
        return any(key in name_key(n) for n in (item.name, item.slug, *item.aliases))

    def _title_for(self, item: Actor | None) -> str:
        return "New actor" if item is None else f"{item.name} ({item.kind})"

    # -- form ------------------------------------------------------------------------
    def _load(self, item: Actor | None) -> None:
        self.name_edit.setText(item.name if item else "")
        self.slug_edit.setText(item.slug if item else "")
        self.slug_edit.setReadOnly(item is not None)
        self._slug_auto = item is None
        self.slug_hint.setText("Fixed: records and files refer to it." if item
                               else "Made from the name; lower-case letters, digits and hyphens.")
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(item.kind if item else "person")))
        self.aliases_edit.setPlainText("\n".join(item.aliases) if item else "")
        self.set_colour(item.colour if item else "")
        self.description_edit.setPlainText(item.description if item else "")
        self._reload_choices()
        self._load_memberships()

    def _snapshot(self) -> dict:
        return {"name": self.name_edit.text(), "slug": self.slug_edit.text(),
                "kind": self.kind_combo.currentData(), "aliases": self.aliases_edit.toPlainText(),
                "colour": self._colour, "description": self.description_edit.toPlainText()}

    def _name_typed(self, text: str) -> None:
        if self._slug_auto and not self._loading:
            self.slug_edit.setText(self.hub.store.unique_actor_slug(text) if text.strip() else "")

    def _slug_typed(self, _text: str) -> None:
        self._slug_auto = False

    def set_colour(self, colour: str) -> None:
        self._colour = colour
        self.colour_button.setIcon(swatch(colour, 16))
        self.colour_button.setText(colour or "Automatic")
        self.colour_clear.setEnabled(bool(colour))
        self._edited()

    def choose_colour(self) -> None:
        start = QColor(self._colour) if self._colour else QColor("#1f77b4")
        chosen = QColorDialog.getColor(start, self, "Chart colour")
        if chosen.isValid():
            self.set_colour(chosen.name())

    def _aliases(self) -> list[str]:
        return [line.strip() for line in self.aliases_edit.toPlainText().splitlines() if line.strip()]

    def _save(self, item: Actor | None) -> str:
        fields = dict(name=self.name_edit.text(), kind=self.kind_combo.currentData(), aliases=self._aliases(),
                      colour=self._colour, description=self.description_edit.toPlainText())
        if item is None:
            return self.hub.add_actor(Actor(slug=self.slug_edit.text().strip(), **fields)).slug
        return self.hub.update_actor(item.slug, **fields).slug

    # -- memberships ------------------------------------------------------------------
    def _reload_choices(self) -> None:
        current = self.m_other.currentData()
        own = self.current.slug if self.current is not None else None
        self.m_other.blockSignals(True)
        self.m_other.clear()
        for a in self._actors or self.hub.store.actors():
            if a.slug != own:
                self.m_other.addItem(swatch(a.colour), a.name, a.slug)
        idx = self.m_other.findData(current)
        self.m_other.setCurrentIndex(max(idx, 0))
        self.m_other.blockSignals(False)

    def _load_memberships(self) -> None:
        self.m_errors.clear()
        actor = self.current
        self.m_box.setEnabled(actor is not None)
        self._memberships = self.hub.store.memberships(actor.slug) if actor else []
        names = {a.slug: a.name for a in self._actors}
        self.m_table.setRowCount(0)
        for m in self._memberships:
            mine = m.member == actor.slug
            other = m.group if mine else m.member
            cells = ["is in" if mine else "includes", names.get(other, other), m.role,
                     describe_date(m.start), describe_date(m.end), m.note]
            row = self.m_table.rowCount()
            self.m_table.insertRow(row)
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.m_table.setItem(row, col, cell)
        self.m_hint.setText("" if actor else "Save the actor first.")
        self._membership_selected()

    def _selected_membership(self) -> Membership | None:
        rows = self.m_table.selectionModel().selectedRows()
        return self._memberships[rows[0].row()] if rows else None

    def _membership_selected(self) -> None:
        m = self._selected_membership()
        self.m_update.setEnabled(m is not None)
        self.m_remove.setEnabled(m is not None)
        if m is None or self.current is None:
            return
        mine = m.member == self.current.slug
        self.m_relation.setCurrentIndex(self.m_relation.findData(MEMBER_OF if mine else HAS_MEMBER))
        self.m_other.setCurrentIndex(max(0, self.m_other.findData(m.group if mine else m.member)))
        self.m_role.setCurrentText(m.role)
        self.m_start.set_value(m.start)
        self.m_end.set_value(m.end)
        self.m_note.setText(m.note)

    def _membership_from_form(self) -> Membership:
        """The editor's membership, validated by the core (raises ValidationError)."""
        own, other = self.current.slug, self.m_other.currentData() or ""
        member, group = (own, other) if self.m_relation.currentData() == MEMBER_OF else (other, own)
        m = Membership(member=member, group=group, role=self.m_role.currentText(),
                       start=self.m_start.value("start"), end=self.m_end.value("end"), note=self.m_note.text())
        return m.validate()

    def _membership_error(self, err: StanceError) -> None:
        if isinstance(err, ValidationError) and self.m_errors.show(err):
            self.m_hint.setText("")
        else:
            self._status_error(str(err))

    def add_membership(self) -> bool:
        """Add the editor's membership through the hub."""
        self.m_errors.clear()
        try:
            m = self.hub.add_membership(self._membership_from_form())
        except StanceError as err:
            self._membership_error(err)
            return False
        self._say(f"Added: {m.member} {m.role} in {m.group}.")
        return True

    def update_membership(self) -> bool:
        """Replace the selected membership with the editor's (delete, then add)."""
        old = self._selected_membership()
        if old is None:
            return False
        self.m_errors.clear()
        try:
            new = self._membership_from_form()
            self.hub.delete_membership(old.id)
        except StanceError as err:
            self._membership_error(err)
            return False
        try:
            self.hub.add_membership(new)
        except StanceError as err:
            # The old row was deleted already: put it back so a failed edit loses nothing.
            self.hub.add_membership(Membership(old.member, old.group, old.role, old.start, old.end, old.note))
            self._membership_error(err)
            return False
        self._say(f"Updated: {new.member} {new.role} in {new.group}.")
        return True

    def remove_membership(self) -> bool:
        """Delete the selected membership through the hub."""
        m = self._selected_membership()
        if m is None:
            return False
        try:
            self.hub.delete_membership(m.id)
        except StanceError as err:
            self._status_error(str(err))
            return False
        self._say(f"Removed: {m.member} {m.role} in {m.group}.")
        return True

    def _hub_changed(self, what: str) -> None:
        super()._hub_changed(what)
        if what in ("memberships", "actors", "all") and not self._saving:
            self._load_memberships()
