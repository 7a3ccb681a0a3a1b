"""Content schemas: media."""
