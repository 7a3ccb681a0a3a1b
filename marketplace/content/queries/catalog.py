"""Content queries: catalog."""
