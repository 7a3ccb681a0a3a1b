"""search rows: their GIN indexes keep a short pending list (issue 16.5)

A GIN index keeps the entries of new and changed rows in a pending list until it reaches
``gin_pending_list_limit`` (4 MB by default), and every search of the index reads that
list whole. After 8,000 product updates (488 pending pages) "bolts" at 1M products took
164 ms instead of 82 until the list was flushed; autovacuum flushes it only after a tenth
of the table has changed. 256 kB keeps the writes batched and the extra read a few
milliseconds. The document boxes' trigram indexes keep the default (a box search moved
by ~3 ms with 259 pending pages; their writes were 40% slower with a short list). The
indexes are those ``content.search.tables`` gives ``GIN_STORAGE``, named here so that
this migration stays as it is when the models change.

Revision ID: w8gin
Revises: w7pg
"""

from alembic import op

revision = "w8gin"
down_revision = "w7pg"
branch_labels = None
depends_on = None

INDEXES = ("ix_search_products_vector", "ix_search_products_sku_trgm",
           "ix_search_companies_vector", "ix_search_words_trgm")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        for index in INDEXES:
            op.execute(f"ALTER INDEX {index} SET (gin_pending_list_limit = 256)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for index in INDEXES:
            op.execute(f"ALTER INDEX {index} RESET (gin_pending_list_limit)")
