"""stancetracker.core.db."""
