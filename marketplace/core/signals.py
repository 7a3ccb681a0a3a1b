"""Signals through which modules react to each other without importing each other's views."""

from blinker import Namespace

_signals = Namespace()

company_registered = _signals.signal("company-registered")
company_approved = _signals.signal("company-approved")
company_suspended = _signals.signal("company-suspended")
member_removed = _signals.signal("member-removed")
# Content: sent by every write to a product (create, change, publish, archive, delete),
# with product_id and company_id; search keeps its index in step (after commit).
product_changed = _signals.signal("product-changed")
# Content: sent by every write to a company's profile, factory tour or certifications,
# with company_id; search keeps its company index in step (after commit).
company_profile_changed = _signals.signal("company-profile-changed")
# Emitted by the workflow engine for every document action (see marketplace.workflow).
document_transitioned = _signals.signal("document-transitioned")
# Emitted by the workflow engine's derive once the new draft exists (flushed), with
# ``parent`` and ``actor``: a module higher up may fill in its own defaults (crm applies
# the terms a supplier set for the buyer's customer segment to a derived quotation).
document_derived = _signals.signal("document-derived")
