"""The clinic's identification and policy, and how a change to it is validated.

The same keys serve the settings screen and ``emdia clinic set KEY=VALUE`` (docs/CLI.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from app.domain import identity, law, limits
from app.domain.business_calendar import OwnHoliday
from app.domain.identity import IdentityChecks
from app.domain.money import format_percent, parse_percent
from app.domain.text import clean_name
from app.errors import FieldError, ValidationError

# How far back the desk may date a payment unless the clinic says otherwise (Configurações →
# Cobrança, ``clinic set payment_backdate_days=N``); beyond it, only a gestor with a reason.
DEFAULT_BACKDATE_DAYS = 30
MAX_BACKDATE_DAYS = 366


@dataclass(frozen=True)
class ClinicInfo:
    legal_name: str = ""
    trade_name: str = ""
    cnpj: str | None = None
    cpf: str | None = None
    cro: str = ""
    address: str = ""
    city: str = ""
    state: str = ""
    zip_code: str = ""
    phone: str = ""
    email: str = ""
    pix_key: str = ""
    pix_merchant_name: str = ""
    pix_merchant_city: str = ""
    logo_path: str = ""  # optional image in the header of every document
    fine_bp: int = law.DEFAULT_FINE_BP
    interest_monthly_bp: int = law.DEFAULT_INTEREST_MONTHLY_BP
    punctuality_discount_bp: int = 0
    correction_index: str = "none"
    payment_backdate_days: int = DEFAULT_BACKDATE_DAYS
    # The city's holidays (the package knows national and state ones only): due dates and
    # deadlines skip them.
    holidays: tuple[OwnHoliday, ...] = ()
    is_demo: bool = False
    version: int = 0

    @property
    def display_name(self) -> str:
        return self.trade_name or self.legal_name

    @property
    def is_configured(self) -> bool:
        """Enough to identify the creditor on every charge (CDC art. 42-A): name, address and
        CNPJ/CPF."""
        return not self.identification_gaps

    @property
    def identification_gaps(self) -> tuple[str, ...]:
        """What CDC art. 42-A needs and is missing (pt-BR names, in the order of the form)."""
        needed = (
            ("razão social", self.legal_name),
            ("CNPJ ou CPF", self.cnpj or self.cpf),
            ("endereço", self.address),
            ("cidade", self.city),
            ("UF", self.state),
        )
        return tuple(name for name, value in needed if not value)

    @property
    def postal_address(self) -> str:
        """``Av. Brasil, 100 — Campinas/SP — CEP 13010-000``: where the creditor is found."""
        place = "/".join(p for p in (self.city, self.state) if p)
        cep = f"CEP {identity.format_cep(self.zip_code)}" if self.zip_code else ""
        return " — ".join(p for p in (self.address, place, cep) if p)


@dataclass(frozen=True)
class ClinicKey:
    attr: str
    label: str


# CLI key → model attribute and pt-BR label. The first eleven are the documented CLI keys
# (docs/CLI.md): keep them stable.
CLINIC_KEYS: dict[str, ClinicKey] = {
    "name": ClinicKey("legal_name", "Razão social / nome"),
    "cnpj": ClinicKey("cnpj", "CNPJ"),
    "cpf": ClinicKey("cpf", "CPF"),
    "address": ClinicKey("address", "Endereço"),
    "city": ClinicKey("city", "Cidade"),
    "state": ClinicKey("state", "UF"),
    "phone": ClinicKey("phone", "Telefone"),
    "email": ClinicKey("email", "E-mail"),
    "pix_key": ClinicKey("pix_key", "Chave PIX"),
    "fine_percent": ClinicKey("fine_bp", "Multa (%)"),
    "interest_monthly_percent": ClinicKey("interest_monthly_bp", "Juros de mora (% ao mês)"),
    "trade_name": ClinicKey("trade_name", "Nome fantasia"),
    "cro": ClinicKey("cro", "CRO/CRM"),
    "zip_code": ClinicKey("zip_code", "CEP"),
    "pix_merchant_name": ClinicKey("pix_merchant_name", "Nome no PIX"),
    "pix_merchant_city": ClinicKey("pix_merchant_city", "Cidade no PIX"),
    "punctuality_discount_percent": ClinicKey(
        "punctuality_discount_bp", "Desconto por pontualidade (%)"
    ),
    "correction_index": ClinicKey("correction_index", "Correção monetária"),
    "payment_backdate_days": ClinicKey(
        "payment_backdate_days", "Pagamento retroativo sem gestor (dias)"
    ),
    "logo": ClinicKey("logo_path", "Logotipo (PNG ou JPG)"),
    "holidays": ClinicKey("holidays", "Feriados municipais"),
}

LOGO_SUFFIXES = (".png", ".jpg", ".jpeg")

# Correction indexes the user can type month by month (none = no monetary correction).
CORRECTION_INDEXES = {"none": "Sem correção", "ipca": "IPCA (IBGE)"}


def display_values(info: ClinicInfo) -> dict[str, str]:
    """Every ``CLINIC_KEYS`` field as a person reads and types it (masks, ``1,5`` for 1.5 %)."""
    return {
        "name": info.legal_name,
        "trade_name": info.trade_name,
        "cnpj": identity.format_cnpj(info.cnpj),
        "cpf": identity.format_cpf(info.cpf),
        "cro": info.cro,
        "address": info.address,
        "city": info.city,
        "state": info.state,
        "zip_code": identity.format_cep(info.zip_code),
        "phone": identity.format_phone(info.phone),
        "email": info.email,
        "pix_key": info.pix_key,
        "pix_merchant_name": info.pix_merchant_name,
        "pix_merchant_city": info.pix_merchant_city,
        "fine_percent": format_percent(info.fine_bp).removesuffix(" %"),
        "interest_monthly_percent": format_percent(info.interest_monthly_bp).removesuffix(" %"),
        "punctuality_discount_percent": format_percent(info.punctuality_discount_bp).removesuffix(
            " %"
        ),
        "correction_index": info.correction_index,
        "payment_backdate_days": str(info.payment_backdate_days),
        "logo": info.logo_path,
        "holidays": format_holidays(info.holidays),
    }


HOLIDAYS_EXAMPLE = "20/01 São Sebastião; 13/06/2026 Ponto facultativo"
_HOLIDAY = re.compile(r"^(\d{1,2})/(\d{1,2})(?:/(\d{4}))?(?:\s+(.*))?$")
_HOLIDAY_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:\s+(.*))?$")


def format_holidays(holidays: Sequence[OwnHoliday]) -> str:
    return "; ".join(h.text for h in holidays)


def parse_holidays(text: str, field: str = "holidays") -> tuple[OwnHoliday, ...] | FieldError:
    """``20/01 São Sebastião; 13/06/2026 Ponto facultativo`` (``;`` or new lines between them):
    ``dd/mm`` every year, ``dd/mm/aaaa`` (or ``aaaa-mm-dd``) once; the name is optional."""
    found: dict[str, OwnHoliday] = {}
    for raw in re.split(r"[;\n]", text or ""):
        entry = " ".join(raw.split())
        if not entry:
            continue
        if match := _HOLIDAY.match(entry):
            day, month, year, name = match.groups()
        elif iso := _HOLIDAY_ISO.match(entry):
            year, month, day, name = iso.groups()
        else:
            return FieldError(
                field,
                f"Feriados municipais: '{entry}' não é uma data; use dd/mm (todo ano) ou "
                f"dd/mm/aaaa, com o nome, separados por ponto e vírgula: {HOLIDAYS_EXAMPLE}.",
            )
        holiday = OwnHoliday(
            int(day), int(month), int(year) if year else None, name or "feriado municipal"
        )
        if holiday.on(holiday.year or 2024) is None:  # 2024: a leap year, 29/02 is a date
            return FieldError(field, f"Feriados municipais: '{entry}' não é uma data válida.")
        found[holiday.key] = holiday
    return tuple(sorted(found.values(), key=lambda h: (h.year or 0, h.month, h.day)))


def holidays_to_store(holidays: Sequence[OwnHoliday]) -> list[dict[str, str]]:
    return [{"day": h.key, "name": h.name} for h in holidays]


def holidays_stored(rows: Sequence[dict[str, str]] | None) -> tuple[OwnHoliday, ...]:
    """The ``clinic.holidays`` JSON back as values (entries that do not read are skipped)."""
    found = []
    for row in rows or ():
        parts = str(row.get("day", "")).split("-")
        try:
            numbers = [int(p) for p in parts]
        except ValueError:
            continue
        name = str(row.get("name", "")) or "feriado municipal"
        if len(numbers) == 2:
            found.append(OwnHoliday(numbers[1], numbers[0], None, name))
        elif len(numbers) == 3:
            found.append(OwnHoliday(numbers[2], numbers[1], numbers[0], name))
    return tuple(found)


def validate_clinic_changes(changes: dict[str, str], *, checks: IdentityChecks) -> dict[str, Any]:
    """Map ``{cli_key: text}`` to ``{model_attr: clean value}`` or raise ValidationError.

    Empty text clears an optional field; the legal name cannot be cleared. ``checks`` answers
    whether a CNPJ, CPF, phone, e-mail or PIX key is valid.
    """
    errors: list[FieldError] = []
    clean: dict[str, Any] = {}
    for key, raw in changes.items():
        spec = CLINIC_KEYS.get(key)
        if spec is None:
            known = ", ".join(CLINIC_KEYS)
            errors.append(FieldError(key, f"'{key}' não é um campo da clínica. Campos: {known}."))
            continue
        problem = limits.text_problem(
            raw or "", spec.label, limits.COLUMNS.get(f"clinic.{spec.attr}")
        )
        if problem is not None:
            errors.append(FieldError(key, problem))
            continue
        value = _clean_value(key, spec, (raw or "").strip(), errors, checks)
        if value is not _INVALID:
            clean[spec.attr] = value
    if errors:
        raise ValidationError(errors)
    return clean


_INVALID = object()
_PERCENT_CHECKS = {
    "fine_percent": law.check_fine_bp,
    "interest_monthly_percent": law.check_interest_monthly_bp,
    "punctuality_discount_percent": law.check_punctuality_discount_bp,
}


def _clean_value(
    key: str, spec: ClinicKey, raw: str, errors: list[FieldError], checks: IdentityChecks
) -> Any:
    def fail(error: FieldError | None) -> Any:
        if error is not None:
            errors.append(error)
        return _INVALID

    if key == "name":
        name = clean_name(raw)
        if not name:
            return fail(
                FieldError(key, "Razão social / nome: obrigatório (aparece em toda cobrança).")
            )
        return name
    if key in ("cnpj", "cpf"):
        if not raw:
            return None
        normalize = identity.normalize_cnpj if key == "cnpj" else identity.normalize_cpf
        result = normalize(raw, key, spec.label, checks=checks)
        return fail(result) if isinstance(result, FieldError) else result
    if key in _PERCENT_CHECKS:
        if not raw:
            # An empty value is a slip (``fine_percent=``), never a decision to charge 0 %.
            return fail(
                FieldError(key, f"{spec.label}: informe um percentual, como 2 (0 para não cobrar).")
            )
        try:
            bp = parse_percent(raw, key, spec.label)
        except ValidationError as exc:
            errors.extend(exc.errors)
            return _INVALID
        error = _PERCENT_CHECKS[key](bp, key)
        return fail(error) if error else bp
    if key == "correction_index":
        index = (raw or "none").lower()
        if index not in CORRECTION_INDEXES:
            choices = ", ".join(CORRECTION_INDEXES)
            return fail(FieldError(key, f"Correção monetária: '{raw}' não existe; use {choices}."))
        return index
    if key == "payment_backdate_days":
        return _days(key, spec, raw, errors)
    if key == "holidays":
        parsed = parse_holidays(raw, key)
        return fail(parsed) if isinstance(parsed, FieldError) else holidays_to_store(parsed)
    if key == "logo":
        if raw and not raw.lower().endswith(LOGO_SUFFIXES):
            return fail(FieldError(key, "Logotipo: use uma imagem PNG ou JPG."))
        return raw
    if not raw:
        return ""
    normalizers: dict[str, Callable[[str, str, str], str | FieldError]] = {
        "state": identity.normalize_uf,
        "phone": partial(identity.normalize_phone, checks=checks),
        "email": partial(identity.normalize_email, checks=checks),
        "zip_code": identity.normalize_cep,
        "pix_key": partial(identity.normalize_pix_key, checks=checks),
    }
    if key in normalizers:
        result = normalizers[key](raw, key, spec.label)
        return fail(result) if isinstance(result, FieldError) else result
    limits = {"pix_merchant_name": 25, "pix_merchant_city": 15}
    text = clean_name(raw)
    if key in limits and len(text) > limits[key]:
        return fail(
            FieldError(key, f"{spec.label}: use no máximo {limits[key]} caracteres (regra do PIX).")
        )
    return text


def _days(key: str, spec: ClinicKey, raw: str, errors: list[FieldError]) -> Any:
    """A whole number of days from 0 (every past date is the gestor's) to a year."""
    if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_BACKDATE_DAYS:
        errors.append(
            FieldError(
                key,
                f"{spec.label}: informe um número de dias de 0 a {MAX_BACKDATE_DAYS}, como "
                f"{DEFAULT_BACKDATE_DAYS}.",
            )
        )
        return _INVALID
    return int(raw)
