"""Content forms: catalog."""
