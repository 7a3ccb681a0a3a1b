"""Content views: bulletins."""
