"""Content schemas: products."""
