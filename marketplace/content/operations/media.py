"""Content operations: media."""
