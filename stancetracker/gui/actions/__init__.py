"""The main window's menus, one class per area (database, import and export, records, view, manage,
documents, help); the window composes them, and each registers its actions through ``menu.add_action``."""
