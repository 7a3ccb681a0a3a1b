"""The crm module's background jobs, one file a subject."""
