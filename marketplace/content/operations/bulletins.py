"""Content operations: bulletins."""
