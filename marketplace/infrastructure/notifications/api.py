"""JSON API of notifications (each member's own) and webhooks (company admins)."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from marketplace.core.api import (
    ETAG_HEADER,
    check_if_match,
    honours_if_match,
    idempotent,
    problem_responses,
    with_etag,
)
from marketplace.core.errors import Forbidden
from marketplace.core.pagination import PaginationArgsSchema, page_schema, paginate
from marketplace.infrastructure.auth import api_auth, current_actor
from marketplace.infrastructure.notifications import (
    blp_notifications,
    blp_webhooks,
    operations,
    queries,
)
from marketplace.infrastructure.notifications import events as registry
from marketplace.infrastructure.notifications.schemas import (
    DeliveryQueryArgsSchema,
    DeliverySchema,
    EmailPreferencesArgsSchema,
    EmailPreferenceSchema,
    EventSchema,
    NotificationPageSchema,
    NotificationQueryArgsSchema,
    NotificationSchema,
    ReadAllSchema,
    WebhookArgsSchema,
    WebhookCreatedSchema,
    WebhookPatchArgsSchema,
    WebhookSchema,
)

# ----- notifications ---------------------------------------------------------------------


def _member():
    """Notifications belong to people: an API key has none."""
    user = current_actor().user
    if user is None:
        raise Forbidden(str(_l("Notifications belong to members: call with a member's "
                               "token, not an API key.")))
    return user


@blp_notifications.route("")
@api_auth()
@blp_notifications.arguments(NotificationQueryArgsSchema, location="query")
@blp_notifications.arguments(PaginationArgsSchema, location="query")
@blp_notifications.response(200, NotificationPageSchema)
def list_notifications(query, pagination):
    """The caller's notifications, newest first (``unread=true``: only those not read),
    with the number of unread ones."""
    _member()
    page = paginate(queries.notifications(unread=query["unread"]), **pagination)
    return {"items": page.items, "total": page.total, "total_capped": page.total_capped,
            "page": page.page, "per_page": page.per_page, "unread": queries.unread_count()}


@blp_notifications.route("/<int:notification_id>/read", methods=["POST"])
@api_auth()
@blp_notifications.response(200, NotificationSchema)
@blp_notifications.doc(responses=problem_responses(404))
def read_notification(notification_id):
    """Mark one of the caller's notifications read (another's is not found)."""
    _member()
    return operations.mark_read(queries.notification(notification_id))


@blp_notifications.route("/read-all", methods=["POST"])
@api_auth()
@blp_notifications.response(200, ReadAllSchema)
def read_all_notifications():
    """Mark all of the caller's notifications read."""
    return {"marked": operations.mark_all_read(_member())}


def _preferences(user):
    return [{"event": event.name, "label": event.title, "email": email}
            for event, email in queries.email_preferences(user.id, operator=user.is_operator)]


@blp_notifications.route("/preferences")
@api_auth()
@blp_notifications.response(200, EmailPreferenceSchema(many=True))
def list_email_preferences():
    """Which events also come to the caller by e-mail (all of them unless turned off)."""
    return _preferences(_member())


@blp_notifications.route("/preferences", methods=["PATCH"])
@api_auth()
@blp_notifications.arguments(EmailPreferencesArgsSchema)
@blp_notifications.response(200, EmailPreferenceSchema(many=True))
@blp_notifications.doc(responses=problem_responses(422))
def set_email_preferences(args):
    """Turn e-mail on or off for the events named."""
    user = _member()
    operations.set_email_preferences(user, args["email"])
    return _preferences(user)


# ----- webhooks --------------------------------------------------------------------------


@blp_webhooks.route("/events")
@api_auth()
@blp_webhooks.response(200, EventSchema(many=True))
def list_events():
    """The events a webhook can subscribe to."""
    return registry.known_events(webhook=True)


@blp_webhooks.route("")
@api_auth(permission="webhooks.manage")
@blp_webhooks.arguments(PaginationArgsSchema, location="query")
@blp_webhooks.response(200, page_schema(WebhookSchema))
def list_webhooks(pagination):
    """The company's webhooks (never their secrets)."""
    return paginate(queries.webhooks(), **pagination)


