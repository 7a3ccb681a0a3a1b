"""Trading views: "Send inquiry" from a product page. The buyer's inquiry becomes a real
inquiry draft to the product's supplier (the operation the API's
``POST /documents/inquiries`` calls), then the editor opens to check and send it.

What the buyer typed on content's inquiry page is kept in the session until then
(content keeps it there; trading forgets it once the draft is made)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import flash, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l

from marketplace.core.errors import DomainError, NotFound
from marketplace.core.guards import company_member_required
from marketplace.infrastructure.auth import current_actor
from marketplace.infrastructure.forms import post_with_csrf
from marketplace.trading import bp
from marketplace.trading.operations import inquiries as inquiry_operations
from marketplace.trading.views.context import NO_COMPANY, refused

INQUIRY_DRAFTS = "inquiry_drafts"  # content keeps a prepared inquiry in the session under this


@bp.route("/inquiries/product/<int:product_id>", methods=["POST"])
@company_member_required("documents.edit", message=NO_COMPANY)
def inquire_product(product_id):
    """A real inquiry draft to the product's supplier with the product as its line, then
    the editor to check and send it. An open draft for the same product is reused."""
    post_with_csrf()
    page = url_for("content.product_page", product_id=product_id)
    try:
        inquiry = inquiry_operations.inquire_about_product(
            current_actor(), product_id, _prepared_inquiry(product_id))
    except inquiry_operations.OwnProduct as refusal:
        flash(refusal.detail, "info")
        return redirect(page, 303)
    except inquiry_operations.NotABuyer as refusal:
        flash(refusal.detail, "warning")
        return redirect(page, 303)
    except NotFound:  # the product is not there for this company: the error page
        raise
    except DomainError as error:
        return refused(error, page)
    document = inquiry.document
    editor = url_for("trading.edit_document", document_id=document.id)
    if not inquiry.created:
        flash(_l("You already have a draft inquiry for this product: %(number)s.",
                 number=document.number), "info")
        return redirect(editor, 303)
    _forget_prepared(product_id)
    flash(_l("Your inquiry %(number)s to %(supplier)s is a draft: check it, then send it.",
             number=document.number, supplier=inquiry.product.company.name), "success")
    return redirect(editor, 303)


def _prepared_inquiry(product_id: int) -> dict:
    """What the buyer typed on the product's inquiry page (this POST, or the draft content
    kept in the session); what is left blank, the operation takes from the product (a
    quantity that is no positive number too: the product's minimum order)."""
    kept = (session.get(INQUIRY_DRAFTS) or {}).get(str(product_id)) or {}
    form = request.form

    def typed(name: str) -> str:
        return (form.get(name) or kept.get(name) or "").strip()

    quantity = typed("quantity")
    return {"subject": typed("subject") or None,
            "quantity": quantity if _positive(quantity) else None,
            "unit": typed("unit") or None,
            "notes": typed("message")[:5000] or None}


def _positive(text: str) -> bool:
    try:
        return Decimal(text) > 0
    except (InvalidOperation, ValueError):
        return False


def _forget_prepared(product_id: int) -> None:
    kept = session.get(INQUIRY_DRAFTS)
    if isinstance(kept, dict) and str(product_id) in kept:
        session[INQUIRY_DRAFTS] = {k: v for k, v in kept.items() if k != str(product_id)}
