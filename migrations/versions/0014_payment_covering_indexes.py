"""Payments of a period and their allocations read from indexes alone: the payment's date index
also holds whether it still counts (neither an estorno nor reversed), and the allocations'
index by payment also holds the installment and the money (Início's money recovered this
month, the caixa and the receipts read thousands of them).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 15:00:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op


revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MONEY = [
    'payment_id', 'installment_id', 'principal_cents', 'fine_cents', 'interest_cents',
    'correction_cents', 'discount_cents',
]


def upgrade() -> None:
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.create_index(
            'ix_payment_paid_on_effective',
            ['paid_on', 'reverses_payment_id', 'reversed_by_id'],
            unique=False,
        )
        batch_op.drop_index('ix_payment_paid_on')
    with op.batch_alter_table('payment_allocation', schema=None) as batch_op:
        batch_op.create_index('ix_payment_allocation_payment_money', _MONEY, unique=False)
        batch_op.drop_index('ix_payment_allocation_payment_id')


def downgrade() -> None:
    with op.batch_alter_table('payment_allocation', schema=None) as batch_op:
        batch_op.create_index('ix_payment_allocation_payment_id', ['payment_id'], unique=False)
        batch_op.drop_index('ix_payment_allocation_payment_money')
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.create_index('ix_payment_paid_on', ['paid_on'], unique=False)
        batch_op.drop_index('ix_payment_paid_on_effective')
