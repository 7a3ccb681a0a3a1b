"""Content schemas: profiles."""
