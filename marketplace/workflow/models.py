"""The documents the engine carries: one table for every type, their lines, threads
and history. Trade meaning (which types exist, their states) lives in
``trading/doctypes.py``; here a type and a status are just names."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    DDL,
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    or_,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.models import TimestampMixin, VersionedMixin
from marketplace.core.schema_compare import sqlite_full_text
from marketplace.core.types import Money, Quantity, UTCDateTime, utcnow
from marketplace.extensions import db


class DocumentThread(TimestampMixin, db.Model):
    """The negotiation between two companies: a root document and all derived from it."""

    __tablename__ = "document_threads"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str | None] = mapped_column(String(300))


class Document(TimestampMixin, VersionedMixin, db.Model):
    """A trade document sent from an issuing company to a recipient company."""

    __tablename__ = "documents"
    __label__ = "Document"
    __table_args__ = (
        UniqueConstraint("issuer_company_id", "type", "number"),
        # A box search (``q``) on PostgreSQL: trigram indexes find "%hb-42%" among the
        # company's own documents (received, issued: btree_gin puts the company first)
        # without reading every document of the box (migration w3lists_box_search).
        Index("ix_documents_inbox_search", "recipient_company_id", "search_text",
              postgresql_using="gin", postgresql_ops={"search_text": "gin_trgm_ops"}
              ).ddl_if(dialect="postgresql"),
        Index("ix_documents_outbox_search", "issuer_company_id", "search_text",
              postgresql_using="gin", postgresql_ops={"search_text": "gin_trgm_ops"}
              ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(40), index=True)  # a doctype code: "quotation"
    number: Mapped[str] = mapped_column(String(60), index=True)  # "QUO-2026-00042"
    status: Mapped[str] = mapped_column(String(30), index=True)  # "draft", "sent", ...
    issuer_company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    # Null only while an rfq's invitations are not yet sent (it has one child per supplier).
    recipient_company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The recipient's member in charge (auto-dispatch, forward).
    assigned_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # The recipient's department whose shared box holds it (a dispatch rule routed it).
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL"), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), index=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("document_threads.id"), index=True)

    subject: Mapped[str | None] = mapped_column(String(300))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    incoterm: Mapped[str | None] = mapped_column(String(3))  # Incoterms 2020: "FOB"
    incoterm_place: Mapped[str | None] = mapped_column(String(120))  # "FOB Kaohsiung"
    payment_terms: Mapped[str | None] = mapped_column(String(20))  # "tt", "lc_sight", ...
    valid_until: Mapped[date | None] = mapped_column(Date)
    delivery_date: Mapped[date | None] = mapped_column(Date)
    port_of_loading: Mapped[str | None] = mapped_column(String(120))
    port_of_discharge: Mapped[str | None] = mapped_column(String(120))
    notes: Mapped[str | None] = mapped_column(Text)
    # Type-specific fields, validated by the type's schema (e.g. an L/C number).
    extras: Mapped[dict] = mapped_column(JSON, default=dict)
    # Sum of line amounts, kept by the engine so lists sort and filter in SQL.
    total_amount: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    # What a box search looks in, lower-cased in one column the engine keeps: number,
    # subject, both parties' names, the lines' descriptions and SKUs. One LIKE over one
    # column of the company's box, instead of a join per line and party.
    search_text: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    issuer = relationship("Company", foreign_keys=[issuer_company_id])
    recipient = relationship("Company", foreign_keys=[recipient_company_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    assigned_to = relationship("User", foreign_keys=[assigned_to_id])
    parent: Mapped[Document | None] = relationship(remote_side=[id])
    thread: Mapped[DocumentThread] = relationship()
    lines: Mapped[list[DocumentLine]] = relationship(
        back_populates="document", order_by="DocumentLine.position",
        cascade="all, delete-orphan")
    events: Mapped[list[DocumentEvent]] = relationship(
        back_populates="document", order_by="DocumentEvent.id", cascade="all, delete-orphan")

    @classmethod
    def visible_to(cls, company_id: int):
        """Both parties see a document, the recipient only once it reached it."""
        return or_(cls.issuer_company_id == company_id,
                   (cls.recipient_company_id == company_id) & (cls.sent_at.is_not(None)))

    def compute_total(self) -> Decimal:
        self.total_amount = sum((line.amount or Decimal(0) for line in self.lines), Decimal(0))
        return self.total_amount


class DocumentLine(db.Model):
    __tablename__ = "document_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"),
                                             index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("products.id", ondelete="SET NULL"), index=True)
    sku: Mapped[str | None] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text)
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    unit: Mapped[str] = mapped_column(String(20), default="pcs")
    unit_price: Mapped[Decimal | None] = mapped_column(Money())  # an inquiry may have none
    amount: Mapped[Decimal | None] = mapped_column(Money())
    # The line of the parent document this one was carried over from.
    source_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("document_lines.id", ondelete="SET NULL"))
    # Type-specific line fields (e.g. the order line a shipping document refers to).
    extras: Mapped[dict] = mapped_column(JSON, default=dict)

    document: Mapped[Document] = relationship(back_populates="lines")

    def compute_amount(self) -> Decimal | None:
        self.amount = None if self.unit_price is None else (
            self.quantity * self.unit_price).quantize(Decimal("0.0001"))
        return self.amount


class DocumentEvent(db.Model):
    """One row of a document's history: every action, with who did it and why."""

    __tablename__ = "document_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"),
                                             index=True)
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(30))
    to_status: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL"))
    comment: Mapped[str | None] = mapped_column(Text)
    # Who acted when no member did: a guest a company sent the document to (trading's
    # guest links), by name and address. None for members and partner systems.
    actor_name: Mapped[str | None] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    document: Mapped[Document] = relationship(back_populates="events")
    actor = relationship("User")


