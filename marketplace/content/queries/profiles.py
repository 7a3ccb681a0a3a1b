"""Content queries: profiles."""
