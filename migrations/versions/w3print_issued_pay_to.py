"""trading: the issuer's bank details kept when a proforma or commercial invoice is sent

``issued_pay_to``: one row per sent invoice document, the bank details (JSON, null when
the issuer had none) as they were then; its print shows these, not a later change.

Revision ID: w3printpayto
Revises: w3servicecases
"""

import sqlalchemy as sa
from alembic import op

import marketplace.core.types

revision = "w3printpayto"
down_revision = "w3servicecases"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "issued_pay_to",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.Column("taken_at", marketplace.core.types.UTCDateTime(timezone=True),
                  nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("document_id"),
    )


def downgrade():
    op.drop_table("issued_pay_to")
