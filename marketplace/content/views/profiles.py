"""Content views: profiles."""
