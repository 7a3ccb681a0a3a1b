"""The job outbox (a job row written with its change, done once) and worker heartbeats

Revision ID: r1b2outbox
Revises: 661421174a35
Create Date: 2026-12-06 04:12:00

"""
from alembic import op
import sqlalchemy as sa

import marketplace.core.types


revision = 'r1b2outbox'
down_revision = '661421174a35'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task', sa.String(length=100), nullable=False),
    sa.Column('kwargs', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('waiting', 'running', 'done', 'failed', native_enum=False, length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('handed_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('done_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_jobs'))
    )
    with op.batch_alter_table('outbox_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_jobs_status_due', ['status', 'next_attempt_at'], unique=False)

    op.create_table('worker_heartbeats',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('beat_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_worker_heartbeats'))
    )


def downgrade():
    op.drop_table('worker_heartbeats')
    with op.batch_alter_table('outbox_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_jobs_status_due')
    op.drop_table('outbox_jobs')
