"""Signals through which modules react to each other without importing each other's views."""

from blinker import Namespace

_signals = Namespace()

company_registered = _signals.signal("company-registered")
company_approved = _signals.signal("company-approved")
company_suspended = _signals.signal("company-suspended")
member_removed = _signals.signal("member-removed")
# Emitted by the workflow engine for every document action (see marketplace.workflow).
document_transitioned = _signals.signal("document-transitioned")
