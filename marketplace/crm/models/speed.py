"""Trade speed facts: one row per measured interval, taken from the documents' own
timestamps (see ``crm/queries/speed.py`` for how each is measured).

A fact carries both parties and each side's member, so one table answers a supplier
("how fast do we answer") and a buyer ("how fast are we answered"), per month and per
member, without touching the documents again at read time.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.core.types import UTCDateTime
from marketplace.extensions import db

# What a fact measures; ``value`` is in hours, except "quotation_won" (1 won, 0 not).
INQUIRY_TO_QUOTATION = "inquiry_to_quotation"
INQUIRY_TO_ORDER = "inquiry_to_order"
PO_TO_ACCEPTED = "po_to_accepted"
ACCEPTED_TO_DOCUMENTS = "accepted_to_documents"
QUOTATION_WON = "quotation_won"
MEASURES = (INQUIRY_TO_QUOTATION, INQUIRY_TO_ORDER, PO_TO_ACCEPTED, ACCEPTED_TO_DOCUMENTS,
            QUOTATION_WON)


INCLUDED = ["measure", "month", "value", "supplier_member_id", "buyer_member_id"]


class ResponseFact(db.Model):
    """One measured interval: the document it starts from, when it started, how long it
    took (null while it has not ended: an inquiry not yet answered)."""

    __tablename__ = "crm_response_facts"
    __table_args__ = (
        UniqueConstraint("measure", "document_id"),
        # A company's period is read from the index alone on PostgreSQL (the figures'
        # columns ride along), so reading never touches the table's scattered rows.
        Index("ix_crm_response_facts_supplier_period", "supplier_company_id", "started_at",
              postgresql_include=INCLUDED),
        Index("ix_crm_response_facts_buyer_period", "buyer_company_id", "started_at",
              postgresql_include=INCLUDED),
        Index("ix_crm_response_facts_platform", "measure", "started_at"),
        Index("ix_crm_response_facts_thread", "thread_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    measure: Mapped[str] = mapped_column(String(30))
    # The inquiry, purchase order or quotation the interval starts from.
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    thread_id: Mapped[int | None] = mapped_column(Integer)
    supplier_company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"))
    buyer_company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    supplier_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    buyer_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    month: Mapped[date] = mapped_column(Date)  # the first day of started_at's month
    value: Mapped[float | None] = mapped_column(Float)


class ResponseMonth(db.Model):
    """The snapshot the response-time view reads: one company's facts of one month, on
    one side of the trade, for one member (null: nobody in charge) and one measure —
    how many, and their measured values sorted. Written whenever the facts of that
    company and month are refreshed (``crm/operations/speed.py``).

    The values themselves are kept (not a median): a period's median cannot be made from
    monthly medians, but it can from the months' sorted values, merged; the view then
    computes every figure of a period without sorting the company's facts in SQL."""

    __tablename__ = "crm_response_months"
    __table_args__ = (
        Index("ix_crm_response_months_company", "company_id", "side", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    side: Mapped[str] = mapped_column(String(10))  # "supplier" or "buyer"
    month: Mapped[date] = mapped_column(Date)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    measure: Mapped[str] = mapped_column(String(30))
    count: Mapped[int] = mapped_column(Integer)  # facts, measured or not (unanswered)
    values: Mapped[list] = mapped_column(JSON)  # the measured values, ascending
