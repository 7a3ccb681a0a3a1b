"""buying requests: public buying requests and category subscriptions

A buyer's public request (``buying_requests``: title, category, quantity, target price,
destination, closing time, status, the rfq its answers are bids of) and the categories
a supplier listens to (``buying_request_subscriptions``, one row per company and
category).

Revision ID: w3buyreq
Revises: w3auctionreverse
"""

import sqlalchemy as sa
from alembic import op

import marketplace.core.types

revision = "w3buyreq"
down_revision = "w3auctionreverse"
branch_labels = None
depends_on = None


def _stamp():
    return [sa.Column("created_at", marketplace.core.types.UTCDateTime(timezone=True),
                      nullable=False),
            sa.Column("updated_at", marketplace.core.types.UTCDateTime(timezone=True),
                      nullable=False)]


def upgrade():
    op.create_table(
        "buying_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("quantity", marketplace.core.types.ScaledDecimal(precision=18, scale=4),
                  nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("target_price", marketplace.core.types.ScaledDecimal(precision=18, scale=4),
                  nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("destination_country", sa.String(length=2), nullable=False),
        sa.Column("closes_at", marketplace.core.types.UTCDateTime(timezone=True),
                  nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("published_at", marketplace.core.types.UTCDateTime(timezone=True),
                  nullable=True),
        sa.Column("closed_at", marketplace.core.types.UTCDateTime(timezone=True),
                  nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("rfq_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        *_stamp(),
        sa.ForeignKeyConstraint(["category_id"], ["categories.id"],
                                name=op.f("fk_buying_requests_category_id_categories"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"],
                                name=op.f("fk_buying_requests_company_id_companies"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_buying_requests_created_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["rfq_id"], ["documents.id"],
                                name=op.f("fk_buying_requests_rfq_id_documents"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_buying_requests")),
        sa.UniqueConstraint("rfq_id", name=op.f("uq_buying_requests_rfq_id")),
    )
    with op.batch_alter_table("buying_requests", schema=None) as batch_op:
        for column in ("company_id", "category_id", "closes_at", "status"):
            batch_op.create_index(batch_op.f(f"ix_buying_requests_{column}"), [column],
                                  unique=False)
    op.create_table(
        "buying_request_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        *_stamp(),
        sa.ForeignKeyConstraint(
            ["category_id"], ["categories.id"],
            name=op.f("fk_buying_request_subscriptions_category_id_categories"),
            ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"],
            name=op.f("fk_buying_request_subscriptions_company_id_companies"),
            ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_buying_request_subscriptions")),
        sa.UniqueConstraint("company_id", "category_id",
                            name=op.f("uq_buying_request_subscriptions_company_id")),
    )
    with op.batch_alter_table("buying_request_subscriptions", schema=None) as batch_op:
        for column in ("company_id", "category_id"):
            batch_op.create_index(batch_op.f(f"ix_buying_request_subscriptions_{column}"),
                                  [column], unique=False)


def downgrade():
    op.drop_table("buying_request_subscriptions")
    op.drop_table("buying_requests")
