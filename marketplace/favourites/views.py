"""Favourites in the portal: the favourites page (starred products and suppliers, saved
searches), the star buttons on content's pages (slots), saving a search from the search
page, renaming it, turning its alerts off, deleting it. Thin: form → operation → page."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from marshmallow import EXCLUDE, ValidationError

from marketplace.core import slots
from marketplace.core.errors import DomainError, ValidationFailed, flatten_messages
from marketplace.core.guards import company_member_required
from marketplace.core.redirects import same_site_path
from marketplace.extensions import db
from marketplace.favourites import bp, operations, queries
from marketplace.favourites.forms import SavedSearchForm, SaveSearchForm
from marketplace.favourites.operations import FILTERS
from marketplace.favourites.schemas import SavedSearchArgsSchema, _search_url
from marketplace.favourites.tasks import request_end_sweep
from marketplace.infrastructure.auth import current_actor
from marketplace.infrastructure.forms import post_with_csrf, show_errors

# The alerts' in-process fallback: after a response, when no worker and beat run.
bp.after_app_request(request_end_sweep.after_request)


def _back(fallback: str):
    return redirect(same_site_path(request.form.get("next")) or same_site_path(
        request.referrer) or fallback, 303)


@bp.route("/favourites")
@company_member_required()
def favourites_page():
    member = queries.acting_member()
    starred = db.session.scalars(queries.favourites(member)).all()
    searches = db.session.scalars(queries.saved_searches(member)).all()
    return render_template(
        "favourites/favourites.html",
        products=[f for f in starred if f.product_id and f.product is not None],
        suppliers=[f for f in starred if f.supplier_id and f.supplier is not None],
        searches=searches, search_url=_search_url, describe=describe_filters)


@bp.route("/favourites/products/<int:product_id>", methods=["POST"])
@company_member_required()
def toggle_product(product_id):
    post_with_csrf()
    return _toggle(product_id=product_id)


@bp.route("/favourites/suppliers/<int:supplier_id>", methods=["POST"])
@company_member_required()
def toggle_supplier(supplier_id):
    post_with_csrf()
    return _toggle(supplier_id=supplier_id)


def _toggle(**target):
    member = queries.acting_member()
    existing = queries.favourite_of(member, **target)
    if existing is not None:
        operations.remove_favourite(existing)
        flash(_l("Removed from your favourites."), "success")
    else:
        operations.add_favourite(member, **target)
        flash(_l("Added to your favourites."), "success")
    return _back(url_for("favourites.favourites_page"))


# ----- saved searches ---------------------------------------------------------------------


def _search_values(form: SaveSearchForm) -> dict:
    raw = {"q": form.q.data or "", "name": form.name.data, "alerts": form.alerts.data,
           **{name: getattr(form, name).data for name in FILTERS
              if getattr(form, name).data not in (None, "")}}
    try:
        return SavedSearchArgsSchema(unknown=EXCLUDE).load(raw)
    except ValidationError as error:
        raise ValidationFailed(errors=flatten_messages(error.messages)) from None


@bp.route("/saved-searches", methods=["POST"])
@company_member_required()
def save_search():
    """Save the search page's words and filters; a refusal (no name, a name in use)
    shows the form again with what was typed."""
    form = SaveSearchForm()
    if form.validate_on_submit():
        try:
            search = operations.save_search(queries.acting_member(), _search_values(form))
        except DomainError as error:
            db.session.rollback()
            show_errors(error, form)
        else:
            flash(_l("Search saved as “%(name)s”.", name=search.name), "success")
            return redirect(url_for("favourites.favourites_page") + "#saved-searches", 303)
    return render_template("favourites/save_search.html", form=form,
                           describe=describe_filters), 422


@bp.route("/saved-searches/<int:search_id>", methods=["GET", "POST"])
@company_member_required()
def saved_search_page(search_id):
    member = queries.acting_member()
    search = queries.saved_search(member, search_id)
    form = SavedSearchForm(obj=search)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                operations.update_saved_search(member, search, {
                    "name": form.name.data, "alerts": form.alerts.data})
            except DomainError as error:
                db.session.rollback()
                search = queries.saved_search(member, search_id)
                show_errors(error, form)
                status = 422
            else:
                flash(_l("Saved search “%(name)s” is updated.", name=search.name), "success")
                return redirect(url_for("favourites.saved_search_page", search_id=search.id),
                                303)
        else:
            status = 422
    return render_template("favourites/saved_search.html", search=search, form=form,
                           matches=queries.recent_matches(search), search_url=_search_url,
                           describe=describe_filters), status


@bp.route("/saved-searches/<int:search_id>/alerts", methods=["POST"])
@company_member_required()
def toggle_alerts(search_id):
    post_with_csrf()
    member = queries.acting_member()
    search = queries.saved_search(member, search_id)
    operations.update_saved_search(member, search, {"alerts": not search.alerts})
    flash(_l("Alerts are on for “%(name)s”.", name=search.name) if search.alerts
          else _l("Alerts are off for “%(name)s”.", name=search.name), "success")
    return _back(url_for("favourites.favourites_page"))


@bp.route("/saved-searches/<int:search_id>/delete", methods=["POST"])
@company_member_required()
def delete_saved_search(search_id):
    post_with_csrf()
    search = queries.saved_search(queries.acting_member(), search_id)
    name = search.name
    operations.delete_saved_search(search)
    flash(_l("Saved search “%(name)s” is deleted.", name=name), "success")
    return redirect(url_for("favourites.favourites_page") + "#saved-searches", 303)


def describe_filters(query: str, filters: dict) -> list[str]:
    """The words and filters of a search, as a person reads them."""
    labels = {"category": _l("Category"), "country": _l("Country"), "supplier": _l("Supplier"),
              "min_price": _l("Lowest price from"), "max_price": _l("Lowest price up to"),
              "currency": _l("Currency")}
    parts = [str(_l("Words: %(q)s", q=query))] if query else []
    parts += [f"{labels[name]}: {filters[name]}" for name in FILTERS if filters.get(name)]
    return parts or [str(_l("Every product"))]


# ----- the stars on content's pages (slots) -----------------------------------------------


def _member_or_none():
    actor = current_actor()
    if actor is None or actor.company is None or actor.user is None or actor.via == "api_key":
        return None
    return queries.Member(actor.user.id, actor.company.id)


def _star(kind: str, target_id: int, label: str, *, small: bool = False) -> Markup | None:
    member = _member_or_none()
    if member is None:
        return None
    starred = target_id in queries.starred_ids(member, kind)
    return Markup(render_template("favourites/_star.html", kind=kind, target_id=target_id,
                                  starred=starred, label=label, small=small))


@slots.fill("product_page.aside")
def product_star(product, **_):
    return _star("product", product.id, product.name)


@slots.fill("company_profile.facts")
def supplier_star(company, **_):
    if not company.is_supplier:
        return None
    return _star("supplier", company.id, company.name)


@slots.fill("search_results.product")
def search_result_star(product, **_):
    return _star("product", product.id, product.name, small=True)


@slots.fill("search_page.actions")
def save_search_form(kind: str, args: dict, q: str, **_):
    if kind != "products" or _member_or_none() is None:
        return None
    form = SaveSearchForm(formdata=None, name=q or "", q=q,
                          **{name: args.get(name) for name in FILTERS})
    return Markup(render_template("favourites/_save_search.html", form=form))
