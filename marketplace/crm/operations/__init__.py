"""The crm module's operations, one file a subject."""
