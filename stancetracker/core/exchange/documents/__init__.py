"""stancetracker.core.exchange.documents."""
