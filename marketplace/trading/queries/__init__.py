"""Trading queries (the reads), one file a subject: documents and their boxes, their
attachments, the products their lines name, the document settings, the portal's
choices, the office's work items. Scoped to the acting company: a company never reads
another's documents. Content's models are read here only (joins), never elsewhere in
trading."""
