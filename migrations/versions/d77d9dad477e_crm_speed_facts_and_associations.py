"""crm: trade speed facts (response times) and product associations (often ordered together)

Revision ID: d77d9dad477e
Revises: b5d1c3a7e920
Create Date: 2026-12-06 03:54:49.843458

"""
from alembic import op
import sqlalchemy as sa

import marketplace.core.types


# revision identifiers, used by Alembic.
revision = 'd77d9dad477e'
down_revision = 'b5d1c3a7e920'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('crm_response_facts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('measure', sa.String(length=30), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=True),
    sa.Column('supplier_company_id', sa.Integer(), nullable=False),
    sa.Column('buyer_company_id', sa.Integer(), nullable=False),
    sa.Column('supplier_member_id', sa.Integer(), nullable=True),
    sa.Column('buyer_member_id', sa.Integer(), nullable=True),
    sa.Column('started_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['buyer_company_id'], ['companies.id'], name=op.f('fk_crm_response_facts_buyer_company_id_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['buyer_member_id'], ['users.id'], name=op.f('fk_crm_response_facts_buyer_member_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_crm_response_facts_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['supplier_company_id'], ['companies.id'], name=op.f('fk_crm_response_facts_supplier_company_id_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['supplier_member_id'], ['users.id'], name=op.f('fk_crm_response_facts_supplier_member_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_response_facts')),
    sa.UniqueConstraint('measure', 'document_id', name=op.f('uq_crm_response_facts_measure'))
    )
    with op.batch_alter_table('crm_response_facts', schema=None) as batch_op:
        batch_op.create_index('ix_crm_response_facts_buyer', ['buyer_company_id', 'measure', 'started_at'], unique=False)
        batch_op.create_index('ix_crm_response_facts_platform', ['measure', 'started_at'], unique=False)
        batch_op.create_index('ix_crm_response_facts_supplier', ['supplier_company_id', 'measure', 'started_at'], unique=False)

    op.create_table('crm_product_associations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('supplier_company_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('other_product_id', sa.Integer(), nullable=False),
    sa.Column('orders_together', sa.Integer(), nullable=False),
    sa.Column('support', sa.Float(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('lift', sa.Float(), nullable=False),
    sa.Column('computed_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['other_product_id'], ['products.id'], name=op.f('fk_crm_product_associations_other_product_id_products'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_crm_product_associations_product_id_products'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['supplier_company_id'], ['companies.id'], name=op.f('fk_crm_product_associations_supplier_company_id_companies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_product_associations')),
    sa.UniqueConstraint('product_id', 'other_product_id', name=op.f('uq_crm_product_associations_product_id'))
    )
    with op.batch_alter_table('crm_product_associations', schema=None) as batch_op:
        batch_op.create_index('ix_crm_product_associations_supplier', ['supplier_company_id'], unique=False)



def downgrade():
    with op.batch_alter_table('crm_product_associations', schema=None) as batch_op:
        batch_op.drop_index('ix_crm_product_associations_supplier')

    op.drop_table('crm_product_associations')
    with op.batch_alter_table('crm_response_facts', schema=None) as batch_op:
        batch_op.drop_index('ix_crm_response_facts_supplier')
        batch_op.drop_index('ix_crm_response_facts_platform')
        batch_op.drop_index('ix_crm_response_facts_buyer')

    op.drop_table('crm_response_facts')
