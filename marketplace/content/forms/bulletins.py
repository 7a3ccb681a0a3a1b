"""Content forms: bulletins."""
