"""The content module's schemas, one file per area."""
