"""Content forms: products."""
