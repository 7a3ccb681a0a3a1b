"""Fulfillment's writes: orders (creation from purchase orders, merge, split, change
requests and cancellations), shipments and their events, shipping documents,
receivables, payments and card checkouts. Each flushes, never commits."""
