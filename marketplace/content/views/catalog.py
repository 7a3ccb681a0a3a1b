"""Content views: catalog."""
