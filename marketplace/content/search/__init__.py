"""Search behind a small interface (Whoosh on local disk by default)."""
