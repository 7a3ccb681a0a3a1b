"""The shipment's papers (API): what they state (consignee, notify party, B/L, marks,
document language, each line's customs and packing figures), the checklist of what is
still missing before each kind can be issued, and a buyer's document language."""

from __future__ import annotations

from marketplace.core.api import (
    ETAG_HEADER,
    check_if_match,
    honours_if_match,
    problem_responses,
    with_etag,
)
from marketplace.core.guards import company_actor
from marketplace.fulfillment import api_bp, queries
from marketplace.fulfillment.api import OPERATOR_ONLY_READS
from marketplace.fulfillment.models import ShippingDocumentKind
from marketplace.fulfillment.operations import checklist, papers
from marketplace.fulfillment.papers_schemas import (
    BuyerDocumentSettingsArgsSchema,
    BuyerDocumentSettingsSchema,
    ShipmentChecklistSchema,
    ShipmentPapersArgsSchema,
)
from marketplace.fulfillment.schemas import ShipmentSchema
from marketplace.infrastructure.auth import api_auth

PAPER_KINDS = (ShippingDocumentKind.COMMERCIAL_INVOICE, ShippingDocumentKind.PACKING_LIST,
               ShippingDocumentKind.SHIPPING_ADVICE)


@api_bp.route("/shipments/<int:shipment_id>/papers", methods=["PATCH"])
@api_auth(permission="fulfillment.manage")
@api_bp.arguments(ShipmentPapersArgsSchema)
@api_bp.response(200, ShipmentSchema, headers=ETAG_HEADER)
@api_bp.doc(responses=problem_responses(404, 422))
@honours_if_match
def save_shipment_papers(args, shipment_id):
    """Supplier: what the shipment's papers state (only the fields sent change). The next
    revision of each document prints it; one already made keeps what it printed."""
    shipment = queries.shipment(shipment_id)
    check_if_match(shipment)
    saved = papers.save_shipment_papers(shipment, args, company_actor(OPERATOR_ONLY_READS))
    return with_etag(ShipmentSchema().dump(saved), saved)


@api_bp.route("/shipments/<int:shipment_id>/checklist")
@api_auth(permission="fulfillment.view")
@api_bp.response(200, ShipmentChecklistSchema)
@api_bp.doc(responses=problem_responses(404))
def shipment_checklist(shipment_id):
    """Per document kind, every field a bank or customs needs that is still missing
    (an empty list: ready to issue), labelled in the caller's language."""
    shipment = queries.shipment(shipment_id)
    return {"kinds": {kind.value: [{"field": item.field, "label": item.label}
                                   for item in checklist.missing(shipment, kind)]
                      for kind in PAPER_KINDS},
            "document_language": papers.document_language(shipment)}


@api_bp.route("/buyers/<int:buyer_id>/document-settings", methods=["PUT"])
@api_auth(permission="fulfillment.manage")
@api_bp.arguments(BuyerDocumentSettingsArgsSchema)
@api_bp.response(200, BuyerDocumentSettingsSchema)
@api_bp.doc(responses=problem_responses(422))
def save_buyer_document_settings(args, buyer_id):
    """Supplier: the language this buyer's shipping documents print in (en, zh-Hant or
    bilingual), for every document made from now on."""
    return papers.save_buyer_document_language(company_actor(OPERATOR_ONLY_READS), buyer_id,
                                               args["document_language"])
