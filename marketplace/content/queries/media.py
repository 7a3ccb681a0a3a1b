"""Content queries: media."""
