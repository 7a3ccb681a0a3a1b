"""Content api: products."""
