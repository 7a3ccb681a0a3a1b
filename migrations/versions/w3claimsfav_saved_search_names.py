"""saved searches: a name need not be unique

Saving a search under a name in use was refused, so the same request answered one way
or the other by what had been saved before; two searches of one name are harmless.

Revision ID: w3claimsfavnames
Revises: w3claimsfavautoinc
"""

from alembic import op

revision = "w3claimsfavnames"
down_revision = "w3claimsfavautoinc"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("saved_searches", schema=None) as batch_op:
        batch_op.drop_constraint("uq_saved_searches_user_id", type_="unique")


def downgrade():
    with op.batch_alter_table("saved_searches", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_saved_searches_user_id",
                                          ["user_id", "company_id", "name"])
