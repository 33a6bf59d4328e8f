"""Signed documents: the debtor's electronically signed copy of a contract or confissão, linked
to the archived original; its verification; the certificates the clinic trusts.

``document.sha256`` gets an index: a signed file that comes back is matched to the archived
original by the hash of its first revision.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 03:15:00.691563
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('trusted_certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('issuer', sa.String(length=500), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('pem', sa.Text(), nullable=False),
    sa.Column('is_root', sa.Boolean(), nullable=False),
    sa.Column('not_before', sa.DateTime(), nullable=False),
    sa.Column('not_after', sa.DateTime(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['app_user.id'], name=op.f('fk_trusted_certificate_added_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trusted_certificate')),
    sa.UniqueConstraint('sha256', name=op.f('uq_trusted_certificate_sha256'))
    )
    op.create_table('signature_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('signer_name', sa.String(length=200), nullable=False),
    sa.Column('signer_cpf', sa.String(length=11), nullable=True),
    sa.Column('signed_at', sa.DateTime(), nullable=True),
    sa.Column('intact', sa.Boolean(), nullable=False),
    sa.Column('valid', sa.Boolean(), nullable=False),
    sa.Column('covers_original', sa.Boolean(), nullable=False),
    sa.Column('trusted', sa.Boolean(), nullable=False),
    sa.Column('matches_debtor', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.JSON(), nullable=False),
    sa.Column('signatures', sa.JSON(), nullable=False),
    sa.Column('verified_at', sa.DateTime(), nullable=False),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_signature_check_document_id_document')),
    sa.ForeignKeyConstraint(['verified_by_id'], ['app_user.id'], name=op.f('fk_signature_check_verified_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signature_check')),
    sa.UniqueConstraint('document_id', name=op.f('uq_signature_check_document_id'))
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('original_document_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_document_sha256'), ['sha256'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_document_original_document_id_document'), 'document', ['original_document_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_document_original_document_id_document'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_document_sha256'))
        batch_op.drop_column('original_document_id')

    op.drop_table('signature_check')
    op.drop_table('trusted_certificate')
