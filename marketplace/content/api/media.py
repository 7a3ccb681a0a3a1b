"""Content api: media."""