# ----- numbering -------------------------------------------------------------------------


class NumberSeries(db.Model):
    """The next number of one company's documents of one type in one year. Allocation
    updates this row first, so concurrent creations queue on its lock."""

    __tablename__ = "document_number_series"
    __table_args__ = (UniqueConstraint("company_id", "type", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class NumberingPattern(db.Model):
    """A company's own pattern for a type, instead of the type's default."""

    __tablename__ = "document_numbering_patterns"
    __table_args__ = (UniqueConstraint("company_id", "type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"),
                                            index=True)
    type: Mapped[str] = mapped_column(String(40))
    pattern: Mapped[str] = mapped_column(String(60))


# ----- approvals ------------------------------------------------------------------------


class ApprovalRule(TimestampMixin, db.Model):
    """A company's rule: documents of ``type`` it sends (or accepts) that match the
    condition wait for every step's approver, in order."""

    __tablename__ = "document_approval_rules"
    __label__ = "Approval rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"),
                                            index=True)
    type: Mapped[str] = mapped_column(String(40))
    direction: Mapped[str] = mapped_column(String(10))  # "send" or "accept"
    min_total: Mapped[Decimal | None] = mapped_column(Money())  # total ≥ this
    currency: Mapped[str | None] = mapped_column(String(3))  # only in this currency
    position: Mapped[int] = mapped_column(Integer, default=0)

    steps: Mapped[list[ApprovalStep]] = relationship(
        back_populates="rule", order_by="ApprovalStep.position", cascade="all, delete-orphan")

    @classmethod
    def visible_to(cls, company_id: int):
        return cls.company_id == company_id

    def matches(self, document: Document) -> bool:
        if self.currency and self.currency != document.currency:
            return False
        return self.min_total is None or (document.total_amount or 0) >= self.min_total


class ApprovalStep(db.Model):
    __tablename__ = "document_approval_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(
        ForeignKey("document_approval_rules.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    role: Mapped[str] = mapped_column(String(20))  # a MemberRole value, or "department_head"
    # A step the head of this department decides (role "department_head").
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"))

    rule: Mapped[ApprovalRule] = relationship(back_populates="steps")


class DocumentApproval(db.Model):
    """One step of one company's chain on one document: pending, approved or rejected."""

    __tablename__ = "document_approvals"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"),
                                             index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    direction: Mapped[str] = mapped_column(String(10))
    position: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(20))
    # The department whose head decides this step (its rule's step named one).
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    # Who sent or accepted: they may not approve their own request.
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    comment: Mapped[str | None] = mapped_column(Text)
    # A rejected or finished round is kept for the record; only the open round counts.
    closed: Mapped[bool] = mapped_column(default=False)

    decided_by = relationship("User", foreign_keys=[decided_by_id])


# ----- dispatch -------------------------------------------------------------------------