@blp_webhooks.route("", methods=["POST"])
@api_auth(permission="webhooks.manage")
@idempotent
@blp_webhooks.arguments(WebhookArgsSchema)
@blp_webhooks.response(201, WebhookCreatedSchema, headers=ETAG_HEADER)
@blp_webhooks.doc(responses=problem_responses(422))
def create_webhook(values):
    """Add a webhook. Its secret is in this answer only (the one given, or a new one)."""
    actor = current_actor()
    webhook, _secret = operations.create_webhook(actor.company, values, actor.user)
    return with_etag(WebhookCreatedSchema().dump(webhook), webhook), 201, {
        "Location": url_for("webhooks.get_webhook", webhook_id=webhook.id)}


@blp_webhooks.route("/<int:webhook_id>")
@api_auth(permission="webhooks.manage")
@blp_webhooks.response(200, WebhookSchema, headers=ETAG_HEADER)
@blp_webhooks.doc(responses=problem_responses(404))
def get_webhook(webhook_id):
    webhook = queries.webhook(webhook_id)
    return with_etag(WebhookSchema().dump(webhook), webhook)


@blp_webhooks.route("/<int:webhook_id>", methods=["PATCH"])
@api_auth(permission="webhooks.manage")
@blp_webhooks.arguments(WebhookPatchArgsSchema)
@blp_webhooks.response(200, WebhookSchema, headers=ETAG_HEADER)
@blp_webhooks.doc(responses=problem_responses(404, 422))
@honours_if_match
def patch_webhook(values, webhook_id):
    """Change the URL, events, description or secret, or disable / enable (honours
    If-Match)."""
    webhook = queries.webhook(webhook_id)
    check_if_match(webhook)
    operations.update_webhook(webhook, values)
    return with_etag(WebhookSchema().dump(webhook), webhook)


@blp_webhooks.route("/<int:webhook_id>", methods=["DELETE"])
@api_auth(permission="webhooks.manage")
@blp_webhooks.response(204)
@blp_webhooks.doc(responses=problem_responses(404))
@honours_if_match
def delete_webhook(webhook_id):
    """Delete a webhook with its delivery log."""
    webhook = queries.webhook(webhook_id)
    check_if_match(webhook)
    operations.delete_webhook(webhook)


@blp_webhooks.route("/<int:webhook_id>/deliveries")
@api_auth(permission="webhooks.manage")
@blp_webhooks.arguments(DeliveryQueryArgsSchema, location="query")
@blp_webhooks.arguments(PaginationArgsSchema, location="query")
@blp_webhooks.response(200, page_schema(DeliverySchema))
@blp_webhooks.doc(responses=problem_responses(404))
def list_deliveries(query, pagination, webhook_id):
    """The delivery log, newest first: each delivery with its attempts, status codes and
    errors, when the next attempt is due, and when it was delivered."""
    webhook = queries.webhook(webhook_id)
    return paginate(queries.deliveries(webhook, query.get("status")), **pagination)


@blp_webhooks.route("/<int:webhook_id>/test", methods=["POST"])
@api_auth(permission="webhooks.manage")
@idempotent
@blp_webhooks.response(202, DeliverySchema)
@blp_webhooks.doc(responses=problem_responses(404, 409))
def test_webhook(webhook_id):
    """Send a ``webhook.ping`` to this webhook; the delivery answered is in its log."""
    return operations.send_test(queries.webhook(webhook_id))


@blp_webhooks.route("/<int:webhook_id>/deliveries/<int:delivery_id>/redeliver",
                    methods=["POST"])
@api_auth(permission="webhooks.manage")
@idempotent
@blp_webhooks.response(202, DeliverySchema)
@blp_webhooks.doc(responses=problem_responses(404, 409))
def redeliver(webhook_id, delivery_id):
    """Send a delivered or failed delivery again, as a new delivery with the same body."""
    webhook = queries.webhook(webhook_id)
    return operations.redeliver(queries.delivery(webhook, delivery_id))
