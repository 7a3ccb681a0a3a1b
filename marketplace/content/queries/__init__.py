"""The content module's queries, one file per area."""
