"""billing: plans, subscriptions, Stripe events applied, usage counters, membership invoices

The plans a marketplace starts with are seeded (Free, Standard, Premium: the operator
edits them in the back office); a company without a subscription row is on Free.

Revision ID: w3billing
Revises: w3buyreq
"""

from decimal import Decimal

import sqlalchemy as sa
from alembic import op

import marketplace.core.types

revision = "w3billing"
down_revision = "w3buyreq"
branch_labels = None
depends_on = None



def upgrade():
    plans = op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(30), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("name_zh", sa.String(80), nullable=True),
        sa.Column("monthly_price", marketplace.core.types.ScaledDecimal(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("stripe_price_id", sa.String(255), nullable=True),
        sa.Column("max_products", sa.Integer(), nullable=True),
        sa.Column("max_members", sa.Integer(), nullable=True),
        sa.Column("max_buying_request_answers", sa.Integer(), nullable=True),
        sa.Column("max_analytics_views", sa.Integer(), nullable=True),
        sa.Column("max_api_calls", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", marketplace.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", marketplace.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.Enum("free", "active", "past_due", "cancelled",
                                    name="subscription_status", native_enum=False,
                                    create_constraint=True, length=20), nullable=False),
        sa.Column("stripe_customer_id", sa.String(255), nullable=True),
        sa.Column("stripe_subscription_id", sa.String(255), nullable=True),
        sa.Column("pending_plan_id", sa.Integer(), nullable=True),
        sa.Column("checkout_session_id", sa.String(255), nullable=True),
        sa.Column("current_period_end", marketplace.core.types.UTCDateTime(timezone=True),
                  nullable=True),
        sa.Column("cancel_at_period_end", sa.Boolean(), nullable=False),
        sa.Column("past_due_since", marketplace.core.types.UTCDateTime(timezone=True),
                  nullable=True),
        sa.Column("grace_until", marketplace.core.types.UTCDateTime(timezone=True),
                  nullable=True),
        sa.Column("cancelled_at", marketplace.core.types.UTCDateTime(timezone=True),
                  nullable=True),
        sa.Column("last_event_at", marketplace.core.types.UTCDateTime(timezone=True),
                  nullable=True),
        sa.Column("created_at", marketplace.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", marketplace.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["pending_plan_id"], ["plans.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("company_id", name="uq_subscriptions_company"),
        sa.UniqueConstraint("stripe_customer_id"),
    )
    op.create_index("ix_subscriptions_company_id", "subscriptions", ["company_id"])
    op.create_index("ix_subscriptions_stripe_subscription_id", "subscriptions",
                    ["stripe_subscription_id"])
    op.create_table(
        "billing_stripe_events",
        sa.Column("event_id", sa.String(255), nullable=False),
        sa.Column("type", sa.String(100), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("received_at", marketplace.core.types.UTCDateTime(timezone=True),
                  nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_index("ix_billing_stripe_events_company_id", "billing_stripe_events",
                    ["company_id"])
    op.create_table(
        "usage_counters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("company_id", "kind", "period", name="uq_usage_counters_period"),
    )
    op.create_index("ix_usage_counters_company_id", "usage_counters", ["company_id"])
    op.create_table(
        "membership_invoices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(20), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("plan_name", sa.String(80), nullable=False),
        sa.Column("amount", marketplace.core.types.ScaledDecimal(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("issued_at", marketplace.core.types.UTCDateTime(timezone=True),
                  nullable=False),
        sa.Column("stripe_invoice_id", sa.String(255), nullable=True),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
        sa.UniqueConstraint("stripe_invoice_id"),
    )
    op.create_index("ix_membership_invoices_company_id", "membership_invoices",
                    ["company_id"])
    from datetime import UTC, datetime

    stamp = datetime.now(UTC)
    base = {"currency": "USD", "stripe_price_id": None, "active": True, "created_at": stamp,
            "updated_at": stamp, "version": 1}
    op.bulk_insert(plans, [
        {**base, "code": "free", "name": "Free", "name_zh": "免費方案",
         "monthly_price": Decimal("0"), "max_products": 10, "max_members": 3,
         "max_buying_request_answers": 5, "max_analytics_views": 30, "max_api_calls": 1000,
         "position": 0},
        {**base, "code": "standard", "name": "Standard", "name_zh": "標準方案",
         "monthly_price": Decimal("49.00"), "max_products": 100, "max_members": 10,
         "max_buying_request_answers": 50, "max_analytics_views": 500,
         "max_api_calls": 10000, "position": 1},
        {**base, "code": "premium", "name": "Premium", "name_zh": "進階方案",
         "monthly_price": Decimal("199.00"), "max_products": None, "max_members": 50,
         "max_buying_request_answers": None, "max_analytics_views": None,
         "max_api_calls": 100000, "position": 2},
    ])


def downgrade():
    op.drop_table("membership_invoices")
    op.drop_table("usage_counters")
    op.drop_table("billing_stripe_events")
    op.drop_table("subscriptions")
    op.drop_table("plans")
