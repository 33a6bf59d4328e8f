"""The allocations that paid no principal, indexed apart.

A late payment smaller than the juros and multa pays only those (CC art. 354): the installment's
``paid_cents`` stays 0 though it has a settlement. With this small partial index, "which open
installments have settlements?" is ``paid_cents > 0`` plus the few installments it lists, so the
overdue money no longer probes the allocations of each of the ~25,000 overdue installments of a
20,000-patient clinic (most of which nobody paid), and the bank reconciliation no longer misses
the charges paid on an installment whose principal is untouched.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 16:00:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHARGES_ONLY = 'principal_cents = 0'


def upgrade() -> None:
    with op.batch_alter_table('payment_allocation', schema=None) as batch_op:
        batch_op.create_index(
            'ix_payment_allocation_charges_only',
            ['installment_id'],
            unique=False,
            sqlite_where=sa.text(CHARGES_ONLY),
            postgresql_where=sa.text(CHARGES_ONLY),
        )


def downgrade() -> None:
    with op.batch_alter_table('payment_allocation', schema=None) as batch_op:
        batch_op.drop_index('ix_payment_allocation_charges_only')
