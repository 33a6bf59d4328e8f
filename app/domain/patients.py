"""Patients and their responsável financeiro: what a valid record is.

``PatientForm`` holds what the receptionist typed (strings and ticks, from the form or the CLI);
``validate_patient`` turns it into a clean ``PatientData`` or raises one ValidationError listing
every field that needs fixing, each message naming the field and the fix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial

from app.domain import identity, limits
from app.domain.dates import parse_date
from app.domain.identity import IdentityChecks
from app.domain.text import clean_name
from app.errors import FieldError, ValidationError


@dataclass(frozen=True)
class ResponsibleForm:
    """The person who pays (a parent, a spouse). Found by CPF; created when new — with an
    address, because the notificação and the negativação go to the person charged
    (``same_address``: the patient's)."""

    cpf: str = ""
    name: str = ""
    phone: str = ""
    phone_whatsapp: bool = False
    email: str = ""
    same_address: bool = False
    street: str = ""
    number: str = ""
    complement: str = ""
    district: str = ""
    city: str = ""
    state: str = ""
    zip_code: str = ""


@dataclass(frozen=True)
class PatientForm:
    name: str = ""
    cpf: str = ""
    birth_date: str = ""
    phone: str = ""
    phone_whatsapp: bool = False
    phone_alt: str = ""
    phone_alt_whatsapp: bool = False
    email: str = ""
    street: str = ""
    number: str = ""
    complement: str = ""
    district: str = ""
    city: str = ""
    state: str = ""
    zip_code: str = ""
    opt_out_whatsapp: bool = False
    opt_out_sms: bool = False
    opt_out_email: bool = False
    opt_out_phone: bool = False
    notes: str = ""
    confirm_data_today: bool = False
    responsible: ResponsibleForm | None = None


@dataclass(frozen=True)
class Address:
    street: str = ""
    number: str = ""
    complement: str = ""
    district: str = ""
    city: str = ""
    state: str = ""
    zip_code: str = ""


def address_of(data: PatientData) -> Address:
    """A patient's address as one value."""
    return Address(
        data.street,
        data.number,
        data.complement,
        data.district,
        data.city,
        data.state,
        data.zip_code,
    )


@dataclass(frozen=True)
class ResponsibleData:
    cpf: str
    name: str
    phone: str
    phone_whatsapp: bool
    email: str
    address: Address = Address()


@dataclass(frozen=True)
class PatientData:
    name: str
    cpf: str | None
    birth_date: date | None
    phone: str
    phone_whatsapp: bool
    phone_alt: str
    phone_alt_whatsapp: bool
    email: str
    street: str
    number: str
    complement: str
    district: str
    city: str
    state: str
    zip_code: str
    opt_out_whatsapp: bool
    opt_out_sms: bool
    opt_out_email: bool
    opt_out_phone: bool
    notes: str
    responsible: ResponsibleData | None = None


@dataclass(frozen=True)
class PersonRef:
    """A short reference to another person (e.g. the responsável shown on a patient)."""

    id: int
    name: str
    cpf: str | None
    phone: str
    phone_whatsapp: bool = False
    email: str = ""


@dataclass(frozen=True)
class Patient:
    id: int
    version: int
    data: PatientData
    responsible: PersonRef | None
    data_confirmed_on: date | None
    dependents: tuple[PersonRef, ...] = field(default_factory=tuple)

    @property
    def name(self) -> str:
        return self.data.name


@dataclass(frozen=True)
class PatientListItem:
    id: int
    name: str
    cpf: str | None
    phone: str
    phone_whatsapp: bool
    email: str
    city: str
    responsible_name: str
    data_confirmed_on: date | None


FIELD_LABELS: dict[str, str] = {
    "name": "Nome",
    "cpf": "CPF",
    "birth_date": "Data de nascimento",
    "phone": "Telefone",
    "phone_alt": "Outro telefone",
    "email": "E-mail",
    "zip_code": "CEP",
    "state": "UF",
    "responsible_cpf": "CPF do responsável",
    "responsible_name": "Nome do responsável",
    "responsible_phone": "Telefone do responsável",
    "responsible_email": "E-mail do responsável",
    "responsible_zip_code": "CEP do responsável",
    "responsible_state": "UF do responsável",
    "street": "Endereço",
    "number": "Número",
    "complement": "Complemento",
    "district": "Bairro",
    "city": "Cidade",
    "notes": "Observações",
    "responsible_street": "Endereço do responsável",
    "responsible_number": "Número do responsável",
    "responsible_complement": "Complemento do responsável",
    "responsible_district": "Bairro do responsável",
    "responsible_city": "Cidade do responsável",
}
# The longest text each field takes (the columns of ``patient``; see ``app.domain.limits``).
TEXT_LENGTHS: dict[str, int] = {
    "name": limits.COLUMNS["patient.name"],
    "email": limits.COLUMNS["patient.email"],
    "street": limits.COLUMNS["patient.street"],
    "number": limits.COLUMNS["patient.number"],
    "complement": limits.COLUMNS["patient.complement"],
    "district": limits.COLUMNS["patient.district"],
    "city": limits.COLUMNS["patient.city"],
    "notes": limits.NOTE,
    "responsible_name": limits.COLUMNS["patient.name"],
    "responsible_email": limits.COLUMNS["patient.email"],
    "responsible_street": limits.COLUMNS["patient.street"],
    "responsible_number": limits.COLUMNS["patient.number"],
    "responsible_complement": limits.COLUMNS["patient.complement"],
    "responsible_district": limits.COLUMNS["patient.district"],
    "responsible_city": limits.COLUMNS["patient.city"],
}


def _label(key: str) -> str:
    return FIELD_LABELS.get(key, key)


def _full_name(raw: str, key: str, errors: list[FieldError]) -> str:
    name = clean_name(raw)
    if not name:
        errors.append(FieldError(key, f"{_label(key)}: obrigatório — digite o nome completo."))
    elif len(name.split()) < 2 or len(name) < 5:
        errors.append(
            FieldError(key, f"{_label(key)}: informe o nome completo (nome e sobrenome).")
        )
    elif len(name) > 200:
        errors.append(FieldError(key, f"{_label(key)}: use no máximo 200 caracteres."))
    return name


Normalizer = Callable[[str, str, str], "str | FieldError"]


def _optional(raw: str, key: str, normalize: Normalizer, errors: list[FieldError]) -> str:
    """Empty stays empty; anything typed must be valid."""
    if not (raw or "").strip():
        return ""
    result = normalize(raw, key, _label(key))
    if isinstance(result, FieldError):
        errors.append(result)
        return ""
    return result


def _phone(checks: IdentityChecks) -> Normalizer:
    return partial(identity.normalize_phone, checks=checks)


def _email(checks: IdentityChecks) -> Normalizer:
    return partial(identity.normalize_email, checks=checks)


def validate_responsible(
    form: ResponsibleForm, errors: list[FieldError], *, checks: IdentityChecks
) -> ResponsibleData:
    cpf = identity.normalize_cpf(
        form.cpf, "responsible_cpf", _label("responsible_cpf"), checks=checks
    )
    if isinstance(cpf, FieldError):
        if not form.cpf.strip():
            cpf = FieldError(
                "responsible_cpf",
                "CPF do responsável: obrigatório — é por ele que o responsável é identificado.",
            )
        errors.append(cpf)
        cpf = ""
    name = clean_name(form.name)
    if name:
        name = _full_name(name, "responsible_name", errors)
    phone = _optional(form.phone, "responsible_phone", _phone(checks), errors)
    email = _optional(form.email, "responsible_email", _email(checks), errors)
    return ResponsibleData(
        cpf=cpf,
        name=name,
        phone=phone,
        phone_whatsapp=bool(phone) and form.phone_whatsapp,
        email=email,
        address=_address(form, "responsible_", errors),
    )


def _address(form: PatientForm | ResponsibleForm, prefix: str, errors: list[FieldError]) -> Address:
    """The address as typed, cleaned: CEP and UF checked (errors under ``prefix`` + field)."""
    return Address(
        street=clean_name(form.street),
        number=clean_name(form.number),
        complement=clean_name(form.complement),
        district=clean_name(form.district),
        city=clean_name(form.city),
        state=_optional(form.state, prefix + "state", identity.normalize_uf, errors),
        zip_code=_optional(form.zip_code, prefix + "zip_code", identity.normalize_cep, errors),
    )


def validate_patient(form: PatientForm, today: date, *, checks: IdentityChecks) -> PatientData:
    """Clean ``form`` or raise ValidationError with every problem found (nothing is saved).
    ``checks`` answers whether a CPF, phone or e-mail is valid."""
    errors = limits.form_text_errors(form, FIELD_LABELS, TEXT_LENGTHS)
    name = _full_name(form.name, "name", errors)

    cpf: str | None = None
    if form.cpf.strip():
        result = identity.normalize_cpf(form.cpf, checks=checks)
        if isinstance(result, FieldError):
            errors.append(result)
        else:
            cpf = result
    elif form.responsible is None:
        errors.append(
            FieldError(
                "cpf",
                "CPF: obrigatório. Sem CPF (por exemplo, uma criança), informe um responsável "
                "financeiro com CPF.",
            )
        )

    birth: date | None = None
    if form.birth_date.strip():
        parsed = parse_date(form.birth_date, "birth_date", _label("birth_date"))
        if isinstance(parsed, FieldError):
            errors.append(parsed)
        elif parsed > today:
            errors.append(FieldError("birth_date", "Data de nascimento: não pode ser no futuro."))
        elif parsed.year < 1900:
            errors.append(FieldError("birth_date", "Data de nascimento: confira o ano."))
        else:
            birth = parsed

    phone = _optional(form.phone, "phone", _phone(checks), errors)
    phone_alt = _optional(form.phone_alt, "phone_alt", _phone(checks), errors)
    if form.phone_whatsapp and not form.phone.strip():
        errors.append(FieldError("phone", "Telefone: marque WhatsApp só com um número informado."))
    email = _optional(form.email, "email", _email(checks), errors)
    address = _address(form, "", errors)

    responsible: ResponsibleData | None = None
    if form.responsible is not None:
        responsible = validate_responsible(form.responsible, errors, checks=checks)
        if form.responsible.same_address:
            responsible = replace(responsible, address=address)
        if cpf and responsible.cpf == cpf:
            errors.append(
                FieldError(
                    "responsible_cpf",
                    "CPF do responsável: é o mesmo do paciente — deixe o responsável em branco "
                    "quando o próprio paciente paga.",
                )
            )

    if errors:
        raise ValidationError(limits.first_per_field(errors))
    return PatientData(
        name=name,
        cpf=cpf,
        birth_date=birth,
        phone=phone,
        phone_whatsapp=bool(phone) and form.phone_whatsapp,
        phone_alt=phone_alt,
        phone_alt_whatsapp=bool(phone_alt) and form.phone_alt_whatsapp,
        email=email,
        street=address.street,
        number=address.number,
        complement=address.complement,
        district=address.district,
        city=address.city,
        state=address.state,
        zip_code=address.zip_code,
        opt_out_whatsapp=form.opt_out_whatsapp,
        opt_out_sms=form.opt_out_sms,
        opt_out_email=form.opt_out_email,
        opt_out_phone=form.opt_out_phone,
        notes=(form.notes or "").strip(),
        responsible=responsible,
    )
