"""document boxes at a million rows: trigram search and the unread count's index

A box search (``q``) is ``search_text LIKE '%...%'``: on PostgreSQL a pg_trgm GIN index
answers it without reading every document of the box. The unread badge (every portal
page) counts a company's unread received documents on an index of its own. SQLite keeps
the plain LIKE (no trigram index there).

Revision ID: w3lists
Revises: w3servicecases
"""

from alembic import op

revision = "w3lists"
down_revision = "w3servicecases"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_document_parties_unread", "document_parties",
                    ["company_id", "role", "archived", "read_at"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX IF NOT EXISTS ix_documents_search_text_trgm ON documents "
                   "USING gin (search_text gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_documents_search_text_trgm")
    op.drop_index("ix_document_parties_unread", table_name="document_parties")
