"""Billing in the portal: the company's "Plan and usage" page (usage bars, the plans,
Upgrade through Stripe Checkout, the customer portal, cancelling, the membership
invoices as PDF), and the operator's pages (the plans' editor, every subscription).
Thin: guard → form → operation → redirect or page."""

from __future__ import annotations

from decimal import Decimal

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from marketplace.billing import bp, exports, operations, queries
from marketplace.billing.forms import PlanForm
from marketplace.billing.limits import LIMIT_NAMES
from marketplace.billing.models import LIMIT_COLUMNS, SubscriptionStatus
from marketplace.core import currencies, slots
from marketplace.core.errors import DomainError, ValidationFailed, refusal_goes_back
from marketplace.core.guards import company_actor, company_member_required, operator_required
from marketplace.core.labels import Labels
from marketplace.extensions import db
from marketplace.infrastructure.forms import post_with_csrf, show_errors

MANAGE = "company.edit"
STATUS = Labels({"free": _l("Free"), "active": _l("Active"),
                 "past_due": _l("Payment overdue"), "cancelled": _l("Cancelled")})


def _page_url() -> str:
    return url_for("billing.billing_page")


@bp.route("/billing")
@company_member_required()
def billing_page():
    actor = company_actor()
    if request.args.get("checkout") == "done":
        flash(_l("Thank you: your plan changes as soon as Stripe confirms the payment "
                 "(usually within a minute)."), "info")
    standing = queries.standing(actor.company.id, with_usage=True)
    manages = actor.can(MANAGE)
    if manages:  # Upgrade and "Manage card" redirect there: form-action allows them
        g.form_action_origins = [origin for origin in (
            current_app.config.get("STRIPE_CHECKOUT_ORIGIN"),
            current_app.config.get("STRIPE_PORTAL_ORIGIN")) if origin]
    invoices = list(db.session.scalars(queries.invoices(actor.company.id).limit(24))) \
        if manages else []
    return render_template("billing/billing.html", standing=standing, plans=queries.plans(),
                           manages=manages, invoices=invoices, limit_names=LIMIT_NAMES,
                           kinds=tuple(LIMIT_COLUMNS), status_labels=STATUS,
                           locale=str(get_locale()), Status=SubscriptionStatus)


@bp.route("/billing/checkout", methods=["POST"])
@company_member_required(MANAGE)
def checkout():
    post_with_csrf()
    actor = company_actor()
    with refusal_goes_back(_page_url()):
        plan = queries.plan_by_code(request.form.get("plan") or "")
        if plan is None or not plan.active:
            raise ValidationFailed(errors={"plan": [str(_l("No such plan."))]})
        back = url_for("billing.billing_page", _external=True)
        url = operations.open_checkout(actor.company, plan, email=actor.user.email,
                                       success_url=back + "?checkout=done", cancel_url=back)
    return redirect(url, 303)


@bp.route("/billing/portal", methods=["POST"])
@company_member_required(MANAGE)
def portal():
    post_with_csrf()
    with refusal_goes_back(_page_url()):
        url = operations.open_portal(company_actor().company,
                                     return_url=url_for("billing.billing_page", _external=True))
    return redirect(url, 303)


@bp.route("/billing/cancel", methods=["POST"])
@company_member_required(MANAGE)
def cancel():
    post_with_csrf()
    with refusal_goes_back(_page_url()):
        operations.cancel_subscription(company_actor().company)
    flash(_l("Your subscription ends at the end of the paid period; until then your plan "
             "stays as it is."), "success")
    return redirect(_page_url(), 303)


@bp.route("/billing/invoices/<int:invoice_id>.pdf")
@company_member_required(MANAGE)
def invoice_pdf(invoice_id):
    invoice = queries.invoice(company_actor().company.id, invoice_id)
    return exports.invoice_pdf_response(invoice, str(get_locale()))


# ----- the operator ---------------------------------------------------------------------------


@bp.route("/admin/billing/plans")
@operator_required
def plans_page():
    return render_template("billing/plans.html", plans=queries.plans(offered_only=False),
                           kinds=tuple(LIMIT_COLUMNS), limit_names=LIMIT_NAMES,
                           counts=queries.companies_per_plan())


@bp.route("/admin/billing/plans/<int:plan_id>", methods=["GET", "POST"])
@operator_required
def edit_plan(plan_id):
    plan = queries.plan(plan_id)
    form = PlanForm(obj=plan)
    form.currency.choices = currencies.choices(keep=form.currency.data or plan.currency)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                operations.update_plan(plan, form.values())
            except DomainError as error:
                db.session.rollback()
                plan = queries.plan(plan_id)
                show_errors(error, form)
                status = 422
            else:
                flash(_l("Plan “%(name)s” is saved.", name=plan.name), "success")
                return redirect(url_for("billing.plans_page"), 303)
        else:
            status = 422
    return render_template("billing/edit_plan.html", plan=plan, form=form), status


@bp.route("/admin/billing/subscriptions")
@operator_required
def subscriptions_page():
    total: dict[str, Decimal] = {}  # the chart's bars: every plan's revenue per month
    for row in queries.subscriptions_and_revenue_per_month():
        total[row.month] = total.get(row.month, Decimal(0)) + row.revenue
    return render_template("billing/subscriptions.html", rows=queries.all_subscriptions(),
                           status_labels=STATUS, counts=queries.companies_per_plan(),
                           total=total,
                           plans={plan.code: plan for plan in
                                  queries.plans(offered_only=False)})


# ----- the office --------------------------------------------------------------------------


@slots.fill("office.figures")
def plan_figures(actor, company=None, **_context):
    if actor is None or actor.company is None:
        return None
    standing = queries.standing(actor.company.id, with_usage=True)
    return Markup(render_template("billing/_office_plan.html", standing=standing,
                                  limit_names=LIMIT_NAMES, locale=str(get_locale())))


@slots.fill("office.platform_figures")
def platform_plans(actor, **_context):
    if actor is None or not actor.is_operator:
        return None
    return Markup(render_template("billing/_office_platform.html",
                                  counts=queries.companies_per_plan()))
