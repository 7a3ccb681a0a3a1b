"""The back office in the portal: the operator's dashboard (figures, charts, a date
range, exports), the audit trail (filters, each entry's changes, pages, exports; a
company's admins see their own company's), moderation (the queue of reported products
and bulletins, hide, dismiss, restore; suspended companies reinstated with a reason),
and the members' Report form with its button on content's pages (slots).

Thin: guard → form → queries or operations → page."""

from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from marketplace.backoffice import bp, charts, exports, operations, queries
from marketplace.backoffice.forms import (
    AuditFilterForm,
    CompanyReasonForm,
    NoteForm,
    PeriodForm,
    ReasonForm,
    ReportForm,
)
from marketplace.backoffice.models import (
    KIND_LABELS,
    REASON_LABELS,
    STATUS_LABELS,
    ReportKind,
)
from marketplace.core import slots
from marketplace.core.errors import DomainError, Forbidden, ValidationFailed
from marketplace.core.guards import company_member_required, login_required, operator_required
from marketplace.core.pagination import paginate
from marketplace.extensions import db
from marketplace.infrastructure.auth import current_actor
from marketplace.infrastructure.forms import post_with_csrf, show_errors
from marketplace.infrastructure.models import COMPANY_STATUS

PER_PAGE = 25


def _language() -> str:
    return str(get_locale() or "en")


# ----- the dashboard -----------------------------------------------------------------------------


def _period(form: PeriodForm) -> queries.Period:
    if request.args and not form.validate():
        flash(_l("The dates were not understood; the last six months are shown."), "warning")
        return queries.default_period()
    try:
        return queries.period_of(form.start.data, form.end.data)
    except ValidationFailed as refusal:
        for messages in refusal.errors.values():
            form.start.errors = list(form.start.errors or []) + messages
        return queries.default_period()


@bp.route("/admin/dashboard")
@operator_required
def dashboard():
    form = PeriodForm(request.args)
    period = _period(form)
    figures = queries.dashboard(period)
    return render_template("backoffice/dashboard.html", form=form, figures=figures,
                           period=period, charts=_charts(figures),
                           status_labels=COMPANY_STATUS,
                           waiting=queries.open_report_count())


def _charts(figures: queries.Dashboard) -> dict[str, Markup]:
    no_data = str(_l("Nothing in this period."))
    found = {
        "status": charts.shares(
            [(COMPANY_STATUS.label(status), count)
             for status, count in figures.companies_by_status.items()],
            label=str(_l("Companies by status")), empty=str(_l("No company yet."))),
        "country": charts.shares(figures.companies_by_country,
                                 label=str(_l("Companies by country")),
                                 empty=str(_l("No company yet."))),
        "weeks": charts.bars(figures.registrations_per_week,
                             label=str(_l("New registrations per week")), empty=no_data,
                             short=lambda key: key[5:]),
        "months": charts.bars(figures.registrations_per_month,
                              label=str(_l("New registrations per month")), empty=no_data),
        "activity": charts.lines(
            {str(_l("Documents")): figures.documents_per_day,
             str(_l("Orders")): figures.orders_per_day},
            label=str(_l("Documents and orders per day")), empty=no_data,
            short=lambda key: key[5:]),
        "gmv": charts.lines(figures.trade_value_per_month,
                            label=str(_l("Trade value per month, per currency")),
                            empty=no_data),
    }
    if figures.plans is not None:
        found["revenue"] = charts.lines(
            figures.plans.revenue_per_currency() or {"": []},
            label=str(_l("Membership revenue per month")), empty=no_data)
    return found


@bp.route("/admin/dashboard/export")
@operator_required
def dashboard_export():
    fmt = request.args.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        abort(404)
    form = PeriodForm(request.args)
    figures = queries.dashboard(_period(form))
    return exports.dashboard_file(figures, fmt)


# ----- the audit trail ---------------------------------------------------------------------------


def _audit_reader():
    """The operator, or a company's member whose role may read its audit trail."""
    actor = current_actor()
    if not (actor.is_operator or actor.can("audit.view")):
        raise Forbidden(str(_l("Your role does not allow this.")))
    return actor


def _audit_filters(form: AuditFilterForm) -> queries.AuditFilters:
    actions, types = queries.audit_choices()
    form.action.choices = [("", _l("Any"))] + [(a, a) for a in actions]
    form.object_type.choices = [("", _l("Any"))] + [(t, t) for t in types]
    if request.args and not form.validate():
        return queries.AuditFilters(company="", member="", action=None)  # shown with errors
    if form.start.data and form.end.data and form.start.data > form.end.data:
        form.start.errors = [str(_l("The start is after the end."))]
    return queries.AuditFilters(
        company=form.company.data or None, member=form.member.data or None,
        action=form.action.data or None, object_type=form.object_type.data or None,
        object_id=form.object_id.data, start=form.start.data, end=form.end.data)


@bp.route("/audit-trail")
@login_required
def audit_trail():
    actor = _audit_reader()
    form = AuditFilterForm(request.args)
    filters = _audit_filters(form)
    page = paginate(queries.audit_trail(filters), page=max(request.args.get("page", 1, int), 1),
                    per_page=PER_PAGE)
    return render_template("backoffice/audit.html", form=form, page=page, filters=filters,
                           names=queries.audit_names(page.items), changes_of=queries.changes_of,
                           operator=actor.is_operator, shown=_shown)


