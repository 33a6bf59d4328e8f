"""Pagamentos from a spreadsheet: each line through the desk's validator and allocation, a
payment already in EmDia left out, two equal lines refused until the user confirms them."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.adapters.identity_checks import IDENTITY_CHECKS
from app.domain import identity
from app.domain.contracts import (
    BackdateWindow,
    PaymentData,
    PaymentForm,
    check_payment_date,
    validate_payment,
)
from app.domain.dates import format_date
from app.domain.importing import Record
from app.domain.law import (
    InstallmentLedger,
)
from app.domain.layouts import (
    PAYMENT_FIELDS,
    REVERSED_WORDS,
    normalize_method,
)
from app.domain.money import format_brl
from app.domain.text import fold
from app.errors import EmDiaError, FieldError, ValidationError
from app.persistence import models
from app.persistence.records import contract_key
from app.services.importers.base import DUPLICATE, Importer, Outcome, Skip, advance
from app.services.payments import (
    PaymentService,
    allocate_payment,
    backdate_window,
    payment_audit,
    payment_values,
    settlement_values,
)


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
        # Each payment's row and its allocations' (by installment id), for ``_write``.
        paid: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
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
            paid.append(
                (
                    {
                        "contract_id": contract.id,
                        **payment_values(self.service.actor, data, allocation),
                    },
                    [
                        {"installment_id": terms.key, **settlement_values(settlement)}
                        for terms, settlement in allocation.lines
                    ],
                )
            )
            ledgers[contract.id] = advance(current, allocation.lines)
            written.setdefault(contract.id, []).append(payment_audit(data, allocation))
            contracts[contract.id] = contract
            numbers = ", ".join(str(t.number) for t, _ in allocation.lines)
            self.outcome.notes[record.line] = (
                f"contrato {contract_key(contract)}: parcela(s) {numbers}"
            )
        self._write(paid)
        for contract_id, payments in written.items():
            self._settle(contracts[contract_id], ledgers[contract_id], payments)
        return self.outcome

    def _write(self, paid: list[tuple[dict[str, Any], list[dict[str, Any]]]]) -> None:
        """The payments with one ``executemany``, then their allocations with another (each
        contract's ledgers were read before any of its payments, so nothing waits to be
        flushed line by line)."""
        ids = self.uow.bulk.insert_returning_ids(models.Payment, [row for row, _ in paid])
        allocations = [
            {"payment_id": payment_id, **allocation}
            for (_, allocated), payment_id in zip(paid, ids, strict=True)
            for allocation in allocated
        ]
        if allocations:
            self.uow.bulk.insert(models.PaymentAllocation, allocations)

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
