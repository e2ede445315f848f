"""The Qt-free core: domain types, store, import/export and analysis.

Nothing under this package may import Qt; ``tests/test_core_is_qt_free.py``
checks that.
"""
