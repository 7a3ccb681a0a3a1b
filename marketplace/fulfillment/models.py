"""Fulfillment: orders (from accepted purchase orders, merged and split), shipments with
their lines and event timeline, shipping documents, invoices (receivables), payments,
and the letter-of-credit clauses a supplier prints on its documents.

Statuses are plain strings (as on documents) named by the enums below; quantities and
amounts are exact decimals."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    or_,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.models import TimestampMixin, VersionedMixin
from marketplace.core.types import Money, Quantity, UTCDateTime, utcnow
from marketplace.extensions import db

ZERO = Decimal(0)


class OrderStatus(enum.StrEnum):
    OPEN = "open"
    PARTIALLY_SHIPPED = "partially_shipped"
    SHIPPED = "shipped"
    PARTIALLY_RECEIVED = "partially_received"
    RECEIVED = "received"
    CLOSED = "closed"  # received and paid in full, or merged into another order
    CANCELLED = "cancelled"


class ShipmentMode(enum.StrEnum):
    SEA = "sea"
    AIR = "air"
    COURIER = "courier"
    ROAD = "road"


class ShipmentStatus(enum.StrEnum):
    BOOKED = "booked"
    PACKED = "packed"
    SHIPPED = "shipped"
    IN_TRANSIT = "in_transit"
    ARRIVED = "arrived"
    CUSTOMS_CLEARED = "customs_cleared"
    DELIVERED = "delivered"


# The order a shipment moves through; an event may skip steps, never go back.
SHIPMENT_STATUS_ORDER = list(ShipmentStatus)


class ShippingDocumentKind(enum.StrEnum):
    COMMERCIAL_INVOICE = "commercial-invoice"
    PACKING_LIST = "packing-list"
    SHIPPING_ADVICE = "shipping-advice"
    # Papers a letter of credit asks for beside the three above: printed by the
    # supplier, numbered after the shipment, never an engine document of their own.
    CERTIFICATE_OF_ORIGIN = "certificate-of-origin"
    BENEFICIARY_CERTIFICATE = "beneficiary-certificate"

    @property
    def doctype(self) -> str:
        """The engine's document type code for this kind."""
        return self.value.replace("-", "_")

    @property
    def is_certificate(self) -> bool:
        return self in (ShippingDocumentKind.CERTIFICATE_OF_ORIGIN,
                        ShippingDocumentKind.BENEFICIARY_CERTIFICATE)


class InvoiceStatus(enum.StrEnum):
    OPEN = "open"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"  # nothing left to pay (payments and credit notes)


class NoteEffect(enum.StrEnum):
    """What an accepted note does to what the buyer owes."""

    CREDIT = "credit"  # takes off: the supplier's credit note, the buyer's debit note
    DEBIT = "debit"  # adds: the supplier's debit note


class AdviceStatus(enum.StrEnum):
    RECORDED = "recorded"  # the buyer says it paid
    CONFIRMED = "confirmed"  # the supplier received it: a payment is recorded
    DECLINED = "declined"  # the supplier did not receive it (with the reason)


class PaymentMethod(enum.StrEnum):
    TT = "tt"
    LC = "lc"
    CARD = "card"
    OTHER = "other"


def _between_parties(cls, company_id: int):
    return or_(cls.buyer_company_id == company_id, cls.supplier_company_id == company_id)


class PartiesMixin:
    """A record between a buyer and a supplier: both see it, nobody else."""

    buyer_company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    supplier_company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True)

    @classmethod
    def visible_to(cls, company_id: int):
        return _between_parties(cls, company_id)


# ----- orders ---------------------------------------------------------------------------------


