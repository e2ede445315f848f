"""stancetracker.core.files."""
