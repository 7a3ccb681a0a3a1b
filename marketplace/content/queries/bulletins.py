"""Content queries: bulletins."""
