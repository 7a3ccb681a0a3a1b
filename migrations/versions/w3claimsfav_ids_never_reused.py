"""favourites: ids never reused on SQLite (AUTOINCREMENT)

SQLite hands a deleted row's id to the next insert when it was the highest: a favourite
or saved search deleted and another created would answer at the old address, as if the
deleted one were back. PostgreSQL's sequences never go back; nothing changes there.

Revision ID: w3claimsfavautoinc
Revises: w3claimsfavfavourites
"""

from alembic import op

revision = "w3claimsfavautoinc"
down_revision = "w3claimsfavfavourites"
branch_labels = None
depends_on = None

TABLES = ("favourites", "saved_searches", "saved_search_hits")


def _recreate(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(table, recreate="always",
                                  table_kwargs={"sqlite_autoincrement": autoincrement}):
            pass


def upgrade():
    _recreate(True)


def downgrade():
    _recreate(False)
