"""The demo's trade history (``flask seed-demo``): two years of inquiries,
quotations, orders, shipments with their documents, invoices, payments, claims and
returns between the two demo suppliers and a dozen buyers, so every analytics view has
something to say.

How it is made, so every figure is computed from real records:

- Deterministic: one fixed seed draws every story (who orders what, when, how fast each
  side answers, who pays late). The dates are relative to the day the demo is loaded
  (history ends today, starts two years back), so the default period (the last 12
  months) and the at-risk list stay meaningful whenever the demo is loaded; the same
  day gives the same records.
- Through the modules' own operations (engine documents, fulfillment's shipments,
  invoices and payments, the supplier link's receipts, claims and returns), replayed in
  time order with ``core.types.replayed_clock`` set to each step's moment, so every
  timestamp, history event, issue date, due date and number belongs to its moment.
  A step that would fall after now is left undone: recent orders are still on the
  water or unpaid, as they would be.
- The stories, per buyer and supplier: steady large buyers (the most valuable), growing
  ones, fading ones (at risk: their last order long past their usual interval), small
  occasional ones, and one below zero (many small orders, claims, returns, late
  payments and quotations never ordered). Baskets repeat in combinations (bolt + nut +
  washer, bath + hand towel + linen), so "often ordered with" means something.
- The other demos' records stay as their tests pin them: Taiwan Precision Fasteners'
  history leaves no purchase order waiting (Northwind's negotiation is its only one),
  Northwind's orders from Anatolia are all received whole (its two open discrepancies
  stay the only ones), and no Hanse invoice from Anatolia is left part-paid.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from flask import g
from sqlalchemy import select, update

from marketplace.core.boundary import side_work_dropped
from marketplace.core.types import replayed_clock, utcnow
from marketplace.crm.queries import demo_history as history
from marketplace.extensions import db
from marketplace.infrastructure.models import Category, Company, CompanyStatus, User

SEED = 20261206
# Two years: a customer's growth compares its last 12 months with the 12 before, so the
# history holds both (the issue's "about 18 months" would leave the year before half empty).
MONTHS = 24
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
# Older shipments carry their commercial invoice only (the packing list and shipping
# advice cost a tenth of a second each to write, and nobody opens last year's).
RECENT = timedelta(days=90)

# Ten more buyer companies, one member each (password: the demo password):
# name, country, e-mail, member's name, categories
DEMO_BUYERS = [
    ("Midwest Hardware Supply LLC", "US", "mark@midwesthardware.example.com", "Mark Evans",
     ["hardware"]),
    ("Nordic Build AB", "SE", "erik@nordicbuild.example.com", "Erik Lindqvist", ["hardware"]),
    ("大阪工具商事株式会社 Osaka Kogu Trading K.K.", "JP", "sato@osakakogu.example.com",
     "佐藤健", ["hardware"]),
    ("Pacific Fix Distributors Pty Ltd", "AU", "amy@pacificfix.example.com", "Amy Walker",
     ["hardware"]),
    ("Quickfix Traders Ltd", "GB", "tom@quickfix.example.com", "Tom Hughes",
     ["hardware", "home"]),
    ("Aegean Hotel Group S.A.", "GR", "nikos@aegeanhotels.example.com", "Nikos Papadakis",
     ["home"]),
    ("Maison Lumière SARL", "FR", "claire@maisonlumiere.example.com", "Claire Dubois",
     ["home", "apparel"]),
    ("Brightside Home Stores Ltd", "GB", "priya@brightside.example.com", "Priya Shah",
     ["home"]),
    ("Casa Verde Retail S.L.", "ES", "lucia@casaverde.example.com", "Lucía García",
     ["home"]),
    ("Lakeside Resorts Inc.", "CA", "ben@lakesideresorts.example.com", "Ben Carter",
     ["home", "hardware"]),
]

BUYER_CITIES = {"US": ("Chicago, IL", "60607"), "SE": ("Gothenburg", "411 06"),
                "JP": ("Osaka", "530-0001"), "AU": ("Sydney NSW", "2000"),
                "GB": ("Manchester", "M1 1AE"), "GR": ("Athens", "105 64"),
                "FR": ("Lyon", "69002"), "ES": ("Valencia", "46001"),
                "CA": ("Toronto, ON", "M5V 2T6")}
TPF, ANATOLIA = "Taiwan Precision Fasteners", "Anatolia Home Textiles"
LOADING_PORT = {TPF: "Kaohsiung", ANATOLIA: "Izmir"}
SUPPLIER_MEMBERS = {TPF: ("lin@tpf.example.com", "lin@tpf.example.com"),
                    ANATOLIA: ("murat@anatolia.example.com", "elif@anatolia.example.com")}
BUYER_MEMBERS = {"Northwind Retail": "james@northwind.example.com",
                 "Hanse Import": "anna@hanse.example.com"}
APPROVERS = {"Northwind Retail": "olivia@northwind.example.com"}

# Baskets: (weight, [(sku, base quantity)]); products ordered together come together.
BASKETS = {
    TPF: [(5, [("HB-M8-30", 50000), ("HN-M8", 50000), ("FW-M8", 50000)]),
          (2, [("HB-M8-30", 30000), ("FW-M8", 30000)]),
          (2, [("AB-M12-120", 5000), ("WS-4.2-32", 100000)]),
          (1, [("HB-M10-40", 20000), ("FW-M8", 20000)]),
          (1, [("WS-4.2-32", 200000)])],
    ANATOLIA: [(5, [("TW-700-WH", 1000), ("TW-500-GR", 2000)]),
               (3, [("TW-700-WH", 1500), ("TW-500-GR", 1500), ("BL-LIN-220", 300)]),
               (2, [("PS-WAFFLE", 1500), ("TW-500-GR", 500)]),
               (1, [("BL-LIN-220", 400)])],
}
# Cost prices where the supplier keeps them (unit cost, below the lowest tier price).
COST_PRICES = {"HB-M8-30": "0.046", "HN-M8": "0.0061", "FW-M8": "0.0031",
               "AB-M12-120": "0.25", "TW-700-WH": "4.10", "TW-500-GR": "1.85",
               "BL-LIN-220": "15.40"}
# How each supplier answers, oldest month → this month (it got faster, as the export firm
# of BACKGROUND.md did): inquiry → quotation hours, purchase order → accepted hours,
# accepted → shipping documents days.
SPEED = {TPF: {"quote_hours": (44, 3), "accept_hours": (30, 4), "documents_days": (15, 3)},
         ANATOLIA: {"quote_hours": (26, 9), "accept_hours": (14, 6),
                    "documents_days": (12, 7)}}
TRANSIT_DAYS = {TPF: 24, ANATOLIA: 9}


@dataclass(frozen=True)
class Story:
    """One buyer's trade with one supplier: how often per month over the two years
    (oldest first), how big, how it pays and how often it claims."""

    buyer: str
    supplier: str
    per_month: tuple[float, ...]
    size: float = 1.0
    pays_late: float = 0.05  # share of invoices paid after the due date
    claims: float = 0.03  # share of receipts with goods short or damaged, claimed
    returns: float = 0.02  # share of orders with goods sent back
    lost_quotes: int = 2  # inquiries answered with a quotation never ordered
    asks_first: float = 0.3  # share of repeat orders negotiated through an inquiry
    whole_receipts: bool = False  # every order received whole, never claimed


def _steady(rate: float) -> tuple[float, ...]:
    return (rate,) * MONTHS


def _growing(start: float, end: float) -> tuple[float, ...]:
    return tuple(start * (end / start) ** (m / (MONTHS - 1)) for m in range(MONTHS))


def _fading(rate: float, last_month: int) -> tuple[float, ...]:
    return tuple(rate if m <= last_month else 0.0 for m in range(MONTHS))


def _every(months: int, start: int = 0) -> tuple[float, ...]:
    return tuple(1.0 if (m - start) % months == 0 else 0.0 for m in range(MONTHS))


STORIES = [
    # Taiwan Precision Fasteners
    Story("Midwest Hardware", TPF, _steady(0.7), size=1.8),
    Story("Northwind Retail", TPF, _steady(0.4), size=1.2, claims=0.0, returns=0.0,
          whole_receipts=True),
    Story("Nordic Build", TPF, _growing(0.12, 1.1), size=0.6),
    Story("Osaka Kogu", TPF, _fading(0.6, 19), size=1.0, lost_quotes=3),
    Story("Pacific Fix", TPF, _every(3), size=0.4),
    Story("Hanse Import", TPF, _every(5, 1), size=0.3),
    Story("Lakeside Resorts", TPF, _every(5, 2), size=0.25),
    Story("Quickfix Traders", TPF, _steady(0.6), size=0.06, pays_late=0.7, claims=0.35,
          returns=0.15, lost_quotes=6, asks_first=0.8),
    # Anatolia Home Textiles
    Story("Aegean Hotel Group", ANATOLIA, _steady(0.7), size=1.7),
    Story("Hanse Import", ANATOLIA, _steady(0.4), size=0.9),
    Story("Northwind Retail", ANATOLIA, _every(4, 1), size=0.6, claims=0.0, returns=0.0,
          whole_receipts=True),
    Story("Maison Lumière", ANATOLIA, _growing(0.12, 1.0), size=0.6),
    Story("Brightside Home", ANATOLIA, _fading(0.5, 18), size=0.6, pays_late=0.1,
          lost_quotes=3),
    Story("Casa Verde", ANATOLIA, _every(3), size=0.35),
    Story("Lakeside Resorts", ANATOLIA, _every(3, 1), size=0.45),
    Story("Quickfix Traders", ANATOLIA, _steady(0.55), size=0.02, pays_late=0.7,
          claims=0.35, returns=0.15, lost_quotes=6, asks_first=0.8),
]


# ----- companies and members ---------------------------------------------------------------


def load_demo_buyers(password: str) -> list[Company]:
    """The ten more buyer companies, approved, with one member each (skips what exists),
    each member with the demo's ``password`` (the CLI's, shared by every demo account)."""
    from marketplace.infrastructure import operations
    from marketplace.infrastructure.models import MemberRole, Membership

    companies = []
    for name, country, email, full_name, category_codes in DEMO_BUYERS:
        company = db.session.scalar(select(Company).where(Company.name == name))
        if company is None:
            company = Company(name=name, country=country, status=CompanyStatus.ACTIVE,
                              approved_at=utcnow())
            # A full address, as the shipping papers print it.
            city, postal_code = BUYER_CITIES[country]
            company.address = f"{10 + len(companies) * 7} Harbour Road"
            company.city, company.postal_code = city, postal_code
            company.roles = ["buyer"]
            company.categories = list(db.session.scalars(
                select(Category).where(Category.code.in_(category_codes))))
            db.session.add(company)
            user = operations.create_user(email, password, full_name,
                                          "en")
            user.email_verified_at = utcnow()
            db.session.add(Membership(company=company, user=user, role=MemberRole.ADMIN))
        companies.append(company)
    db.session.flush()
    return companies


# ----- the plan: every story's orders with their moments, drawn before anything runs -------


@dataclass
class Line:
    sku: str
    quantity: Decimal


@dataclass
class OrderPlan:
    story: Story
    lines: list[Line]
    inquiry_at: datetime | None  # None: a repeat order straight from the buyer
    quotation_at: datetime | None
    ordered_at: datetime | None  # None: the quotation is never ordered
    accepted_at: datetime | None = None
    documents_at: datetime | None = None
    arrived_at: datetime | None = None
    received_at: datetime | None = None
    paid_at: datetime | None = None
    requested_on: datetime | None = None
    short: bool = False
    returned: bool = False
    claim_at: datetime | None = None
    return_at: datetime | None = None


@dataclass
class Cast:
    """Who acts: the companies and their members' actors, and the suppliers' products."""

    companies: dict[str, Company]
    actors: dict[str, object]
    products: dict[str, dict[str, object]] = field(default_factory=dict)


def _at(start: datetime, days: float) -> datetime:
    """A moment in office hours (08:00-18:00 UTC-ish) ``days`` after ``start``."""
    moment = start + timedelta(days=days)
    if not 8 <= moment.hour < 18:
        moment = moment.replace(hour=8 + moment.hour % 10)
    return moment


def _trend(pair: tuple[float, float], month: int) -> float:
    first, last = pair
    return first * (last / first) ** (month / (MONTHS - 1))


def _basket(rng: random.Random, supplier: str, size: float) -> list[Line]:
    weights, baskets = zip(*BASKETS[supplier], strict=True)
    chosen = rng.choices(baskets, weights=weights)[0]
    factor = size * rng.uniform(0.7, 1.3)
    # Hundreds of pieces for the usual order; the small trader's come by tens.
    return [Line(sku, Decimal(max(10, round(base * factor, -2 if base * factor >= 1000 else -1))))
            for sku, base in chosen]


def plan_orders(start: datetime, now: datetime, rng: random.Random) -> list[OrderPlan]:
    """Every story's orders and lost quotations, with their moments (some after now:
    those steps are simply not done yet)."""
    plans = []
    for story in STORIES:
        first = True
        for month, rate in enumerate(story.per_month):
            count = int(rate) + (rng.random() < rate - int(rate))
            for _ in range(count):
                day = month * 30.4 + rng.uniform(0, 29)
                plan = _plan_order(story, start, day, month, rng,
                                   asks=first or rng.random() < story.asks_first)
                first = False
                # Not yet accepted (no purchase order is left waiting: see the docstring),
                # or a buyer whose orders are all received whole, not yet received: the
                # order comes after today.
                if plan.accepted_at <= now and (
                        not story.whole_receipts or plan.received_at <= now):
                    plans.append(plan)
        # Quotations never ordered: spread over the older months; a fading buyer's come
        # after its last order (it stopped answering).
        active = [m for m, rate in enumerate(story.per_month) if rate]
        fading = active[-1] < MONTHS - 3
        for _ in range(story.lost_quotes):
            month = rng.randrange(active[-1] + 1, MONTHS) if fading else \
                rng.randrange(MONTHS - 4)
            plans.append(_plan_lost_quotation(story, start, month, rng))
    return plans


def _plan_order(story: Story, start: datetime, day: float, month: int, rng: random.Random,
                asks: bool) -> OrderPlan:
    speed = SPEED[story.supplier]
    inquiry_at = _at(start, day) if asks else None
    quotation_at = (inquiry_at + HOUR * _trend(speed["quote_hours"], month)
                    * rng.uniform(0.5, 1.6)) if asks else None
    ordered_at = _at(quotation_at, rng.uniform(2, 12)) if asks else _at(start, day)
    accepted_at = ordered_at + HOUR * _trend(speed["accept_hours"], month) * rng.uniform(0.5, 1.5)
    documents_at = accepted_at + DAY * _trend(speed["documents_days"], month) * rng.uniform(
        0.7, 1.3)
    arrived_at = documents_at + DAY * TRANSIT_DAYS[story.supplier] * rng.uniform(0.8, 1.3)
    received_at = _at(arrived_at, rng.uniform(0.5, 3))
    late = rng.random() < story.pays_late
    paid_days = rng.uniform(8, 55) if late else rng.uniform(-12, -1)
    lead = TRANSIT_DAYS[story.supplier] + _trend(speed["documents_days"], month) + 6
    plan = OrderPlan(
        story=story, lines=_basket(rng, story.supplier, story.size), inquiry_at=inquiry_at,
        quotation_at=quotation_at, ordered_at=ordered_at, accepted_at=accepted_at,
        documents_at=documents_at, arrived_at=arrived_at, received_at=received_at,
        requested_on=ordered_at + DAY * lead * rng.uniform(0.9, 1.2))
    plan.paid_at = _at(documents_at, 30 + paid_days)  # T/T: 30 days from the invoice
    plan.short = not story.whole_receipts and rng.random() < story.claims
    plan.returned = not story.whole_receipts and rng.random() < story.returns
    plan.claim_at = _at(received_at, rng.uniform(1, 4)) if plan.short else None
    plan.return_at = _at(received_at, rng.uniform(5, 20)) if plan.returned else None
    return plan


def _plan_lost_quotation(story: Story, start: datetime, month: int,
                         rng: random.Random) -> OrderPlan:
    inquiry_at = _at(start, month * 30.4 + rng.uniform(0, 29))
    hours = _trend(SPEED[story.supplier]["quote_hours"], month) * rng.uniform(0.5, 1.8)
    return OrderPlan(story=story, lines=_basket(rng, story.supplier, story.size),
                     inquiry_at=inquiry_at, quotation_at=inquiry_at + HOUR * hours,
                     ordered_at=None)


# ----- the replay -----------------------------------------------------------------------------


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _tier_price(product, quantity: Decimal) -> Decimal:
    tiers = sorted(product.price_tiers, key=lambda tier: tier.min_qty)
    price = tiers[0].unit_price
    for tier in tiers:
        if quantity >= tier.min_qty:
            price = tier.unit_price
    return price


class Replay:
    """Runs the order stories in time order, each step as its member would have done it."""

    def __init__(self, cast: Cast, now: datetime):
        self.cast, self.now = cast, now

    def actor(self, email: str):
        return self.cast.actors[email]

    def buyer_actor(self, story: Story):
        return self.actor(self.cast.actors["buyer:" + story.buyer])

    def supplier_actor(self, story: Story):
        return self.actor(SUPPLIER_MEMBERS[story.supplier][0])

    def act(self, actor) -> None:
        from marketplace.infrastructure.auth import bind_actor

        bind_actor(actor)

    # Each story is a generator: it yields the moment of its next step, and does that
    # step when resumed (with the clock set to that moment).
    def story(self, plan: OrderPlan) -> Iterator[datetime]:
        from marketplace.workflow import engine

        story = plan.story
        buyer, seller = self.buyer_actor(story), self.supplier_actor(story)
        products = self.cast.products[story.supplier]
        supplier = self.cast.companies[story.supplier]
        quotation = None
        if plan.inquiry_at is not None:
            yield plan.inquiry_at
            self.act(buyer)
            inquiry = engine.create_document(
                "inquiry", actor=buyer, recipient_company_id=supplier.id,
                header={"subject": _subject(plan), "currency": "USD", "incoterm": "FOB",
                        "incoterm_place": LOADING_PORT[story.supplier]},
                lines=[{"product_id": products[line.sku].id, "quantity": str(line.quantity)}
                       for line in plan.lines])
            engine.perform(inquiry, "send", buyer)
            yield plan.quotation_at
            self.act(seller)
            quotation = engine.derive(inquiry, "quotation", actor=seller)
            engine.update_draft(quotation, actor=seller, header={"payment_terms": "tt"},
                                lines=[{"product_id": line.product_id,
                                        "quantity": line.quantity,
                                        "unit_price": str(_tier_price(
                                            products[line.sku], line.quantity))}
                                       for line in quotation.lines], expected_version=None)
            engine.perform(quotation, "send", seller)
            if plan.ordered_at is None:
                return
        yield plan.ordered_at
        self.act(buyer)
        if quotation is not None:
            engine.perform(quotation, "accept", buyer)
            purchase_order = engine.derive(quotation, "purchase_order", actor=buyer)
            engine.update_draft(purchase_order, actor=buyer,
                                header={"delivery_date": plan.requested_on.date()},
                                lines=None, expected_version=None)
        else:
            purchase_order = engine.create_document(
                "purchase_order", actor=buyer, recipient_company_id=supplier.id,
                header={"subject": _subject(plan), "currency": "USD", "incoterm": "FOB",
                        "incoterm_place": LOADING_PORT[story.supplier],
                        "payment_terms": "tt", "delivery_date": plan.requested_on.date()},
                lines=[{"product_id": products[line.sku].id, "quantity": str(line.quantity),
                        "unit_price": str(_tier_price(products[line.sku], line.quantity))}
                       for line in plan.lines])
        engine.perform(purchase_order, "send", buyer)
        if purchase_order.status == "pending_approval":
            approver = self.actor(APPROVERS[story.buyer])
            self.act(approver)
            engine.perform(purchase_order, "approve", approver)
        yield plan.accepted_at
        self.act(seller)
        engine.perform(purchase_order, "accept", seller)  # opens the order (fulfillment)
        order = _order_of(purchase_order)
        yield plan.documents_at
        shipment = _ship_with_documents(order, seller, plan, self.now)
        # After the papers, two chains run side by side: the goods (arrival, receipt, a
        # claim, a return) and the money (the payment, due 30 days from the invoice).
        steps = [(plan.arrived_at, lambda: _arrive(shipment, seller, plan)),
                 (plan.received_at, lambda: _receive(order, shipment, buyer, seller, plan)),
                 (plan.paid_at, lambda: _pay(shipment, seller))]
        if plan.claim_at is not None:
            steps += self._claim_steps(order, buyer, seller, plan.claim_at)
        if plan.return_at is not None:
            steps += self._return_steps(order, buyer, seller, plan.return_at)
        for moment, step in sorted(steps, key=lambda pair: pair[0]):
            yield moment
            step()

    def _claim_steps(self, order, buyer, seller, at: datetime):
        """Claimed by the buyer, answered with a credit note, the note accepted."""
        from marketplace.supplier_link.operations import discrepancies

        def cases():
            return history.discrepancy_cases(order.id)

        def each(actor, act):
            def step():
                self.act(actor)
                for case in cases():
                    act(case, actor)
            return step

        return [(at, each(buyer, lambda case, actor: discrepancies.claim_discrepancy(
                    case, actor, "Counted on arrival."))),
                (at + DAY * 2, each(seller, lambda case, actor: discrepancies.resolve_discrepancy(
                    case, actor, "credit_note"))),
                (at + DAY * 3, each(buyer, discrepancies.close_discrepancy))]

    def _return_steps(self, order, buyer, seller, at: datetime):
        """A tenth of the first line sent back, the request accepted the next day."""
        from marketplace.workflow import engine

        requested = []

        def ask():
            self.act(buyer)
            requested.append(_return_some(order, buyer))

        def accept():
            self.act(seller)
            engine.perform(requested[0], "accept", seller)

        return [(at, ask), (at + HOUR * 20, accept)]

    def run(self, plans: list[OrderPlan]) -> None:
        """Every story's steps, earliest first, each with the clock at its moment; a step
        due after now is not done (nor any after it in its story)."""
        counter = itertools.count()
        queue: list[tuple[datetime, int, Iterator[datetime]]] = []
        for plan in plans:
            steps = self.story(plan)
            first = next(steps, None)
            if first is not None and first <= self.now:
                heapq.heappush(queue, (first, next(counter), steps))
        with replayed_clock() as move_to:
            while queue:
                moment, _, steps = heapq.heappop(queue)
                move_to(moment)
                following = next(steps, None)
                if following is not None and following <= self.now:
                    heapq.heappush(queue, (max(following, moment), next(counter), steps))


def _subject(plan: OrderPlan) -> str:
    skus = ", ".join(line.sku for line in plan.lines)
    return f"{plan.story.buyer}: {skus}"


def _order_of(purchase_order):
    return history.order_of(purchase_order.id)


def _ship_with_documents(order, seller, plan: OrderPlan, now: datetime):
    """The whole order on one shipment, packed and shipped, with its three papers."""
    from marketplace.fulfillment.operations import shipments, shipping_documents
    from marketplace.infrastructure.auth import bind_actor

    bind_actor(seller)
    sea = plan.story.supplier == TPF or plan.lines[0].sku != "BL-LIN-220"
    evergreen = plan.story.supplier == TPF
    shipment = shipments.create_shipment([order], {
        "carrier": "Evergreen" if evergreen else "Arkas Line",
        "mode": "sea" if sea else "road",
        "etd": plan.documents_at.date(), "eta": plan.arrived_at.date(),
        # What the papers state (shipping.papers' checklist): vessel, B/L, ports.
        "vessel": "Ever Ace" if evergreen else "Arkas Ege", "voyage": f"{order.id:04d}E",
        "bill_of_lading": f"{'EGLV' if evergreen else 'ARKU'}{order.id:010d}",
        "on_board_date": plan.documents_at.date(),
        "port_of_loading": LOADING_PORT[plan.story.supplier],
        "port_of_discharge": order.buyer.city or order.buyer.country,
        "lines": [{"order_line_id": line.id, "quantity": line.quantity,
                   "packages": max(1, int(line.quantity) // 500)} for line in order.lines]},
        seller)
    for status in ("packed", "shipped"):
        shipments.record_shipment_event(shipment, {"status": status, "at": utcnow()}, seller)
    shipping_documents.issue_commercial_invoice(shipment, seller)
    if plan.documents_at > now - RECENT:  # the full set of papers for recent orders
        for kind in history.LATER_PAPERS:
            shipping_documents.generate_document(shipment, kind, seller)
    return shipment


def _arrive(shipment, seller, plan: OrderPlan) -> None:
    from marketplace.fulfillment.operations import shipments

    at = utcnow()
    shipments.record_shipment_event(shipment, {"status": "in_transit",
                                               "at": at - (at - plan.documents_at) / 2}, seller)
    shipments.record_shipment_event(shipment, {"status": "arrived", "at": at}, seller)


def _receive(order, shipment, buyer, seller, plan: OrderPlan) -> None:
    """Delivered; counted whole, or (a claim to come) the first line short and the second
    damaged."""
    from marketplace.fulfillment.operations import shipments
    from marketplace.infrastructure.auth import bind_actor
    from marketplace.supplier_link.operations.receipts import record_receipt

    bind_actor(seller)
    shipments.record_shipment_event(shipment, {"status": "delivered", "at": utcnow()}, seller)
    bind_actor(buyer)

    lines = []
    for index, line in enumerate(order.lines):
        received, rejected = line.quantity, Decimal(0)
        if plan.short and index == 0:
            received = (line.quantity * Decimal("0.96")).to_integral_value()
        if plan.short and index == 1:
            rejected = max(Decimal(1), (line.quantity * Decimal("0.03")).to_integral_value())
        lines.append({"order_line_id": line.id, "quantity_received": received,
                      "quantity_rejected": rejected,
                      "reason": "damaged" if rejected else None})
    record_receipt(buyer, {"order_id": order.id, "shipment_id": shipment.id, "lines": lines},
                   source="portal")


def _return_some(order, buyer):
    """A tenth of the first line sent back for quality."""
    from marketplace.supplier_link.operations.returns import request_return

    line = order.lines[0]
    quantity = max(Decimal(1), (line.received_quantity / 10).to_integral_value())
    request = request_return(buyer, {"order_id": order.id, "note": "Finish not as sampled.",
                                     "lines": [{"order_line_id": line.id, "quantity": quantity,
                                                "reason": "quality"}]})
    from marketplace.workflow.models import Document

    return db.session.get(Document, request.document_id)


def _pay(shipment, seller) -> None:
    from marketplace.fulfillment.operations import receivables

    invoice = shipment.invoice
    if invoice is None or invoice.balance <= 0:
        return
    receivables.record_payment(invoice, {"amount": invoice.balance, "method": "tt",
                                         "reference": f"T/T {invoice.number}"}, seller)


# ----- entry point ----------------------------------------------------------------------------


def _cast() -> Cast | None:
    from marketplace.infrastructure.auth import ensure_may_act

    companies: dict[str, Company] = {}
    for short in [TPF, ANATOLIA, *BUYER_MEMBERS, *(s.buyer for s in STORIES)]:
        company = db.session.scalar(select(Company).where(Company.name.contains(short)))
        if company is None:
            return None
        companies[short] = company
    emails = {email for pair in SUPPLIER_MEMBERS.values() for email in pair}
    emails |= set(BUYER_MEMBERS.values()) | set(APPROVERS.values())
    emails |= {row[2] for row in DEMO_BUYERS}
    users = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))}
    if len(users) != len(emails):
        return None
    actors: dict[str, object] = {email: ensure_may_act(user) for email, user in users.items()}
    for short in {s.buyer for s in STORIES}:
        actors["buyer:" + short] = BUYER_MEMBERS.get(short) or next(
            row[2] for row in DEMO_BUYERS if short in row[0])
    cast = Cast(companies=companies, actors=actors)
    for supplier in (TPF, ANATOLIA):
        cast.products[supplier] = history.products_by_sku(companies[supplier].id)
        if not all(sku in cast.products[supplier] for _, basket in BASKETS[supplier]
                   for sku, _ in basket):
            return None
    return cast


def _set_cost_prices(cast: Cast) -> None:
    """Most products' cost: the margin is known for those (not for HB-M10-40, WS-4.2-32
    and PS-WAFFLE, whose lines count as margin unknown). Through content's operation, as
    a supplier would set it (audited, a new version)."""
    from marketplace.content.operations.products import save_product

    for supplier, products in cast.products.items():
        for sku, cost in COST_PRICES.items():
            if sku in products:
                save_product(cast.companies[supplier], {"cost_price": cost}, products[sku])


def _history_loaded(cast: Cast) -> bool:
    new_buyers = [cast.companies[s.buyer].id for s in STORIES
                  if s.buyer not in BUYER_MEMBERS]
    return history.any_orders_of(new_buyers)


def _history_notifications_read(since: datetime, now: datetime) -> None:
    """The replayed history's notifications are old news: read, so the bell counts today's."""
    from marketplace.infrastructure.notifications.models import Notification

    db.session.execute(update(Notification).where(
        Notification.created_at < now - DAY * 2, Notification.created_at >= since,
        Notification.read_at.is_(None)).values(read_at=now))


def compute_figures(supplier_ids: list[int], now: datetime) -> None:
    """What the background jobs would compute from the history: each supplier's customer
    figures with a year of monthly segment snapshots, the response-time facts and the
    association rules (the history's own after-commit jobs were dropped with its mail)."""
    from marketplace.crm.operations.associations import compute_associations
    from marketplace.crm.operations.customers import backfill_segment_history, recompute_supplier
    from marketplace.crm.operations.speed import refresh_response_facts

    for supplier_id in supplier_ids:
        recompute_supplier(supplier_id, now.date())
        # A year of month ends, what the default period shows: each is a whole
        # recomputation as of that day, and seeding must stay quick.
        backfill_segment_history(supplier_id, 12, today=now.date())
    refresh_response_facts()
    compute_associations()


# Each demo supplier's terms per segment (crm.models.treatments), so a quotation derived
# in the demo shows them: best customers pay later and get a discount, below-zero ones
# pay first and carry a small-order surcharge. Set after the history, whose quotations
# were priced as they were at the time.
DEMO_TREATMENTS = {
    "MVC": {"payment_terms": "open_account", "discount_pct": Decimal(5), "lead_time_days": 21,
            "response_hours": 4},
    "MGC": {"payment_terms": "tt", "discount_pct": Decimal(3), "lead_time_days": 28,
            "response_hours": 8},
    "BZ": {"payment_terms": "tt", "discount_pct": Decimal(0), "lead_time_days": 45,
           "response_hours": 48, "min_order_value": Decimal(2000),
           "small_order_surcharge": Decimal(150)},
    "other": {"payment_terms": "tt", "discount_pct": Decimal(0), "lead_time_days": 35,
              "response_hours": 24},
}


def _set_demo_treatments(supplier_ids: list[int]) -> None:
    from marketplace.crm.models.treatments import SegmentTreatment

    for supplier_id in supplier_ids:  # the demo catalog and orders are in USD
        for segment, terms in DEMO_TREATMENTS.items():
            db.session.add(SegmentTreatment(supplier_company_id=supplier_id, segment=segment,
                                            currency="USD", **terms))


def load_demo_history(password: str) -> int:
    """The two years of trade, once; the number of orders placed (0: already there, or a
    demo company or product missing). ``password``: the new buyers' members' password."""
    load_demo_buyers(password)
    cast = _cast()
    if cast is None or _history_loaded(cast):
        return 0
    _set_cost_prices(cast)
    now = utcnow()
    today = datetime(now.year, now.month, now.day, tzinfo=UTC)
    start = today - timedelta(days=round(MONTHS * 30.4))
    plans = plan_orders(start, now, random.Random(SEED))
    saved = g.get("actor")
    try:
        with side_work_dropped():  # no mail about last year's orders
            Replay(cast, now).run(plans)
    finally:
        from marketplace.infrastructure.auth import bind_actor

        bind_actor(saved)
    db.session.flush()
    _history_notifications_read(start, now)
    suppliers = [cast.companies[TPF].id, cast.companies[ANATOLIA].id]
    compute_figures(suppliers, now)
    _set_demo_treatments(suppliers)
    return sum(1 for plan in plans if plan.ordered_at is not None and plan.accepted_at
               and plan.accepted_at <= now)


