"""Content views: a supplier's own products (list, editor, media), the e-catalog
(by category, by supplier), the product page and the prepared inquiry."""

from __future__ import annotations

import functools
import json
from decimal import Decimal

from flask import (
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l

from marketplace.content import bp
from marketplace.content.forms.products import (
    CaptionForm,
    InquiryDraftForm,
    MediaUploadForm,
    ProductForm,
)
from marketplace.content.models import ProductStatus
from marketplace.content.operations import media as media_operations
from marketplace.content.operations import products as operations
from marketplace.content.operations.products import PACKAGING_DECIMALS, PACKAGING_FIELDS
from marketplace.content.queries import products as queries
from marketplace.content.queries.media import media_url
from marketplace.content.schemas.products import money_text, quantity_text
from marketplace.content.views.profiles import language
from marketplace.core.errors import DomainError, Forbidden, NotFound
from marketplace.core.guards import company_member_required, permission_required
from marketplace.core.limits import LimitReached
from marketplace.core.pagination import paginate
from marketplace.core.redirects import same_site_path
from marketplace.core.scoping import is_own
from marketplace.infrastructure import queries as accounts
from marketplace.infrastructure.auth import current_actor
from marketplace.infrastructure.forms import EmptyForm, country_choices, post_with_csrf

PER_PAGE = 24

# ----- access and helpers -------------------------------------------------------------------


def catalog_editor(view):
    """Logged in, with the role's "catalog.edit" permission, for a supplier company."""

    @functools.wraps(view)
    @permission_required("catalog.edit")
    def wrapper(*args, **kwargs):
        if not current_actor().company.is_supplier:
            raise Forbidden(str(_l("Only suppliers keep a catalog: add the supplier role to "
                                   "your company first.")))
        return view(*args, **kwargs)

    return wrapper


def _wants_json() -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


@bp.app_template_filter("price_text")
def _price_text(value: Decimal | None) -> str:
    return money_text(value) or ""


@bp.app_template_filter("qty_text")
def _qty_text(value: Decimal | None) -> str:
    return quantity_text(value) or ""


def _page_context() -> dict:
    return {"lang": language(), "media_url": media_url,
            "human_size": media_operations.human_size, "countries": dict(country_choices())}


# ----- my products ------------------------------------------------------------------------------


@bp.route("/my/products")
@catalog_editor
def my_products():
    company = current_actor().company
    status = request.args.get("status") or None
    if status not in (None, *[s.value for s in ProductStatus]):
        status = None
    search = (request.args.get("q") or "").strip()[:100]
    page = paginate(queries.products(company_id=company.id, status=status, search=search),
                    page=request.args.get("page", 1, type=int) or 1, per_page=PER_PAGE)
    return render_template("content/products/my_products.html", page=page, status=status,
                           search=search, counts=queries.status_counts(company),
                           lines=queries.product_lines(company), empty_form=EmptyForm(),
                           company=company, **_page_context())


@bp.route("/my/products/new", methods=["GET", "POST"])
@catalog_editor
def new_product():
    return _edit(None)


@bp.route("/my/products/<int:product_id>/edit", methods=["GET", "POST"])
@catalog_editor
def edit_product(product_id):
    return _edit(queries.own_product(product_id))


def _product_form(product=None, **kwargs) -> ProductForm:
    return ProductForm(categories=accounts.categories(), language=language(), **kwargs)


def _edit(product):
    company = current_actor().company
    status = 200
    if request.method == "GET":
        form = _product_form(formdata=None, data=_form_data(product) if product else None)
    else:
        form = _product_form()
        if not form.validate_on_submit():
            status = 422
        elif product is not None and form.version.data != str(product.version):
            flash(_l("Someone else saved this product while you were editing it, so your "
                     "changes were not saved. Open it again to see theirs, then make your "
                     "changes once more."), "danger")
            status = 412
        else:
            values, rows = _form_values(form, product)
            try:
                product = operations.save_product(company, values, product)
            except DomainError as error:
                _show_errors(error, form, rows)
                status = error.status
            else:
                flash(_l("%(name)s is saved.", name=product.name) if not form.publish.data else
                      _l("%(name)s is saved and published.", name=product.name), "success")
                return redirect(url_for("content.edit_product", product_id=product.id))
    return _render_editor(product, form, status)


def _render_editor(product, form: ProductForm, status: int = 200, upload_form=None):
    form.add_blank_rows()
    company = current_actor().company
    return render_template(
        "content/products/edit.html", product=product, form=form,
        upload_form=upload_form or MediaUploadForm(formdata=None),
        caption_forms={item.id: CaptionForm(formdata=None, data={"caption": item.caption},
                                            prefix=f"m{item.id}")
                       for item in (product.media if product else [])},
        empty_form=EmptyForm(), lines=queries.product_lines(company),
        read_only=_read_only_reason(product),
        max_upload=max(media_operations.max_bytes(kind) for kind in operations.PRODUCT_MEDIA),
        **_page_context()), status


def _read_only_reason(product) -> str | None:
    """Why a published product cannot be changed now (beyond a lapsed plan's allowance),
    said above the editor before anyone types in vain; None when it can."""
    if product is None:
        return None
    try:
        operations.ensure_editable(product)
    except LimitReached as refusal:
        return refusal.detail
    return None


def _form_data(product) -> dict:
    return {
        "sku": product.sku, "name": product.name, "name_zh": product.name_zh,
        "description": product.description, "description_zh": product.description_zh,
        "category": product.category.code if product.category else "",
        "product_line": product.product_line.name if product.product_line else "",
        "unit": product.unit, "moq": quantity_text(product.moq), "currency": product.currency,
        "cost_price": money_text(product.cost_price) or "",
        "hs_code": product.hs_code, "lead_time_days": product.lead_time_days,
        "packaging": product.packaging, "port": product.port,
        "origin_country": product.origin_country or "",
        "units_per_carton": product.units_per_carton or "",
        **{name: quantity_text(getattr(product, name)) or "" for name in PACKAGING_DECIMALS},
        "price_tiers": [{"min_qty": quantity_text(t.min_qty),
                         "unit_price": money_text(t.unit_price)} for t in product.price_tiers],
        "attributes": [{"name": k, "value": v} for k, v in (product.attributes or {}).items()],
        "version": str(product.version)}


def _form_values(form: ProductForm, product) -> tuple[dict, dict]:
    """The form as API-shaped values, and where each tier and specification came from
    (the operation names them by their place in the list)."""
    tier_rows = [row for row in form.price_tiers if not row.form.is_blank()]
    attribute_rows = [row for row in form.attributes if not row.form.is_blank()]
    attributes, by_name = {}, {}
    for row in attribute_rows:
        name = (row.form.name.data or "").strip()
        if name in attributes:
            row.form.name.errors = [*row.form.name.errors, str(_l("Given twice."))]
        attributes[name] = row.form.value.data or ""
        by_name[name] = row
    values = {
        "sku": form.sku.data, "name": form.name.data, "name_zh": form.name_zh.data,
        "description": form.description.data, "description_zh": form.description_zh.data,
        "category": form.category.data or None, "product_line": form.product_line.data,
        "unit": form.unit.data, "moq": form.moq.data, "currency": form.currency.data,
        "cost_price": form.cost_price.data,
        "hs_code": form.hs_code.data, "lead_time_days": form.lead_time_days.data,
        "packaging": form.packaging.data, "port": form.port.data,
        **{name: getattr(form, name).data or None for name in PACKAGING_FIELDS},
        "price_tiers": [{"min_qty": row.form.min_qty.data, "unit_price": row.form.unit_price.data}
                        for row in tier_rows],
        "attributes": attributes,
    }
    if form.publish.data:
        values["status"] = ProductStatus.PUBLISHED.value
    return values, {"price_tiers": tier_rows, "attributes": by_name}


def _show_errors(error: DomainError, form: ProductForm, rows: dict) -> None:
    """An operation's field errors beside the fields (tier and specification rows too)."""
    shown = False
    for path, messages in error.errors.items():
        head, _, rest = path.partition(".")
        field = None
        if head == "price_tiers" and rest:
            index, _, name = rest.partition(".")
            tier_rows = rows["price_tiers"]
            if index.isdigit() and int(index) < len(tier_rows):
                field = getattr(tier_rows[int(index)].form, name or "min_qty", None)
        elif head == "attributes" and rest in rows["attributes"]:
            field = rows["attributes"][rest].form.value
        elif hasattr(form, head) and head not in ("price_tiers", "attributes"):
            field = getattr(form, head)
        if field is not None:
            field.errors = [*field.errors, *messages]
            shown = True
    if not shown or error.status != 422:
        flash(error.detail, "danger")


# ----- status buttons -------------------------------------------------------------------------


def _status_action(product_id: int, action, done):
    product = queries.own_product(product_id)
    post_with_csrf()
    try:
        action(product)
    except DomainError as error:  # shown on the list; the status keeps nothing half-done
        flash(error.detail, "danger")
        return my_products(), error.status  # type: ignore[misc]
    flash(done(product), "success")
    return redirect(same_site_path(request.referrer) or url_for("content.my_products"))


@bp.route("/my/products/<int:product_id>/publish", methods=["POST"])
@catalog_editor
def publish_product(product_id):
    return _status_action(product_id, operations.publish_product,
                          lambda p: _l("%(name)s is published.", name=p.name))


@bp.route("/my/products/<int:product_id>/archive", methods=["POST"])
@catalog_editor
def archive_product(product_id):
    return _status_action(product_id, operations.archive_product,
                          lambda p: _l("%(name)s is archived: buyers no longer see it.",
                                       name=p.name))


@bp.route("/my/products/<int:product_id>/draft", methods=["POST"])
@catalog_editor
def unpublish_product(product_id):
    return _status_action(product_id, operations.unpublish_product,
                          lambda p: _l("%(name)s is a draft again: only your company sees it.",
                                       name=p.name))


@bp.route("/my/products/<int:product_id>/delete", methods=["POST"])
@catalog_editor
def delete_product(product_id):
    product = queries.own_product(product_id)
    post_with_csrf()
    name = product.name
    operations.delete_product(product)
    flash(_l("%(name)s is deleted.", name=name), "info")
    return redirect(url_for("content.my_products"))


# ----- media of a product ---------------------------------------------------------------------


@bp.route("/my/products/<int:product_id>/media", methods=["POST"])
@catalog_editor
def upload_product_media(product_id):
    """A file from the editor: a plain form post, or the progress bar's XMLHttpRequest
    (answered in JSON: where to go next, or what was wrong)."""
    product = queries.own_product(product_id)
    form = MediaUploadForm()
    if not form.validate_on_submit():
        message = "; ".join(m for messages in form.errors.values() for m in messages)
        if _wants_json():
            return jsonify(detail=message), 422
        flash(message, "danger")
        return _render_editor(product, _product_form(formdata=None, data=_form_data(product)),
                              422, upload_form=form)
    try:
        operations.upload_product_media(product, form.file.data.stream,
                                        form.file.data.filename or "", form.caption.data)
    except DomainError as error:
        if _wants_json():
            return jsonify(detail=error.detail), error.status
        flash(error.detail, "danger")
        return _render_editor(product, _product_form(formdata=None, data=_form_data(product)),
                              error.status, upload_form=form)
    target = url_for("content.edit_product", product_id=product.id, _anchor="media")
    flash(_l("The file is added."), "success")
    if _wants_json():
        return jsonify(redirect=target), 201
    return redirect(target)


def _media_item(product_id: int, product_media_id: int):
    product = queries.own_product(product_id)
    return product, queries.product_media_item(product, product_media_id)


@bp.route("/my/products/<int:product_id>/media/<int:product_media_id>/move/<direction>",
          methods=["POST"])
@catalog_editor
def move_product_media(product_id, product_media_id, direction):
    if direction not in ("up", "down"):
        abort(404)
    product, item = _media_item(product_id, product_media_id)
    post_with_csrf()
    operations.move_media(product, item, -1 if direction == "up" else 1)
    return redirect(url_for("content.edit_product", product_id=product.id, _anchor="media"))


@bp.route("/my/products/<int:product_id>/media/<int:product_media_id>/caption",
          methods=["POST"])
@catalog_editor
def caption_product_media(product_id, product_media_id):
    product, item = _media_item(product_id, product_media_id)
    form = CaptionForm(prefix=f"m{item.id}")
    if not form.validate_on_submit():
        abort(400)
    operations.update_media_caption(product, item, form.caption.data)
    flash(_l("Caption saved."), "success")
    return redirect(url_for("content.edit_product", product_id=product.id, _anchor="media"))


@bp.route("/my/products/<int:product_id>/media/<int:product_media_id>/delete",
          methods=["POST"])
@catalog_editor
def delete_product_media(product_id, product_media_id):
    product, item = _media_item(product_id, product_media_id)
    post_with_csrf()
    operations.detach_media(product, item)
    flash(_l("The file is removed."), "info")
    return redirect(url_for("content.edit_product", product_id=product.id, _anchor="media"))


# ----- the e-catalog ---------------------------------------------------------------------------


@bp.route("/catalog")
def catalog():
    category = None
    reference = request.args.get("category")
    if reference:
        category = operations.find_category(reference)
        if category is None:
            raise NotFound(str(_l("Category %(ref)s was not found.", ref=reference)))
    page = paginate(queries.products(category=category, status=ProductStatus.PUBLISHED),
                    page=request.args.get("page", 1, type=int) or 1, per_page=PER_PAGE)
    return render_template("content/catalog_browse/index.html", tree=queries.catalog_tree(),
                           category=category, page=page,
                           suppliers=queries.catalog_suppliers(category), **_page_context())


@bp.route("/catalog/suppliers/<int:company_id>")
def catalog_supplier(company_id):
    company = queries.catalog_supplier(company_id)
    return render_template("content/catalog_browse/supplier.html", company=company,
                           groups=queries.supplier_catalog(company), **_page_context())


# ----- the product page and the prepared inquiry ---------------------------------------------


@bp.route("/products/<int:product_id>")
def product_page(product_id):
    product = queries.visible_product(product_id)
    own = is_own(product)
    return render_template("content/products/product.html", product=product, own=own,
                           draft=_inquiry_drafts().get(str(product.id)),
                           empty_form=EmptyForm(), **_page_context())


INQUIRY_DRAFTS = "inquiry_drafts"
MAX_KEPT_DRAFTS = 3
MAX_DRAFTS_BYTES = 2500  # the session is a cookie: browsers drop cookies past 4 KB


def _inquiry_drafts() -> dict:
    drafts = session.get(INQUIRY_DRAFTS)
    return drafts if isinstance(drafts, dict) else {}


@bp.route("/products/<int:product_id>/inquiry", methods=["GET", "POST"])
@company_member_required(message=_l("Inquiries are sent by companies; the operator has none."))
def inquiry_draft(product_id):
    """A prepared inquiry, kept in the session; "Create the inquiry" posts it to
    trading (``trading.inquire_product``), which makes it a real inquiry draft."""
    product = queries.visible_product(product_id)
    own = is_own(product)
    kept = _inquiry_drafts().get(str(product.id))
    status = 200
    if request.method == "GET":
        form = InquiryDraftForm(formdata=None, data=kept or _default_inquiry(product))
    else:
        form = InquiryDraftForm()
        if own:
            abort(403)
        if form.validate_on_submit() and _check_quantity(form):
            _keep_draft(product.id, {
                "subject": form.subject.data.strip(), "quantity": form.quantity.data.strip(),
                "unit": form.unit.data.strip(), "message": (form.message.data or "").strip()})
            flash(_l("Your inquiry is kept in this browser session. \"Create the inquiry\" "
                     "makes it a trade document draft you can send."), "success")
            return redirect(url_for("content.inquiry_draft", product_id=product.id))
        status = 422
    return render_template("content/products/inquiry.html", product=product, form=form,
                           own=own, kept=kept is not None, **_page_context()), status


def _default_inquiry(product) -> dict:
    name = product.name_zh if language().startswith("zh") and product.name_zh else product.name
    return {"subject": str(_l("Inquiry: %(name)s", name=name))[:200],
            "quantity": quantity_text(product.moq) or "", "unit": product.unit,
            "message": ""}


def _check_quantity(form: InquiryDraftForm) -> bool:
    errors: dict = {}
    quantity = operations.decimal_value(form.quantity.data, "quantity", errors, positive=True)
    if quantity is None:
        form.quantity.errors = [*form.quantity.errors,
                                *(errors.get("quantity") or [str(_l("Required."))])]
        return False
    return True


def _keep_draft(product_id: int, draft: dict) -> None:
    drafts = {key: value for key, value in _inquiry_drafts().items() if key != str(product_id)}
    drafts[str(product_id)] = draft  # the newest last
    while len(drafts) > 1 and (len(drafts) > MAX_KEPT_DRAFTS or
                               len(json.dumps(drafts)) > MAX_DRAFTS_BYTES):
        drafts.pop(next(iter(drafts)))
    session[INQUIRY_DRAFTS] = drafts
