"""The words for fulfillment's codes (core/labels.py): one mapping per vocabulary, used by
the pages, the notifications and the e-mails alike."""

from __future__ import annotations

from marketplace.core.labels import N_, Labels

ORDER_STATUS = Labels({
    "open": N_("Open"), "partially_shipped": N_("Partially shipped"),
    "shipped": N_("Shipped"), "partially_received": N_("Partially received"),
    "received": N_("Received"), "closed": N_("Closed"), "cancelled": N_("Cancelled")})
SHIPMENT_STATUS = Labels({
    "booked": N_("Booked"), "packed": N_("Packed"), "shipped": N_("Shipped"),
    "in_transit": N_("In transit"), "arrived": N_("Arrived"),
    "customs_cleared": N_("Customs cleared"), "delivered": N_("Delivered")})
# What an order's history shows for each of its events.
ORDER_EVENT = Labels({
    "created": N_("Order created"), "shipment": N_("Shipment"), "payment": N_("Payment"),
    "received": N_("Goods received"), "closed": N_("Order closed"),
    "cancelled": N_("Order cancelled"), "changed": N_("Order changed"),
    "credited": N_("Credit note"), "debited": N_("Debit note"),
    "split_from": N_("Split from another order"), "split_to": N_("Split into another order"),
    "merged_from": N_("Merged from another order"), "merged_into": N_("Merged into another order"),
    "replacement": N_("Replacement shipment"),
    "letter_of_credit": N_("Letter of credit recorded"),
    "lc_warnings_acknowledged": N_("Letter of credit warnings overridden")})
PAYMENT_METHOD = Labels({
    "tt": N_("Telegraphic transfer (T/T)"), "lc": N_("Letter of credit"), "card": N_("Card"),
    "other": N_("Other")})
INVOICE_STATUS = Labels({
    "open": N_("Unpaid"), "partially_paid": N_("Partly paid"), "paid": N_("Paid in full")})
# The aging buckets: "current" (not yet due), then days past due as they are written.
AGING_BUCKET = Labels({"current": N_("Not yet due"), "1-30": N_("1–30 days"),
                       "31-60": N_("31–60 days"), "61-90": N_("61–90 days"),
                       "90+": N_("Over 90 days")})
