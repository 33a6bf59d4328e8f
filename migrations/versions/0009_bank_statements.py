"""Bank statements: the clinic's accounts, the credits of each imported statement, and the
payments each credit became (conciliação bancária).

A credit is unique per account by the bank's FITID, so importing the same file (or an
overlapping period) again writes nothing twice; a payment is linked to one credit at most.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 03:57:50.312156
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('bank_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bank_id', sa.String(length=20), nullable=False),
    sa.Column('branch_id', sa.String(length=30), nullable=False),
    sa.Column('account_id', sa.String(length=40), nullable=False),
    sa.Column('bank_name', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_account')),
    sa.UniqueConstraint('bank_id', 'branch_id', 'account_id', name='uq_bank_account_identity')
    )
    op.create_table('bank_transaction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('fitid', sa.String(length=255), nullable=False),
    sa.Column('posted_on', sa.Date(), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('memo', sa.String(length=500), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('ignore_reason', sa.String(length=200), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['bank_account.id'], name=op.f('fk_bank_transaction_account_id_bank_account')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['app_user.id'], name=op.f('fk_bank_transaction_decided_by_id_app_user')),
    sa.ForeignKeyConstraint(['imported_by_id'], ['app_user.id'], name=op.f('fk_bank_transaction_imported_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_transaction')),
    sa.UniqueConstraint('account_id', 'fitid', name='uq_bank_transaction_account_fitid')
    )
    with op.batch_alter_table('bank_transaction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_transaction_decided_at'), ['decided_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_transaction_posted_on'), ['posted_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_transaction_state'), ['state'], unique=False)

    op.create_table('bank_payment_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('transaction_id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=False),
    sa.Column('linked_existing', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['payment_id'], ['payment.id'], name=op.f('fk_bank_payment_link_payment_id_payment')),
    sa.ForeignKeyConstraint(['transaction_id'], ['bank_transaction.id'], name=op.f('fk_bank_payment_link_transaction_id_bank_transaction')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_payment_link')),
    sa.UniqueConstraint('payment_id', name=op.f('uq_bank_payment_link_payment_id'))
    )
    with op.batch_alter_table('bank_payment_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_payment_link_transaction_id'), ['transaction_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('bank_payment_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bank_payment_link_transaction_id'))

    op.drop_table('bank_payment_link')
    with op.batch_alter_table('bank_transaction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bank_transaction_state'))
        batch_op.drop_index(batch_op.f('ix_bank_transaction_posted_on'))
        batch_op.drop_index(batch_op.f('ix_bank_transaction_decided_at'))

    op.drop_table('bank_transaction')
    op.drop_table('bank_account')
