"""Consulta de crédito: the record that a credit bureau (SPC, Serasa, Boa Vista) was consulted
before a plan was sold ("antes de fechar um plano de parcelamento, consulte o nome do
cliente"). EmDia makes no online call (it works offline): the receptionist consults the bureau's
portal and records the date, the result and who did it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.domain import limits
from app.domain.dates import parse_date
from app.domain.money import format_brl
from app.errors import FieldError, ValidationError

BUREAUS = {
    "spc": "SPC Brasil",
    "serasa": "Serasa",
    "boa_vista": "Boa Vista (SCPC)",
    "outro": "Outro",
}

# A consultation older than this no longer speaks for the person's credit today: bureau data
# changes monthly, and a quarter is what clinics usually accept for a new plan.
VALID_DAYS = 90

# New contracts above this total remind the desk to consult a bureau first, when the clinic has
# not set its own value (``clinic.credit_check_above_cents`` = 0): R$ 1.000,00, about the price
# of a treatment sold in several parcelas rather than paid at the desk.
DEFAULT_REMINDER_ABOVE_CENTS = 100_000

MAX_RESULT = limits.COLUMNS["credit_check.result"]
_LABELS = {"bureau": "Birô", "checked_on": "Data da consulta", "result": "Resultado",
           "notes": "Observações"}  # fmt: skip


@dataclass(frozen=True)
class CreditCheckForm:
    bureau: str = "serasa"
    checked_on: str = ""
    result: str = ""
    notes: str = ""


@dataclass(frozen=True)
class CreditCheckData:
    bureau: str
    checked_on: date
    result: str
    notes: str


@dataclass(frozen=True)
class CreditCheckView:
    id: int
    patient_id: int
    bureau: str
    checked_on: date
    result: str
    notes: str
    user: str

    @property
    def bureau_label(self) -> str:
        return BUREAUS.get(self.bureau, self.bureau)


def validate(form: CreditCheckForm, today: date) -> CreditCheckData:
    errors = limits.form_text_errors(form, _LABELS, {"result": MAX_RESULT, "notes": limits.NOTE})
    bureau = (form.bureau or "").strip().lower()
    if bureau not in BUREAUS:
        errors.append(
            FieldError("bureau", f"Birô: '{form.bureau}' não existe; use {', '.join(BUREAUS)}.")
        )
    checked_on = today
    parsed = parse_date(form.checked_on, "checked_on", "Data da consulta")
    if isinstance(parsed, FieldError):
        errors.append(parsed)
    elif parsed > today:
        errors.append(FieldError("checked_on", "Data da consulta: não pode ser depois de hoje."))
    else:
        checked_on = parsed
    result = " ".join((form.result or "").split())
    if not result:
        errors.append(
            FieldError(
                "result",
                "Resultado: escreva o que o birô informou, como 'nada consta' ou "
                "'2 restrições, R$ 850,00'.",
            )
        )
    if errors:
        raise ValidationError(limits.first_per_field(errors))
    return CreditCheckData(bureau, checked_on, result, (form.notes or "").strip())


def reminder_threshold(clinic_setting_cents: int) -> int:
    return clinic_setting_cents or DEFAULT_REMINDER_ABOVE_CENTS


def reminder(
    total_cents: int, threshold_cents: int, last_check: date | None, today: date
) -> str | None:
    """The non-blocking note a new contract shows when it is above the threshold and nobody
    recorded a consultation in the last ``VALID_DAYS`` days; ``None`` when all is well."""
    if total_cents <= threshold_cents:
        return None
    if last_check is not None and last_check >= today - timedelta(days=VALID_DAYS):
        return None
    since = (
        "nenhuma consulta de crédito registrada"
        if last_check is None
        else f"a última consulta de crédito tem mais de {VALID_DAYS} dias"
    )
    return (
        f"Contrato acima de {format_brl(threshold_cents)} e {since}: consulte o SPC/Serasa "
        "antes de fechar o parcelamento e registre em Consulta de crédito (não impede o "
        "contrato)."
    )
