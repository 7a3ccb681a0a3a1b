"""Content forms: profiles."""
