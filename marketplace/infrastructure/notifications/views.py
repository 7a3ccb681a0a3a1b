"""Portal pages: the bell, the notifications page with the e-mail settings, and the
company administrators' webhooks with their delivery log."""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_timedelta
from flask_babel import lazy_gettext as _l

from marketplace.core.errors import DomainError, PreconditionFailed
from marketplace.core.guards import login_required, permission_required
from marketplace.core.pagination import paginate
from marketplace.core.redirects import same_site_path
from marketplace.core.types import utcnow
from marketplace.infrastructure.auth import current_actor
from marketplace.infrastructure.forms import EmptyForm, post_with_csrf, show_errors
from marketplace.infrastructure.notifications import bp, operations, queries
from marketplace.infrastructure.notifications.forms import EmailPreferencesForm, WebhookForm
from marketplace.infrastructure.notifications.models import DELIVERY_STATUS, DeliveryStatus
from marketplace.infrastructure.notifications.tasks import request_end_sweep

BELL_SIZE = 5

bp.after_app_request(request_end_sweep.after_request)
# A delivery's status words, for the macros of every page that shows deliveries.
bp.add_app_template_global(DELIVERY_STATUS, "delivery_status_labels")


@bp.app_context_processor
def bell_context():
    def notification_bell() -> dict:
        """For the bell (and the office's recent list): read only where a page shows
        them, once per request."""
        if "notification_bell" not in g:
            g.notification_bell = {"unread": queries.unread_count(),
                                   "recent": queries.recent_notifications(BELL_SIZE)}
        return g.notification_bell

    return {"notification_bell": notification_bell}


@bp.app_template_global()
def ago(moment: datetime) -> str:
    """How long ago, in the page's language ("5 minutes ago", "5 分鐘前")."""
    return format_timedelta(moment - utcnow(), granularity="minute", add_direction=True)


def _back(default: str):
    return redirect(same_site_path(request.form.get("next"))
                    or same_site_path(request.referrer) or default)


# ----- notifications ---------------------------------------------------------------------


@bp.route("/notifications")
@login_required
def notifications():
    unread = request.args.get("unread") == "1"
    page = paginate(queries.notifications(unread=unread),
                    page=request.args.get("page", 1, int), per_page=20)
    user = current_actor().user
    form = EmailPreferencesForm(formdata=None, operator=user.is_operator, email_events=[
        event.name for event, email in queries.email_preferences(
            user.id, operator=user.is_operator) if email])
    return render_template("notifications/notifications.html", page=page, unread=unread,
                           unread_total=queries.unread_count(), preferences_form=form,
                           empty_form=EmptyForm())


@bp.route("/notifications/bell")
@login_required
def bell():
    """The bell's menu, asked for by the page when the unread count changes."""
    return render_template("notifications/_bell.html", empty_form=EmptyForm())


@bp.route("/notifications/preferences", methods=["POST"])
@login_required
def save_preferences():
    form = EmailPreferencesForm(operator=current_actor().user.is_operator)
    if not form.validate_on_submit():
        abort(400)
    chosen = set(form.email_events.data or [])
    operations.set_email_preferences(current_actor().user, {
        name: name in chosen for name, _label in form.email_events.choices})
    flash(_l("Your e-mail settings are saved."), "success")
    return redirect(url_for(".notifications") + "#settings")


@bp.route("/notifications/<int:notification_id>/open", methods=["POST"])
@login_required
def open_notification(notification_id):
    """Read it and go to what it is about."""
    found = queries.notification(notification_id)
    post_with_csrf()
    operations.mark_read(found)
    return redirect(found.link or url_for(".notifications"))


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@login_required
def read_notification(notification_id):
    found = queries.notification(notification_id)
    post_with_csrf()
    operations.mark_read(found)
    return _back(url_for(".notifications"))


@bp.route("/notifications/read-all", methods=["POST"])
@login_required
def read_all_notifications():
    post_with_csrf()
    marked = operations.mark_all_read(current_actor().user)
    if marked:
        flash(_l("All notifications are marked read."), "info")
    return _back(url_for(".notifications"))


# ----- webhooks (company administrators) -------------------------------------------------


