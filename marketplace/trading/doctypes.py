"""The trade document types, declared once for the workflow engine: who issues each,
its name, its place in the trade's sequence, its numbering, what it is made from, its
actions and its print template. Statuses (API.md): draft, pending_approval, sent,
accepted, declined, cancelled, closed.

The trade's vocabulary (Incoterms 2020, payment terms), the limits of a document and
how a line finds its product are told to the engine here too, so the engine knows no
module (``workflow/registry.py``)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from marketplace.core.types import utcnow
from marketplace.infrastructure.notifications.messages import N_
from marketplace.trading.queries.derived import derived_defaults
from marketplace.trading.queries.lines import line_products
from marketplace.workflow.doctypes import (
    BUYER,
    EITHER,
    ISSUER,
    PARTY,
    RECIPIENT,
    SUPPLIER,
    Action,
    Carry,
    DocType,
    register,
    register_status_words,
)
from marketplace.workflow.registry import (
    Vocabulary,
    register_derive_defaults,
    register_product_resolver,
    register_vocabulary,
)

INCOTERMS_2020 = ("EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF")
PAYMENT_TERMS = {
    "tt": _l("T/T (telegraphic transfer)"), "lc_sight": _l("L/C at sight"),
    "lc_usance": _l("L/C usance"), "dp": _l("D/P (documents against payment)"),
    "da": _l("D/A (documents against acceptance)"), "open_account": _l("Open account"),
    "card": _l("Card payment"),
}
MAX_LINES, MAX_RECIPIENTS = 500, 50
register_vocabulary(Vocabulary(incoterms=INCOTERMS_2020, payment_terms=tuple(PAYMENT_TERMS),
                               max_lines=MAX_LINES, max_recipients=MAX_RECIPIENTS))
# A line names a product of the catalog (content), read through trading's queries.
register_product_resolver(line_products)
# A reply's subject names what it answers; a quotation answering an inquiry starts from
# the products' price tiers (queries/derived.py).
register_derive_defaults(derived_defaults)

STATUSES = ("draft", "pending_approval", "sent", "accepted", "declined", "cancelled", "closed")
ANY_STATUS = STATUSES
DELIVERED = ("sent", "accepted", "declined", "cancelled", "closed")
# The statuses as words in the engine's sentences ("... while the document is sent").
register_status_words({
    "draft": _l("draft"), "pending_approval": _l("waiting for approval"),
    "sent": _l("sent"), "accepted": _l("accepted"), "declined": _l("declined"),
    "cancelled": _l("cancelled"), "closed": _l("closed")})

SEND = Action("send", ("draft",), "sent", by=ISSUER)
CANCEL = Action("cancel", ("draft", "pending_approval", "sent"), "cancelled", by=ISSUER)
FORWARD = Action("forward", DELIVERED, None, by=RECIPIENT)
ARCHIVE = Action("archive", ANY_STATUS, None, by=PARTY, permission="documents.view")

# A document the recipient accepts or declines (a quotation, an order, an invoice).
NEGOTIATED = (SEND, Action("accept", ("sent",), "accepted", by=RECIPIENT),
              Action("decline", ("sent",), "declined", by=RECIPIENT), CANCEL,
              Action("close", ("accepted",), "closed", by=PARTY), FORWARD, ARCHIVE)
# A document that informs (a shipping advice): the recipient closes it once dealt with.
NOTICE = (SEND, CANCEL, Action("close", ("sent",), "closed", by=PARTY), FORWARD, ARCHIVE)
# An rfq: suppliers answer with quotations or decline; the buyer closes it.
INVITATION = (SEND, CANCEL, Action("decline", ("sent",), "declined", by=RECIPIENT),
              Action("close", ("sent", "declined"), "closed", by=ISSUER), FORWARD, ARCHIVE)


def _still_valid(document, actor) -> str | None:
    """A quotation past its validity may no longer be accepted (ask for a revised one)."""
    if document.valid_until is not None and document.valid_until < utcnow().date():
        return _("This offer was valid until %(date)s; ask for a revised one.",
                 date=document.valid_until.isoformat())
    return None


OFFER = (SEND, Action("accept", ("sent",), "accepted", by=RECIPIENT, guard=_still_valid),
         *NEGOTIATED[2:])

HEADER = ("subject", "currency", "incoterm", "incoterm_place", "payment_terms", "valid_until",
          "delivery_date", "port_of_loading", "port_of_discharge", "notes")
TERMS = ("subject", "currency", "incoterm", "incoterm_place", "payment_terms",
         "delivery_date", "port_of_loading", "port_of_discharge")


# A reply starts its own notes: the parent's are the other side's words to us ("please
# quote FOB"), which would otherwise reappear in our quotation and its exported PDF.
REPLY_HEADER = tuple(name for name in HEADER if name != "notes")


def _carry(*parents: str, reply: bool = True, fields=None, lines: bool = True,
           parent_states: tuple[str, ...] = ()) -> tuple:
    fields = fields or (REPLY_HEADER if reply else HEADER)
    return tuple(Carry(parent, reply=reply, fields=fields, lines=lines,
                       parent_states=parent_states) for parent in parents)


def _text(length: int) -> fields.String:
    return fields.String(validate=validate.Length(max=length))


def _count() -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(min=0, max=1_000_000))


def _weight() -> fields.Decimal:
    return fields.Decimal(as_string=True, places=3, allow_nan=False,
                          validate=validate.Range(min=0, max=10**9))


# The type-specific header fields (``extras``) of the types that have some.
OFFER_EXTRAS = {"lead_time_days": fields.Integer(strict=True,
                                                 validate=validate.Range(min=0, max=3650)),
                # The offer's freight to the named place, in its currency: sourcing's
                # comparison adds it to the lines as landed cost.
                "freight": fields.Decimal(as_string=True, places=2, allow_nan=False,
                                          validate=validate.Range(min=0, max=10**12))}
ORDER_EXTRAS = {"buyer_reference": _text(60)}
INVOICE_EXTRAS = {"lc_number": _text(60), "due_date": fields.Date()}
PACKING_EXTRAS = {"packages": _count(), "gross_weight_kg": _weight(),
                  "net_weight_kg": _weight(), "volume_m3": _weight()}
ADVICE_EXTRAS = {"vessel": _text(120), "voyage": _text(40), "bill_of_lading": _text(60),
                 "container_numbers": fields.List(_text(20), validate=validate.Length(max=100)),
                 "etd": fields.Date(), "eta": fields.Date()}
REASON_EXTRAS = {"reason": _text(500)}
# A sealed rfq's closing time (sourcing): no bid's prices are readable before it, and
# at it all bids are opened together. Without it, an rfq's answers arrive as they come.
RFQ_EXTRAS = {"closes_at": fields.AwareDateTime(format="iso", default_timezone=None)}


# Every trade document prints on one template; a type may name its own.
PRINT_TEMPLATE = "trading/print/document.html"


def _type(code, title, issued_by, prefix, actions=NEGOTIATED, derived_from=(), **kwargs):
    kwargs.setdefault("print_template", PRINT_TEMPLATE)
    return register(DocType(code=code, title=title, issued_by=issued_by,
                            numbering=f"{prefix}-{{year}}-{{seq:05}}", actions=actions,
                            derived_from=derived_from, states=STATUSES, **kwargs))


# ``order``: the trade's usual sequence (quotation, order, confirmation, proforma,
# changes, invoice, packing, shipping, receipt, returns, claims, notes; then the
# buyer's openers), so "Derive" offers the usual next step first.
INQUIRY = _type("inquiry", N_("Inquiry"), BUYER, "INQ", NOTICE + (
    Action("decline", ("sent",), "declined", by=RECIPIENT),), order=150)
RFQ = _type("rfq", N_("Request for quotation"), BUYER, "RFQ", INVITATION,
            many_recipients=True, extra_fields=RFQ_EXTRAS, order=160)
QUOTATION = _type("quotation", N_("Quotation"), SUPPLIER, "QUO", OFFER,
                  derived_from=_carry("inquiry", "rfq")
                  + _carry("quotation", reply=False),  # a revised quotation
                  prices_required=True, to_guests=True,  # a guest link (views/guest.py)
                  extra_fields=OFFER_EXTRAS, order=10)
PURCHASE_ORDER = _type("purchase_order", N_("Purchase order"), BUYER, "PO",
                       derived_from=_carry("quotation", "proforma_invoice"),
                       prices_required=True,
                       extra_fields=ORDER_EXTRAS, order=20)
ORDER_CONFIRMATION = _type("order_confirmation", N_("Order confirmation"), SUPPLIER, "OC",
                           derived_from=_carry("purchase_order",
                                               parent_states=("accepted", "closed")),
                           prices_required=True, extra_fields=ORDER_EXTRAS, order=30)
CHANGE_REQUEST = _type("change_request", N_("Change request"), EITHER, "CR",
                       derived_from=_carry("purchase_order", "order_confirmation")
                       + _carry("purchase_order", "order_confirmation", reply=False),
                       order=50)
CANCELLATION = _type("cancellation", N_("Cancellation"), EITHER, "CAN",
                     derived_from=_carry("purchase_order", "order_confirmation")
                     + _carry("purchase_order", "order_confirmation", reply=False),
                     order=60)
PROFORMA_INVOICE = _type("proforma_invoice", N_("Proforma invoice"), SUPPLIER, "PI", OFFER,
                         derived_from=_carry("purchase_order")
                         + _carry("quotation", "order_confirmation", reply=False),
                         prices_required=True,
                         extra_fields=OFFER_EXTRAS, order=40)
COMMERCIAL_INVOICE = _type("commercial_invoice", N_("Commercial invoice"), SUPPLIER, "CI",
                           derived_from=_carry("purchase_order")
                           + _carry("order_confirmation", "proforma_invoice", reply=False),
                           prices_required=True,
                           extra_fields=INVOICE_EXTRAS, order=70)
PACKING_LIST = _type("packing_list", N_("Packing list"), SUPPLIER, "PL", NOTICE,
                     derived_from=_carry("purchase_order")
                     + _carry("order_confirmation", "commercial_invoice", reply=False),
                     extra_fields=PACKING_EXTRAS, order=80)
SHIPPING_ADVICE = _type("shipping_advice", N_("Shipping advice"), SUPPLIER, "SA", NOTICE,
                        derived_from=_carry("purchase_order")
                        + _carry("commercial_invoice", "packing_list", reply=False),
                        extra_fields=ADVICE_EXTRAS, order=90)
GOODS_RECEIPT = _type("goods_receipt", N_("Goods receipt"), BUYER, "GR", NOTICE,
                      derived_from=_carry("shipping_advice", "commercial_invoice",
                                          "packing_list")
                      + _carry("purchase_order", reply=False), order=100)
RETURN_REQUEST = _type("return_request", N_("Return request"), BUYER, "RR",
                       derived_from=_carry("commercial_invoice", "order_confirmation")
                       + _carry("goods_receipt", "purchase_order", reply=False),
                       extra_fields=REASON_EXTRAS, order=110)
DEBIT_NOTE = _type("debit_note", N_("Debit note"), EITHER, "DN",
                   derived_from=_carry("commercial_invoice")
                   + _carry("commercial_invoice", "return_request", "claim", reply=False),
                   extra_fields=REASON_EXTRAS, order=130)
CREDIT_NOTE = _type("credit_note", N_("Credit note"), SUPPLIER, "CN",
                    derived_from=_carry("return_request", "claim", "debit_note")
                    + _carry("commercial_invoice", reply=False),
                    extra_fields=REASON_EXTRAS, order=140)
CLAIM = _type("claim", N_("Claim"), BUYER, "CLM",
              derived_from=_carry("commercial_invoice", "order_confirmation")
              + _carry("goods_receipt", "purchase_order", reply=False),
              extra_fields=REASON_EXTRAS, order=120)
