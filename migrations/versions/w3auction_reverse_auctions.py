"""sourcing: reverse auctions on an rfq's lines

An auction (``sourcing_auctions``: its times, rule, visibility, the best amount and
the end moved by soft close; its row is what every bid locks), its invited suppliers
with their standing bids (``sourcing_auction_bidders``) and every accepted bid as its
own row, the audit (``sourcing_auction_bids``).

Revision ID: w3auctionreverse
Revises: w3officemoderation
"""

import sqlalchemy as sa
from alembic import op

import marketplace.core.types

revision = "w3auctionreverse"
down_revision = "w3officemoderation"
branch_labels = None
depends_on = None


def _time(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, marketplace.core.types.UTCDateTime(timezone=True),
                     nullable=nullable)


def _money(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, marketplace.core.types.Money(), nullable=nullable)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"],
                                   name=op.f(f"fk_{table}_{column}_{target}"),
                                   ondelete=ondelete)


def upgrade():
    table = "sourcing_auctions"
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("rfq_id", sa.Integer(), nullable=False),
        sa.Column("buyer_company_id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        _time("starts_at"), _time("ends_at"), _time("scheduled_end_at"),
        _money("starting_price", nullable=False), _money("decrement_amount"),
        _money("decrement_percent"),
        sa.Column("soft_close_minutes", sa.Integer(), nullable=False),
        sa.Column("visibility", sa.String(length=10), nullable=False),
        _money("best_amount"),
        sa.Column("best_company_id", sa.Integer(), nullable=True),
        sa.Column("bid_count", sa.Integer(), nullable=False),
        sa.Column("extensions", sa.Integer(), nullable=False),
        _time("closed_at", nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        _time("created_at"), _time("updated_at"),
        _fk(table, "request_id", "sourcing_requests", "CASCADE"),
        _fk(table, "rfq_id", "documents", "CASCADE"),
        _fk(table, "buyer_company_id", "companies", "CASCADE"),
        _fk(table, "best_company_id", "companies", "SET NULL"),
        _fk(table, "created_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sourcing_auctions")),
    )
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in ("request_id", "rfq_id", "buyer_company_id", "ends_at", "closed_at"):
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)

    table = "sourcing_auction_bidders"
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("auction_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        _money("amount"), _time("bid_at", nullable=True),
        sa.Column("bids", sa.Integer(), nullable=False),
        sa.Column("quotation_id", sa.Integer(), nullable=True),
        _fk(table, "auction_id", "sourcing_auctions", "CASCADE"),
        _fk(table, "company_id", "companies", "CASCADE"),
        _fk(table, "invitation_id", "documents", "CASCADE"),
        _fk(table, "quotation_id", "documents", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sourcing_auction_bidders")),
        sa.UniqueConstraint("auction_id", "company_id",
                            name=op.f("uq_sourcing_auction_bidders_auction_id")),
    )
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in ("auction_id", "company_id"):
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)

    table = "sourcing_auction_bids"
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("auction_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("via", sa.String(length=20), nullable=False),
        _money("amount", nullable=False), _money("previous_best"),
        _time("placed_at"), _time("extended_to", nullable=True),
        _fk(table, "auction_id", "sourcing_auctions", "CASCADE"),
        _fk(table, "company_id", "companies", "CASCADE"),
        _fk(table, "user_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sourcing_auction_bids")),
    )
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in ("auction_id", "company_id"):
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def downgrade():
    op.drop_table("sourcing_auction_bids")
    op.drop_table("sourcing_auction_bidders")
    op.drop_table("sourcing_auctions")
