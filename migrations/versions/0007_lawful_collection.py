"""What lawful collection needs to remember: the clinic's own holidays, the charges an acordo
folded into its plan (they earn no new interest), what an aviso prévio announced and which
installments a negativação registered.

- ``clinic.holidays``: the city's holidays the ``holidays`` package cannot know, as
  ``[{"day": "MM-DD" | "AAAA-MM-DD", "name": ...}]`` (every year, or one date).
- ``contract.interest_free_cents``: multa, juros and correção confessed in an acordo and folded
  into the new plan: juros de mora never run on them (no interest on interest).
- ``document.announced``: for an aviso prévio, ``{"installments": [numbers], "amount_cents":
  N}`` — what may be registered and for how much; the inclusion may not go beyond it.
- ``negativacao.installments``: the installment numbers registered (NULL on rows recorded
  before: those due before the inclusion).

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-02 10:00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('clinic', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('holidays', sa.JSON(), nullable=False, server_default='[]')
        )
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('interest_free_cents', sa.BigInteger(), nullable=False, server_default='0')
        )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('announced', sa.JSON(), nullable=True))
    with op.batch_alter_table('negativacao', schema=None) as batch_op:
        batch_op.add_column(sa.Column('installments', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('negativacao', schema=None) as batch_op:
        batch_op.drop_column('installments')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_column('announced')
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_column('interest_free_cents')
    with op.batch_alter_table('clinic', schema=None) as batch_op:
        batch_op.drop_column('holidays')