def _shown(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@bp.route("/audit-trail/export")
@login_required
def audit_export():
    _audit_reader()
    fmt = request.args.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        abort(404)
    form = AuditFilterForm(request.args)
    return exports.audit_file(queries.audit_trail(_audit_filters(form)), fmt)


# ----- moderation ---------------------------------------------------------------------------------


def _labels() -> dict:
    return {"kinds": KIND_LABELS, "reasons": REASON_LABELS, "statuses": STATUS_LABELS}


@bp.route("/admin/moderation")
@operator_required
def moderation():
    return render_template(
        "backoffice/moderation.html", queue=queries.open_reports(),
        hidden_products=queries.hidden_products(), hidden_bulletins=queries.hidden_bulletins(),
        suspended=queries.suspended_companies(), decided=queries.decided_reports(),
        reason_form=ReasonForm(), note_form=NoteForm(), company_form=CompanyReasonForm(),
        **_labels())


def _back_to_moderation():
    return redirect(url_for("back_office.moderation"), 303)


def _kind(kind: str) -> ReportKind:
    try:
        return ReportKind(kind)
    except ValueError:
        abort(404)


@bp.route("/admin/moderation/<kind>/<int:object_id>/hide", methods=["POST"])
@operator_required
def hide(kind, object_id):
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_l("Give a reason for hiding it; its owner is told."), "danger")
        return _back_to_moderation()
    target = operations.hide(_kind(kind), object_id, form.reason.data, current_actor().user)
    flash(_l("Hidden: %(title)s. Only its owner and the operator see it now.",
             title=getattr(target, "name", None) or target.title), "warning")
    return _back_to_moderation()


@bp.route("/admin/moderation/<kind>/<int:object_id>/dismiss", methods=["POST"])
@operator_required
def dismiss(kind, object_id):
    form = NoteForm()
    if not form.validate_on_submit():
        abort(400)
    operations.dismiss(_kind(kind), object_id, current_actor().user, form.note.data)
    flash(_l("The reports are dismissed; nothing was changed."), "info")
    return _back_to_moderation()


@bp.route("/admin/moderation/<kind>/<int:object_id>/restore", methods=["POST"])
@operator_required
def restore(kind, object_id):
    post_with_csrf()
    target = operations.restore(_kind(kind), object_id)
    flash(_l("Shown again: %(title)s.", title=getattr(target, "name", None) or target.title),
          "success")
    return _back_to_moderation()


@bp.route("/admin/moderation/companies/<int:company_id>/<any(suspend, reinstate):action>",
          methods=["POST"])
@operator_required
def company_standing(company_id, action):
    form = CompanyReasonForm()
    company = queries.company(company_id)
    if not form.validate_on_submit():
        flash(_l("Give a reason; the company sees it."), "danger")
        return redirect(request.referrer or url_for("back_office.moderation"), 303)
    if action == "suspend":
        operations.suspend_company(company, form.reason.data)
        flash(_l("%(name)s is suspended.", name=company.name), "warning")
    else:
        operations.reinstate_company(company, form.reason.data)
        flash(_l("%(name)s is reinstated.", name=company.name), "success")
    return _back_to_moderation()


# ----- a member's report --------------------------------------------------------------------------


@bp.route("/report/<kind>/<int:object_id>", methods=["GET", "POST"])
@company_member_required(message=_l("Members of companies report; the operator hides."))
def report(kind, object_id):
    kind = _kind(kind)
    actor = current_actor()
    target = operations.visible_target(kind, object_id)
    form = ReportForm()
    status = 200
    if form.validate_on_submit():
        try:
            operations.report_content(actor.user, actor.company, kind, object_id,
                                      form.reason.data, form.text.data)
        except DomainError as refusal:
            db.session.rollback()
            show_errors(refusal, form)
            status = 422 if refusal.status == 422 else refusal.status
        else:
            flash(_l("Thank you: the operator will look at it. The company is not told who "
                     "reported it."), "success")
            return redirect(f"/{kind.value}s/{object_id}", 303)
    elif request.method == "POST":
        status = 422
    return render_template("backoffice/report.html", form=form, kind=kind, target=target,
                           title=getattr(target, "name", None) or target.title,
                           **_labels()), status


# ----- what the back office puts on other modules' pages (slots) ---------------------------------


def _report_button(kind: ReportKind, target) -> Markup:
    actor = current_actor()
    if actor is None or actor.company is None or target.company_id == actor.company.id:
        return Markup("")
    return Markup(render_template("backoffice/_report_button.html", kind=kind,
                                  object_id=target.id))


@slots.fill("product_page.aside")
def _product_report(product=None, **_) -> Markup:
    return _report_button(ReportKind.PRODUCT, product) if product is not None else Markup("")


@slots.fill("bulletin_page.aside")
def _bulletin_report(bulletin=None, **_) -> Markup:
    return _report_button(ReportKind.BULLETIN, bulletin) if bulletin is not None else Markup("")


@slots.fill("office.figures")
def _reinstated_banner(company=None, **_) -> Markup:
    if company is None:
        return Markup("")
    event = queries.reinstatement(company)
    if event is None:
        return Markup("")
    return Markup(render_template("backoffice/_reinstated.html", company=company,
                                  event=event))


@slots.fill("office.platform_figures")
def _back_office_card(actor=None, **_) -> Markup:
    return Markup(render_template("backoffice/_office_card.html",
                                  waiting=queries.open_report_count(),
                                  suspended=len(queries.suspended_companies())))

