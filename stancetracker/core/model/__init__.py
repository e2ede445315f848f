"""stancetracker.core.model."""
