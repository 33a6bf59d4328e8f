"""Contracts and payments: reversal links, contractual discount and correction index.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 12:09:08.788454
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.add_column(sa.Column('punctuality_discount_bp', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('correction_index', sa.String(length=20), server_default='none', nullable=False))

    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reversed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reversal_code', sa.String(length=30), server_default='', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_payment_reversed_by_id_payment'), 'payment', ['reversed_by_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_payment_reversed_by_id_payment'), type_='foreignkey')
        batch_op.drop_column('reversal_code')
        batch_op.drop_column('reversed_by_id')

    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_column('correction_index')
        batch_op.drop_column('punctuality_discount_bp')
