"""stancetracker.core.coding."""
