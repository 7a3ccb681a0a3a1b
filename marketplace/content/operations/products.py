"""Content operations: products."""
