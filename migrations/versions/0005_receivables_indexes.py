"""Receivables indexes: open installments by effective due date (covering), settled_on.

The worklist, the dashboard and the régua ask "which installments are open, and when are they
due?" at 400k installments. ``ix_installment_open`` is partial (only open, non-renegotiated
installments) and covering (every column those queries read), so SQLite answers with an
index-only range scan. It replaces ``ix_installment_open_due`` (settled_on, due_date), which
SQLite's planner kept choosing for ``settled_on IS NULL`` and which then read every open row from
the table. ``ix_installment_settled_on`` finds installments settled after a past ``--today``.

Revision ID: 0004
Revises: 0006
Create Date: 2026-11-25 12:40:56.246485
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


# The file's number is its place in the chain (after the file 0004, revision '0006'); the
# revision id stays '0004', the id it was released with: databases already migrated store it in
# alembic_version.
revision: str = '0004'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = 'settled_on IS NULL AND renegotiated_agreement_id IS NULL'
SETTLED = 'settled_on IS NOT NULL'


def upgrade() -> None:
    with op.batch_alter_table('installment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_installment_open_due'))
        batch_op.create_index(
            'ix_installment_open',
            ['effective_due_date', 'contract_id', 'number', 'due_date', 'amount_cents', 'paid_cents'],
            unique=False,
            sqlite_where=sa.text(OPEN),
            postgresql_where=sa.text(OPEN),
        )
        batch_op.create_index(
            'ix_installment_settled_on',
            ['settled_on'],
            unique=False,
            sqlite_where=sa.text(SETTLED),
            postgresql_where=sa.text(SETTLED),
        )


def downgrade() -> None:
    with op.batch_alter_table('installment', schema=None) as batch_op:
        batch_op.drop_index('ix_installment_settled_on')
        batch_op.drop_index('ix_installment_open')
        batch_op.create_index(
            batch_op.f('ix_installment_open_due'), ['settled_on', 'due_date'], unique=False
        )
