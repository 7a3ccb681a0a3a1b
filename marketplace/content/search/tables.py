"""The PostgreSQL search backend's tables (``postgres_backend``): one row per public
product and per active company, holding its words as a ``tsvector``, and the words of
the names (the source of spelling suggestions, matched by trigram similarity).

The rows are written in the same transaction as the change they follow (``receivers``,
before commit), so a search sees a product exactly when its transaction commits.

On SQLite the tables exist but stay empty (Whoosh is the search there); the GIN and
trigram indexes and the ``pg_trgm`` extension are PostgreSQL's only.
"""

from __future__ import annotations

from sqlalchemy import DDL, BigInteger, ForeignKey, Index, Integer, String, Text, event
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import cast
from sqlalchemy.types import TypeDecorator

from marketplace.extensions import db


class SearchVector(TypeDecorator):
    """A ``tsvector`` on PostgreSQL, written as its text form ('bolt':1A 'steel':2A,7D);
    plain text elsewhere (never written there)."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(TSVECTOR())
        return dialect.type_descriptor(Text())

    def bind_expression(self, bindvalue):
        return cast(bindvalue, TSVECTOR)


# The GIN indexes' storage parameters (PostgreSQL). A GIN index keeps new rows' entries
# in a pending list until it reaches ``gin_pending_list_limit`` (4 MB by default), and
# every search of the index reads that list whole: 488 pages of product updates made
# "bolts" at 1M products take 164 ms instead of 82 until the list was flushed. A quarter
# megabyte keeps the writes batched and a search's extra read small (migration w8gin).
# The document boxes' trigram indexes keep the default: 259 pending pages moved a box
# search by ~3 ms at 1M documents, and a short list made their writes 40% slower.
GIN_STORAGE = {"gin_pending_list_limit": 256}


class ProductSearchRow(db.Model):
    """A published product of an active company, as search sees it. The company's
    status and country are read from ``companies`` at search time (a suspension or a
    move shows at once, for all its products)."""

    __tablename__ = "search_products"
    __table_args__ = (
        Index("ix_search_products_vector", "vector", postgresql_using="gin",
              postgresql_with=GIN_STORAGE),
        Index("ix_search_products_sku", "sku_key", postgresql_ops={"sku_key": "text_pattern_ops"}),
        Index("ix_search_products_sku_trgm", "sku_key", postgresql_using="gin",
              postgresql_ops={"sku_key": "gin_trgm_ops"}, postgresql_with=GIN_STORAGE),
        # A price range among some companies' rows (a country's suppliers): each
        # company's rows in the range, not all its rows filtered (at 1M, 100,000 rows
        # read for 350 hits). Serves company_id alone as its own index did.
        Index("ix_search_products_company_price", "company_id", "price"),
    )

    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    company_id: Mapped[int] = mapped_column(Integer)
    category_id: Mapped[int | None] = mapped_column(Integer)
    sku_key: Mapped[str] = mapped_column(String(100))  # lower-cased
    currency: Mapped[str | None] = mapped_column(String(3))
    price: Mapped[int | None] = mapped_column(BigInteger)  # lowest tier, 1/10000 units
    published: Mapped[int | None] = mapped_column(BigInteger)  # epoch seconds
    vector: Mapped[str] = mapped_column(SearchVector())


class CompanySearchRow(db.Model):
    """An active company as search sees it (its status, country and roles are read
    from ``companies`` at search time)."""

    __tablename__ = "search_companies"
    __table_args__ = (Index("ix_search_companies_vector", "vector", postgresql_using="gin",
                            postgresql_with=GIN_STORAGE),)

    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    category_ids: Mapped[str] = mapped_column(String(500), default="")  # ",1,5,"
    category_path: Mapped[str] = mapped_column(Text, default="")  # ",hardware,hardware.x,"
    vector: Mapped[str] = mapped_column(SearchVector())


class SearchWord(db.Model):
    """A word of the names (lower-cased, unstemmed), per kind: spelling suggestions are
    the closest of these (pg_trgm). Words are only added; a word no longer used is
    harmless (a suggestion is offered only when it finds more)."""

    __tablename__ = "search_words"
    __table_args__ = (Index("ix_search_words_trgm", "word", postgresql_using="gin",
                            postgresql_ops={"word": "gin_trgm_ops"},
                            postgresql_with=GIN_STORAGE),)

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    word: Mapped[str] = mapped_column(String(100), primary_key=True)


# create_all (the tests, a fresh instance) makes the trigram indexes: the extension first.
event.listen(db.metadata, "before_create",
             DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"))
