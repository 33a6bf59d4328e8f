"""Initial schema: the whole domain (later revisions add to it).

Revision ID: 0001
Revises:
Create Date: 2026-11-25 11:38:22.580896
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=60), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("username", name=op.f("uq_app_user_username")),
    )
    op.create_table(
        "clinic",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("legal_name", sa.String(length=200), nullable=False),
        sa.Column("trade_name", sa.String(length=200), nullable=False),
        sa.Column("cnpj", sa.String(length=14), nullable=True),
        sa.Column("cpf", sa.String(length=11), nullable=True),
        sa.Column("cro", sa.String(length=40), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("city", sa.String(length=120), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("zip_code", sa.String(length=8), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("pix_key", sa.String(length=100), nullable=False),
        sa.Column("pix_merchant_name", sa.String(length=25), nullable=False),
        sa.Column("pix_merchant_city", sa.String(length=15), nullable=False),
        sa.Column("logo_path", sa.String(length=500), nullable=False),
        sa.Column("fine_bp", sa.Integer(), nullable=False),
        sa.Column("interest_monthly_bp", sa.Integer(), nullable=False),
        sa.Column("correction_index", sa.String(length=20), nullable=False),
        sa.Column("punctuality_discount_bp", sa.Integer(), nullable=False),
        sa.Column("discount_approval_limit_bp", sa.Integer(), nullable=False),
        sa.Column("contact_windows", sa.JSON(), nullable=False),
        sa.Column("min_days_between_contacts", sa.Integer(), nullable=False),
        sa.Column("credit_check_above_cents", sa.BigInteger(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic")),
    )
    op.create_table(
        "correction_index_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("index_name", sa.String(length=20), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("variation_bp", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correction_index_value")),
        sa.UniqueConstraint("index_name", "month", name="uq_correction_index_month"),
    )
    op.create_table(
        "patient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_search", sa.String(length=200), nullable=False),
        sa.Column("cpf", sa.String(length=11), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("phone", sa.String(length=13), nullable=False),
        sa.Column("phone_whatsapp", sa.Boolean(), nullable=False),
        sa.Column("phone_alt", sa.String(length=13), nullable=False),
        sa.Column("phone_alt_whatsapp", sa.Boolean(), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("street", sa.String(length=200), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("complement", sa.String(length=100), nullable=False),
        sa.Column("district", sa.String(length=100), nullable=False),
        sa.Column("city", sa.String(length=120), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("zip_code", sa.String(length=8), nullable=False),
        sa.Column("responsible_id", sa.Integer(), nullable=True),
        sa.Column("opt_out_whatsapp", sa.Boolean(), nullable=False),
        sa.Column("opt_out_sms", sa.Boolean(), nullable=False),
        sa.Column("opt_out_email", sa.Boolean(), nullable=False),
        sa.Column("opt_out_phone", sa.Boolean(), nullable=False),
        sa.Column("data_confirmed_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("suspend_new_treatments", sa.Boolean(), nullable=False),
        sa.Column("anonymized_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["responsible_id"],
            ["patient.id"],
            name=op.f("fk_patient_responsible_id_patient"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient")),
        sa.UniqueConstraint("cpf", name=op.f("uq_patient_cpf")),
    )
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_patient_name_search"), ["name_search"], unique=False)
        batch_op.create_index(batch_op.f("ix_patient_phone"), ["phone"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_patient_responsible_id"), ["responsible_id"], unique=False
        )

    op.create_table(
        "regua_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("offset_days", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("template", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regua_step")),
        sa.UniqueConstraint("key", name=op.f("uq_regua_step_key")),
    )
    op.create_table(
        "agreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("principal_cents", sa.BigInteger(), nullable=False),
        sa.Column("charges_cents", sa.BigInteger(), nullable=False),
        sa.Column("discount_cents", sa.BigInteger(), nullable=False),
        sa.Column("down_payment_cents", sa.BigInteger(), nullable=False),
        sa.Column("installments_count", sa.Integer(), nullable=False),
        sa.Column("first_due_date", sa.Date(), nullable=False),
        sa.Column("breakdown", sa.JSON(), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("accepted_on", sa.Date(), nullable=True),
        sa.Column("broken_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["app_user.id"], name=op.f("fk_agreement_approved_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["app_user.id"], name=op.f("fk_agreement_created_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_agreement_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement")),
    )
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agreement_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=60), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_audit_log_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)

    op.create_table(
        "credit_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("bureau", sa.String(length=40), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("result", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_credit_check_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_credit_check_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_check")),
    )
    with op.batch_alter_table("credit_check", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_credit_check_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "contract",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("responsible_id", sa.Integer(), nullable=True),
        sa.Column("guarantor_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
        sa.Column("down_payment_cents", sa.BigInteger(), nullable=False),
        sa.Column("installments_count", sa.Integer(), nullable=False),
        sa.Column("first_due_date", sa.Date(), nullable=False),
        sa.Column("due_day", sa.Integer(), nullable=False),
        sa.Column("payment_method", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("fine_bp", sa.Integer(), nullable=False),
        sa.Column("interest_monthly_bp", sa.Integer(), nullable=False),
        sa.Column("signed_at", sa.Date(), nullable=True),
        sa.Column("witness1_name", sa.String(length=200), nullable=False),
        sa.Column("witness1_cpf", sa.String(length=11), nullable=False),
        sa.Column("witness2_name", sa.String(length=200), nullable=False),
        sa.Column("witness2_cpf", sa.String(length=11), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"], ["agreement.id"], name=op.f("fk_contract_agreement_id_agreement")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["app_user.id"], name=op.f("fk_contract_created_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["guarantor_id"], ["patient.id"], name=op.f("fk_contract_guarantor_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_contract_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["responsible_id"], ["patient.id"], name=op.f("fk_contract_responsible_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract")),
    )
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contract_patient_id"), ["patient_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_contract_responsible_id"), ["responsible_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_contract_status"), ["status"], unique=False)

    op.create_table(
        "installment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("effective_due_date", sa.Date(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("paid_cents", sa.BigInteger(), nullable=False),
        sa.Column("settled_on", sa.Date(), nullable=True),
        sa.Column("renegotiated_agreement_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"], name=op.f("fk_installment_contract_id_contract")
        ),
        sa.ForeignKeyConstraint(
            ["renegotiated_agreement_id"],
            ["agreement.id"],
            name=op.f("fk_installment_renegotiated_agreement_id_agreement"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_installment")),
        sa.UniqueConstraint("contract_id", "number", name="uq_installment_contract_number"),
    )
    with op.batch_alter_table("installment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_installment_contract_id"), ["contract_id"], unique=False
        )
        batch_op.create_index("ix_installment_open_due", ["settled_on", "due_date"], unique=False)

    op.create_table(
        "payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=120), nullable=False),
        sa.Column("reverses_payment_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("credit_cents", sa.BigInteger(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"], name=op.f("fk_payment_contract_id_contract")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["app_user.id"], name=op.f("fk_payment_created_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["reverses_payment_id"],
            ["payment.id"],
            name=op.f("fk_payment_reverses_payment_id_payment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment")),
    )
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_contract_id"), ["contract_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payment_paid_on"), ["paid_on"], unique=False)

    op.create_table(
        "contact_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("installment_id", sa.Integer(), nullable=True),
        sa.Column("contacted_at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("step_key", sa.String(length=40), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("message_text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"], name=op.f("fk_contact_log_contract_id_contract")
        ),
        sa.ForeignKeyConstraint(
            ["installment_id"],
            ["installment.id"],
            name=op.f("fk_contact_log_installment_id_installment"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_contact_log_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_contact_log_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_log")),
    )
    with op.batch_alter_table("contact_log", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_log_contacted_at"), ["contacted_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_contact_log_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("agreement_id", sa.Integer(), nullable=True),
        sa.Column("generated_at", sa.DateTime(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("file_path", sa.String(length=500), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"], ["agreement.id"], name=op.f("fk_document_agreement_id_agreement")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"], name=op.f("fk_document_contract_id_contract")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_document_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payment.id"], name=op.f("fk_document_payment_id_payment")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_document_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document")),
    )
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "payment_allocation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("installment_id", sa.Integer(), nullable=False),
        sa.Column("principal_cents", sa.BigInteger(), nullable=False),
        sa.Column("fine_cents", sa.BigInteger(), nullable=False),
        sa.Column("interest_cents", sa.BigInteger(), nullable=False),
        sa.Column("correction_cents", sa.BigInteger(), nullable=False),
        sa.Column("discount_cents", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["installment_id"],
            ["installment.id"],
            name=op.f("fk_payment_allocation_installment_id_installment"),
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payment.id"], name=op.f("fk_payment_allocation_payment_id_payment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_allocation")),
    )
    with op.batch_alter_table("payment_allocation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_allocation_installment_id"), ["installment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_payment_allocation_payment_id"), ["payment_id"], unique=False
        )

    op.create_table(
        "negativacao",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("bureau", sa.String(length=40), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("included_on", sa.Date(), nullable=False),
        sa.Column("protocol", sa.String(length=80), nullable=False),
        sa.Column("notice_document_id", sa.Integer(), nullable=True),
        sa.Column("removed_on", sa.Date(), nullable=True),
        sa.Column("removal_reason", sa.String(length=200), nullable=False),
        sa.Column("included_by_id", sa.Integer(), nullable=True),
        sa.Column("removed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"], name=op.f("fk_negativacao_contract_id_contract")
        ),
        sa.ForeignKeyConstraint(
            ["included_by_id"], ["app_user.id"], name=op.f("fk_negativacao_included_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["notice_document_id"],
            ["document.id"],
            name=op.f("fk_negativacao_notice_document_id_document"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_negativacao_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["removed_by_id"], ["app_user.id"], name=op.f("fk_negativacao_removed_by_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_negativacao")),
    )
    with op.batch_alter_table("negativacao", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_negativacao_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "promise",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("contact_log_id", sa.Integer(), nullable=True),
        sa.Column("promised_on", sa.Date(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("resolution", sa.String(length=20), nullable=True),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_log_id"],
            ["contact_log.id"],
            name=op.f("fk_promise_contact_log_id_contact_log"),
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"], name=op.f("fk_promise_contract_id_contract")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_promise_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promise")),
    )
    with op.batch_alter_table("promise", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_promise_patient_id"), ["patient_id"], unique=False)

    


def downgrade() -> None:
    with op.batch_alter_table("promise", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_promise_patient_id"))

    op.drop_table("promise")
    with op.batch_alter_table("negativacao", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_negativacao_patient_id"))

    op.drop_table("negativacao")
    with op.batch_alter_table("payment_allocation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_allocation_payment_id"))
        batch_op.drop_index(batch_op.f("ix_payment_allocation_installment_id"))

    op.drop_table("payment_allocation")
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_patient_id"))

    op.drop_table("document")
    with op.batch_alter_table("contact_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_log_patient_id"))
        batch_op.drop_index(batch_op.f("ix_contact_log_contacted_at"))

    op.drop_table("contact_log")
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_paid_on"))
        batch_op.drop_index(batch_op.f("ix_payment_contract_id"))

    op.drop_table("payment")
    with op.batch_alter_table("installment", schema=None) as batch_op:
        batch_op.drop_index("ix_installment_open_due")
        batch_op.drop_index(batch_op.f("ix_installment_contract_id"))

    op.drop_table("installment")
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_status"))
        batch_op.drop_index(batch_op.f("ix_contract_responsible_id"))
        batch_op.drop_index(batch_op.f("ix_contract_patient_id"))

    op.drop_table("contract")
    with op.batch_alter_table("credit_check", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_check_patient_id"))

    op.drop_table("credit_check")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))

    op.drop_table("audit_log")
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_patient_id"))

    op.drop_table("agreement")
    op.drop_table("regua_step")
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patient_responsible_id"))
        batch_op.drop_index(batch_op.f("ix_patient_phone"))
        batch_op.drop_index(batch_op.f("ix_patient_name_search"))

    op.drop_table("patient")
    op.drop_table("correction_index_value")
    op.drop_table("clinic")
    op.drop_table("app_user")
    
