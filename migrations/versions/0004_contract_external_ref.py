"""Contracts remember their number in the spreadsheet they were imported from (re-import skips them).

Revision ID: 0006
Revises: 0003
Create Date: 2026-11-25 12:42:15.584682
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


# The file's number is its place in the chain (after 0003); the revision id stays '0006', the
# id it was released with: databases already migrated store it in alembic_version.
revision: str = '0006'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.add_column(sa.Column('external_ref', sa.String(length=60), nullable=True))
        batch_op.create_index(batch_op.f('ix_contract_external_ref'), ['external_ref'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_external_ref'))
        batch_op.drop_column('external_ref')
