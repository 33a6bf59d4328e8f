"""LGPD (Lei 13.709/2018): a patient's right to a copy of their data (art. 18, II) and to
anonymisation (art. 18, IV) — keeping what the law requires the clinic to keep.

Anonymising replaces every personal field of the patient (name, CPF, birth date, phones,
e-mail, address, notes) and the free texts that could identify them (messages sent, notes of
contacts, the treatment description of their contracts). Amounts, dates, installments and
payments stay: they are the clinic's accounting and fiscal records (art. 16, I). It is refused
while the patient still owes money — the clinic may keep the data to collect a debt
(art. 7º, VI and art. 16, I).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.errors import NotFoundError, ValidationError
from app.persistence import models
from app.services.base import Permission, Service
from app.services.ports import UnitOfWorkPort
from app.timeutil import utcnow

ANONYMOUS = "[anonimizado]"

_PERSONAL_FIELDS = (
    "name", "cpf", "birth_date", "phone", "phone_alt", "email", "street", "number",
    "complement", "district", "city", "state", "zip_code", "notes",
)  # fmt: skip


def _patient(uow: UnitOfWorkPort, patient_id: int) -> models.Patient:
    row = uow.patients.get(patient_id)
    if row is None:
        raise NotFoundError(f"Paciente {patient_id} não encontrado.")
    return row


@dataclass(frozen=True)
class AnonymizeReport:
    patient_id: int
    fields: tuple[str, ...]
    contracts: int
    contact_logs: int
    documents_on_disk: int


class LgpdService(Service):
    def export_patient(self, patient_id: int) -> dict[str, Any]:
        """Everything EmDia holds about one person, as JSON-ready data."""
        self.require(Permission.LGPD)
        with self.uow() as uow:
            patient = _patient(uow, patient_id)
            data = {
                "format": "emdia-lgpd-export",
                "generated_at": utcnow().isoformat(timespec="seconds") + "Z",
                "generated_by": self.actor.username,
                "legal_basis": "LGPD art. 18, II (acesso aos dados)",
                **uow.personal_data.export(patient),
            }
            self.audit(uow, "patient.lgpd_export", "patient", patient_id, None, None)
            uow.commit()
            return data

    def export_patient_file(self, patient_id: int, path: Path | str) -> Path:
        """The export as a UTF-8 JSON file (what the patient receives)."""
        data = self.export_patient(patient_id)
        target = Path(path)
        try:
            target.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        except OSError as exc:
            raise ValidationError.single(
                "out", f"Arquivo: não foi possível gravar {target} ({exc.strerror or exc})."
            ) from exc
        return target

    def anonymize_patient(self, patient_id: int) -> AnonymizeReport:
        self.require(Permission.LGPD)
        with self.uow() as uow:
            patient = _patient(uow, patient_id)
            if patient.anonymized_at is not None:
                raise ValidationError.single(
                    "patient", f"Paciente {patient_id}: já foi anonimizado; nada a fazer."
                )
            open_cents = uow.personal_data.open_principal(patient_id)
            if open_cents:
                raise ValidationError.single(
                    "patient",
                    f"{patient.name} ainda tem parcelas em aberto: a LGPD permite manter os "
                    "dados enquanto houver dívida (art. 7º, VI e art. 16, I). Anonimize depois "
                    "da quitação ou do cancelamento dos contratos.",
                )
            patient.name = f"Titular anonimizado nº {patient.id}"
            patient.name_search = f"titular anonimizado {patient.id}"
            patient.cpf = None
            patient.birth_date = None
            patient.phone = patient.phone_alt = patient.email = ""
            patient.phone_whatsapp = patient.phone_alt_whatsapp = False
            patient.street = patient.number = patient.complement = patient.district = ""
            patient.city = patient.state = patient.zip_code = patient.notes = ""
            patient.opt_out_whatsapp = patient.opt_out_sms = True
            patient.opt_out_email = patient.opt_out_phone = True
            patient.data_confirmed_on = None
            patient.anonymized_at = utcnow()
            contracts = uow.personal_data.contracts_as_patient(patient_id)
            for contract in contracts:
                contract.description = ANONYMOUS  # the treatment is health data (art. 11)
            logs = uow.personal_data.contact_logs(patient_id)
            for entry in logs:
                entry.note = ANONYMOUS if entry.note else ""
                entry.message_text = ANONYMOUS if entry.message_text else ""
            documents = uow.personal_data.document_count(patient_id)
            self.audit(
                uow,
                "patient.anonymize",
                "patient",
                patient_id,
                None,
                {
                    "fields": list(_PERSONAL_FIELDS),
                    "contracts": len(contracts),
                    "contacts": len(logs),
                },
            )
            uow.commit()
            return AnonymizeReport(
                patient_id, _PERSONAL_FIELDS, len(contracts), len(logs), documents
            )