class Order(PartiesMixin, TimestampMixin, VersionedMixin, db.Model):
    """What a supplier owes a buyer: born of an accepted purchase order, or of merging
    and splitting orders. Its status follows its lines (see operations.orders)."""

    __tablename__ = "orders"
    __label__ = "Order"
    __table_args__ = (UniqueConstraint("supplier_company_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(60), index=True)
    status: Mapped[str] = mapped_column(String(30), default=OrderStatus.OPEN, index=True)
    currency: Mapped[str] = mapped_column(String(3))
    incoterm: Mapped[str | None] = mapped_column(String(3))
    incoterm_place: Mapped[str | None] = mapped_column(String(120))
    payment_terms: Mapped[str | None] = mapped_column(String(20))
    # The accepted purchase order this order came from (null for a merge/split result).
    purchase_order_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), unique=True)
    # Set when this order was merged into another one (it is closed then).
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("orders.id", ondelete="SET NULL"), index=True)
    port_of_loading: Mapped[str | None] = mapped_column(String(120))
    port_of_discharge: Mapped[str | None] = mapped_column(String(120))
    notes: Mapped[str | None] = mapped_column(Text)

    buyer = relationship("Company", foreign_keys="Order.buyer_company_id")
    supplier = relationship("Company", foreign_keys="Order.supplier_company_id")
    purchase_order = relationship("Document", foreign_keys=[purchase_order_id])
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.position", cascade="all, delete-orphan",
        foreign_keys="OrderLine.order_id")
    events: Mapped[list[OrderEvent]] = relationship(
        back_populates="order", order_by="OrderEvent.id", cascade="all, delete-orphan")

    @property
    def total_amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)


class OrderLine(db.Model):
    __tablename__ = "order_lines"
    __label__ = "Order line"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("products.id", ondelete="SET NULL"), index=True)
    sku: Mapped[str | None] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(20), default="pcs")
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    shipped_quantity: Mapped[Decimal] = mapped_column(Quantity(), default=ZERO)
    received_quantity: Mapped[Decimal] = mapped_column(Quantity(), default=ZERO)
    unit_price: Mapped[Decimal] = mapped_column(Money(), default=ZERO)
    requested_delivery_date: Mapped[date | None] = mapped_column(Date)
    # Traceability across merge and split: the purchase order line it started as, and
    # the order and line it was moved or split from (null for an original line).
    purchase_order_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("document_lines.id", ondelete="SET NULL"), index=True)
    origin_order_id: Mapped[int | None] = mapped_column(
        ForeignKey("orders.id", ondelete="SET NULL"))
    origin_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("order_lines.id", ondelete="SET NULL"))

    order: Mapped[Order] = relationship(back_populates="lines", foreign_keys=[order_id])
    product = relationship("Product")

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(Decimal("0.0001"))

    @property
    def open_quantity(self) -> Decimal:
        return self.quantity - self.shipped_quantity


class OrderEvent(db.Model):
    """An order's history: created, merged, split, shipped, adjusted, closed..."""

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    kind: Mapped[str] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)
    # What the event concerns, e.g. {"from_order": 3, "lines": [...]} for a merge.
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    order: Mapped[Order] = relationship(back_populates="events")
    actor = relationship("User")


# ----- shipments ------------------------------------------------------------------------------


