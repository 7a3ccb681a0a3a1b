"""Content views: products."""