class DispatchGroup(TimestampMixin, db.Model):
    """Members who take incoming documents in turn (round-robin)."""

    __tablename__ = "document_dispatch_groups"
    __label__ = "Dispatch group"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"),
                                            index=True)
    name: Mapped[str] = mapped_column(String(120))
    # The group that takes what no rule matched.
    is_default: Mapped[bool] = mapped_column(default=False)
    turns: Mapped[int] = mapped_column(Integer, default=0)  # documents given out so far
    member_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # users, in turn order

    @classmethod
    def visible_to(cls, company_id: int):
        return cls.company_id == company_id


class DispatchRule(TimestampMixin, db.Model):
    """Incoming documents matching every condition set go to ``assignee``, ``group`` or
    ``department``. A rule of type ``service_case`` routes the company's incoming service
    cases (the service module reads it: ``dispatch.department_for``)."""

    __tablename__ = "document_dispatch_rules"
    __label__ = "Dispatch rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"),
                                            index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    type: Mapped[str | None] = mapped_column(String(40))
    product_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("product_lines.id", ondelete="CASCADE"))
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="CASCADE"))
    sender_country: Mapped[str | None] = mapped_column(String(2))
    keyword: Mapped[str | None] = mapped_column(String(100))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("document_dispatch_groups.id", ondelete="CASCADE"))
    # Or a department: the document goes to its shared box (nobody assigned yet).
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"))

    group: Mapped[DispatchGroup | None] = relationship()

    @classmethod
    def visible_to(cls, company_id: int):
        return cls.company_id == company_id


# ----- each party's own view ------------------------------------------------------------


class DocumentParty(db.Model):
    """One company's own state of a document: its folder, tags, read and archived,
    apart from the shared status. Boxes (inbox, outbox, drafts, archive) query these."""

    __tablename__ = "document_parties"
    __table_args__ = (UniqueConstraint("document_id", "company_id"),
                      Index("ix_document_parties_box", "company_id", "role", "archived",
                            "document_id"),
                      # The unread badge on every portal page counts these alone.
                      Index("ix_document_parties_unread", "company_id", "role", "archived",
                            "read_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(10))  # "issuer" or "recipient"
    folder: Mapped[str | None] = mapped_column(String(60))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    archived: Mapped[bool] = mapped_column(default=False)

    document: Mapped[Document] = relationship()


# create_all (the tests, a fresh instance) makes the trigram indexes: the extensions first.
event.listen(Document.__table__, "before_create",
             DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"))
event.listen(Document.__table__, "before_create",
             DDL("CREATE EXTENSION IF NOT EXISTS btree_gin").execute_if(dialect="postgresql"))

# On SQLite a box search reads an FTS5 table with the trigram tokenizer (a substring of
# three characters or more is found through the index: "hb-42", "鋼螺栓"), kept in step
# with ``documents.search_text`` by triggers, whatever writes the row (migration
# w4lists_sqlite_box_search makes the same; schema_compare leaves it out of the models').
SQLITE_SEARCH_TABLE = sqlite_full_text("documents_search")
SQLITE_SEARCH_DDL = (
    f"CREATE VIRTUAL TABLE {SQLITE_SEARCH_TABLE} USING fts5(search_text, "
    "content='documents', content_rowid='id', tokenize='trigram')",
    f"CREATE TRIGGER {SQLITE_SEARCH_TABLE}_insert AFTER INSERT ON documents BEGIN "
    f"INSERT INTO {SQLITE_SEARCH_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); "
    "END",
    f"CREATE TRIGGER {SQLITE_SEARCH_TABLE}_delete AFTER DELETE ON documents BEGIN "
    f"INSERT INTO {SQLITE_SEARCH_TABLE}({SQLITE_SEARCH_TABLE}, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    f"CREATE TRIGGER {SQLITE_SEARCH_TABLE}_update AFTER UPDATE OF search_text ON documents "
    f"BEGIN INSERT INTO {SQLITE_SEARCH_TABLE}({SQLITE_SEARCH_TABLE}, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    f"INSERT INTO {SQLITE_SEARCH_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); "
    "END",
)
for _statement in SQLITE_SEARCH_DDL:
    event.listen(Document.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
event.listen(Document.__table__, "before_drop",
             DDL(f"DROP TABLE IF EXISTS {SQLITE_SEARCH_TABLE}").execute_if(dialect="sqlite"))
