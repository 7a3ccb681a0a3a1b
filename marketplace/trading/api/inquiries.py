"""Trading api: an inquiry about one product (``POST /documents/inquiries``), the API's
twin of "Send inquiry" on a product page: the same operation, the same trade rules."""

from __future__ import annotations

from marketplace.core.api import ETAG_HEADER, idempotent, problem_responses
from marketplace.infrastructure.auth import api_auth
from marketplace.trading import api_bp
from marketplace.trading.api.documents import created_answer, document_answer, trade_actor
from marketplace.trading.operations import inquiries as inquiry_operations
from marketplace.trading.schemas import DocumentSchema, ProductInquiryArgsSchema


@api_bp.route("/documents/inquiries", methods=["POST"])
@api_auth(permission="documents.edit")
@idempotent
@api_bp.arguments(ProductInquiryArgsSchema)
@api_bp.response(201, DocumentSchema, headers=ETAG_HEADER,
                 description="A new inquiry draft to the product's supplier")
@api_bp.alt_response(200, schema=DocumentSchema, headers=ETAG_HEADER, success=True,
                     description="Your open inquiry draft naming the product, unchanged")
@api_bp.doc(responses=problem_responses(404, 409, 422))
def inquire_about_product(values):
    """An inquiry draft to the product's supplier with the product as its one line
    (``quantity`` and ``unit``; the product's minimum order and unit when left out),
    in the product's currency, from its port of loading. Check it, then ``send`` it.
    Your company's open draft naming the product is answered instead (200), so a
    second call makes no second draft. Only a buyer inquires (403); your own product
    is refused (422); a product you may not see is not found (404)."""
    inquiry = inquiry_operations.inquire_about_product(trade_actor(), values.pop("product_id"),
                                                       values)
    return created_answer(inquiry.document) if inquiry.created \
        else document_answer(inquiry.document)
