"""crm: per-segment treatment of customers, and what a derived quotation got from it

Revision ID: b5d1c3a7e920
Revises: a137187af498
Create Date: 2026-12-06 04:05:00

"""
from alembic import op
import sqlalchemy as sa

import marketplace.core.types


# revision identifiers, used by Alembic.
revision = 'b5d1c3a7e920'
down_revision = 'a137187af498'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('crm_segment_treatments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('supplier_company_id', sa.Integer(), nullable=False),
    sa.Column('segment', sa.String(length=10), nullable=False),
    sa.Column('payment_terms', sa.String(length=20), nullable=True),
    sa.Column('discount_pct', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('lead_time_days', sa.Integer(), nullable=True),
    sa.Column('response_hours', sa.Integer(), nullable=True),
    sa.Column('min_order_value', marketplace.core.types.ScaledDecimal(), nullable=True),
    sa.Column('small_order_surcharge', marketplace.core.types.ScaledDecimal(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('created_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['supplier_company_id'], ['companies.id'], name=op.f('fk_crm_segment_treatments_supplier_company_id_companies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_segment_treatments')),
    sa.UniqueConstraint('supplier_company_id', 'segment', name=op.f('uq_crm_segment_treatments_supplier_company_id'))
    )
    with op.batch_alter_table('crm_segment_treatments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crm_segment_treatments_supplier_company_id'), ['supplier_company_id'], unique=False)

    op.create_table('crm_applied_treatments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('supplier_company_id', sa.Integer(), nullable=False),
    sa.Column('segment', sa.String(length=10), nullable=False),
    sa.Column('applied', sa.JSON(), nullable=False),
    sa.Column('created_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_crm_applied_treatments_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['supplier_company_id'], ['companies.id'], name=op.f('fk_crm_applied_treatments_supplier_company_id_companies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_applied_treatments')),
    sa.UniqueConstraint('document_id', name=op.f('uq_crm_applied_treatments_document_id'))
    )
    with op.batch_alter_table('crm_applied_treatments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crm_applied_treatments_supplier_company_id'), ['supplier_company_id'], unique=False)


def downgrade():
    with op.batch_alter_table('crm_applied_treatments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crm_applied_treatments_supplier_company_id'))
    op.drop_table('crm_applied_treatments')
    with op.batch_alter_table('crm_segment_treatments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crm_segment_treatments_supplier_company_id'))
    op.drop_table('crm_segment_treatments')
