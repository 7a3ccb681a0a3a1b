"""fulfillment: letters of credit per order, their overridden warnings, background
renders of document sets, a shipment's forwarder

A letter of credit becomes a record of its own (``letters_of_credit``), attached to
orders (``letter_of_credit_orders``, one credit per order); the warnings a supplier
overrode when issuing a shipment's papers under it are kept
(``letter_of_credit_acknowledgements``), and each set of PDFs laid out in the
background has its progress row (``document_renders``); a shipment names its
forwarder (``shipments.forwarder``). The former per-buyer clauses
(``letter_of_credit_clauses``) stay as they are: readable, no longer printed.

Revision ID: w3lcflowletters
Revises: w3sourcingrfqs
"""

import sqlalchemy as sa
from alembic import op

import marketplace.core.types

revision = "w3lcflowletters"
down_revision = "w3sourcingrfqs"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("shipments") as batch:
        batch.add_column(sa.Column("forwarder", sa.String(length=120), nullable=True))
    op.create_table(
        "letters_of_credit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=80), nullable=False),
        sa.Column("issuing_bank", sa.String(length=200), nullable=False),
        sa.Column("advising_bank", sa.String(length=200), nullable=True),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("expiry_date", sa.Date(), nullable=False),
        sa.Column("expiry_place", sa.String(length=120), nullable=True),
        sa.Column("latest_shipment_date", sa.Date(), nullable=True),
        sa.Column("amount", marketplace.core.types.ScaledDecimal(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("tolerance_pct", marketplace.core.types.ScaledDecimal(), nullable=False),
        sa.Column("partial_shipments", sa.Boolean(), nullable=False),
        sa.Column("transhipment", sa.Boolean(), nullable=False),
        sa.Column("presentation_days", sa.Integer(), nullable=False),
        sa.Column("required_documents", sa.JSON(), nullable=False),
        sa.Column("clauses", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("buyer_company_id", sa.Integer(), nullable=False),
        sa.Column("supplier_company_id", sa.Integer(), nullable=False),
        sa.Column("created_at", marketplace.core.types.UTCDateTime(timezone=True),
                  nullable=False),
        sa.Column("updated_at", marketplace.core.types.UTCDateTime(timezone=True),
                  nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["buyer_company_id"], ["companies.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["supplier_company_id"], ["companies.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("supplier_company_id", "number"),
    )
    with op.batch_alter_table("letters_of_credit") as batch:
        batch.create_index(batch.f("ix_letters_of_credit_buyer_company_id"),
                           ["buyer_company_id"], unique=False)
        batch.create_index(batch.f("ix_letters_of_credit_supplier_company_id"),
                           ["supplier_company_id"], unique=False)
    op.create_table(
        "letter_of_credit_orders",
        sa.Column("letter_of_credit_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["letter_of_credit_id"], ["letters_of_credit.id"],
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("letter_of_credit_id", "order_id"),
        sa.UniqueConstraint("order_id"),
    )
    op.create_table(
        "letter_of_credit_acknowledgements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter_of_credit_id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("at", marketplace.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["letter_of_credit_id"], ["letters_of_credit.id"],
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["shipment_id"], ["shipments.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("letter_of_credit_acknowledgements") as batch:
        batch.create_index(
            batch.f("ix_letter_of_credit_acknowledgements_letter_of_credit_id"),
            ["letter_of_credit_id"], unique=False)
        batch.create_index(batch.f("ix_letter_of_credit_acknowledgements_shipment_id"),
                           ["shipment_id"], unique=False)
    op.create_table(
        "document_renders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("document_ids", sa.JSON(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("paper", sa.String(length=10), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", marketplace.core.types.UTCDateTime(timezone=True),
                  nullable=False),
        sa.Column("finished_at", marketplace.core.types.UTCDateTime(timezone=True),
                  nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["shipment_id"], ["shipments.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("document_renders") as batch:
        batch.create_index(batch.f("ix_document_renders_shipment_id"), ["shipment_id"],
                           unique=False)


def downgrade():
    with op.batch_alter_table("document_renders") as batch:
        batch.drop_index(batch.f("ix_document_renders_shipment_id"))
    op.drop_table("document_renders")
    with op.batch_alter_table("letter_of_credit_acknowledgements") as batch:
        batch.drop_index(batch.f("ix_letter_of_credit_acknowledgements_shipment_id"))
        batch.drop_index(batch.f("ix_letter_of_credit_acknowledgements_letter_of_credit_id"))
    op.drop_table("letter_of_credit_acknowledgements")
    op.drop_table("letter_of_credit_orders")
    with op.batch_alter_table("letters_of_credit") as batch:
        batch.drop_index(batch.f("ix_letters_of_credit_supplier_company_id"))
        batch.drop_index(batch.f("ix_letters_of_credit_buyer_company_id"))
    op.drop_table("letters_of_credit")
    with op.batch_alter_table("shipments") as batch:
        batch.drop_column("forwarder")
