"""Content api: catalog."""
