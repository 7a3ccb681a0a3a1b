"""Supplier link queries (the reads), one file per area. Every supplier view filters on
the buyer and on the acting supplier in SQL: a supplier never reads another's goods."""
