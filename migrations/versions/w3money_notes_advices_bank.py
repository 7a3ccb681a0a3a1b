"""money: credit and debit notes change what is owed; payment advices; bank details

Invoices gain what accepted notes took off (credited_amount) and added
(debited_amount), 0 for every invoice there is. Each accepted note is one row of
note_settlements (unique document: a replayed acceptance settles nothing twice),
spread over invoices by note_allocations. payment_advices: the buyer's
remittance advices that the supplier confirms (a payment) or declines.
company_bank_accounts: a company's bank details for T/T, printed on its invoices.

Revision ID: w3moneynotes
Revises: w3lcflowmerge
"""

import sqlalchemy as sa
from alembic import op

import marketplace.core.types

revision = "w3moneynotes"
down_revision = "w3lcflowmerge"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "company_bank_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("beneficiary_name", sa.String(length=200), nullable=False),
        sa.Column("beneficiary_address", sa.String(length=300), nullable=True),
        sa.Column("bank_name", sa.String(length=200), nullable=False),
        sa.Column("bank_address", sa.String(length=300), nullable=True),
        sa.Column("swift_bic", sa.String(length=11), nullable=False),
        sa.Column("account_number", sa.String(length=40), nullable=True),
        sa.Column("iban", sa.String(length=34), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("intermediary_bank_name", sa.String(length=200), nullable=True),
        sa.Column("intermediary_swift_bic", sa.String(length=11), nullable=True),
        sa.Column("instructions", sa.Text(), nullable=True),
        sa.Column("created_at", marketplace.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", marketplace.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_company_bank_accounts_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company_bank_accounts")),
        sa.UniqueConstraint("company_id", name=op.f("uq_company_bank_accounts_company_id")),
    )
    op.create_table(
        "note_settlements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("note_type", sa.String(length=40), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("effect", sa.String(length=10), nullable=False),
        sa.Column("amount", marketplace.core.types.ScaledDecimal(), nullable=False),
        sa.Column("unallocated", marketplace.core.types.ScaledDecimal(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("settled_at", marketplace.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("buyer_company_id", sa.Integer(), nullable=False),
        sa.Column("supplier_company_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_company_id"],
            ["companies.id"],
            name=op.f("fk_note_settlements_buyer_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_note_settlements_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_company_id"],
            ["companies.id"],
            name=op.f("fk_note_settlements_supplier_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_settlements")),
        sa.UniqueConstraint("document_id", name=op.f("uq_note_settlements_document_id")),
    )
    with op.batch_alter_table("note_settlements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_note_settlements_buyer_company_id"), ["buyer_company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_note_settlements_settled_at"), ["settled_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_note_settlements_supplier_company_id"),
            ["supplier_company_id"],
            unique=False,
        )

    op.create_table(
        "note_allocations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("settlement_id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("amount", marketplace.core.types.ScaledDecimal(), nullable=False),
        sa.Column(
            "allocated_at", marketplace.core.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_note_allocations_invoice_id_invoices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["settlement_id"],
            ["note_settlements.id"],
            name=op.f("fk_note_allocations_settlement_id_note_settlements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_allocations")),
        sa.UniqueConstraint(
            "settlement_id", "invoice_id", name=op.f("uq_note_allocations_settlement_id")
        ),
    )
    with op.batch_alter_table("note_allocations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_note_allocations_invoice_id"), ["invoice_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_note_allocations_settlement_id"), ["settlement_id"], unique=False
        )

    op.create_table(
        "payment_advices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("amount", marketplace.core.types.ScaledDecimal(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("payer_bank", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", marketplace.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("buyer_company_id", sa.Integer(), nullable=False),
        sa.Column("supplier_company_id", sa.Integer(), nullable=False),
        sa.Column("created_at", marketplace.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", marketplace.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_company_id"],
            ["companies.id"],
            name=op.f("fk_payment_advices_buyer_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_payment_advices_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_payment_advices_invoice_id_invoices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["payments.id"],
            name=op.f("fk_payment_advices_payment_id_payments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_payment_advices_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_company_id"],
            ["companies.id"],
            name=op.f("fk_payment_advices_supplier_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_advices")),
        sa.UniqueConstraint("payment_id", name=op.f("uq_payment_advices_payment_id")),
    )
    with op.batch_alter_table("payment_advices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_advices_buyer_company_id"), ["buyer_company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_payment_advices_invoice_id"), ["invoice_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_payment_advices_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_payment_advices_supplier_company_id"),
            ["supplier_company_id"],
            unique=False,
        )

    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "credited_amount",
                marketplace.core.types.ScaledDecimal(),
                server_default="0",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column(
                "debited_amount",
                marketplace.core.types.ScaledDecimal(),
                server_default="0",
                nullable=False,
            )
        )


def downgrade():
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_column("debited_amount")
        batch_op.drop_column("credited_amount")

    with op.batch_alter_table("payment_advices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_advices_supplier_company_id"))
        batch_op.drop_index(batch_op.f("ix_payment_advices_status"))
        batch_op.drop_index(batch_op.f("ix_payment_advices_invoice_id"))
        batch_op.drop_index(batch_op.f("ix_payment_advices_buyer_company_id"))

    op.drop_table("payment_advices")
    with op.batch_alter_table("note_allocations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_note_allocations_settlement_id"))
        batch_op.drop_index(batch_op.f("ix_note_allocations_invoice_id"))

    op.drop_table("note_allocations")
    with op.batch_alter_table("note_settlements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_note_settlements_supplier_company_id"))
        batch_op.drop_index(batch_op.f("ix_note_settlements_settled_at"))
        batch_op.drop_index(batch_op.f("ix_note_settlements_buyer_company_id"))

    op.drop_table("note_settlements")
    op.drop_table("company_bank_accounts")
