"""A contact outcome logged by mistake can be undone: the line stays, marked undone and by whom.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-26 09:00:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('contact_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('undone_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('undone_by', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_contact_log_undone_by_app_user'), 'app_user', ['undone_by'], ['id']
        )


def downgrade() -> None:
    with op.batch_alter_table('contact_log', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_contact_log_undone_by_app_user'), type_='foreignkey')
        batch_op.drop_column('undone_by')
        batch_op.drop_column('undone_at')
