"""Content forms: media."""
