"""Content api: profiles."""
