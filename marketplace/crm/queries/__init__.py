"""The crm module's queries, one file a subject."""
