"""moderation: a hidden flag on products, members' reports of products and bulletins

``products.hidden_at`` / ``hidden_reason`` (content's, like the bulletins' own): the
operator took the product out of search, lists and its page for everyone but its owner.
``content_reports`` (the back office's): a member's report of a product or a bulletin,
its reason and text, and the operator's decision.

Revision ID: w3officemoderation
Revises: w3claimsfavnames
"""

import sqlalchemy as sa
from alembic import op

import marketplace.core.types

revision = "w3officemoderation"
down_revision = "w3claimsfavnames"
branch_labels = None
depends_on = None

UTC = marketplace.core.types.UTCDateTime(timezone=True)


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=20)


def upgrade():
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hidden_at", UTC, nullable=True))
        batch_op.add_column(sa.Column("hidden_reason", sa.String(length=300), nullable=True))
    op.create_table(
        "content_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("object_type", _enum("report_kind", "product", "bulletin"), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("owner_company_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("reason", _enum("report_reason", "counterfeit", "prohibited", "misleading",
                                  "other"), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("reporter_user_id", sa.Integer(), nullable=True),
        sa.Column("reporter_company_id", sa.Integer(), nullable=True),
        sa.Column("status", _enum("report_status", "open", "hidden", "dismissed"),
                  nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("decided_at", UTC, nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decision_note", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["owner_company_id"], ["companies.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["reporter_user_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["reporter_company_id"], ["companies.id"],
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("content_reports", schema=None) as batch_op:
        batch_op.create_index("ix_content_reports_object", ["object_type", "object_id"],
                              unique=False)
        for column in ("owner_company_id", "reporter_user_id", "reporter_company_id",
                       "status"):
            batch_op.create_index(batch_op.f(f"ix_content_reports_{column}"), [column],
                                  unique=False)


def downgrade():
    op.drop_table("content_reports")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_column("hidden_reason")
        batch_op.drop_column("hidden_at")
