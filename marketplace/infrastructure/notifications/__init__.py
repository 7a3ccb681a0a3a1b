"""Notifications and webhooks: how companies and their members are told.

What other modules use (see docs/NOTIFICATIONS.md)::

    from marketplace.infrastructure.notifications import N_, notify, register_event

    register_event("document.received", label=_l("A trade document was received"))

    notify("document.received", company_id=recipient.id, user_ids=None,
           message=N_("%(company)s sent you %(number)s."),
           params={"company": sender.name, "number": document.number},
           link=f"/documents/{document.id}", payload={"document_id": document.id})

``notify`` is called inside the caller's transaction; mail and webhooks go out after
it commits. The rooms are the house's: models, operations, queries, schemas, api,
views, forms, templates; ``tasks`` delivers webhooks, ``transport`` makes the HTTP call.
"""

from flask import Blueprint
from flask_smorest import Blueprint as ApiBlueprint

# What other modules call; none of these files imports the blueprints below.
from marketplace.infrastructure.notifications.events import (
    Event,
    UnknownEvent,
    known_events,
    register_event,
)
from marketplace.infrastructure.notifications.messages import N_
from marketplace.infrastructure.notifications.operations import (
    notify,
    notify_operators,
)

bp = Blueprint("notifications", __name__, template_folder="templates")
blp_notifications = ApiBlueprint(
    "notifications_api", __name__, url_prefix="/notifications",
    description="The caller's own notifications, and which of them also come by e-mail")
blp_webhooks = ApiBlueprint(
    "webhooks", __name__, url_prefix="/webhooks",
    description="Company webhooks: signed deliveries of the company's events to partner "
                "systems, retried with back-off, with the log of every attempt")

API_BLUEPRINTS = (blp_notifications, blp_webhooks)

__all__ = ["N_", "Event", "UnknownEvent", "known_events", "notify", "notify_operators",
           "register_event"]
