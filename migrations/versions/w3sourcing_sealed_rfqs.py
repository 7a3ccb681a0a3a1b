"""sourcing: sealed requests for quotation and their awards

A sent rfq gets a row of sourcing's (``sourcing_requests``): its closing time (sealed
until then) and when its bids were opened; each awarded line a row of
``sourcing_awards`` (one per line of the rfq: the unique constraint refuses a second
award of a line, even at the same instant).

Revision ID: w3sourcingrfqs
Revises: w3claimsfavphotos
"""

import sqlalchemy as sa
from alembic import op

import marketplace.core.types

revision = "w3sourcingrfqs"
down_revision = "w3claimsfavphotos"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sourcing_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rfq_id", sa.Integer(), nullable=False),
        sa.Column("buyer_company_id", sa.Integer(), nullable=False),
        sa.Column("closes_at", marketplace.core.types.UTCDateTime(timezone=True),
                  nullable=True),
        sa.Column("opened_at", marketplace.core.types.UTCDateTime(timezone=True),
                  nullable=True),
        sa.Column("disclosed", sa.Boolean(), nullable=False),
        sa.Column("created_at", marketplace.core.types.UTCDateTime(timezone=True),
                  nullable=False),
        sa.Column("updated_at", marketplace.core.types.UTCDateTime(timezone=True),
                  nullable=False),
        sa.ForeignKeyConstraint(["buyer_company_id"], ["companies.id"],
                                name=op.f("fk_sourcing_requests_buyer_company_id_companies"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["rfq_id"], ["documents.id"],
                                name=op.f("fk_sourcing_requests_rfq_id_documents"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sourcing_requests")),
        sa.UniqueConstraint("rfq_id", name=op.f("uq_sourcing_requests_rfq_id")),
    )
    with op.batch_alter_table("sourcing_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sourcing_requests_buyer_company_id"),
                              ["buyer_company_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sourcing_requests_closes_at"), ["closes_at"],
                              unique=False)
    op.create_table(
        "sourcing_awards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("rfq_line_id", sa.Integer(), nullable=False),
        sa.Column("quotation_id", sa.Integer(), nullable=False),
        sa.Column("quotation_line_id", sa.Integer(), nullable=True),
        sa.Column("supplier_company_id", sa.Integer(), nullable=False),
        sa.Column("purchase_order_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("awarded_by_id", sa.Integer(), nullable=True),
        sa.Column("awarded_at", marketplace.core.types.UTCDateTime(timezone=True),
                  nullable=False),
        sa.ForeignKeyConstraint(["awarded_by_id"], ["users.id"],
                                name=op.f("fk_sourcing_awards_awarded_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["purchase_order_id"], ["documents.id"],
                                name=op.f("fk_sourcing_awards_purchase_order_id_documents"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["quotation_id"], ["documents.id"],
                                name=op.f("fk_sourcing_awards_quotation_id_documents"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["quotation_line_id"], ["document_lines.id"],
                                name=op.f("fk_sourcing_awards_quotation_line_id_document_lines"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["request_id"], ["sourcing_requests.id"],
                                name=op.f("fk_sourcing_awards_request_id_sourcing_requests"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["rfq_line_id"], ["document_lines.id"],
                                name=op.f("fk_sourcing_awards_rfq_line_id_document_lines"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["supplier_company_id"], ["companies.id"],
                                name=op.f("fk_sourcing_awards_supplier_company_id_companies"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sourcing_awards")),
        sa.UniqueConstraint("rfq_line_id", name=op.f("uq_sourcing_awards_rfq_line_id")),
    )
    with op.batch_alter_table("sourcing_awards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sourcing_awards_quotation_id"), ["quotation_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_sourcing_awards_request_id"), ["request_id"],
                              unique=False)


def downgrade():
    op.drop_table("sourcing_awards")
    op.drop_table("sourcing_requests")
