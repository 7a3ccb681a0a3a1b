"""favourites: starred products and suppliers, saved searches and their matches

Per member (user and company): ``favourites`` (a product or a supplier),
``saved_searches`` (words, filters, alerts on or off) and ``saved_search_hits`` (each
product reported to a saved search once, and whether it went out in a digest).

Revision ID: w3claimsfavfavourites
Revises: w3shortpathguest
"""

import sqlalchemy as sa
from alembic import op

import marketplace.core.types

revision = "w3claimsfavfavourites"
down_revision = "w3shortpathguest"
branch_labels = None
depends_on = None

UTC = marketplace.core.types.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        "favourites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("supplier_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["supplier_id"], ["companies.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "company_id", "product_id",
                            name="uq_favourites_product"),
        sa.UniqueConstraint("user_id", "company_id", "supplier_id",
                            name="uq_favourites_supplier"),
    )
    with op.batch_alter_table("favourites", schema=None) as batch_op:
        for column in ("company_id", "product_id", "supplier_id", "user_id"):
            batch_op.create_index(batch_op.f(f"ix_favourites_{column}"), [column],
                                  unique=False)
    op.create_table(
        "saved_searches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("query", sa.String(length=200), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("alerts", sa.Boolean(), nullable=False),
        sa.Column("last_run_at", UTC, nullable=True),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "company_id", "name"),
    )
    with op.batch_alter_table("saved_searches", schema=None) as batch_op:
        for column in ("company_id", "user_id"):
            batch_op.create_index(batch_op.f(f"ix_saved_searches_{column}"), [column],
                                  unique=False)
    op.create_table(
        "saved_search_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("saved_search_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("found_at", UTC, nullable=False),
        sa.Column("digested_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["saved_search_id"], ["saved_searches.id"],
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("saved_search_id", "product_id"),
    )
    with op.batch_alter_table("saved_search_hits", schema=None) as batch_op:
        for column in ("digested_at", "product_id", "saved_search_id"):
            batch_op.create_index(batch_op.f(f"ix_saved_search_hits_{column}"), [column],
                                  unique=False)


def downgrade():
    op.drop_table("saved_search_hits")
    op.drop_table("saved_searches")
    op.drop_table("favourites")
