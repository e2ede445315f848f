"""stancetracker.core.exchange."""
