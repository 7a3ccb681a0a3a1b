"""Content views: the public company page, and the pages where a company's
administrators keep their profile, factory tour and certifications."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from marketplace.content import bp
from marketplace.content.forms.profiles import (
    CertificationForm,
    ProfileForm,
    TourCaptionForm,
    TourUploadForm,
)
from marketplace.content.operations import profiles as operations
from marketplace.content.operations.profiles import MARKET_REGIONS
from marketplace.content.queries import profiles as queries
from marketplace.core.errors import DomainError
from marketplace.core.guards import permission_required
from marketplace.infrastructure.auth import current_actor
from marketplace.infrastructure.forms import (
    EmptyForm,
    country_choices,
    post_with_csrf,
    show_errors,
)


def language() -> str:
    return str(get_locale() or "en")


def _own_company():
    company = current_actor().company
    if company is None:
        abort(404)
    return company


# ----- the public company page --------------------------------------------------------------


@bp.route("/companies/<int:company_id>")
def company_page(company_id):
    page = queries.profile_page(queries.visible_company(company_id))
    actor = current_actor()
    return render_template(
        "content/profiles/company.html", page=page, company=page.company,
        language=language(), markets=_market_labels(page.main_markets or []),
        countries=dict(country_choices()), media_url=queries.media_url,
        is_expired=queries.is_expired,
        can_edit=bool(actor and page.seen_by_owner and actor.can("profile.edit")))


def _market_labels(codes: list[str]) -> list[str]:
    countries = dict(country_choices())
    return [str(MARKET_REGIONS[code]) if code in MARKET_REGIONS else countries.get(code, code)
            for code in codes]


# ----- the profile editor ---------------------------------------------------------------------


@bp.route("/my/profile", methods=["GET", "POST"])
@permission_required("profile.edit")
def edit_profile():
    company = _own_company()
    profile = queries.profile_of(company)
    status = 200
    if request.method == "GET":
        form = ProfileForm(formdata=None, data=_profile_form_data(profile))
    else:
        form = ProfileForm()
        if form.validate_on_submit():
            if form.version.data != str(profile.version):
                # Their input stays on the page; the stale version stays too, so saving
                # again cannot overwrite the other person's change unseen.
                flash(_l("Someone else saved this profile while you were editing it, so your "
                         "changes were not saved. Open the profile again to see theirs, "
                         "then make your changes once more."), "danger")
                status = 412
            else:
                try:
                    operations.update_profile(company, _profile_values(form))
                except DomainError as error:
                    show_errors(error, form)
                    status = error.status
                else:
                    flash(_l("Your company profile is saved."), "success")
                    return redirect(url_for("content.edit_profile"))
        else:
            status = 422
    return render_template("content/profiles/edit_profile.html", form=form, company=company,
                           section="profile"), status


def _profile_form_data(profile) -> dict:
    markets = profile.main_markets or []
    return {
        "description_en": profile.description_en, "description_zh": profile.description_zh,
        "year_founded": profile.year_founded, "employees": profile.employees or "",
        "market_regions": [code for code in markets if code in MARKET_REGIONS],
        "market_countries": [code for code in markets if code not in MARKET_REGIONS],
        "contact_name": profile.contact_name, "contact_email": profile.contact_email,
        "contact_phone": profile.contact_phone, "version": str(profile.version)}


def _profile_values(form: ProfileForm) -> dict:
    return {"description_en": form.description_en.data, "description_zh": form.description_zh.data,
            "year_founded": form.year_founded.data, "employees": form.employees.data or None,
            "main_markets": form.main_markets(), "contact_name": form.contact_name.data,
            "contact_email": form.contact_email.data or None,
            "contact_phone": form.contact_phone.data}


# ----- the factory tour -----------------------------------------------------------------------


@bp.route("/my/profile/factory-tour", methods=["GET", "POST"])
@permission_required("profile.edit")
def edit_factory_tour():
    company = _own_company()
    form = TourUploadForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                operations.add_tour_item(company, form.file.data.stream,
                                         form.file.data.filename or "",
                                         caption_en=form.caption_en.data,
                                         caption_zh=form.caption_zh.data)
            except DomainError as error:
                form.file.errors = list(form.file.errors) + [error.detail]
                status = error.status
            else:
                flash(_l("Added to your factory tour."), "success")
                return redirect(url_for("content.edit_factory_tour"))
        else:
            status = 422
    items = queries.tour_items(company)
    return render_template(
        "content/profiles/edit_factory_tour.html", company=company, form=form, items=items,
        media_url=queries.media_url,
        caption_form_for=lambda item: TourCaptionForm(formdata=None, obj=item,
                                                      prefix=f"item{item.id}"),
        empty_form=EmptyForm(), section="tour"), status


@bp.route("/my/profile/factory-tour/<int:item_id>/captions", methods=["POST"])
@permission_required("profile.edit")
def edit_factory_tour_captions(item_id):
    item = queries.tour_item(_own_company(), item_id)
    form = TourCaptionForm(prefix=f"item{item.id}")
    if not form.validate_on_submit():
        flash(" ".join(m for messages in form.errors.values() for m in messages), "danger")
        return redirect(url_for("content.edit_factory_tour"))
    operations.update_tour_item(item, {"caption_en": form.caption_en.data,
                                       "caption_zh": form.caption_zh.data})
    flash(_l("Captions saved."), "success")
    return redirect(url_for("content.edit_factory_tour", _anchor=f"item-{item.id}"))


@bp.route("/my/profile/factory-tour/<int:item_id>/move/<direction>", methods=["POST"])
@permission_required("profile.edit")
def move_factory_tour_item(item_id, direction):
    if direction not in ("up", "down"):
        abort(404)
    item = queries.tour_item(_own_company(), item_id)
    post_with_csrf()
    operations.move_tour_item(item, -1 if direction == "up" else 1)
    return redirect(url_for("content.edit_factory_tour", _anchor=f"item-{item.id}"))


@bp.route("/my/profile/factory-tour/<int:item_id>/delete", methods=["POST"])
@permission_required("profile.edit")
def delete_factory_tour_item(item_id):
    item = queries.tour_item(_own_company(), item_id)
    post_with_csrf()
    operations.delete_tour_item(item)
    flash(_l("Removed from your factory tour."), "info")
    return redirect(url_for("content.edit_factory_tour"))


# ----- certifications ---------------------------------------------------------------------------


@bp.route("/my/profile/certifications", methods=["GET", "POST"])
@permission_required("profile.edit")
def edit_certifications():
    company = _own_company()
    form = CertificationForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                operations.add_certification(company, _certification_values(form),
                                             _upload(form))
            except DomainError as error:
                show_errors(error, form)
                status = error.status
            else:
                flash(_l("Certification added."), "success")
                return redirect(url_for("content.edit_certifications"))
        else:
            status = 422
    return render_template(
        "content/profiles/edit_certifications.html", company=company, form=form,
        certifications=queries.certifications(company), empty_form=EmptyForm(),
        is_expired=queries.is_expired, media_url=queries.media_url,
        section="certifications"), status


@bp.route("/my/profile/certifications/<int:certification_id>", methods=["GET", "POST"])
@permission_required("profile.edit")
def edit_certification(certification_id):
    company = _own_company()
    certification = queries.certification(company, certification_id)
    status = 200
    if request.method == "GET":
        form = CertificationForm(formdata=None, data={
            "name": certification.name, "issuer": certification.issuer,
            "valid_until": certification.valid_until.date() if certification.valid_until
            else None})
    else:
        form = CertificationForm()
        if form.validate_on_submit():
            try:
                operations.update_certification(certification, _certification_values(form),
                                                _upload(form))
            except DomainError as error:
                show_errors(error, form)
                status = error.status
            else:
                flash(_l("Certification saved."), "success")
                return redirect(url_for("content.edit_certifications"))
        else:
            status = 422
    return render_template("content/profiles/edit_certification.html", company=company,
                           form=form, certification=certification, media_url=queries.media_url,
                           section="certifications"), status


@bp.route("/my/profile/certifications/<int:certification_id>/delete", methods=["POST"])
@permission_required("profile.edit")
def delete_certification(certification_id):
    certification = queries.certification(_own_company(), certification_id)
    post_with_csrf()
    operations.delete_certification(certification)
    flash(_l("Certification deleted."), "info")
    return redirect(url_for("content.edit_certifications"))


def _certification_values(form: CertificationForm) -> dict:
    return {"name": form.name.data, "issuer": form.issuer.data,
            "valid_until": form.valid_until.data}


def _upload(form: CertificationForm):
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", None):
        return None
    return upload.stream, upload.filename
