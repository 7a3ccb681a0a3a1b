"""The content module's forms, one file per area."""
