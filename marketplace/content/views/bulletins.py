"""Content views: bulletins (listing with filters, a bulletin, posting and editing) and
the operator's hide button."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from marketplace.content import bp
from marketplace.content.forms.bulletins import KIND_LABELS, BulletinForm, HideForm
from marketplace.content.models import BulletinKind
from marketplace.content.operations import bulletins as operations
from marketplace.content.operations.profiles import as_end_of_day
from marketplace.content.queries import bulletins as queries
from marketplace.content.views.profiles import language
from marketplace.core.errors import DomainError, ValidationFailed
from marketplace.core.guards import operator_required, permission_required
from marketplace.core.pagination import paginate
from marketplace.core.scoping import is_own
from marketplace.core.validation import country_codes
from marketplace.infrastructure import queries as accounts
from marketplace.infrastructure.auth import current_actor
from marketplace.infrastructure.forms import (
    EmptyForm,
    country_choices,
    post_with_csrf,
    show_errors,
)

KIND_BADGES = {"product_news": "info", "buy_offer": "success", "sell_offer": "warning"}


def _context(**values) -> dict:
    return {"kind_labels": {kind.value: label for kind, label in KIND_LABELS.items()},
            "kind_badges": KIND_BADGES, "language": language(),
            "is_expired": queries.is_expired, **values}


@bp.route("/bulletins")
def bulletins():
    filters = _filters()
    actor = current_actor()
    mine = request.args.get("mine") == "1" and actor is not None and actor.company is not None
    page = paginate(queries.bulletins(filters, mine=mine),
                    page=request.args.get("page", 1, int), per_page=20)
    return render_template(
        "content/bulletins/list.html", page=page, filters=filters, mine=mine,
        categories=accounts.categories(), countries=country_choices(),
        can_post=bool(actor and actor.can("bulletins.post")), **_context())


def _filters() -> dict:
    """The listing's filters from the query string; values that name nothing are dropped."""
    args = request.args
    filters = {"q": args.get("q", "").strip()[:200]}
    if args.get("kind") in {kind.value for kind in BulletinKind}:
        filters["kind"] = args["kind"]
    if args.get("country") in country_codes():
        filters["country"] = args["country"]
    if args.get("category"):
        try:
            filters["category"] = str(operations.find_category(args["category"][:60]).id)
        except ValidationFailed:
            flash(_l("That category does not exist; showing all categories."), "warning")
    return filters


@bp.route("/bulletins/<int:bulletin_id>")
def bulletin(bulletin_id):
    found = queries.bulletin(bulletin_id)
    actor = current_actor()
    return render_template(
        "content/bulletins/bulletin.html", bulletin=found, product=queries.product_of(found),
        owner=is_own(found), can_edit=is_own(found) and actor.can("bulletins.post"),
        operator=bool(actor and actor.is_operator), hide_form=HideForm(),
        empty_form=EmptyForm(), **_context())


@bp.route("/bulletins/new", methods=["GET", "POST"])
@permission_required("bulletins.post")
def new_bulletin():
    company = current_actor().company
    company.ensure_can_trade()  # pending: a 403 page that says why
    form = _form()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                created = operations.post_bulletin(company, _values(form))
            except DomainError as error:
                show_errors(error, form)
                status = error.status
            else:
                flash(_l("Your bulletin is published."), "success")
                return redirect(url_for("content.bulletin", bulletin_id=created.id))
        else:
            status = 422
    return render_template("content/bulletins/edit.html", form=form, bulletin=None,
                           **_context()), status


@bp.route("/bulletins/<int:bulletin_id>/edit", methods=["GET", "POST"])
@permission_required("bulletins.post")
def edit_bulletin(bulletin_id):
    found = queries.own_bulletin(bulletin_id)
    status = 200
    if request.method == "GET":
        form = _form(formdata=None, data={
            "kind": found.kind.value, "title": found.title, "body": found.body,
            "category": found.category_id or 0, "product_id": found.product_id or 0,
            "expires_at": found.expires_at.date() if found.expires_at else None,
            "version": str(found.version)})
    else:
        form = _form()
        if form.validate_on_submit():
            if form.version.data != str(found.version):
                flash(_l("Someone else changed this bulletin while you were editing it, so "
                         "your changes were not saved. Open it again to see theirs, then make "
                         "your changes once more."), "danger")
                status = 412
            else:
                try:
                    operations.update_bulletin(found, _values(form))
                except DomainError as error:
                    show_errors(error, form)
                    status = error.status
                else:
                    flash(_l("Bulletin saved."), "success")
                    return redirect(url_for("content.bulletin", bulletin_id=found.id))
        else:
            status = 422
    form.submit.label.text = str(_l("Save bulletin"))
    return render_template("content/bulletins/edit.html", form=form, bulletin=found,
                           **_context()), status


def _form(**kwargs) -> BulletinForm:
    company = current_actor().company
    return BulletinForm(categories=accounts.categories(),
                        products=queries.products_to_name(company), language=language(),
                        **kwargs)


def _values(form: BulletinForm) -> dict:
    return {"kind": form.kind.data, "title": form.title.data, "body": form.body.data,
            "category": form.category.data, "product_id": form.product_id.data or None,
            "expires_at": as_end_of_day(form.expires_at.data)}


@bp.route("/bulletins/<int:bulletin_id>/delete", methods=["POST"])
@permission_required("bulletins.post")
def delete_bulletin(bulletin_id):
    found = queries.own_bulletin(bulletin_id)
    post_with_csrf()
    operations.delete_bulletin(found)
    flash(_l("Bulletin deleted."), "info")
    return redirect(url_for("content.bulletins", mine="1"))


@bp.route("/bulletins/<int:bulletin_id>/hide", methods=["POST"])
@operator_required
def hide_bulletin(bulletin_id):
    found = queries.any_bulletin(bulletin_id)
    form = HideForm()
    if not form.validate_on_submit():
        flash(_l("Give a reason for hiding the bulletin."), "danger")
        return redirect(url_for("content.bulletin", bulletin_id=found.id))
    operations.hide_bulletin(found, form.reason.data)
    flash(_l("The bulletin is hidden; only its poster and operators see it now."), "warning")
    return redirect(url_for("content.bulletin", bulletin_id=found.id))


@bp.route("/bulletins/<int:bulletin_id>/unhide", methods=["POST"])
@operator_required
def unhide_bulletin(bulletin_id):
    found = queries.any_bulletin(bulletin_id)
    post_with_csrf()
    operations.unhide_bulletin(found)
    flash(_l("The bulletin is listed again."), "success")
    return redirect(url_for("content.bulletin", bulletin_id=found.id))
