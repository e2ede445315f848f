"""The desktop application (PySide6 + pyqtgraph) over the Qt-free core.

Widgets never run SQL: they call the core through :class:`~.hub.QtStoreHub`,
which emits a signal after every change so tables and charts follow edits,
imports and undo without a manual refresh.
"""
