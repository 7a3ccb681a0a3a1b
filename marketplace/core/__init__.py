"""The small shared kernel: model mixins and column types, domain errors and
problem+json, scoped queries, pagination, the request commit boundary, audit
and signals. It imports nothing from the modules."""