class Shipment(PartiesMixin, TimestampMixin, VersionedMixin, db.Model):
    """Goods of one or more orders of one buyer, leaving the supplier together."""

    __tablename__ = "shipments"
    __label__ = "Shipment"
    __table_args__ = (UniqueConstraint("supplier_company_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(60), index=True)
    status: Mapped[str] = mapped_column(String(30), default=ShipmentStatus.BOOKED, index=True)
    carrier: Mapped[str | None] = mapped_column(String(120))
    # The freight forwarder who books the carrier (the next shipment to the buyer starts
    # from the last one's).
    forwarder: Mapped[str | None] = mapped_column(String(120))
    mode: Mapped[str] = mapped_column(String(10), default=ShipmentMode.SEA)
    vessel: Mapped[str | None] = mapped_column(String(120))
    voyage: Mapped[str | None] = mapped_column(String(60))
    flight_number: Mapped[str | None] = mapped_column(String(30))
    tracking_number: Mapped[str | None] = mapped_column(String(120), index=True)
    container_numbers: Mapped[list] = mapped_column(JSON, default=list)
    port_of_loading: Mapped[str | None] = mapped_column(String(120))
    port_of_discharge: Mapped[str | None] = mapped_column(String(120))
    etd: Mapped[date | None] = mapped_column(Date)
    eta: Mapped[date | None] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    notes: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # What the shipping documents state for a bank and customs (fulfillment.papers):
    # consignee and notify party as printed (null: the buyer, and "same as consignee"),
    # "To order of <bank>" included; the B/L or air waybill; the marks on the cartons
    # (null: the usual marks made from buyer, port and carton count).
    consignee: Mapped[str | None] = mapped_column(Text)
    notify_party: Mapped[str | None] = mapped_column(Text)
    bill_of_lading: Mapped[str | None] = mapped_column(String(60))
    on_board_date: Mapped[date | None] = mapped_column(Date)
    marks_and_numbers: Mapped[str | None] = mapped_column(Text)
    # en, zh-Hant or bilingual; null: the buyer's setting, else English.
    document_language: Mapped[str | None] = mapped_column(String(10))

    buyer = relationship("Company", foreign_keys="Shipment.buyer_company_id")
    supplier = relationship("Company", foreign_keys="Shipment.supplier_company_id")
    lines: Mapped[list[ShipmentLine]] = relationship(
        back_populates="shipment", order_by="ShipmentLine.id", cascade="all, delete-orphan")
    events: Mapped[list[ShipmentEvent]] = relationship(
        back_populates="shipment", order_by=lambda: (ShipmentEvent.at, ShipmentEvent.id),
        cascade="all, delete-orphan")
    documents: Mapped[list[ShippingDocument]] = relationship(
        back_populates="shipment",
        order_by=lambda: (ShippingDocument.kind, ShippingDocument.revision),
        cascade="all, delete-orphan")
    invoice: Mapped[Invoice | None] = relationship(back_populates="shipment", uselist=False)

    @property
    def total_amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def is_replacement(self) -> bool:
        """Made by ``create_replacement_shipment``: its goods are not invoiced again."""
        return any(line.replaces_line_id is not None for line in self.lines)

    @property
    def order_ids(self) -> list[int]:
        return sorted({line.order_line.order_id for line in self.lines})


class ShipmentLine(db.Model):
    __tablename__ = "shipment_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id", ondelete="CASCADE"),
                                             index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id", ondelete="RESTRICT"),
                                               index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    packages: Mapped[int | None] = mapped_column(Integer)
    gross_weight: Mapped[Decimal | None] = mapped_column(Quantity())  # kg
    net_weight: Mapped[Decimal | None] = mapped_column(Quantity())  # kg
    volume: Mapped[Decimal | None] = mapped_column(Quantity())  # m³
    # Customs data of the goods on this line; null: the product's.
    hs_code: Mapped[str | None] = mapped_column(String(12))
    origin_country: Mapped[str | None] = mapped_column(String(2))
    # A replacement line ships again goods of an earlier shipped line that were rejected
    # or lost; it does not add to the order line's shipped quantity (that line's goods
    # were counted, and invoiced, once already).
    replaces_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("shipment_lines.id", ondelete="RESTRICT"), index=True)

    shipment: Mapped[Shipment] = relationship(back_populates="lines")
    order_line: Mapped[OrderLine] = relationship()
    replaces: Mapped[ShipmentLine | None] = relationship(
        remote_side=[id], foreign_keys=[replaces_line_id])

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.order_line.unit_price).quantize(Decimal("0.0001"))


class ShipmentEvent(db.Model):
    """One step of a shipment's timeline, as the supplier (or its forwarder) records it."""

    __tablename__ = "shipment_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id", ondelete="CASCADE"),
                                             index=True)
    status: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    location: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    shipment: Mapped[Shipment] = relationship(back_populates="events")


