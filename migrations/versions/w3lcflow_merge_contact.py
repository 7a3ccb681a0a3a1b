"""merge: contact's conversations and the letters of credit / shipping papers line

Both were written on top of w3sourcingrfqs at the same time; this joins the two heads
so that upgrading reaches one. No schema change.

Revision ID: w3lcflowmerge
Revises: w3contact_conversations, w3papers_shipping_papers
"""

revision = "w3lcflowmerge"
down_revision = ("w3contact_conversations", "w3papers_shipping_papers")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
