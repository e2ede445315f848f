"""stancetracker.gui.dialogs."""
