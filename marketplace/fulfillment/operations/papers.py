"""What a shipment's papers say beyond its lines and amounts: each line's customs data
(HS code, origin) and packing (cartons, their numbers, net and gross weight, volume,
computed from the product's packaging unless typed on the line), the marks on the
cartons, consignee and notify party; and the writes that set them (the shipment's paper
fields, a buyer's document language).

Packing from a product: ``units_per_carton`` units fill a carton; the last one may be
partly filled. Net weight = quantity × unit net weight; each carton adds its tare (its
full gross weight less the goods in it), so gross = net + cartons × tare. Volume =
cartons × length × width × height. Cartons are numbered on through the shipment: the
first line's 1-10, the next one's 11-25."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.core.audit import pending_changes, record_audit
from marketplace.core.errors import Forbidden, ValidationFailed
from marketplace.core.validation import country_codes
from marketplace.extensions import db
from marketplace.fulfillment.models import (
    BuyerDocumentSettings,
    Order,
    OrderLine,
    Shipment,
    ShipmentLine,
)
from marketplace.fulfillment.paper_language import ENGLISH, LANGUAGES, country_name

THOUSANDTH = Decimal("0.001")
PAPER_FIELDS = ("consignee", "notify_party", "bill_of_lading", "on_board_date",
                "marks_and_numbers", "document_language", "carrier", "mode", "vessel",
                "voyage", "flight_number", "port_of_loading", "port_of_discharge", "etd",
                "eta", "container_numbers", "tracking_number")
LINE_PAPER_FIELDS = ("hs_code", "origin_country", "packages", "net_weight", "gross_weight",
                     "volume")


@dataclass
class LinePacking:
    hs_code: str | None
    origin_country: str | None
    packages: int | None
    net_weight: Decimal | None
    gross_weight: Decimal | None
    volume: Decimal | None


def _round(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(THOUSANDTH, rounding=ROUND_HALF_UP)


def cartons_for(quantity: Decimal, units_per_carton: int | None) -> int | None:
    if not units_per_carton:
        return None
    full, rest = divmod(quantity, Decimal(units_per_carton))
    return int(full) + (1 if rest else 0)


def line_packing(line: ShipmentLine) -> LinePacking:
    """The line's own figures where typed, else the product's packaging worked out."""
    return packing_for(line.order_line.product, line.quantity, LinePacking(
        hs_code=line.hs_code, origin_country=line.origin_country, packages=line.packages,
        net_weight=line.net_weight, gross_weight=line.gross_weight, volume=line.volume))


def packing_for(product, quantity: Decimal, typed: LinePacking) -> LinePacking:
    """``typed`` (what was typed; None where not) completed from ``product``'s data."""
    per_carton = product.units_per_carton if product else None
    packages = typed.packages if typed.packages is not None else cartons_for(quantity,
                                                                             per_carton)
    net = typed.net_weight
    if net is None and product is not None and product.net_weight_kg is not None:
        net = quantity * product.net_weight_kg
    gross = typed.gross_weight
    if gross is None and net is not None and packages is not None and product is not None \
            and product.carton_gross_weight_kg is not None and per_carton:
        tare = max(product.carton_gross_weight_kg - per_carton * (product.net_weight_kg or 0),
                   Decimal(0))
        gross = net + packages * tare
    volume = typed.volume
    if volume is None and packages is not None and product is not None and None not in (
            product.carton_length_cm, product.carton_width_cm, product.carton_height_cm):
        volume = packages * product.carton_length_cm * product.carton_width_cm \
            * product.carton_height_cm / Decimal(1_000_000)
    return LinePacking(
        hs_code=typed.hs_code or (product.hs_code if product else None),
        origin_country=typed.origin_country or (product.origin_country if product else None),
        packages=packages, net_weight=_round(net), gross_weight=_round(gross),
        volume=_round(volume))


def load_for_papers(shipment: Shipment) -> list[ShipmentLine]:
    """The lines with their order lines, orders and products, in three queries."""
    return list(db.session.scalars(
        select(ShipmentLine).where(ShipmentLine.shipment_id == shipment.id)
        .order_by(ShipmentLine.id)
        .options(selectinload(ShipmentLine.order_line).selectinload(OrderLine.order),
                 selectinload(ShipmentLine.order_line).selectinload(OrderLine.product))))


