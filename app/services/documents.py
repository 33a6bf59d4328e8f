"""Printed documents, single and in batch, every one archived (Documentos, the patient page,
``emdia documents``).

Each document is built from data gathered here (amounts from ``law.updated_debt`` on the
service clock's date), rendered by ``app.documents``, written under the config's
``documents_dir`` in a file that is never overwritten, and recorded in the ``document`` table
with its SHA-256 — so the patient page re-opens the exact file that was sent.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path
from typing import NamedTuple

from app.adapters.qr import qr_matrix
from app.documents import (
    carne,
    confissao,
    contract,
    negativacao,
    notification,
    receipt,
    statement,
)
from app.documents.model import (
    AllocationLine,
    ContractFacts,
    Letterhead,
    OverdueFacts,
    Party,
    PixSlip,
    ReceiptFacts,
)
from app.domain import pix
from app.domain.catalog import DocumentKind
from app.domain.clinic import ClinicInfo
from app.domain.dates import format_date
from app.domain.documents import (
    KIND_LABELS,
    ArchivedDocument,
    negativacao_earliest,
    notification_deadline,
    reference,
)
from app.domain.identity import format_cep, format_phone
from app.domain.law import (
    ChargePolicy,
    DebtLine,
    InstallmentLedger,
    Settlement,
    contract_debt,
)
from app.domain.reversals import REVERSAL_CODES
from app.errors import EmDiaError, NotFoundError, ValidationError
from app.persistence import models
from app.persistence.records import clinic_info
from app.services.agreements import view_of
from app.services.base import Permission, Service
from app.services.ports import UnitOfWorkPort

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

BATCH_CHUNK = 50  # documents per commit in a batch

# Documents made from a contract (the receipt is made from a payment).
CONTRACT_KINDS = (
    DocumentKind.CONTRATO,
    DocumentKind.CARNE,
    DocumentKind.EXTRATO,
    DocumentKind.NOTIFICACAO,
    DocumentKind.AVISO_NEGATIVACAO,
)


_CLINIC_MISSING = (
    "Dados da clínica: preencha a razão social e o CNPJ (ou CPF) em Configurações → Clínica — "
    "todo documento de cobrança precisa identificar o credor (CDC art. 42-A)."
)


class NothingToPrint(EmDiaError):
    """The document would be empty or untrue (nothing overdue, a reversed payment…)."""


@dataclass(frozen=True)
class BatchResult:
    """Summary of a batch: what was generated, what was skipped and why, whether it stopped."""

    documents: tuple[ArchivedDocument, ...]
    skipped: tuple[tuple[int, str], ...] = ()  # (contract id, reason)
    cancelled: bool = False
    candidates: int = 0
    total_cents: int = 0  # updated amount the generated notifications ask for


class DocumentService(Service):
    # --- single documents -------------------------------------------------------------------
    def generate(
        self,
        kind: str,
        *,
        contract_id: int | None = None,
        patient_id: int | None = None,
        payment_id: int | None = None,
        agreement_id: int | None = None,
    ) -> list[ArchivedDocument]:
        """One document per contract (``contract_id``, or each fitting contract of
        ``patient_id``), or the receipt of ``payment_id``. Refusals are pt-BR EmDiaErrors."""
        self.require(Permission.DOCUMENTS)
        if kind == DocumentKind.CONFISSAO or agreement_id is not None:
            if kind != DocumentKind.CONFISSAO or agreement_id is None:
                raise ValidationError.single(
                    "agreement" if agreement_id is None else "kind",
                    "Termo de confissão de dívida: é por acordo (--agreement ID), e só ele.",
                )
            return [self.confession(agreement_id)]
        if kind == DocumentKind.RECIBO:
            if payment_id is None:
                raise ValidationError.single(
                    "payment", "Recibo: informe o pagamento (--payment ID)."
                )
            return [self.receipt(payment_id)]
        if kind not in CONTRACT_KINDS:
            raise ValidationError.single("kind", f"Documento '{kind}' não existe.")
        if payment_id is not None:
            raise ValidationError.single(
                "payment", f"{KIND_LABELS[kind]}: é por contrato (--contract) ou paciente."
            )
        if contract_id is not None:
            return [self._by_kind(kind, contract_id)]
        if patient_id is None:
            raise ValidationError.single(
                "contract", f"{KIND_LABELS[kind]}: informe o contrato ou o paciente."
            )
        ids = self._patient_contracts(patient_id, kind)
        if not ids:
            raise NothingToPrint(self._nothing_for_patient(kind, patient_id))
        return [self._by_kind(kind, cid) for cid in ids]

    def _by_kind(self, kind: str, contract_id: int) -> ArchivedDocument:
        makers: dict[str, Callable[[int], ArchivedDocument]] = {
            DocumentKind.CONTRATO: self.contract,
            DocumentKind.CARNE: self.carne,
            DocumentKind.EXTRATO: self.statement,
            DocumentKind.NOTIFICACAO: self.notification,
            DocumentKind.AVISO_NEGATIVACAO: self.negativacao_notice,
        }
        return makers[kind](contract_id)

    def _patient_contracts(self, patient_id: int, kind: str) -> list[int]:
        today = self.clock.today()
        with self.uow() as uow:
            if uow.patients.get(patient_id) is None:
                raise NotFoundError(f"Paciente {patient_id} não encontrado.")
            ids = []
            for row in uow.contracts.for_patient(patient_id):
                if kind in (DocumentKind.CONTRATO, DocumentKind.EXTRATO):
                    ids.append(row.id)
                    continue
                if row.status != "active":
                    continue
                lines = contract_debt(
                    uow.contracts.ledgers(row.id), today, uow.contracts.policy(row)
                )
                wanted = (
                    any(ln.is_open for ln in lines)
                    if kind == DocumentKind.CARNE
                    else any(ln.is_overdue for ln in lines)
                )
                if wanted:
                    ids.append(row.id)
            return sorted(ids)

    @staticmethod
    def _nothing_for_patient(kind: str, patient_id: int) -> str:
        if kind == DocumentKind.CARNE:
            return f"Carnê: o paciente {patient_id} não tem parcelas em aberto."
        if kind in (DocumentKind.NOTIFICACAO, DocumentKind.AVISO_NEGATIVACAO):
            return f"{KIND_LABELS[kind]}: o paciente {patient_id} não tem parcelas em atraso."
        return f"{KIND_LABELS[kind]}: o paciente {patient_id} não tem contratos."

    def contract(self, contract_id: int) -> ArchivedDocument:
        self.require(Permission.DOCUMENTS)
        with self.uow() as uow:
            letterhead, facts, *_ = self._gather(uow, DocumentKind.CONTRATO, contract_id)
            pdf = _render(contract.render, letterhead, facts)
            return self._archive(uow, DocumentKind.CONTRATO, pdf, letterhead, facts)

    def statement(self, contract_id: int) -> ArchivedDocument:
        self.require(Permission.DOCUMENTS)
        with self.uow() as uow:
            letterhead, facts, *_ = self._gather(
                uow, DocumentKind.EXTRATO, contract_id, payments=True
            )
            pdf = _render(statement.render, letterhead, facts)
            return self._archive(uow, DocumentKind.EXTRATO, pdf, letterhead, facts)

    def carne(self, contract_id: int) -> ArchivedDocument:
        self.require(Permission.DOCUMENTS)
        with self.uow() as uow:
            letterhead, facts, *_ = self._gather(uow, DocumentKind.CARNE, contract_id)
            open_lines = [ln for ln in facts.lines if ln.is_open]
            if facts.status != "active" or not open_lines:
                raise NothingToPrint(f"Carnê: o contrato {contract_id} não tem parcelas em aberto.")
            slips = tuple(self.pix_slip(letterhead.clinic, facts.id, ln) for ln in open_lines)
            pdf = _render(carne.render, letterhead, facts, slips)
            return self._archive(uow, DocumentKind.CARNE, pdf, letterhead, facts)

    @staticmethod
    def pix_slip(clinic: ClinicInfo, contract_id: int, line: DebtLine) -> PixSlip:
        """The BR Code for one installment's updated amount (the carnê's and, later, the
        messages'); without a PIX key the slip still prints, without a QR."""
        receiver = pix.receiver_from(
            clinic.pix_key,
            clinic.pix_merchant_name,
            clinic.pix_merchant_city,
            clinic.legal_name or clinic.trade_name,
            clinic.city,
        )
        if not clinic.pix_key or line.total_cents <= 0:
            return PixSlip(line=line, payload="")
        payload = pix.brcode(pix.pix_for(receiver, line.total_cents, contract_id, line.number))
        matrix = tuple(tuple(row) for row in qr_matrix(payload))
        return PixSlip(line=line, payload=payload, matrix=matrix)

    def notification(self, contract_id: int) -> ArchivedDocument:
        self.require(Permission.DOCUMENTS)
        with self.uow() as uow:
            return self._notification(uow, contract_id)

    def _notification(self, uow: UnitOfWorkPort, contract_id: int) -> ArchivedDocument:
        kind = DocumentKind.NOTIFICACAO
        got = self._gather(uow, kind, contract_id)
        overdue = self._overdue(kind, got, notification_deadline(got.letterhead.as_of))
        pdf = _render(notification.render, got.letterhead, overdue)
        return self._archive(uow, kind, pdf, got.letterhead, got.facts)

    def negativacao_notice(self, contract_id: int) -> ArchivedDocument:
        self.require(Permission.DOCUMENTS)
        kind = DocumentKind.AVISO_NEGATIVACAO
        with self.uow() as uow:
            got = self._gather(uow, kind, contract_id)
            overdue = self._overdue(kind, got, negativacao_earliest(got.letterhead.as_of))
            pdf = _render(negativacao.render, got.letterhead, overdue)
            return self._archive(uow, kind, pdf, got.letterhead, got.facts)

    def _overdue(self, kind: str, got: _Gathered, deadline: date) -> OverdueFacts:
        facts = got.facts
        overdue = tuple(ln for ln in facts.lines if ln.is_overdue)
        if facts.status != "active" or not overdue:
            raise NothingToPrint(
                f"{KIND_LABELS[kind]}: o contrato {facts.id} não tem parcelas em atraso em "
                f"{format_date(self.clock.today())}."
            )
        numbers = {ln.number for ln in overdue}
        later = contract_debt(got.ledgers, deadline, got.policy)
        at_deadline = tuple(ln for ln in later if ln.number in numbers)
        return OverdueFacts(
            contract=facts, overdue=overdue, deadline=deadline, at_deadline=at_deadline
        )

    def receipt(self, payment_id: int) -> ArchivedDocument:
        self.require(Permission.DOCUMENTS)
        kind = DocumentKind.RECIBO
        with self.uow() as uow:
            payment = uow.payments.get(payment_id)
            if payment is None:
                raise NotFoundError(f"Pagamento {payment_id} não encontrado.")
            if payment.reverses_payment_id is not None:
                raise NothingToPrint(
                    f"Recibo: o lançamento {payment_id} é um estorno (do pagamento "
                    f"{payment.reverses_payment_id}); estorno não tem recibo."
                )
            if payment.reversed_by_id is not None:
                reversal = uow.payments.get(payment.reversed_by_id)
                why = REVERSAL_CODES.get(reversal.reversal_code, "") if reversal else ""
                when = format_date(reversal.paid_on) if reversal else ""
                raise NothingToPrint(
                    f"Recibo: o pagamento {payment_id} foi estornado em {when}"
                    + (f" ({why.lower()})" if why else "")
                    + "; não se emite recibo de valor estornado."
                )
            letterhead, facts, *_ = self._gather(
                uow, kind, payment.contract_id, payments=True, number=payment_id
            )
            view = next(p for p in facts.payments if p.id == payment_id)
            allocations = tuple(
                AllocationLine(number, due, Settlement(payment.paid_on, *amounts))
                for number, due, *amounts in uow.documents.allocation_lines(payment_id)
            )
            pdf = _render(receipt.render, letterhead, ReceiptFacts(view, facts, allocations))
            return self._archive(uow, kind, pdf, letterhead, facts, payment_id=payment_id)

    def confession(self, agreement_id: int) -> ArchivedDocument:
        """Termo de confissão de dívida e acordo of an accepted acordo, archived with its
        ``agreement_id`` (and the contract of the new plan)."""
        self.require(Permission.DOCUMENTS)
        kind = DocumentKind.CONFISSAO
        with self.uow() as uow:
            agreement = uow.agreements.get(agreement_id)
            if agreement is None:
                raise NotFoundError(f"Acordo {agreement_id} não encontrado.")
            view = view_of(uow, agreement)
            if view.status not in ("accepted", "broken") or view.contract_id is None:
                raise NothingToPrint(
                    f"Confissão de dívida: o acordo {agreement_id} ainda não foi aceito "
                    f"({view.status_label}); aceite-o primeiro."
                )
            clinic = clinic_info(uow.clinic.get())
            if not clinic.is_configured:
                raise ValidationError.single("clinic", _CLINIC_MISSING)
            contract_row = uow.contracts.get(view.contract_id)
            patient = uow.patients.get(view.patient_id)
            debtor = uow.patients.get(view.debtor_id)
            assert contract_row is not None and patient is not None and debtor is not None
            day = self.clock.today()
            letterhead = Letterhead(
                clinic=clinic, as_of=day, reference=reference(kind, agreement_id, day)
            )
            facts = confissao.ConfessionFacts(
                agreement=view,
                debtor=_party(debtor),
                patient=_party(patient),
                fine_bp=contract_row.fine_bp,
                interest_monthly_bp=contract_row.interest_monthly_bp,
                correction_index=contract_row.correction_index,
            )
            pdf = _render(confissao.render, letterhead, facts)
            now = self.clock.now()
            folder = self.ctx.config.documents_dir / f"{now:%Y}" / f"{now:%m}"
            folder.mkdir(parents=True, exist_ok=True)
            path = _write_new(folder, f"{letterhead.reference}-{now:%H%M%S}", pdf)
            try:
                row = uow.documents.add(
                    models.Document(
                        kind=kind,
                        patient_id=view.patient_id,
                        contract_id=view.contract_id,
                        agreement_id=agreement_id,
                        generated_at=now,
                        as_of=day,
                        sha256=_sha256(pdf),
                        file_path=str(path),
                        user_id=self.ctx.actor().user_id,
                    )
                )
                uow.commit()
            except BaseException:
                path.unlink(missing_ok=True)
                raise
            return _archived(row, view.patient_name)

    # --- batch --------------------------------------------------------------------------
    def overdue_candidates(self, min_days_late: int) -> list[int]:
        self.require(Permission.DOCUMENTS)
        if min_days_late < 1:
            raise ValidationError.single(
                "min_days_late", "Dias de atraso: use um número a partir de 1."
            )
        cutoff = self.clock.today() - timedelta(days=min_days_late)
        with self.uow() as uow:
            return uow.documents.contracts_overdue_since(cutoff)

    def batch_notifications(
        self,
        min_days_late: int,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> BatchResult:
        """A notification for every active contract with an installment more than
        ``min_days_late`` days late. Cancel is checked between documents: what was generated
        stays archived, and the summary says the batch stopped.

        Documents are committed in chunks (files synced to disk first, then their records), so
        a thousand notifications do not pay a thousand disk flushes; a failure removes the
        files of the chunk it interrupted, so no record ever points to a missing file."""
        self.require(Permission.DOCUMENTS)
        candidates = self.overdue_candidates(min_days_late)
        done: list[ArchivedDocument] = []
        skipped: list[tuple[int, str]] = []
        total = 0
        stopped = False
        position = 0
        while position < len(candidates) and not stopped:
            chunk = candidates[position : position + BATCH_CHUNK]
            with self.uow() as uow:
                stored: list[tuple[models.Document, Path, str, int]] = []
                held = uow.contracts.load_many(chunk)  # noqa: F841 - keeps rows in the unit of work
                ledgers = uow.contracts.ledgers_of(chunk)
                clinic = clinic_info(uow.clinic.get())
                try:
                    for contract_id in chunk:
                        if cancelled is not None and cancelled():
                            stopped = True
                            break
                        try:
                            with uow.no_autoflush():
                                one = self._batch_one(
                                    uow, contract_id, min_days_late, ledgers, clinic
                                )
                        except EmDiaError as exc:
                            skipped.append((contract_id, exc.message))
                        else:
                            if one is not None:
                                stored.append(one)
                        position += 1
                        if progress is not None:
                            progress(position, len(candidates))
                    _sync([path for _row, path, _name, _cents in stored])
                    uow.commit()
                except BaseException:
                    for _row, path, _name, _cents in stored:
                        path.unlink(missing_ok=True)
                    raise
                for row, _path, name, cents in stored:
                    done.append(_archived(row, name))
                    total += cents
        return BatchResult(
            documents=tuple(done),
            skipped=tuple(skipped),
            cancelled=stopped,
            candidates=len(candidates),
            total_cents=total,
        )

    def _batch_one(
        self,
        uow: UnitOfWorkPort,
        contract_id: int,
        min_days_late: int,
        ledgers: dict[int, list[InstallmentLedger]],
        clinic: ClinicInfo,
    ) -> tuple[models.Document, Path, str, int] | None:
        kind = DocumentKind.NOTIFICACAO
        got = self._gather(uow, kind, contract_id, prefetched=ledgers, clinic=clinic)
        # The business-day rule can make a candidate not late enough: confirm with the law.
        if not any(ln.is_overdue and ln.days_late >= min_days_late for ln in got.facts.lines):
            return None
        overdue = self._overdue(kind, got, notification_deadline(got.letterhead.as_of))
        pdf = _render(notification.render, got.letterhead, overdue)
        row, path = self._store(uow, kind, pdf, got.letterhead, got.facts, sync=False)
        return row, path, got.facts.patient.name, overdue.total_cents

    # --- archive queries ------------------------------------------------------------------
    def for_patient(self, patient_id: int) -> list[ArchivedDocument]:
        self.require(Permission.DOCUMENTS)
        with self.uow() as uow:
            return uow.documents.for_patient(patient_id)

    def search(self, text: str = "", offset: int = 0, limit: int = 100) -> list[ArchivedDocument]:
        self.require(Permission.DOCUMENTS)
        with self.uow() as uow:
            return uow.documents.search(text, offset, limit)

    def count(self, text: str = "") -> int:
        self.require(Permission.DOCUMENTS)
        with self.uow() as uow:
            return uow.documents.count(text)

    def get(self, document_id: int) -> ArchivedDocument:
        self.require(Permission.DOCUMENTS)
        with self.uow() as uow:
            found = uow.documents.get(document_id)
        if found is None:
            raise NotFoundError(f"Documento {document_id} não encontrado.")
        return found

    def archived_file(self, document_id: int) -> Path:
        """The archived file, checked against its SHA-256: the exact bytes that were sent."""
        self.require(Permission.DOCUMENTS)
        document = self.get(document_id)
        path = Path(document.file_path)
        if not path.is_file():
            raise EmDiaError(
                f"Documento {document_id}: o arquivo {path} não existe mais. Ele pode ter sido "
                "movido ou apagado fora do EmDia; restaure-o do backup."
            )
        if _sha256(path.read_bytes()) != document.sha256:
            raise EmDiaError(
                f"Documento {document_id}: o arquivo {path} foi alterado depois de gerado (o "
                "SHA-256 não confere). Restaure-o do backup."
            )
        return path

    # --- gathering ------------------------------------------------------------------------
    def _gather(
        self,
        uow: UnitOfWorkPort,
        kind: str,
        contract_id: int,
        *,
        payments: bool = False,
        number: int | None = None,
        prefetched: dict[int, list[InstallmentLedger]] | None = None,
        clinic: ClinicInfo | None = None,
    ) -> _Gathered:
        row = uow.contracts.get(contract_id)
        if row is None:
            raise NotFoundError(f"Contrato {contract_id} não encontrado.")
        clinic = clinic or clinic_info(uow.clinic.get())
        if not clinic.is_configured:
            raise ValidationError.single("clinic", _CLINIC_MISSING)
        day = self.clock.today()
        letterhead = Letterhead(
            clinic=clinic, as_of=day, reference=reference(kind, number or contract_id, day)
        )
        patient = uow.patients.get(row.patient_id)
        assert patient is not None
        debtor = uow.patients.get(row.responsible_id) if row.responsible_id else patient
        guarantor = uow.patients.get(row.guarantor_id) if row.guarantor_id else None
        ledgers = (prefetched or {}).get(contract_id) or uow.contracts.ledgers(contract_id)
        policy = uow.contracts.policy(row)
        lines = contract_debt(ledgers, day, policy)
        witnesses = tuple(
            (name, cpf)
            for name, cpf in (
                (row.witness1_name, row.witness1_cpf),
                (row.witness2_name, row.witness2_cpf),
            )
            if name
        )
        facts = ContractFacts(
            id=row.id,
            created_on=row.created_at.date(),
            signed_on=row.signed_at,
            debtor=_party(debtor or patient),
            patient=_party(patient),
            guarantor=_party(guarantor) if guarantor else None,
            total_cents=row.total_cents,
            down_payment_cents=row.down_payment_cents,
            installments_count=row.installments_count,
            method=row.payment_method,
            fine_bp=row.fine_bp,
            interest_monthly_bp=row.interest_monthly_bp,
            punctuality_discount_bp=row.punctuality_discount_bp,
            correction_index=row.correction_index,
            witnesses=witnesses,
            status=row.status,
            lines=tuple(lines),
            payments=tuple(uow.payments.views_for_contract(contract_id)) if payments else (),
        )
        return _Gathered(letterhead, facts, ledgers, policy)

    def _store(
        self,
        uow: UnitOfWorkPort,
        kind: str,
        pdf: bytes,
        letterhead: Letterhead,
        facts: ContractFacts,
        *,
        payment_id: int | None = None,
        sync: bool = True,
    ) -> tuple[models.Document, Path]:
        """Write the PDF under ``documents_dir`` (a new file, never an overwrite) and add its
        record with the SHA-256 to the transaction (the caller commits)."""
        now = self.clock.now()
        row = uow.contracts.get(facts.id)
        assert row is not None
        folder = self.ctx.config.documents_dir / f"{now:%Y}" / f"{now:%m}"
        folder.mkdir(parents=True, exist_ok=True)
        path = _write_new(folder, f"{letterhead.reference}-{now:%H%M%S}", pdf, sync=sync)
        try:
            document = models.Document(
                kind=kind,
                patient_id=row.patient_id,
                contract_id=facts.id,
                payment_id=payment_id,
                generated_at=now,
                as_of=letterhead.as_of,
                sha256=_sha256(pdf),
                file_path=str(path),
                user_id=self.ctx.actor().user_id,
            )
            # A batch leaves the INSERTs for its commit (one multi-row statement).
            uow.documents.add(document, flush=sync)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return document, path

    def _archive(
        self,
        uow: UnitOfWorkPort,
        kind: str,
        pdf: bytes,
        letterhead: Letterhead,
        facts: ContractFacts,
        *,
        payment_id: int | None = None,
    ) -> ArchivedDocument:
        """Store one document and commit; a failed commit removes the file."""
        row, path = self._store(uow, kind, pdf, letterhead, facts, payment_id=payment_id)
        try:
            uow.commit()
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return _archived(row, facts.patient.name)


class _Gathered(NamedTuple):
    letterhead: Letterhead
    facts: ContractFacts
    ledgers: list[InstallmentLedger]
    policy: ChargePolicy


def _archived(row: models.Document, patient_name: str) -> ArchivedDocument:
    return ArchivedDocument(
        id=row.id,
        kind=row.kind,
        patient_id=row.patient_id,
        patient_name=patient_name,
        contract_id=row.contract_id,
        payment_id=row.payment_id,
        generated_at=row.generated_at,
        as_of=row.as_of,
        sha256=row.sha256,
        file_path=row.file_path,
    )


def _party(row: models.Patient) -> Party:
    street = ", ".join(p for p in (row.street, row.number, row.complement) if p)
    place = " – ".join(p for p in (row.city, row.state) if p)
    address = ", ".join(
        p
        for p in (
            street,
            row.district,
            place,
            f"CEP {format_cep(row.zip_code)}" if row.zip_code else "",
        )
        if p
    )
    return Party(
        name=row.name,
        cpf=row.cpf,
        address=address,
        phone=format_phone(row.phone),
        email=row.email,
    )


def _render(render: Callable[..., None], *args: object) -> bytes:
    buffer = BytesIO()
    render(buffer, *args)
    return buffer.getvalue()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_new(folder: Path, stem: str, data: bytes, *, sync: bool = True) -> Path:
    """Create ``stem.pdf`` (or ``stem-2.pdf``…) exclusively: a reprint never overwrites."""
    for attempt in range(1, 10_000):
        path = folder / (f"{stem}.pdf" if attempt == 1 else f"{stem}-{attempt}.pdf")
        try:
            with open(path, "xb") as out:
                out.write(data)
                if sync:
                    out.flush()
                    os.fsync(out.fileno())
        except FileExistsError:
            continue
        return path
    raise EmDiaError(f"Não foi possível criar um arquivo novo em {folder}.")


def _sync(paths: list[Path]) -> None:
    """Make written files durable before their records are committed: one ``sync`` for the
    whole chunk where the OS has it, else one ``fsync`` per file."""
    if not paths:
        return
    if hasattr(os, "sync"):
        os.sync()
        return
    for path in paths:
        with open(path, "rb+") as handle:
            os.fsync(handle.fileno())
