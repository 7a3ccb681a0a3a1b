"""The checklist a shipping document passes before it is issued: every field a bank or
customs needs, named by its label when missing. Nothing is issued with a blank left in
it: a missing field refuses the issue (422 naming each field, in the caller's language).

Other steps call it too: ``missing(shipment, kind)`` lists what is missing for one
kind; ``ensure_ready(shipment, kinds, extra=...)`` refuses with every missing field of
every kind named (``extra``: the caller's own findings, e.g. a letter of credit's, as
``Missing`` rows, reported together)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from marketplace.core.errors import ValidationFailed
from marketplace.fulfillment.models import Shipment, ShipmentMode, ShippingDocumentKind
from marketplace.fulfillment.operations.papers import packed_lines

CI, PL, SA = (ShippingDocumentKind.COMMERCIAL_INVOICE, ShippingDocumentKind.PACKING_LIST,
              ShippingDocumentKind.SHIPPING_ADVICE)

# field: (label, the kinds that need it). Labels are the portal's and the paper's.
PARTY_FIELDS = {
    "address": (_l("Seller's street address"), _l("Buyer's street address")),
    "city": (_l("Seller's city"), _l("Buyer's city")),
    "country": (_l("Seller's country"), _l("Buyer's country")),
}
TRANSPORT = {
    ShipmentMode.SEA: (("vessel", _l("Vessel")), ("voyage", _l("Voyage"))),
    ShipmentMode.AIR: (("flight_number", _l("Flight")),),
    ShipmentMode.COURIER: (("carrier", _l("Carrier")),),
    ShipmentMode.ROAD: (("carrier", _l("Carrier")),),
}
ON_BOARD = {ShipmentMode.SEA: (_l("B/L number"), _l("On-board date")),
            ShipmentMode.AIR: (_l("Air waybill number"), _l("Flight date"))}
# Per line: field → (label, kinds).
LINE_FIELDS = (
    ("hs_code", _l("HS code"), (CI, PL)),
    ("origin_country", _l("Country of origin"), (CI,)),
    ("packages", _l("Number of cartons"), (CI, PL)),
    ("net_weight", _l("Net weight"), (CI, PL)),
    ("gross_weight", _l("Gross weight"), (CI, PL)),
)


@dataclass(frozen=True)
class Missing:
    field: str  # the API's field path: "vessel", "lines.0.hs_code" (the first line)
    label: str  # in the caller's language

    @property
    def message(self) -> str:
        return _("%(field)s is missing.", field=self.label)


def missing(shipment: Shipment, kind: ShippingDocumentKind) -> list[Missing]:
    """Every field ``kind`` needs that the shipment, its parties or its lines lack."""
    found: list[Missing] = []
    for side, company in ((0, shipment.supplier), (1, shipment.buyer)):
        prefix = "seller" if side == 0 else "buyer"
        for field, labels in PARTY_FIELDS.items():
            if not getattr(company, field):
                found.append(Missing(f"{prefix}.{field}", str(labels[side])))
    for field, label in TRANSPORT.get(shipment.mode, ()):
        if not getattr(shipment, field):
            found.append(Missing(field, str(label)))
    for field, label in (("port_of_loading", _l("Port of loading")),
                         ("port_of_discharge", _l("Port of discharge"))):
        if not getattr(shipment, field):
            found.append(Missing(field, str(label)))
    rows = packed_lines(shipment)
    if kind == CI:
        order = rows[0][0].order_line.order if rows else None
        for field, label in (("incoterm", _l("Incoterm")),
                             ("incoterm_place", _l("Incoterm place")),
                             ("payment_terms", _l("Payment terms"))):
            if order is not None and not getattr(order, field):
                found.append(Missing(field, str(label)))
    if kind == SA:
        document_label, date_label = ON_BOARD.get(shipment.mode, (_l("Tracking number"), None))
        if not (shipment.bill_of_lading or (shipment.mode not in ON_BOARD
                                            and shipment.tracking_number)):
            found.append(Missing("bill_of_lading", str(document_label)))
        if date_label is not None and shipment.on_board_date is None:
            found.append(Missing("on_board_date", str(date_label)))
    for index, (line, packing, _first, _last) in enumerate(rows):
        item = line.order_line.sku or line.order_line.description[:40]
        for field, label, kinds in LINE_FIELDS:
            if kind in kinds and getattr(packing, field) in (None, ""):
                found.append(Missing(f"lines.{index}.{field}", _(
                    "%(field)s, line %(position)s (%(item)s)", field=str(label),
                    position=index + 1, item=item)))
    return found


def ensure_ready(shipment: Shipment, kinds: Iterable[ShippingDocumentKind],
                 extra: Iterable[Missing] = ()) -> None:
    """Refuse (422) when any of ``kinds`` lacks a field, naming each one once."""
    errors: dict[str, list[str]] = {}
    for kind in kinds:
        for item in missing(shipment, kind):
            errors.setdefault(item.field, [item.message])
    for item in extra:
        errors.setdefault(item.field, [item.message])
    if errors:
        raise ValidationFailed(str(_l("The papers cannot be issued yet: %(count)s fields are "
                                      "missing.", count=len(errors))), errors=errors)
