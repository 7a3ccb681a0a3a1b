"""Supplier link operations (the writes), one file per area: sharing and SKU
cross-references, stock reports, goods receipts, discrepancies, returns.
Every operation flushes and never commits: the request boundary commits."""
