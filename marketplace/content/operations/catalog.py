"""Content operations: catalog."""
