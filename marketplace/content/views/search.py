"""Content views: search."""
