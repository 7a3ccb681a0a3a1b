"""supplier link: a claim's comment and photos

The buyer's claim on a discrepancy was one click with nothing attached; it now carries
the buyer's words (``claim_comment``) and photos (content's stored images, listed per
discrepancy in ``supplier_link_claim_photos``), seen by the two parties only.

Revision ID: w3claimsfavphotos
Revises: r3b1responsemonths
"""

import sqlalchemy as sa
from alembic import op

import marketplace.core.types

revision = "w3claimsfavphotos"
down_revision = "r3b1responsemonths"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("supplier_link_discrepancies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claim_comment", sa.Text(), nullable=True))
    op.create_table(
        "supplier_link_claim_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("discrepancy_id", sa.Integer(), nullable=False),
        sa.Column("media_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", marketplace.core.types.UTCDateTime(timezone=True),
                  nullable=False),
        sa.ForeignKeyConstraint(["discrepancy_id"], ["supplier_link_discrepancies.id"],
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["media_id"], ["media_files.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("supplier_link_claim_photos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supplier_link_claim_photos_discrepancy_id"),
                              ["discrepancy_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_supplier_link_claim_photos_media_id"),
                              ["media_id"], unique=False)


def downgrade():
    op.drop_table("supplier_link_claim_photos")
    with op.batch_alter_table("supplier_link_discrepancies", schema=None) as batch_op:
        batch_op.drop_column("claim_comment")
