"""stancetracker.cli."""
