"""Content api: search."""
