"""Conferência do caixa: the cash counted at the desk on a day against what EmDia expected.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 04:00:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'cash_count',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('expected_cents', sa.BigInteger(), nullable=False),
        sa.Column('counted_cents', sa.BigInteger(), nullable=False),
        sa.Column('note', sa.String(length=300), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['app_user.id'], name=op.f('fk_cash_count_user_id_app_user')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cash_count')),
    )
    with op.batch_alter_table('cash_count', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cash_count_day'), ['day'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('cash_count', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cash_count_day'))
    op.drop_table('cash_count')
