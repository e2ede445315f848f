"""stancetracker.core.analysis."""
