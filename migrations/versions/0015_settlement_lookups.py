"""Settlements found without probing every open installment, and the open installments read
from their index alone on PostgreSQL.

- ``ix_payment_allocation_charges_only``: the allocations that paid no principal. A late payment
  smaller than the juros and multa pays only those (CC art. 354): the installment's
  ``paid_cents`` stays 0 though it has a settlement. With this small partial index, "which open
  installments have settlements?" is ``paid_cents > 0`` plus the few installments it lists, so
  the overdue money no longer reads the allocations of each of the ~25,000 overdue installments
  of a 20,000-patient clinic (most of which nobody paid), and the bank reconciliation no longer
  misses the charges paid on an installment whose principal is untouched.
- ``ix_installment_open`` on PostgreSQL also holds the installment's id (``INCLUDE``): SQLite
  keeps it in every index already; without it PostgreSQL scanned the whole installment table
  for the overdue ones (180 ms against 24 ms at 80,000 patients).

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
OPEN = 'settled_on IS NULL AND renegotiated_agreement_id IS NULL'
OPEN_COLUMNS = [
    'effective_due_date', 'contract_id', 'number', 'due_date', 'amount_cents', 'paid_cents',
]


def upgrade() -> None:
    with op.batch_alter_table('payment_allocation', schema=None) as batch_op:
        batch_op.create_index(
            'ix_payment_allocation_charges_only',
            ['installment_id'],
            unique=False,
            sqlite_where=sa.text(CHARGES_ONLY),
            postgresql_where=sa.text(CHARGES_ONLY),
        )
    if op.get_bind().dialect.name == 'postgresql':
        _open_index(include=['id'])


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        _open_index(include=[])
    with op.batch_alter_table('payment_allocation', schema=None) as batch_op:
        batch_op.drop_index('ix_payment_allocation_charges_only')


def _open_index(include: list[str]) -> None:
    op.drop_index('ix_installment_open', table_name='installment')
    op.create_index(
        'ix_installment_open',
        'installment',
        OPEN_COLUMNS,
        unique=False,
        postgresql_where=sa.text(OPEN),
        postgresql_include=include,
    )
