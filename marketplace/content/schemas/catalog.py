"""Content schemas: catalog."""
