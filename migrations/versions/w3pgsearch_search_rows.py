"""search: PostgreSQL full-text search rows (issue 16.4)

``search_products`` / ``search_companies``: one row per public product and active
company, its words as a ``tsvector`` (GIN index), a product's lower-cased SKU (a
text_pattern_ops index for prefixes, a pg_trgm GIN index); ``search_words``: the
names' words for spelling suggestions (pg_trgm GIN index). The ``pg_trgm`` extension
and the GIN / operator-class indexes are PostgreSQL's; on SQLite (Whoosh searches
there) the tables are created empty, with plain indexes, so the schema is the models'.
Fill them with ``flask reindex`` after upgrading a PostgreSQL database that has products.

Revision ID: w3pgsearch
Revises: w3billing
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "w3pgsearch"
down_revision = "w3billing"
branch_labels = None
depends_on = None


def _vector():
    return sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "search_products",
        sa.Column("product_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("sku_key", sa.String(length=100), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("price", sa.BigInteger(), nullable=True),
        sa.Column("published", sa.BigInteger(), nullable=True),
        sa.Column("vector", _vector(), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"],
                                name=op.f("fk_search_products_product_id_products"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("product_id", name=op.f("pk_search_products")),
    )
    op.create_index(op.f("ix_search_products_company_id"), "search_products", ["company_id"])
    op.create_index("ix_search_products_vector", "search_products", ["vector"],
                    postgresql_using="gin")
    op.create_index("ix_search_products_sku", "search_products", ["sku_key"],
                    postgresql_ops={"sku_key": "text_pattern_ops"})
    op.create_index("ix_search_products_sku_trgm", "search_products", ["sku_key"],
                    postgresql_using="gin", postgresql_ops={"sku_key": "gin_trgm_ops"})
    op.create_table(
        "search_companies",
        sa.Column("company_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("category_ids", sa.String(length=500), nullable=False),
        sa.Column("category_path", sa.Text(), nullable=False),
        sa.Column("vector", _vector(), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"],
                                name=op.f("fk_search_companies_company_id_companies"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("company_id", name=op.f("pk_search_companies")),
    )
    op.create_index("ix_search_companies_vector", "search_companies", ["vector"],
                    postgresql_using="gin")
    op.create_table(
        "search_words",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("word", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("kind", "word", name=op.f("pk_search_words")),
    )
    op.create_index("ix_search_words_trgm", "search_words", ["word"], postgresql_using="gin",
                    postgresql_ops={"word": "gin_trgm_ops"})


def downgrade():
    op.drop_index("ix_search_words_trgm", table_name="search_words")
    op.drop_table("search_words")
    op.drop_index("ix_search_companies_vector", table_name="search_companies")
    op.drop_table("search_companies")
    op.drop_index("ix_search_products_sku_trgm", table_name="search_products")
    op.drop_index("ix_search_products_sku", table_name="search_products")
    op.drop_index("ix_search_products_vector", table_name="search_products")
    op.drop_index(op.f("ix_search_products_company_id"), table_name="search_products")
    op.drop_table("search_products")
