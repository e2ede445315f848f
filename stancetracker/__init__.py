"""stancetracker: code, keep and chart political actors' stances over time."""

__version__ = "0.1.0"
