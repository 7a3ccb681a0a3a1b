"""document boxes at a million rows: the box search on SQLite through FTS5

A box search (``q``) is a substring search of ``documents.search_text``. PostgreSQL
answers it through its trigram GIN indexes (w3lists); SQLite read every document of the
box with ``LIKE '%...%'`` (3.7 s at 100k documents in a box). Here SQLite gets an FTS5
table with the trigram tokenizer over the same column (external content: the text stays
in ``documents``), kept in step by triggers whatever writes a document, and filled with
the documents already there. The statements are the models' (workflow/models.py), copied
so this migration stays as it is when they change.

Revision ID: w4lists
Revises: w3lists
"""

from alembic import op

revision = "w4lists"
down_revision = "w3lists"
branch_labels = None
depends_on = None

UPGRADE = (
    "CREATE VIRTUAL TABLE documents_search USING fts5(search_text, "
    "content='documents', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER documents_search_insert AFTER INSERT ON documents BEGIN "
    "INSERT INTO documents_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER documents_search_delete AFTER DELETE ON documents BEGIN "
    "INSERT INTO documents_search(documents_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER documents_search_update AFTER UPDATE OF search_text ON documents "
    "BEGIN INSERT INTO documents_search(documents_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO documents_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO documents_search(documents_search) VALUES ('rebuild')",
)


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        for statement in UPGRADE:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS documents_search_{trigger}")
        op.execute("DROP TABLE IF EXISTS documents_search")
