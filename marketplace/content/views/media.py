"""Content views: media."""
