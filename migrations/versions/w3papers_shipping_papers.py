"""shipping papers fit for banks and customs: the shipment's consignee, notify party,
B/L, on-board date, marks and document language; each line's HS code and origin; the
products' origin, unit weight and packaging; each buyer's document language

Revision ID: w3papers_shipping_papers
Revises: w3lcflowletters
Create Date: 2026-12-06 10:35:00

"""
from alembic import op
import sqlalchemy as sa

import marketplace.core.types


# revision identifiers, used by Alembic.
revision = 'w3papers_shipping_papers'
down_revision = 'w3lcflowletters'
branch_labels = None
depends_on = None


def _quantity():
    return marketplace.core.types.ScaledDecimal()


def upgrade():
    op.create_table('buyer_document_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('buyer_company_id', sa.Integer(), nullable=False),
    sa.Column('document_language', sa.String(length=10), nullable=False),
    sa.Column('created_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', marketplace.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['buyer_company_id'], ['companies.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('company_id', 'buyer_company_id')
    )
    with op.batch_alter_table('buyer_document_settings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_buyer_document_settings_company_id'),
                              ['company_id'], unique=False)

    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consignee', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('notify_party', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('bill_of_lading', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('on_board_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('marks_and_numbers', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('document_language', sa.String(length=10), nullable=True))

    with op.batch_alter_table('shipment_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hs_code', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('origin_country', sa.String(length=2), nullable=True))

    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin_country', sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column('net_weight_kg', _quantity(), nullable=True))
        batch_op.add_column(sa.Column('units_per_carton', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('carton_length_cm', _quantity(), nullable=True))
        batch_op.add_column(sa.Column('carton_width_cm', _quantity(), nullable=True))
        batch_op.add_column(sa.Column('carton_height_cm', _quantity(), nullable=True))
        batch_op.add_column(sa.Column('carton_gross_weight_kg', _quantity(), nullable=True))


def downgrade():
    with op.batch_alter_table('products', schema=None) as batch_op:
        for column in ('carton_gross_weight_kg', 'carton_height_cm', 'carton_width_cm',
                       'carton_length_cm', 'units_per_carton', 'net_weight_kg',
                       'origin_country'):
            batch_op.drop_column(column)
    with op.batch_alter_table('shipment_lines', schema=None) as batch_op:
        batch_op.drop_column('origin_country')
        batch_op.drop_column('hs_code')
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        for column in ('document_language', 'marks_and_numbers', 'on_board_date',
                       'bill_of_lading', 'notify_party', 'consignee'):
            batch_op.drop_column(column)
    with op.batch_alter_table('buyer_document_settings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_buyer_document_settings_company_id'))
    op.drop_table('buyer_document_settings')
