"""QtSourcesDialog: browse, create and edit the documents records are coded from."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from stancetracker.core.model.entities import Source
from stancetracker.gui.dialogs.entity_dialog import QtEntityDialog
from stancetracker.gui.dialogs.form_fields import watch
from stancetracker.gui.dialogs.source_form import SourceForm
from stancetracker.gui.hub import QtStoreHub


class QtSourcesDialog(QtEntityDialog):
    """Sources: a list beside the metadata form."""

    table = "sources"
    noun = "source"

    def __init__(self, hub: QtStoreHub, parent: QWidget | None = None):
        super().__init__(hub, parent)
        self.setWindowTitle("Sources")
        self.resize(900, 520)

    def _build_form(self, area: QWidget) -> None:
        self.form = SourceForm()
        lay = QVBoxLayout(area)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(self.form.build(self.errors))
        lay.addStretch(1)
        for w in self.form.widgets():
            watch(w, self._edited)

    def _items(self) -> list[Source]:
        return self.hub.store.sources()

    def _item_text(self, item: Source) -> str:
        return f"{item.title} ({item.published})" if item.published else item.title

    def _load(self, item: Source | None) -> None:
        self.form.fill(item)

    def _snapshot(self) -> dict:
        return {str(i): v for i, v in enumerate(self.form.raw().values())}

    def _save(self, item: Source | None) -> str:
        src = self.form.source(self.hub)
        if item is None:
            return self.hub.add_source(src).slug
        return self.hub.update_source(item.slug, title=src.title, publisher=src.publisher, author=src.author,
                                      url=src.url, published=src.published, kind=src.kind,
                                      language=src.language).slug


__all__ = ["QtSourcesDialog"]
