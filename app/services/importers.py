"""The three imports, line by line, inside ONE transaction (``TransferService`` commits it only
when every line was accepted; a dry run, or any refused line, rolls it all back).

Each line becomes the form a person would have typed and goes through the same validator and
the same service code as the desk: ``validate_patient`` + ``PatientService.insert``,
``validate_contract`` + ``ContractService.insert``, ``validate_payment`` + ``record_payment``
(whose ``allocate`` is the one formula for applying money).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Any, Protocol

from app.adapters.identity_checks import IDENTITY_CHECKS
from app.clock import Clock
from app.domain import identity
from app.domain.contracts import (
    BackdateWindow,
    ContractData,
    ContractForm,
    PaymentData,
    PaymentForm,
    check_payment_date,
    validate_contract,
    validate_payment,
)
from app.domain.dates import format_date
from app.domain.importing import FieldSpec, Record, RowErrors
from app.domain.law import (
    CorrectionTable,
    InstallmentLedger,
    InstallmentTerms,
    Settlement,
    updated_debt,
)
from app.domain.layouts import (
    CONTRACT_FIELDS,
    PATIENT_FIELDS,
    PAYMENT_FIELDS,
    REVERSED_WORDS,
    ContractGroup,
    InstallmentLine,
    group_contracts,
    normalize_method,
    number_lines,
    patient_form,
    read_installment,
)
from app.domain.money import format_brl
from app.domain.patients import PatientData, PatientForm, validate_patient
from app.domain.schedule import PlannedInstallment
from app.domain.text import fold
from app.errors import EmDiaError, FieldError, ValidationError
from app.persistence import models
from app.persistence.records import contract_key, terms_of
from app.progress import IsCancelled, Progress, stop_if_cancelled
from app.services.base import Actor, clinic_calendar
from app.services.contracts import ContractService
from app.services.patients import PatientService
from app.services.payments import (
    PaymentService,
    add_payment_rows,
    allocate_payment,
    backdate_window,
    payment_audit,
)
from app.services.ports import UnitOfWorkPort

IMPORT_REFERENCE = "importado da planilha"


@dataclass(frozen=True)
class Skip:
    """Lines left out on purpose (already in EmDia), and why."""

    lines: tuple[int, ...]
    reason: str

    def __str__(self) -> str:
        return f"{_lines(self.lines)}: {self.reason}"


def _lines(lines: tuple[int, ...]) -> str:
    if len(lines) == 1:
        return f"linha {lines[0]}"
    if lines == tuple(range(lines[0], lines[-1] + 1)):
        return f"linhas {lines[0]} a {lines[-1]}"
    return "linhas " + ", ".join(str(n) for n in lines)


@dataclass
class Outcome:
    """What an import did (or would do) — filled line by line."""

    errors: RowErrors
    skipped: list[Skip] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    notes: dict[int, str] = field(default_factory=dict)

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


class ImportHost(Protocol):
    """What an import uses of the service that runs it (the transfer service), and no more: the
    clock, who acts, the audit log, and the desk's own code that writes a patient and a contract
    — so an imported line is saved exactly as a typed one."""

    patients: PatientService
    contracts: ContractService

    @property
    def clock(self) -> Clock: ...

    @property
    def actor(self) -> Actor: ...

    def latest_record_day(self) -> date: ...

    def audit(
        self,
        uow: UnitOfWorkPort,
        action: str,
        entity: str,
        entity_id: int | None,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        *,
        actor: Actor | None = None,
    ) -> None: ...


DUPLICATE = "duplicate"  # the field of a "likely the same payment twice" refusal


class Importer:
    fields: tuple[FieldSpec, ...] = ()
    passes = 1  # how many times ``step`` goes over the lines (for the progress total)
    # The user said equal lines are different payments (``--confirm-duplicates``).
    confirm_duplicates = False

    def __init__(
        self,
        service: ImportHost,
        uow: UnitOfWorkPort,
        lines: list[Record],
        columns: dict[str, str],
        progress: Progress | None,
        cancelled: IsCancelled | None,
    ) -> None:
        self.service = service
        self.uow = uow
        self.records = lines
        self.today = service.clock.today()
        self.outcome = Outcome(RowErrors(columns))
        self.errors = self.outcome.errors
        self._progress = progress
        self._cancelled = cancelled
        self._done = 0

    def step(self, n: int = 1) -> None:
        """Count ``n`` lines done; poll cancel; report progress every so often."""
        stop_if_cancelled(self._cancelled, "Importação cancelada: nada foi gravado.")
        before = self._done
        self._done += n
        if self._progress is not None and (self._done // 200 != before // 200 or n > 1):
            self._progress(self._done, len(self.records) * self.passes)

    def run(self) -> Outcome:  # pragma: no cover - each importer implements it
        raise NotImplementedError

    def refused(self, record: Record) -> bool:
        return self.errors.refused(record.line)


# --- pacientes ----------------------------------------------------------------------------

_PATIENT_KEYS = {s.key: s.key for s in PATIENT_FIELDS}


class PatientImporter(Importer):
    fields = PATIENT_FIELDS

    def run(self) -> Outcome:
        valid: list[tuple[Record, PatientData]] = []
        for record in self.records:
            form = patient_form(record, self.errors)
            try:
                data = validate_patient(form, self.today, checks=IDENTITY_CHECKS)
            except ValidationError as exc:
                self.errors.add_all(record, exc.errors, _PATIENT_KEYS)
                continue
            if not self.refused(record):
                valid.append((record, data))
        if len(valid) < len(self.records):
            self.step(len(self.records) - len(valid))
        seen: dict[str, int] = {}
        self.known = self.uow.patients.by_cpfs(
            cpf
            for _, data in valid
            for cpf in (data.cpf, data.responsible.cpf if data.responsible else None)
            if cpf
        )
        for n, (record, data) in enumerate(_responsaveis_first(valid)):
            self.step()
            self._one(record, data, seen)
            if n % 500 == 499:
                self.uow.flush()  # rows go in by batches of INSERTs
        return self.outcome

    def _one(self, record: Record, data: PatientData, seen: dict[str, int]) -> None:
        uow = self.uow
        existing: models.Patient | None
        if data.cpf:
            key, shown = data.cpf, f"CPF {identity.format_cpf(data.cpf)}"
            existing = self.known.get(data.cpf)
        else:
            assert data.responsible is not None  # validate_patient: no CPF needs a responsável
            key = f"{fold(data.name)}|{data.responsible.cpf}"
            shown = "nome e responsável"
            existing = uow.patients.dependent(fold(data.name), data.responsible.cpf)
        if key in seen:
            self.errors.add(
                record,
                "cpf" if data.cpf else "name",
                f"{shown} repetido: a mesma pessoa já está na linha {seen[key]} deste arquivo.",
                keep_label=True,
            )
            return
        seen[key] = record.line
        if existing is not None:
            self.outcome.skipped.append(
                Skip(
                    (record.line,),
                    f"{data.name} — já cadastrado no EmDia como {existing.name} "
                    f"(código {existing.id}); nada foi alterado.",
                )
            )
            return
        responsible = data.responsible
        new_responsible = (
            responsible is not None
            and responsible.cpf not in self.known
            and responsible.cpf not in seen
        )
        try:
            self.service.patients.insert(uow, data, confirmed_on=None, cpf_checked=True)
        except ValidationError as exc:
            self.errors.add_all(record, exc.errors, _PATIENT_KEYS)
            return
        self.outcome.count("patients")
        note = "novo paciente"
        if new_responsible and responsible is not None:
            self.outcome.count("patients")
            seen[responsible.cpf] = record.line
            note += f" e novo responsável ({responsible.name})"
        self.outcome.notes[record.line] = note


def _responsaveis_first(
    rows: list[tuple[Record, PatientData]],
) -> list[tuple[Record, PatientData]]:
    """A person named as someone's responsável is registered before that someone, so the link
    finds them (chains of any depth; a loop is left to the service to refuse)."""
    by_cpf = {data.cpf: data for _, data in rows if data.cpf}
    level: dict[str, int] = {}

    def depth(cpf: str | None, guard: int = 0) -> int:
        if cpf is None or cpf not in by_cpf or guard > 50:
            return 0
        if cpf not in level:
            responsible = by_cpf[cpf].responsible
            level[cpf] = 1 + depth(responsible.cpf if responsible else None, guard + 1)
        return level[cpf]

    def order(item: tuple[Record, PatientData]) -> tuple[int, int]:
        _, data = item
        responsible = data.responsible.cpf if data.responsible else None
        return (depth(responsible), item[0].line)

    return sorted(rows, key=order)


# --- contratos ----------------------------------------------------------------------------

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
        self.new_patients: dict[str, PatientData] = {}
        self.tables: dict[str, CorrectionTable] = {}
        checked = []
        for group in groups:
            self.step(len(group.lines))
            item = self._check(group)
            if item is not None:
                checked.append(item)
        batch: list[tuple[models.Contract, list[dict[str, Any]]]] = []
        for n, item in enumerate(checked, start=1):
            self.step(len(item.group.lines))
            batch.append(self._write(item))
            if n % self.BATCH == 0 or n == len(checked):
                self.uow.flush()
                for contract, payments in batch:
                    self._audit(contract, payments)
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
        patient = self.uow.patients.dependent(fold(name), cpf)
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
        contracts = self.uow.contracts
        if group.key:
            found = contracts.by_key(group.key, patient.id)
            existing = found[0] if found else None
        elif first is not None and first.due is not None:
            existing = contracts.same_plan(patient.id, total, first.due, count)
        else:
            existing = None
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

    def _write(self, item: _Checked) -> tuple[models.Contract, list[dict[str, Any]]]:
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
            planned,
            clinic=self.clinic,
            external_ref=group.key or None,
            # A contract from a spreadsheet never promised EmDia's punctuality discount.
            punctuality_discount_bp=0,
            created_at=datetime.combine(start, time(12)),
        )
        self.outcome.count("contracts")
        self.outcome.count("installments", len(planned))
        payments = self._history(group, contract, data.method.value)
        self.outcome.notes[group.first.line] = (
            f"novo contrato {group.key or ''} de {patient.name}: {data.installments} parcela(s)"
            + (" + entrada" if data.down_payment_cents else "")
            + (f", {len(payments)} paga(s)" if payments else "")
        ).replace("contrato  de", "contrato de")
        return contract, payments

    def _history(
        self, group: ContractGroup, contract: models.Contract, method: str
    ) -> list[dict[str, Any]]:
        """The parcelas the spreadsheet says were paid, each as a payment on its own parcela.

        The amount paid (``valor pago``, else the parcela's value) up to the parcela's principal
        settles principal and the charges of that time are recorded as waived — the clinic took
        it as payment in full, as the desk's "dispensar multa e juros" does. A larger amount is
        applied as at the desk: charges first (CC art. 354), then principal.
        """
        installments = {i.number: i for i in contract.installments}
        # Not written yet, so no ids: the allocation knows the parcelas by number.
        ledgers = {
            i.number: InstallmentLedger(replace(terms_of(i), key=i.number))
            for i in contract.installments
        }
        policy = self.uow.contracts.policy(contract, self.tables)
        written: list[dict[str, Any]] = []
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
            add_payment_rows(self.service.actor, self.uow, contract, data, allocation, installments)
            ledgers[ledger.terms.number] = _advance([ledger], allocation.lines)[0]
            written.append(payment_audit(data, allocation))
        if written:
            PaymentService.refresh(self.uow, contract, list(ledgers.values()))
        return written

    def _audit(self, contract: models.Contract, payments: list[dict[str, Any]]) -> None:
        self.service.contracts.audit_created(self.uow, contract, "contract.import")
        if payments:
            for payment in payments:
                payment["contract_id"] = contract.id
            self.service.audit(
                self.uow, "payment.import", "contract", contract.id, None, {"payments": payments}
            )
            self.outcome.count("payments", len(payments))


# --- pagamentos ---------------------------------------------------------------------------


class PaymentImporter(Importer):
    fields = PAYMENT_FIELDS

    def run(self) -> Outcome:
        ready: list[tuple[Record, models.Contract, PaymentData]] = []
        self._patients: dict[str, models.Patient | None] = {}
        latest = self.service.latest_record_day()  # never after the real date
        windows: dict[int, BackdateWindow] = {}
        for record in self.records:
            if fold(record.get("status")) in REVERSED_WORDS:
                self.outcome.skipped.append(
                    Skip(
                        (record.line,),
                        f"situação '{record.get('status')}': estornos não são importados — "
                        "registre o estorno no EmDia.",
                    )
                )
                continue
            contract = self._contract(record)
            if contract is None:
                continue
            form = PaymentForm(
                contract_id=contract.id,
                amount=record.get("amount"),
                paid_on=record.get("paid_on"),
                method=normalize_method(record.get("method")) or contract.payment_method,
                reference=record.get("reference"),
            )
            try:
                data = validate_payment(form, latest)
                # The desk's bounds: never before the contract (the charges of every parcela
                # late since then would vanish); a history beyond the clinic's window is the
                # gestor's, whose import is audited.
                if contract.id not in windows:
                    windows[contract.id] = backdate_window(
                        self.uow, contract, latest, self.service.actor
                    )
                check_payment_date(data, windows[contract.id], need_reason=False)
            except ValidationError as exc:
                self.errors.add_all(record, exc.errors, {})
                continue
            ready.append((record, contract, data))
        if len(ready) < len(self.records):
            self.step(len(self.records) - len(ready))
        if not self.confirm_duplicates:
            ready = self._without_twins(ready)
        # In date order, as the money came in: allocation depends on what was already paid.
        ready.sort(key=lambda item: (item[2].paid_on, item[0].line))
        ledgers: dict[int, list[InstallmentLedger]] = {}
        existing: dict[int, dict[tuple[date, int], list[str]]] = {}
        written: dict[int, list[dict[str, Any]]] = {}
        contracts: dict[int, models.Contract] = {}
        for record, contract, data in ready:
            self.step()
            known = existing.setdefault(contract.id, self.uow.payments.effective_on(contract.id))
            twin = _take_twin(known.get((data.paid_on, data.amount_cents), []), data.reference)
            if twin:
                self.outcome.skipped.append(
                    Skip(
                        (record.line,),
                        f"pagamento de {format_brl(data.amount_cents)} em "
                        f"{format_date(data.paid_on)} no contrato {contract_key(contract)} já "
                        "está registrado.",
                    )
                )
                continue
            current = ledgers.get(contract.id) or self.uow.contracts.ledgers(contract.id)
            try:
                _, allocation = allocate_payment(self.uow, contract, data, current)
            except ValidationError as exc:
                self.errors.add_all(record, exc.errors, {})
                continue
            except EmDiaError as exc:
                self.errors.add(record, "contract", exc.message, keep_label=True)
                continue
            add_payment_rows(self.service.actor, self.uow, contract, data, allocation)
            ledgers[contract.id] = _advance(current, allocation.lines)
            written.setdefault(contract.id, []).append(payment_audit(data, allocation))
            contracts[contract.id] = contract
            numbers = ", ".join(str(t.number) for t, _ in allocation.lines)
            self.outcome.notes[record.line] = (
                f"contrato {contract_key(contract)}: parcela(s) {numbers}"
            )
        for contract_id, payments in written.items():
            self._settle(contracts[contract_id], ledgers[contract_id], payments)
        return self.outcome

    def _without_twins(
        self, ready: list[tuple[Record, models.Contract, PaymentData]]
    ) -> list[tuple[Record, models.Contract, PaymentData]]:
        """Two lines of one file with the same contract, date, amount and reference are most
        likely one payment typed twice: applying both would take the money twice. Each repeat
        is refused (nothing is written) until the user confirms they are different payments."""
        first: dict[tuple[int, date, int, str], int] = {}
        kept = []
        for record, contract, data in ready:
            key = (contract.id, data.paid_on, data.amount_cents, data.reference)
            if key not in first:
                first[key] = record.line
                kept.append((record, contract, data))
                continue
            self.errors.add(
                record,
                DUPLICATE,
                f"Pagamento repetido? Esta linha é igual à linha {first[key]} (contrato "
                f"{contract_key(contract)}, {format_brl(data.amount_cents)} em "
                f"{format_date(data.paid_on)}). Se foram mesmo dois pagamentos, confirme que "
                "as linhas repetidas são pagamentos diferentes; senão, apague a repetida.",
                keep_label=True,
            )
        return kept

    def _settle(
        self,
        contract: models.Contract,
        ledgers: list[InstallmentLedger],
        payments: list[dict[str, Any]],
    ) -> None:
        """Recompute the contract's paid totals once (from the ledgers the allocations just
        produced), and audit its imported payments, each with where every centavo went."""
        PaymentService.refresh(self.uow, contract, ledgers)
        self.service.audit(
            self.uow, "payment.import", "contract", contract.id, None, {"payments": payments}
        )
        self.outcome.count("payments", len(payments))

    def _contract(self, record: Record) -> models.Contract | None:
        key = record.get("contract").strip()
        patient: models.Patient | None = None
        if record.get("patient_cpf"):
            cpf = identity.normalize_cpf(
                record.get("patient_cpf"), "patient_cpf", "CPF", checks=IDENTITY_CHECKS
            )
            if isinstance(cpf, FieldError):
                self.errors.add(record, "patient_cpf", cpf.message)
                return None
            if cpf not in self._patients:
                self._patients[cpf] = self.uow.patients.by_cpf(cpf)
            patient = self._patients[cpf]
            if patient is None:
                self.errors.add(
                    record,
                    "patient_cpf",
                    f"CPF: {identity.format_cpf(cpf)} não está cadastrado no EmDia.",
                )
                return None
        if not key and patient is None:
            self.errors.add(
                record,
                "contract",
                "Contrato: informe o número do contrato ou o CPF do paciente.",
                keep_label="contract" not in self.errors.columns,
            )
            return None
        if key:
            found = self.uow.contracts.by_key(key, patient.id if patient else None)
            whose = f" de {patient.name}" if patient else ""
            if not found:
                self.errors.add(record, "contract", f"Contrato: '{key}' não existe{whose}.")
            elif len(found) > 1:
                self.errors.add(
                    record,
                    "contract",
                    f"Contrato: '{key}' é o número de {len(found)} contratos — preencha a "
                    "coluna 'cpf do paciente' para saber qual.",
                )
            return found[0] if len(found) == 1 else None
        assert patient is not None
        open_ones = self.uow.contracts.open_for_patient(patient.id)
        if len(open_ones) == 1:
            return open_ones[0]
        if not open_ones:
            message = f"{patient.name} não tem contrato em aberto para receber este pagamento."
        else:
            numbers = ", ".join(contract_key(c) for c in open_ones)
            message = (
                f"{patient.name} tem {len(open_ones)} contratos em aberto ({numbers}) — "
                "informe na coluna 'contrato' qual foi pago."
            )
        self.errors.add(record, "patient_cpf", message, keep_label=True)
        return None


def _take_twin(references: list[str], reference: str) -> bool:
    """Remove and report an already-registered payment matching this one (same contract, date
    and amount; same reference when both have one)."""
    for i, known in enumerate(references):
        if not known or not reference or known == reference:
            del references[i]
            return True
    return False


def _advance(
    ledgers: list[InstallmentLedger], lines: Iterable[tuple[InstallmentTerms, Settlement]]
) -> list[InstallmentLedger]:
    """The ledgers after an allocation (so the next payment of the same contract sees it)."""
    added: dict[int, list[Settlement]] = {}
    for terms, settlement in lines:
        added.setdefault(terms.key, []).append(settlement)
    return [
        InstallmentLedger(ld.terms, (*ld.settlements, *added.get(ld.terms.key, ())))
        for ld in ledgers
    ]


IMPORTERS: dict[str, type[Importer]] = {
    "patients": PatientImporter,
    "contracts": ContractImporter,
    "payments": PaymentImporter,
}
