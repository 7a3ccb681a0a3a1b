"""Content operations: profiles."""