def packed_lines(shipment: Shipment) -> list[tuple[ShipmentLine, LinePacking, int | None,
                                                  int | None]]:
    """Each line with its packing and its carton numbers (first, last)."""
    rows, next_carton = [], 1
    for line in load_for_papers(shipment):
        packing = line_packing(line)
        first = last = None
        if packing.packages:
            first, last = next_carton, next_carton + packing.packages - 1
            next_carton = last + 1
        rows.append((line, packing, first, last))
    return rows


def default_marks(shipment: Shipment, cartons: int, origins: list[str]) -> str:
    """The usual shipping marks: buyer, port of discharge, carton count, origin."""
    lines = [shipment.buyer.name.upper()]
    if shipment.port_of_discharge:
        lines.append(shipment.port_of_discharge.upper())
    if cartons:
        lines.append(f"C/NO. 1-{cartons}")
    if origins:
        lines.append("MADE IN " + ", ".join(country_name(code, "en").upper() for code in origins))
    return "\n".join(lines)


def document_language(shipment: Shipment) -> str:
    """The shipment's own choice, else the supplier's setting for this buyer, else
    English."""
    if shipment.document_language in LANGUAGES:
        return shipment.document_language
    setting = db.session.scalar(select(BuyerDocumentSettings.document_language).where(
        BuyerDocumentSettings.company_id == shipment.supplier_company_id,
        BuyerDocumentSettings.buyer_company_id == shipment.buyer_company_id))
    return setting if setting in LANGUAGES else ENGLISH


# ----- writes ---------------------------------------------------------------------------------


def _ensure_supplier(shipment: Shipment, actor) -> None:
    if actor.company is None or actor.company.id != shipment.supplier_company_id:
        raise Forbidden(str(_l("Only the supplier states what a shipment's papers say.")))


def save_shipment_papers(shipment: Shipment, values: dict[str, Any], actor) -> Shipment:
    """Set the shipment's paper fields (consignee, notify party, B/L, on-board date,
    marks, vessel, ports, document language, ...) and its lines' customs and packing
    figures (``lines: [{shipment_line_id, hs_code, origin_country, packages, ...}]``).
    A document already made keeps what it printed; the next revision prints these."""
    _ensure_supplier(shipment, actor)
    for field in PAPER_FIELDS:
        if field in values:
            setattr(shipment, field, values[field])
    lines = {line.id: line for line in shipment.lines}
    errors = {}
    for index, item in enumerate(values.get("lines") or []):
        line = lines.get(item["shipment_line_id"])
        if line is None:
            errors[f"lines.{index}.shipment_line_id"] = [str(_l(
                "This line is not on this shipment."))]
            continue
        origin = item.get("origin_country")
        if origin and origin.upper() not in country_codes():
            errors[f"lines.{index}.origin_country"] = [str(_l(
                "Give the country's ISO code, such as TW."))]
            continue
        for field in LINE_PAPER_FIELDS:
            if field in item:
                setattr(line, field, item[field].upper() if field == "origin_country"
                        and item[field] else item[field])
    if errors:
        raise ValidationFailed(errors=errors)
    changes = pending_changes(shipment)
    db.session.flush()
    record_audit("shipment.papers_saved", shipment, company_id=shipment.supplier_company_id,
                 changes=changes)
    return shipment


def save_buyer_document_language(actor, buyer_company_id: int, language: str
                                 ) -> BuyerDocumentSettings:
    """The language this buyer's shipping documents print in, from now on."""
    if actor.company is None:
        raise Forbidden(str(_l("Only a company chooses its documents' language.")))
    if language not in LANGUAGES:
        raise ValidationFailed(errors={"document_language": [str(_l(
            "Choose one of: %(known)s.", known=", ".join(LANGUAGES)))]})
    if buyer_company_id == actor.company.id or db.session.scalar(
            select(Order.id).where(Order.supplier_company_id == actor.company.id,
                                   Order.buyer_company_id == buyer_company_id).limit(1)) is None:
        raise ValidationFailed(errors={"buyer_company_id": [
            str(_l("Not a buyer you have orders from."))]})
    row = db.session.scalar(select(BuyerDocumentSettings).where(
        BuyerDocumentSettings.company_id == actor.company.id,
        BuyerDocumentSettings.buyer_company_id == buyer_company_id))
    if row is None:
        row = BuyerDocumentSettings(company_id=actor.company.id,
                                    buyer_company_id=buyer_company_id)
        db.session.add(row)
    row.document_language = language
    changes = pending_changes(row)
    db.session.flush()
    record_audit("buyer_document_settings.saved", row, company_id=actor.company.id,
                 changes=changes)
    return row
