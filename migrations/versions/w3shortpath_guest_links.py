"""trading: guest links (a quotation opened by an address-book contact without an
account), and the history's name of a guest who acted

``guest_links``: one document, one contact, the SHA-256 of a random token, expiry,
revocation, first view and acceptance. ``document_events.actor_name``: who acted when
no member did (the guest, by name and address).

Revision ID: w3shortpathguest
Revises: w3moneynotes
"""

import sqlalchemy as sa
from alembic import op

import marketplace.core.types

revision = "w3shortpathguest"
down_revision = "w3moneynotes"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, marketplace.core.types.UTCDateTime(timezone=True), nullable=nullable)


def upgrade():
    op.create_table(
        "guest_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        _when("expires_at", nullable=False),
        _when("revoked_at"),
        _when("first_viewed_at"),
        _when("accepted_at"),
        sa.Column("company_id", sa.Integer(), nullable=False),
        _when("created_at", nullable=False),
        _when("updated_at", nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"],
                                name=op.f("fk_guest_links_company_id_companies"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"],
                                name=op.f("fk_guest_links_contact_id_contacts"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_guest_links_created_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name=op.f("fk_guest_links_document_id_documents"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guest_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_guest_links_token_hash")),
    )
    with op.batch_alter_table("guest_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_guest_links_company_id"), ["company_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_guest_links_contact_id"), ["contact_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_guest_links_document_id"), ["document_id"],
                              unique=False)
    with op.batch_alter_table("document_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor_name", sa.String(length=300), nullable=True))


def downgrade():
    with op.batch_alter_table("document_events", schema=None) as batch_op:
        batch_op.drop_column("actor_name")
    with op.batch_alter_table("guest_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guest_links_document_id"))
        batch_op.drop_index(batch_op.f("ix_guest_links_contact_id"))
        batch_op.drop_index(batch_op.f("ix_guest_links_company_id"))
    op.drop_table("guest_links")
