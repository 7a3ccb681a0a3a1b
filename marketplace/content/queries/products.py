"""Content queries: products."""
