"""stancetracker.core.db: the only package that runs SQL (see docs/ARCHITECTURE.md)."""
