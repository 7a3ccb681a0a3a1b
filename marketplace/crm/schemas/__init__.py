"""The crm module's schemas, one file a subject."""
