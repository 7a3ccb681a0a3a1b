"""Company role change requests (the operator approves a change of roles)

Revision ID: r2a1rolerequests
Revises: c3f1a9d27b55
Create Date: 2026-12-06 04:45:00

"""
from alembic import op
import sqlalchemy as sa

import marketplace.core.types


revision = 'r2a1rolerequests'
down_revision = 'c3f1a9d27b55'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('company_role_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('roles', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'declined', name='role_request_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('created_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_company_role_requests_company_id_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_company_role_requests_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_company_role_requests_requested_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_company_role_requests'))
    )
    with op.batch_alter_table('company_role_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_company_role_requests_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_company_role_requests_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('company_role_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_company_role_requests_status'))
        batch_op.drop_index(batch_op.f('ix_company_role_requests_company_id'))
    op.drop_table('company_role_requests')