class ShippingDocument(db.Model):
    """One revision of a shipment's commercial invoice, packing list or shipping advice.
    Each kind is one engine document (numbered, sent to the buyer); re-generating adds a
    revision with the data as it was then, so every earlier one can still be printed."""

    __tablename__ = "shipping_documents"
    __table_args__ = (UniqueConstraint("shipment_id", "kind", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id", ondelete="CASCADE"),
                                             index=True)
    kind: Mapped[str] = mapped_column(String(30))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), index=True)
    # What was printed: header, parties, lines, totals, L/C clauses (plain JSON values).
    snapshot: Mapped[dict] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    shipment: Mapped[Shipment] = relationship(back_populates="documents")
    document = relationship("Document")


# ----- receivables and payments ---------------------------------------------------------------


class Invoice(PartiesMixin, TimestampMixin, VersionedMixin, db.Model):
    """A receivable: what the buyer owes for one shipment, from its commercial invoice."""

    __tablename__ = "invoices"
    __label__ = "Invoice"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(60), index=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id", ondelete="RESTRICT"),
                                             unique=True)
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    paid_amount: Mapped[Decimal] = mapped_column(Money(), default=ZERO)
    # What accepted credit notes took off and debit notes added (note_allocations).
    credited_amount: Mapped[Decimal] = mapped_column(Money(), default=ZERO,
                                                     server_default="0")
    debited_amount: Mapped[Decimal] = mapped_column(Money(), default=ZERO,
                                                    server_default="0")
    currency: Mapped[str] = mapped_column(String(3))
    payment_terms: Mapped[str | None] = mapped_column(String(20))
    issued_on: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default=InvoiceStatus.OPEN, index=True)

    buyer = relationship("Company", foreign_keys="Invoice.buyer_company_id")
    supplier = relationship("Company", foreign_keys="Invoice.supplier_company_id")
    shipment: Mapped[Shipment] = relationship(back_populates="invoice")
    payments: Mapped[list[Payment]] = relationship(
        back_populates="invoice", order_by="Payment.id", cascade="all, delete-orphan")
    note_allocations: Mapped[list[NoteAllocation]] = relationship(
        back_populates="invoice", order_by="NoteAllocation.id", cascade="all, delete-orphan")
    advices: Mapped[list[PaymentAdvice]] = relationship(
        back_populates="invoice", order_by="PaymentAdvice.id", cascade="all, delete-orphan")

    @property
    def balance(self) -> Decimal:
        """What the buyer still owes: the amount, plus debit notes, less payments and
        credit notes."""
        return (self.amount + (self.debited_amount or ZERO) - self.paid_amount
                - (self.credited_amount or ZERO))

    def aging_bucket(self, today: date) -> str:
        """current, 1-30, 31-60, 61-90 or 90+ days past due (a paid invoice is current)."""
        overdue = (today - self.due_date).days
        if self.balance <= 0 or overdue <= 0:
            return "current"
        for limit, name in ((30, "1-30"), (60, "31-60"), (90, "61-90")):
            if overdue <= limit:
                return name
        return "90+"


