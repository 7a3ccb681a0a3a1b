"""Content api: bulletins."""
