"""The demo's sealed requests for quotation (``flask seed-demo``): Hanse Import asks three
fastener makers (Taiwan Precision Fasteners and two the demo adds: Saigon Metalworks and
Osaka Fastening Works) for M10 bolts and washers.

- RFQ "M10 bolts for the autumn range": closed yesterday, its three bids opened together
  at the closing time (Saigon's revised once), ready to compare and award.
- RFQ "Stainless anchors": sealed for two more days; two of the three have answered, and
  nobody, Hanse included, sees a price before the closing time.
- RFQ "M10 hex nuts, 100,000": a reverse auction two days ago (an hour, USD 5,000.00
  down by at least USD 25.00, five-minute soft close, bidders saw their rank only):
  eleven bids, two in the last minutes extended it; closed, and awarded to the best
  final bid (Osaka) with a purchase order to send; the others got their regrets.

Made through the engine and sourcing's operations with the clock set back
(``core.types.replayed_clock``), as the members would have made them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from marketplace.core.types import replayed_clock, utcnow
from marketplace.extensions import db
from marketplace.infrastructure.auth import ensure_may_act
from marketplace.infrastructure.models import (
    Company,
    CompanyStatus,
    MemberRole,
    Membership,
    User,
)
from marketplace.sourcing import operations
from marketplace.sourcing.models import SourcingRequest
from marketplace.workflow import engine

BUYER = "Hanse Import GmbH"
BUYER_EMAIL = "anna@hanse.example.com"
TPF = ("Taiwan Precision Fasteners", "lin@tpf.example.com")
NEW_SUPPLIERS = [("Saigon Metalworks Co., Ltd.", "VN", "minh@saigonmetal.example.com",
                  "Nguyen Van Minh"),
                 ("Osaka Fastening Works K.K.", "JP", "sato@osakafw.example.com", "Sato Kenji")]
LINES = [{"description": "Hex bolt M10×40, stainless A2", "sku": "HB-M10-40",
          "quantity": "30000", "unit": "pcs"},
         {"description": "Flat washer M10, stainless A2", "sku": "FW-M10", "quantity": "30000",
          "unit": "pcs"}]
# Per supplier: unit prices of the two lines, lead time, freight.
BIDS = {"lin@tpf.example.com": (["0.118", "0.0105"], 35, "420.00"),
        "minh@saigonmetal.example.com": (["0.109", "0.0120"], 45, "610.00"),
        "sato@osakafw.example.com": (["0.131", "0.0098"], 25, None)}
ANCHORS = [{"description": "Wedge anchor M10×90, stainless A4", "sku": "WA-M10-90",
            "quantity": "8000", "unit": "pcs"}]


def _actor(email: str):
    return ensure_may_act(db.session.scalar(select(User).where(User.email == email)))


def _supplier(name: str, country: str, email: str, full_name: str, password: str) -> Company:
    from marketplace.infrastructure import operations as accounts

    company = db.session.scalar(select(Company).where(Company.name == name))
    if company is None:
        company = Company(name=name, country=country, status=CompanyStatus.ACTIVE,
                          approved_at=utcnow())
        company.roles = ["supplier"]
        db.session.add(company)
        user = accounts.create_user(email, password, full_name, "en")
        user.email_verified_at = utcnow()
        db.session.add(Membership(company=company, user=user, role=MemberRole.ADMIN))
        db.session.flush()
    return company


def _bid(invitation, email: str, prices: list[str], lead_time: int, freight: str | None):
    actor = _actor(email)
    quotation = engine.derive(invitation, "quotation", actor=actor)
    extras = {"lead_time_days": lead_time, **({"freight": freight} if freight else {})}
    engine.update_draft(quotation, actor=actor, header={
        "payment_terms": "tt", "incoterm": "FOB", "valid_until": (utcnow() + timedelta(
            days=45)).date(), "extras": extras},
        lines=[{"description": line.description, "sku": line.sku, "quantity": line.quantity,
                "unit": line.unit, "unit_price": price, "source_line_id": line.id}
               for line, price in zip(quotation.lines, prices, strict=True)],
        expected_version=None)
    engine.perform(quotation, "send", actor)
    return quotation


def _rfq(subject: str, lines: list[dict], suppliers: list[Company], closes_at):
    anna = _actor(BUYER_EMAIL)
    rfq = engine.create_document(
        "rfq", actor=anna, recipient_company_id=None,
        recipient_company_ids=[company.id for company in suppliers],
        header={"subject": subject, "currency": "USD", "incoterm": "FOB",
                "delivery_date": (utcnow() + timedelta(days=60)).date(),
                "extras": {"closes_at": closes_at.isoformat()}}, lines=lines)
    engine.perform(rfq, "send", anna)
    return rfq


def _invitation(rfq, company: Company):
    return next(child for child in db.session.scalars(select(type(rfq)).where(
        type(rfq).parent_id == rfq.id)) if child.recipient_company_id == company.id)


NUTS = [{"description": "Hex nut M10, stainless A2", "sku": "HN-M10", "quantity": "100000",
         "unit": "pcs"}]
# (minutes after the start, bidder's e-mail, the lot's total)
AUCTION_BIDS = [(3, "lin@tpf.example.com", "4950.00"), (6, "minh@saigonmetal.example.com",
                                                         "4880.00"),
                (11, "sato@osakafw.example.com", "4850.00"), (19, "lin@tpf.example.com",
                                                              "4800.00"),
                (24, "minh@saigonmetal.example.com", "4740.00"),
                (31, "sato@osakafw.example.com", "4700.00"), (38, "lin@tpf.example.com",
                                                              "4675.00"),
                (47, "minh@saigonmetal.example.com", "4640.00"),
                (52, "sato@osakafw.example.com", "4610.00"),
                (57, "lin@tpf.example.com", "4585.00"),  # in the soft close: to 65 min
                (63, "sato@osakafw.example.com", "4550.00")]


def _auction(suppliers: list[Company], now):
    """The hex nuts' reverse auction, run, closed and awarded two days ago."""
    anna = _actor(BUYER_EMAIL)
    rfq = engine.create_document(
        "rfq", actor=anna, recipient_company_id=None,
        recipient_company_ids=[company.id for company in suppliers],
        header={"subject": "M10 hex nuts, 100,000", "currency": "USD", "incoterm": "FOB",
                "delivery_date": (now + timedelta(days=45)).date()}, lines=NUTS)
    engine.perform(rfq, "send", anna)
    start = now - timedelta(days=2)
    auction = operations.create_auction(rfq.id, anna, {
        "starts_at": start, "ends_at": start + timedelta(hours=1),
        "starting_price": Decimal("5000.00"), "decrement_amount": Decimal("25.00"),
        "soft_close_minutes": 5, "visibility": "rank"})
    return auction, start