@bp.route("/webhooks", methods=["GET", "POST"])
@permission_required("webhooks.manage")
def webhooks():
    actor = current_actor()
    form = WebhookForm()
    new_secret = None
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                _webhook, new_secret = operations.create_webhook(actor.company, {
                    "url": form.url.data, "events": form.events.data,
                    "description": form.description.data, "secret": form.secret.data or None},
                    actor.user)
            except DomainError as error:
                show_errors(error, form)
                status = error.status
            else:
                flash(_l("Webhook added. Copy its secret now: it is shown only once."),
                      "warning")
                form = WebhookForm(formdata=None)
        else:
            status = 422
    page = paginate(queries.webhooks(), page=request.args.get("page", 1, int), per_page=20)
    return render_template(
        "notifications/webhooks.html", page=page, form=form, new_secret=new_secret,
        counts=queries.delivery_counts([w.id for w in page.items]),
        empty_form=EmptyForm()), status


@bp.route("/webhooks/<int:webhook_id>", methods=["GET", "POST"])
@permission_required("webhooks.manage")
def webhook(webhook_id):
    found = queries.webhook(webhook_id)
    status = 200
    if request.method == "GET":
        form = WebhookForm(formdata=None, data={
            "url": found.url, "events": found.events, "description": found.description,
            "version": str(found.version)})
    else:
        form = WebhookForm()
        if form.validate_on_submit():
            if form.version.data != str(found.version):
                raise PreconditionFailed(str(_l(
                    "Someone else changed this webhook while you were editing it. Reload "
                    "the page.")))
            try:
                operations.update_webhook(found, {
                    "url": form.url.data, "events": form.events.data,
                    "description": form.description.data,
                    **({"secret": form.secret.data} if form.secret.data else {})})
            except DomainError as error:
                show_errors(error, form)
                status = error.status
            else:
                flash(_l("Webhook saved."), "success")
                return redirect(url_for(".webhook", webhook_id=found.id))
        else:
            status = 422
    form.secret.label.text = str(_l("New secret (optional: leave empty to keep the current "
                                    "one)"))
    form.submit.label.text = str(_l("Save webhook"))
    wanted = request.args.get("status")
    wanted = DeliveryStatus(wanted) if wanted in set(DeliveryStatus) else None
    page = paginate(queries.deliveries(found, wanted), page=request.args.get("page", 1, int),
                    per_page=20)
    return render_template("notifications/webhook.html", webhook=found, form=form, page=page,
                           status_filter=wanted, empty_form=EmptyForm()), status


@bp.route("/webhooks/<int:webhook_id>/enable", methods=["POST"])
@permission_required("webhooks.manage")
def enable_webhook(webhook_id):
    return _switch(webhook_id, True, _l("The webhook is on again; deliveries that waited "
                                        "go out now."))


@bp.route("/webhooks/<int:webhook_id>/disable", methods=["POST"])
@permission_required("webhooks.manage")
def disable_webhook(webhook_id):
    return _switch(webhook_id, False, _l("The webhook is off: nothing is sent until you turn "
                                         "it on again."))


def _switch(webhook_id: int, active: bool, message):
    found = queries.webhook(webhook_id)
    post_with_csrf()
    operations.update_webhook(found, {"active": active})
    flash(message, "info")
    return _back(url_for(".webhook", webhook_id=found.id))


@bp.route("/webhooks/<int:webhook_id>/delete", methods=["POST"])
@permission_required("webhooks.manage")
def delete_webhook(webhook_id):
    found = queries.webhook(webhook_id)
    post_with_csrf()
    operations.delete_webhook(found)
    flash(_l("Webhook deleted."), "info")
    return redirect(url_for(".webhooks"))


@bp.route("/webhooks/<int:webhook_id>/test", methods=["POST"])
@permission_required("webhooks.manage")
def test_webhook(webhook_id):
    found = queries.webhook(webhook_id)
    post_with_csrf()
    operations.send_test(found)
    flash(_l("A test delivery (webhook.ping) is on its way; its result shows in the log "
             "below."), "info")
    return redirect(url_for(".webhook", webhook_id=found.id))


@bp.route("/webhooks/<int:webhook_id>/deliveries/<int:delivery_id>/redeliver",
          methods=["POST"])
@permission_required("webhooks.manage")
def redeliver(webhook_id, delivery_id):
    found = queries.webhook(webhook_id)
    delivery = queries.delivery(found, delivery_id)
    post_with_csrf()
    operations.redeliver(delivery)
    flash(_l("The delivery is sent again."), "info")
    return redirect(url_for(".webhook", webhook_id=found.id))
