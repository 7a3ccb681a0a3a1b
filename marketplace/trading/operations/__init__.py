"""Trading operations (the writes), one file a subject: documents (through the workflow
engine), their attachments, an inquiry about a product, the document settings. Every
operation flushes and never commits: the request boundary commits."""
