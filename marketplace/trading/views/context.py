"""What every trading page shares: the labels of boxes, statuses and actions, the
navbar's unread count and the label filters (a context processor), the operator's
refusal, and how a refused change is shown where it must not go back."""

from __future__ import annotations

from flask import flash, g, redirect, request
from flask_babel import lazy_gettext as _l

from marketplace.core.errors import DomainError, flatten_messages
from marketplace.extensions import db
from marketplace.infrastructure.auth import current_actor
from marketplace.trading import bp
from marketplace.trading import exports as exporting
from marketplace.trading.queries import documents as document_queries
from marketplace.workflow import doctypes, engine
from marketplace.workflow.models import Document

BOXES = {"inbox": _l("Inbox"), "outbox": _l("Sent"), "drafts": _l("Drafts"),
         "archive": _l("Archive")}
STATUSES = {"draft": _l("Draft"), "pending_approval": _l("Waiting for approval"),
            "sent": _l("Sent"), "accepted": _l("Accepted"), "declined": _l("Declined"),
            "cancelled": _l("Cancelled"), "closed": _l("Closed")}
ACTIONS = {"send": _l("Send"), "approve": _l("Approve"), "reject": _l("Reject"),
           "accept": _l("Accept"), "decline": _l("Decline"), "cancel": _l("Cancel"),
           "forward": _l("Forward"), "archive": _l("Archive"), "close": _l("Close")}
# The history also shows the engine's own steps, which are no buttons.
HISTORY_LABELS = {**ACTIONS, "create": _l("Created"),
                  "request_approval": _l("Accepted, waiting for approval"),
                  # sourcing's steps on an rfq and its bids
                  "open": _l("Bids opened at the closing time"), "award": _l("Awarded"),
                  "regret": _l("Not awarded"),
                  "auction": _l("Reverse auction set up"),
                  "auction_closed": _l("Reverse auction closed"),
                  # guest links (views/guest.py): sent to a contact without an account
                  "guest_link": _l("Sent to a guest"),
                  "guest_link_revoked": _l("Guest link revoked"),
                  "change_requested": _l("Change requested")}
ACTION_DONE = {"send": _l("%(number)s is sent."), "accept": _l("%(number)s is accepted."),
               "approve": _l("You approved %(number)s."),
               "reject": _l("You rejected %(number)s."),
               "decline": _l("%(number)s is declined."),
               "cancel": _l("%(number)s is cancelled."),
               "forward": _l("%(number)s is forwarded."),
               "archive": _l("%(number)s is archived."), "close": _l("%(number)s is closed.")}
# Why the operator is refused trading's pages (core's ``company_member_required``).
NO_COMPANY = _l("Trade documents belong to companies; the operator has none.")


def refused(error: DomainError, page: str):
    """Show the reason and go to ``page``, not back to the page the form came from (core's
    ``go_back``): an attachment refused on a document sent meanwhile goes to its document
    page, an inquiry refused from the inquiry page to the product. Nothing of the refused
    change is kept."""
    db.session.rollback()
    # The field messages are whole sentences ("Say why you reject it."), and an upload's
    # refusal repeats its detail in its field: the fields alone, else the detail.
    said = [str(m) for messages in flatten_messages(error.errors or {}).values()
            for m in messages]
    flash(" ".join(said) or error.detail, "danger")
    return redirect(page, 303)


def action_done(action: str, document: Document) -> str:
    """What a done action's flash says (a send or accept held by approvals says so)."""
    message = ACTION_DONE.get(action)
    if action == "send" and document.status == engine.PENDING_APPROVAL:
        return str(_l("%(number)s waits for your company's approval before it is sent.",
                      number=document.number))
    if action == "accept" and document.status != engine.ACCEPTED:
        return str(_l("Your acceptance of %(number)s waits for your company's approval.",
                      number=document.number))
    return str(message) % {"number": document.number} if message else \
        str(_l("Done: %(number)s.", number=document.number))


def unread_documents(actor) -> int:
    """The actor's company's unread documents, counted once a request: the documents
    page shows the figure and the navbar beside it does too. Kept with the request it
    was counted for (a test holding an app context sends many requests with one g)."""
    this = request._get_current_object()
    kept = g.get("unread_documents")
    if kept is None or kept[0] is not this:
        kept = g.unread_documents = (this, document_queries.unread_count(actor))
    return kept[1]


@bp.app_context_processor
def trading_context() -> dict:
    def documents_unread() -> int:
        actor = current_actor()
        if actor is None or actor.company is None or not actor.can("documents.view"):
            return 0
        return unread_documents(actor)

    return {"documents_unread": documents_unread, "document_type_label": doctypes.label,
            "document_status_label": lambda code: str(STATUSES.get(code, code)),
            "money_text": exporting.money, "quantity_text": exporting.quantity,
            "payment_terms_label": exporting.payment_terms_label}
