"""The content module's operations, one file per area."""