class Payment(db.Model):
    """Money received against an invoice. Stripe's ids are unique, so a replayed
    webhook can never record the same card payment twice."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"),
                                            index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(String(3))
    method: Mapped[str] = mapped_column(String(10))
    reference: Mapped[str | None] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    stripe_session_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    stripe_payment_intent_id: Mapped[str | None] = mapped_column(String(255), unique=True)

    invoice: Mapped[Invoice] = relationship(back_populates="payments")


class CardCheckout(db.Model):
    """A Stripe Checkout session opened for an invoice; the webhook completes it."""

    __tablename__ = "card_checkouts"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"),
                                            index=True)
    session_id: Mapped[str] = mapped_column(String(255), unique=True)
    url: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(String(3))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    invoice: Mapped[Invoice] = relationship()


class LetterOfCreditClauses(TimestampMixin, VersionedMixin, db.Model):
    """What a supplier must print on its shipping documents for a letter of credit:
    for one buyer, or (``buyer_company_id`` null) for every buyer without its own."""

    __tablename__ = "letter_of_credit_clauses"
    __label__ = "L/C clauses"
    __table_args__ = (UniqueConstraint("company_id", "buyer_company_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"),
                                            index=True)
    buyer_company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"))
    lc_number: Mapped[str | None] = mapped_column(String(80))
    issuing_bank: Mapped[str | None] = mapped_column(String(200))
    marks_and_numbers: Mapped[str | None] = mapped_column(Text)
    # One statement per line, printed as the L/C requires them.
    required_statements: Mapped[str | None] = mapped_column(Text)

    buyer = relationship("Company", foreign_keys=[buyer_company_id])

    @property
    def statements(self) -> list[str]:
        return [s.strip() for s in (self.required_statements or "").splitlines() if s.strip()]


# ----- letters of credit ----------------------------------------------------------------------


class LetterOfCredit(PartiesMixin, TimestampMixin, VersionedMixin, db.Model):
    """A documentary credit opened by the buyer's bank for one or more orders of one
    buyer: what its shipments must respect (dates, amount, partial shipments) and what
    their papers must print and prove. It prints only on shipments of its orders."""

    __tablename__ = "letters_of_credit"
    __label__ = "Letter of credit"
    __table_args__ = (UniqueConstraint("supplier_company_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(80))
    issuing_bank: Mapped[str] = mapped_column(String(200))
    advising_bank: Mapped[str | None] = mapped_column(String(200))
    issue_date: Mapped[date] = mapped_column(Date)
    expiry_date: Mapped[date] = mapped_column(Date)
    expiry_place: Mapped[str | None] = mapped_column(String(120))
    latest_shipment_date: Mapped[date | None] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(String(3))
    tolerance_pct: Mapped[Decimal] = mapped_column(Money(), default=ZERO)
    partial_shipments: Mapped[bool] = mapped_column(Boolean, default=True)
    transhipment: Mapped[bool] = mapped_column(Boolean, default=True)
    presentation_days: Mapped[int] = mapped_column(Integer, default=21)
    # [{kind, originals, copies}]: the papers to present, as the credit lists them.
    required_documents: Mapped[list] = mapped_column(JSON, default=list)
    # Special conditions, one text each, printed as the credit words them.
    clauses: Mapped[list] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    buyer = relationship("Company", foreign_keys="LetterOfCredit.buyer_company_id")
    supplier = relationship("Company", foreign_keys="LetterOfCredit.supplier_company_id")
    orders: Mapped[list[Order]] = relationship(secondary="letter_of_credit_orders",
                                               order_by="Order.id")

    @property
    def order_ids(self) -> list[int]:
        return [order.id for order in self.orders]

    @property
    def ceiling(self) -> Decimal:
        """The most the credit pays: its amount plus the tolerance."""
        return (self.amount * (1 + (self.tolerance_pct or ZERO) / 100)).quantize(
            Decimal("0.01"))


class LetterOfCreditOrder(db.Model):
    """An order shipped under a letter of credit (one credit per order at a time)."""

    __tablename__ = "letter_of_credit_orders"

    letter_of_credit_id: Mapped[int] = mapped_column(
        ForeignKey("letters_of_credit.id", ondelete="CASCADE"), primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"),
                                          primary_key=True, unique=True)


class LetterOfCreditAcknowledgement(db.Model):
    """Warnings of a letter of credit the supplier saw and overrode when issuing a
    shipment's papers: who, when, and the warnings as they were worded then."""

    __tablename__ = "letter_of_credit_acknowledgements"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_of_credit_id: Mapped[int] = mapped_column(
        ForeignKey("letters_of_credit.id", ondelete="CASCADE"), index=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id", ondelete="CASCADE"),
                                             index=True)
    # [{code, message}]
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user = relationship("User")
    letter_of_credit: Mapped[LetterOfCredit] = relationship()


class DocumentRenderStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class DocumentRender(db.Model):
    """The PDFs of a document set issued in one go, laid out in the background (the
    ``fulfillment.render_documents`` outbox job) while the portal shows the progress."""

    __tablename__ = "document_renders"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id", ondelete="CASCADE"),
                                             index=True)
    status: Mapped[str] = mapped_column(String(20), default=DocumentRenderStatus.QUEUED)
    # ShippingDocument ids, in the order they are rendered.
    document_ids: Mapped[list] = mapped_column(JSON, default=list)
    done: Mapped[int] = mapped_column(Integer, default=0)
    paper: Mapped[str] = mapped_column(String(10), default="a4")
    locale: Mapped[str] = mapped_column(String(10), default="en")
    detail: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    shipment: Mapped[Shipment] = relationship()

    @classmethod
    def visible_to(cls, company_id: int):
        """Seen by whoever sees its shipment."""
        from sqlalchemy import select

        return cls.shipment_id.in_(select(Shipment.id).where(Shipment.visible_to(company_id)))

    @property
    def total(self) -> int:
        return len(self.document_ids or [])

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(100 * self.done / self.total)


# ----- notes and payment advices --------------------------------------------------------------


class NoteSettlement(PartiesMixin, db.Model):
    """An accepted credit or debit note as money: one row per note (the unique document
    makes a replayed acceptance settle nothing twice), spread over invoices by its
    allocations; what no invoice took is held on account (``unallocated``)."""

    __tablename__ = "note_settlements"
    __label__ = "Note"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), unique=True)
    note_type: Mapped[str] = mapped_column(String(40))  # credit_note, debit_note
    number: Mapped[str] = mapped_column(String(60))
    effect: Mapped[str] = mapped_column(String(10))  # NoteEffect
    amount: Mapped[Decimal] = mapped_column(Money())
    unallocated: Mapped[Decimal] = mapped_column(Money(), default=ZERO)
    currency: Mapped[str] = mapped_column(String(3))
    settled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    document = relationship("Document")
    allocations: Mapped[list[NoteAllocation]] = relationship(
        back_populates="settlement", order_by="NoteAllocation.id", cascade="all, delete-orphan")


class NoteAllocation(db.Model):
    """The part of a note one invoice took."""

    __tablename__ = "note_allocations"
    __table_args__ = (UniqueConstraint("settlement_id", "invoice_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    settlement_id: Mapped[int] = mapped_column(
        ForeignKey("note_settlements.id", ondelete="CASCADE"), index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"),
                                            index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    # When the invoice took it: at acceptance, or later when a new invoice takes a
    # credit held on account (a statement's aging as of a date reads this).
    allocated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    settlement: Mapped[NoteSettlement] = relationship(back_populates="allocations")
    invoice: Mapped[Invoice] = relationship(back_populates="note_allocations")


class PaymentAdvice(PartiesMixin, TimestampMixin, VersionedMixin, db.Model):
    """The buyer's remittance advice: "we paid this invoice by T/T". The supplier
    confirms it against the invoice (a payment is recorded then) or declines it."""

    __tablename__ = "payment_advices"
    __label__ = "Payment advice"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"),
                                            index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(String(3))
    paid_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(200))  # the bank's (MT103, UETR, ...)
    payer_bank: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=AdviceStatus.RECORDED, index=True)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    payment_id: Mapped[int | None] = mapped_column(
        ForeignKey("payments.id", ondelete="SET NULL"), unique=True)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    invoice: Mapped[Invoice] = relationship(back_populates="advices")
    payment: Mapped[Payment | None] = relationship()


class BuyerDocumentSettings(TimestampMixin, db.Model):
    """A supplier's choices for the shipping documents of one buyer: the language they
    print in (en, zh-Hant or bilingual)."""

    __tablename__ = "buyer_document_settings"
    __table_args__ = (UniqueConstraint("company_id", "buyer_company_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"),
                                            index=True)
    buyer_company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"))
    document_language: Mapped[str] = mapped_column(String(10), default="en")
