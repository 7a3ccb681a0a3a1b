"""Content schemas: bulletins."""