def load_demo_sourcing(password: str) -> None:
    """Both rfqs, once (nothing when the buyer is missing or has rfqs of sourcing)."""
    buyer = db.session.scalar(select(Company).where(Company.name == BUYER))
    tpf = db.session.scalar(select(Company).where(Company.name.contains(TPF[0])))
    if buyer is None or tpf is None or db.session.scalar(select(SourcingRequest.id).where(
            SourcingRequest.buyer_company_id == buyer.id)):
        return
    suppliers = [tpf] + [_supplier(name, country, email, full_name, password)
                         for name, country, email, full_name in NEW_SUPPLIERS]
    emails = [TPF[1]] + [email for *_rest, email, _name in NEW_SUPPLIERS]
    now = utcnow()
    with replayed_clock() as move_to:
        move_to(now - timedelta(days=5))
        closed = _rfq("M10 bolts for the autumn range", LINES, suppliers,
                      now - timedelta(days=1))
        for hours, (company, email) in enumerate(zip(suppliers, emails, strict=True)):
            move_to(now - timedelta(days=4, hours=-hours * 5))
            prices, lead_time, freight = BIDS[email]
            bid = _bid(_invitation(closed, company), email, prices, lead_time, freight)
            if email == "minh@saigonmetal.example.com":  # a sharper price the next day
                move_to(now - timedelta(days=3))
                revised = engine.derive(bid, "quotation", actor=_actor(email))
                engine.update_draft(revised, actor=_actor(email), header={"extras": {
                    "lead_time_days": 40, "freight": "610.00"}}, lines=[
                    {"description": line.description, "sku": line.sku,
                     "quantity": line.quantity, "unit": line.unit,
                     "unit_price": "0.104" if line.sku == "HB-M10-40" else line.unit_price,
                     "source_line_id": line.id} for line in revised.lines],
                    expected_version=None)
                engine.perform(revised, "send", _actor(email))
        move_to(now - timedelta(days=1, minutes=-1))
        operations.open_bids(db.session.scalar(select(SourcingRequest.id).where(
            SourcingRequest.rfq_id == closed.id)))
        move_to(now - timedelta(hours=20))
        sealed = _rfq("Stainless anchors", ANCHORS, suppliers, now + timedelta(days=2))
        for company, email, price in ((suppliers[0], emails[0], "0.46"),
                                      (suppliers[2], emails[2], "0.52")):
            _bid(_invitation(sealed, company), email, [price], 30, None)
        move_to(now - timedelta(days=3))
        auction, start = _auction(suppliers, now)
        for minutes, email, amount in AUCTION_BIDS:
            move_to(start + timedelta(minutes=minutes))
            operations.place_bid(auction.id, _actor(email), amount)
        move_to(auction.ends_at + timedelta(seconds=30))
        operations.close_auction(auction.id)
        move_to(auction.ends_at + timedelta(hours=2))
        operations.award_auction(auction.id, _actor(BUYER_EMAIL),
                                 reason="Lowest total after the auction; Osaka's lead "
                                        "time suits the plan.")
    db.session.flush()
