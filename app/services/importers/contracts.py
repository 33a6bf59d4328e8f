"""Contratos from a spreadsheet: the lines of one contract grouped, checked as the desk's
form, written with their parcelas, the payments already made and their allocations."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time
from typing import Any

from app.adapters.identity_checks import IDENTITY_CHECKS
from app.domain import identity
from app.domain.catalog import ContractStatus
from app.domain.contracts import (
    ContractData,
    ContractForm,
    PaymentForm,
    validate_contract,
    validate_payment,
)
from app.domain.dates import format_date
from app.domain.law import (
    CorrectionTable,
    InstallmentLedger,
    InstallmentTerms,
    contract_status,
    standing,
    updated_debt,
)
from app.domain.layouts import (
    CONTRACT_FIELDS,
    ContractGroup,
    InstallmentLine,
    group_contracts,
    normalize_method,
    number_lines,
    read_installment,
)
from app.domain.money import format_brl
from app.domain.patients import PatientData, PatientForm, validate_patient
from app.domain.schedule import PlannedInstallment
from app.domain.text import fold
from app.errors import FieldError, ValidationError
from app.persistence import models
from app.services.base import clinic_calendar
from app.services.importers.base import IMPORT_REFERENCE, Importer, Outcome, Skip, advance
from app.services.payments import (
    allocate_payment,
    payment_audit,
    payment_values,
    settlement_values,
)

_CONTRACT_KEYS = {
    "total": "amount",
    "down_payment": "amount",
    "installments": "number",
    "first_due": "due_date",
    "method": "method",
    "signed_on": "signed_on",
    "patient": "patient_cpf",
    "name": "patient_name",
    "cpf": "patient_cpf",
    "phone": "patient_phone",
}


@dataclass
class _Checked:
    """A contract group that passed every check, ready to be written."""

    group: ContractGroup
    patient: models.Patient | None
    new_patient: PatientData | None
    data: ContractData


@dataclass
class _Written:
    """A contract added to the unit of work (flushed with its batch) and, ready for
    ``executemany``, its parcelas (paid and settled as its history left them) and its payments,
    each with its allocations by parcela number; ``audits``: what the log keeps of them."""

    contract: models.Contract
    installments: list[dict[str, Any]]
    payments: list[tuple[dict[str, Any], list[tuple[int, dict[str, int]]]]]
    audits: list[dict[str, Any]]


class ContractImporter(Importer):
    """Two passes: every group is checked (queries only), then the accepted ones are written
    in batches — one flush per ``BATCH`` contracts, each then audited with its id."""

    fields = CONTRACT_FIELDS
    passes = 2
    BATCH = 200

    def run(self) -> Outcome:
        lines = [read_installment(record, self.errors) for record in self.records]
        self.clinic = self.uow.clinic.get_or_create()
        self.calendar = clinic_calendar(self.uow)
        groups = group_contracts(lines)
        cpfs = (identity.normalize_cpf(g.cpf, checks=IDENTITY_CHECKS) for g in groups if g.cpf)
        self.known = self.uow.patients.by_cpfs(c for c in cpfs if isinstance(c, str))
        self.dependents = self.uow.patients.dependents_by_name(
            (fold(g.text("patient_name")), cpf)
            for g in groups
            if not g.cpf and g.text("patient_name") and g.text("responsible_cpf")
            if isinstance(
                cpf := identity.normalize_cpf(g.text("responsible_cpf"), checks=IDENTITY_CHECKS),
                str,
            )
        )
        # Their contracts, for "already imported?" (one query per 500 people, not per contract).
        self.existing = self.uow.contracts.of_patients(
            p.id for p in (*self.known.values(), *self.dependents.values())
        )
        self.new_patients: dict[str, PatientData] = {}
        self.tables: dict[str, CorrectionTable] = {}
        checked = []
        for group in groups:
            self.step(len(group.lines))
            item = self._check(group)
            if item is not None:
                checked.append(item)
        batch: list[_Written] = []
        for n, item in enumerate(checked, start=1):
            self.step(len(item.group.lines))
            batch.append(self._write(item))
            if n % self.BATCH == 0 or n == len(checked):
                self.uow.flush()  # the contracts (and new patients) get their ids
                self._write_rows(batch)
                for written in batch:
                    self._audit(written.contract, written.audits)
                batch = []
        return self.outcome

    def _check(self, group: ContractGroup) -> _Checked | None:
        numbered = number_lines(group, self.errors)
        new_patient: PatientData | None = None
        patient: models.Patient | None
        if not group.cpf:
            patient = self._patient_without_cpf(group)
            if patient is None:
                return None
        else:
            cpf = identity.normalize_cpf(
                group.cpf, "patient_cpf", "CPF do paciente", checks=IDENTITY_CHECKS
            )
            if isinstance(cpf, FieldError):
                self.errors.add(group.first, "patient_cpf", cpf.message)
                return None
            patient = self.known.get(cpf)
            if patient is None:
                new_patient = self.new_patients.get(cpf) or self._new_patient(group, cpf)
                if new_patient is not None:
                    self.new_patients[cpf] = new_patient
        if any(self.refused(ln.record) for ln in group.lines) or not numbered:
            return None
        by_number = {ln.number: ln for ln in group.lines}
        first = by_number.get(1)
        total = sum(ln.amount or 0 for ln in group.lines)
        count = sum(1 for n in by_number if n is not None and n >= 1)
        if patient is not None and self._already_imported(group, patient, total, first, count):
            return None
        down = by_number[0].amount if 0 in by_number and by_number[0].amount else 0
        form = ContractForm(
            total=format_brl(total, symbol=False),
            down_payment=format_brl(down, symbol=False) if down else "",
            installments=str(count),
            first_due=first.record.get("due_date") if first else "",
            method=normalize_method(group.text("method")) or "pix",
            description=group.text("description"),
            signed_on=group.text("signed_on"),
        )
        try:
            data = validate_contract(
                form,
                self.today,
                patient_birth=patient.birth_date if patient is not None else None,
                has_responsible=patient is not None and patient.responsible_id is not None,
                checks=IDENTITY_CHECKS,
            )
        except ValidationError as exc:
            for error in exc.errors:
                key = _CONTRACT_KEYS.get(error.field, "contract")
                where = by_number.get(0) if error.field == "down_payment" else None
                where = first if error.field == "first_due" else where
                record = (where or group.lines[0]).record
                self.errors.add(record, key, error.message, keep_label=key == "contract")
            return None
        return _Checked(group, patient, new_patient, data)

    def _patient_without_cpf(self, group: ContractGroup) -> models.Patient | None:
        """A child (no CPF) is found by name under the responsável's CPF, as registered."""
        name, responsible = group.text("patient_name"), group.text("responsible_cpf")
        if not name or not responsible:
            self.errors.add(
                group.first,
                "patient_cpf",
                "CPF do paciente: obrigatório — para paciente sem CPF (uma criança), preencha o "
                "nome do paciente e o CPF do responsável.",
            )
            return None
        cpf = identity.normalize_cpf(
            responsible, "responsible_cpf", "CPF do responsável", checks=IDENTITY_CHECKS
        )
        if isinstance(cpf, FieldError):
            self.errors.add(group.first, "responsible_cpf", cpf.message)
            return None
        patient = self.dependents.get((fold(name), cpf))
        if patient is None:
            self.errors.add(
                group.first,
                "patient_name",
                f"Nome do paciente: {name}, sem CPF e com responsável "
                f"{identity.format_cpf(cpf)}, não está cadastrado — importe os pacientes antes.",
            )
        return patient

    def _new_patient(self, group: ContractGroup, cpf: str) -> PatientData | None:
        name = group.text("patient_name")
        if not name:
            self.errors.add(
                group.first,
                "patient_cpf",
                f"CPF do paciente: {identity.format_cpf(cpf)} não está cadastrado — importe os "
                "pacientes antes, ou preencha a coluna 'nome do paciente' para cadastrá-lo "
                "agora.",
            )
            return None
        phone = group.text("patient_phone")
        form = PatientForm(name=name, cpf=cpf, phone=phone, phone_whatsapp=bool(phone))
        try:
            return validate_patient(form, self.today, checks=IDENTITY_CHECKS)
        except ValidationError as exc:
            record = next(ln.record for ln in group.lines if ln.record.get("patient_name"))
            self.errors.add_all(record, exc.errors, _CONTRACT_KEYS)
            return None

    def _already_imported(
        self,
        group: ContractGroup,
        patient: models.Patient,
        total: int,
        first: InstallmentLine | None,
        count: int,
    ) -> bool:
        # Among this patient's contracts: by the file's number as ``ContractRepository.by_key``
        # finds it (the imported number, failing that EmDia's own); a file without numbers, by
        # the same plan — same total, first due date and number of parcelas.
        theirs = self.existing.get(patient.id, [])
        existing: models.Contract | None = None
        if group.key:
            key = group.key
            found = [c for c in theirs if c.external_ref == key]
            if not found and key.isdigit() and len(key) < 10:
                found = [c for c in theirs if c.id == int(key)]
            existing = found[0] if found else None
        elif first is not None and first.due is not None:
            existing = next(
                (
                    c
                    for c in theirs
                    if c.patient_id == patient.id
                    and c.total_cents == total
                    and c.first_due_date == first.due
                    and c.installments_count == count
                ),
                None,
            )
        if existing is None:
            return False
        shown = f"contrato {group.key}" if group.key else "contrato"
        self.outcome.skipped.append(
            Skip(
                tuple(ln.record.line for ln in group.lines),
                f"{shown} de {patient.name} já está no EmDia (contrato nº {existing.id}); "
                "pagamentos novos entram pela importação de pagamentos.",
            )
        )
        return True

    def _write(self, item: _Checked) -> _Written:
        group, data, patient = item.group, item.data, item.patient
        if patient is None:
            assert item.new_patient is not None and item.new_patient.cpf is not None
            patient = self.known.get(item.new_patient.cpf)
            if patient is None:  # a new patient's first contract in the file registers them
                patient = self.service.patients.insert(
                    self.uow, item.new_patient, confirmed_on=None, cpf_checked=True
                )
                self.known[item.new_patient.cpf] = patient
                self.outcome.count("patients")
        ordered = sorted(group.lines, key=lambda ln: ln.number or 0)
        planned = [
            PlannedInstallment(
                ln.number or 0,
                ln.due or data.first_due,
                self.calendar.next_business_day(ln.due or data.first_due),
                ln.amount or 0,
            )
            for ln in ordered
        ]
        start = data.signed_on or min(p.due_date for p in planned)
        contract = self.service.contracts.build(
            self.uow,
            patient,
            data,
            [],  # the parcelas are written with the batch (``_write_rows``)
            clinic=self.clinic,
            external_ref=group.key or None,
            # A contract from a spreadsheet never promised EmDia's punctuality discount.
            punctuality_discount_bp=0,
            created_at=datetime.combine(start, time(12)),
        )
        self.outcome.count("contracts")
        self.outcome.count("installments", len(planned))
        written = self._history(group, contract, planned, data.method.value)
        self.outcome.notes[group.first.line] = (
            f"novo contrato {group.key or ''} de {patient.name}: {data.installments} parcela(s)"
            + (" + entrada" if data.down_payment_cents else "")
            + (f", {len(written.audits)} paga(s)" if written.audits else "")
        ).replace("contrato  de", "contrato de")
        return written

    def _write_rows(self, batch: list[_Written]) -> None:
        """The batch's parcelas, payments and allocations, each table in one ``executemany``
        (the contracts were just flushed and have their ids)."""
        bulk = self.uow.bulk
        installment_rows = [
            {"contract_id": w.contract.id, **row} for w in batch for row in w.installments
        ]
        ids = bulk.insert_returning_ids(models.Installment, installment_rows)
        installment_id = {
            (row["contract_id"], row["number"]): iid
            for row, iid in zip(installment_rows, ids, strict=True)
        }
        paid = [(w.contract.id, row, allocations) for w in batch for row, allocations in w.payments]
        payment_rows = [{"contract_id": cid, **row} for cid, row, _ in paid]
        payment_ids = bulk.insert_returning_ids(models.Payment, payment_rows)
        allocation_rows = [
            {"payment_id": pid, "installment_id": installment_id[(cid, n)], **money}
            for (cid, _, allocations), pid in zip(paid, payment_ids, strict=True)
            for n, money in allocations
        ]
        if allocation_rows:
            bulk.insert(models.PaymentAllocation, allocation_rows)

    def _history(
        self,
        group: ContractGroup,
        contract: models.Contract,
        planned: list[PlannedInstallment],
        method: str,
    ) -> _Written:
        """The parcelas the spreadsheet says were paid, each as a payment on its own parcela.

        The amount paid (``valor pago``, else the parcela's value) up to the parcela's principal
        settles principal and the charges of that time are recorded as waived — the clinic took
        it as payment in full, as the desk's "dispensar multa e juros" does. A larger amount is
        applied as at the desk: charges first (CC art. 354), then principal.
        """
        # Not written yet, so no ids: the allocation knows the parcelas by number.
        ledgers = {
            p.number: InstallmentLedger(
                InstallmentTerms(
                    p.number, p.due_date, p.effective_due_date, p.amount_cents, key=p.number
                )
            )
            for p in planned
        }
        policy = self.uow.contracts.policy(contract, self.tables)
        audits: list[dict[str, Any]] = []
        payments: list[tuple[dict[str, Any], list[tuple[int, dict[str, int]]]]] = []
        for line in sorted(group.lines, key=lambda ln: ln.number or 0):
            if not line.record.get("paid_on"):
                continue
            amount_key = "paid_amount" if line.record.get("paid_amount") else "amount"
            form = PaymentForm(
                contract_id=0,
                amount=line.record.get(amount_key),
                paid_on=line.record.get("paid_on"),
                method=method,
                reference=IMPORT_REFERENCE,
            )
            try:
                payment = validate_payment(form, self.today)
            except ValidationError as exc:
                keys = {"amount": amount_key, "paid_on": "paid_on", "method": "method"}
                self.errors.add_all(line.record, exc.errors, keys)
                continue
            ledger = ledgers[line.number or 0]
            debt = updated_debt(ledger.terms, ledger.settlements, payment.paid_on, policy)
            waive = payment.amount_cents <= debt.open_principal_cents
            if not waive and payment.amount_cents > debt.total_cents:
                self.errors.add(
                    line.record,
                    amount_key,
                    f"Valor pago: {format_brl(payment.amount_cents)} é mais do que esta parcela "
                    f"devia em {format_date(payment.paid_on)} ({format_brl(debt.total_cents)}, "
                    "com multa e juros).",
                )
                continue
            data = replace(payment, waive_charges=waive)
            _, allocation = allocate_payment(self.uow, contract, data, [ledger], policy)
            payments.append(
                (
                    payment_values(self.service.actor, data, allocation),
                    [(t.number, settlement_values(st)) for t, st in allocation.lines],
                )
            )
            ledgers[ledger.terms.number] = advance([ledger], allocation.lines)[0]
            audits.append(payment_audit(data, allocation))
        final = list(ledgers.values())
        status = contract_status(ContractStatus(contract.status), final)
        contract.status = status.value
        installments = []
        for p in planned:
            now = standing(ledgers[p.number])
            installments.append(
                {
                    "number": p.number,
                    "due_date": p.due_date,
                    "effective_due_date": p.effective_due_date,
                    "amount_cents": p.amount_cents,
                    "paid_cents": now.paid_cents,
                    "settled_on": now.settled_on,
                }
            )
        return _Written(contract, installments, payments, audits)

    def _audit(self, contract: models.Contract, payments: list[dict[str, Any]]) -> None:
        self.service.contracts.audit_created(self.uow, contract, "contract.import")
        if payments:
            for payment in payments:
                payment["contract_id"] = contract.id
            self.service.audit(
                self.uow, "payment.import", "contract", contract.id, None, {"payments": payments}
            )
            self.outcome.count("payments", len(payments))
