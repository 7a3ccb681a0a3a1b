"""crm: the response-time snapshot (per company, side, month, member and measure)

The response-time view read every fact of the company's period and sorted them in SQL
on each request (p95 over 1 s at 100k orders); it now reads these rows, written when
the facts are refreshed.

Revision ID: r3b1responsemonths
Revises: r2a1rolerequests
"""

import sqlalchemy as sa
from alembic import op

revision = "r3b1responsemonths"
down_revision = "r2a1rolerequests"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "crm_response_months",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=10), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("measure", sa.String(length=30), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_crm_response_months_company", "crm_response_months",
                    ["company_id", "side", "month"])


def downgrade():
    op.drop_index("ix_crm_response_months_company", table_name="crm_response_months")
    op.drop_table("crm_response_months")
