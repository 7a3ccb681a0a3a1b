"""crm: trade speed facts read from covering indexes by company and period; by thread

Revision ID: c3f1a9d27b55
Revises: r1b2outbox
Create Date: 2026-12-06 04:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c3f1a9d27b55'
down_revision = 'r1b2outbox'
branch_labels = None
depends_on = None

INCLUDED = ['measure', 'month', 'value', 'supplier_member_id', 'buyer_member_id']


def upgrade():
    with op.batch_alter_table('crm_response_facts', schema=None) as batch_op:
        batch_op.drop_index('ix_crm_response_facts_supplier')
        batch_op.drop_index('ix_crm_response_facts_buyer')
        batch_op.create_index('ix_crm_response_facts_supplier_period',
                              ['supplier_company_id', 'started_at'], unique=False,
                              postgresql_include=INCLUDED)
        batch_op.create_index('ix_crm_response_facts_buyer_period',
                              ['buyer_company_id', 'started_at'], unique=False,
                              postgresql_include=INCLUDED)
        batch_op.create_index('ix_crm_response_facts_thread', ['thread_id'], unique=False)


def downgrade():
    with op.batch_alter_table('crm_response_facts', schema=None) as batch_op:
        batch_op.drop_index('ix_crm_response_facts_thread')
        batch_op.drop_index('ix_crm_response_facts_buyer_period')
        batch_op.drop_index('ix_crm_response_facts_supplier_period')
        batch_op.create_index('ix_crm_response_facts_buyer',
                              ['buyer_company_id', 'measure', 'started_at'], unique=False)
        batch_op.create_index('ix_crm_response_facts_supplier',
                              ['supplier_company_id', 'measure', 'started_at'], unique=False)
