"""One document at a time, archived (the patient page's "Imprimir", the acordo's confissão,
``emdia documents KIND``): a contract's contrato, carnê, extrato, notificação extrajudicial and
aviso de negativação; a payment's recibo; an acordo's termo de confissão de dívida.

A document is printed only when it would be true today — which ones a contract allows is
``app.domain.documents.why_not``, the same answer the patient page gives its buttons.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from app.documents.model import AllocationLine, ReceiptFacts
from app.domain.catalog import KIND_LABELS, AgreementStatus, DocumentKind
from app.domain.dates import format_date
from app.domain.documents import (
    CONTRACT_KINDS,
    ArchivedDocument,
    negativacao_earliest,
    notification_deadline,
    why_not,
)
from app.domain.law import Settlement, contract_debt
from app.domain.reversals import REVERSAL_CODES
from app.errors import NotFoundError, ValidationError
from app.services.agreements import view_of
from app.services.base import Permission
from app.services.documents.filing import FilingService, render
from app.services.documents.gathering import (
    Gathered,
    NothingToPrint,
    debtor_of,
    gather,
    letter_facts,
    letterhead,
    overdue_facts,
    party,
    pix_slip,
    refuse_unless_allowed,
)
from app.services.ports import UnitOfWorkPort

# The layouts (``app.documents``, ReportLab) are imported inside the methods that print: ReportLab
# costs as much to import as the rest of the window's start, and most sessions print nothing.

# The letters that charge overdue installments: the date each one names.
_OVERDUE_LETTERS: dict[str, Callable[[date], date]] = {
    DocumentKind.NOTIFICACAO: notification_deadline,
    DocumentKind.AVISO_NEGATIVACAO: negativacao_earliest,
}


def _letter_layout(kind: str) -> Callable[..., None]:
    from app.documents import negativacao, notification

    return notification.render if kind == DocumentKind.NOTIFICACAO else negativacao.render


class DocumentService(FilingService):
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
        """The patient's contracts that allow ``kind`` today."""
        today = self.clock.today()
        with self.uow() as uow:
            if uow.patients.get(patient_id) is None:
                raise NotFoundError(f"Paciente {patient_id} não encontrado.")
            ids = []
            for row in uow.contracts.for_patient(patient_id):
                lines = contract_debt(
                    uow.contracts.ledgers(row.id), today, uow.contracts.policy(row)
                )
                letter = letter_facts(
                    uow,
                    row,
                    debtor_of(uow, row),
                    registered=kind == DocumentKind.AVISO_NEGATIVACAO,
                )
                if why_not(kind, row.id, row.status, lines, today, letter) is None:
                    ids.append(row.id)
            return sorted(ids)

    @staticmethod
    def _nothing_for_patient(kind: str, patient_id: int) -> str:
        if kind == DocumentKind.CARNE:
            return f"Carnê: o paciente {patient_id} não tem parcelas em aberto."
        if kind in (DocumentKind.NOTIFICACAO, DocumentKind.AVISO_NEGATIVACAO):
            return f"{KIND_LABELS[kind]}: o paciente {patient_id} não tem parcelas em atraso."
        return f"{KIND_LABELS[kind]}: o paciente {patient_id} não tem contratos."

    # --- a contract's documents -------------------------------------------------------------
    def contract(self, contract_id: int) -> ArchivedDocument:
        self.require(Permission.DOCUMENTS)
        kind = DocumentKind.CONTRATO
        with self.uow() as uow:
            got = gather(uow, kind, contract_id, self.clock.today())
            from app.documents import contract

            pdf = render(contract.render, got.letterhead, got.facts)
            return self._file(uow, kind, pdf, got)

    def statement(self, contract_id: int) -> ArchivedDocument:
        self.require(Permission.DOCUMENTS)
        kind = DocumentKind.EXTRATO
        with self.uow() as uow:
            got = gather(uow, kind, contract_id, self.clock.today(), payments=True)
            from app.documents import statement

            pdf = render(statement.render, got.letterhead, got.facts)
            return self._file(uow, kind, pdf, got)

    def carne(self, contract_id: int) -> ArchivedDocument:
        self.require(Permission.DOCUMENTS)
        kind = DocumentKind.CARNE
        with self.uow() as uow:
            got = gather(uow, kind, contract_id, self.clock.today())
            facts, clinic = got.facts, got.letterhead.clinic
            refuse_unless_allowed(kind, facts, got.letterhead.as_of)
            slips = tuple(pix_slip(clinic, facts.id, ln) for ln in facts.lines if ln.is_open)
            from app.documents import carne

            pdf = render(carne.render, got.letterhead, facts, slips)
            return self._file(uow, kind, pdf, got)

    def notification(self, contract_id: int) -> ArchivedDocument:
        """Notificação extrajudicial: the overdue installments, payable within at most 7 days."""
        return self._overdue_letter(DocumentKind.NOTIFICACAO, contract_id)

    def negativacao_notice(self, contract_id: int) -> ArchivedDocument:
        """Aviso prévio de negativação: the overdue installments, and the first day they may be
        registered with a credit bureau (CDC art. 43 §2)."""
        return self._overdue_letter(DocumentKind.AVISO_NEGATIVACAO, contract_id)

    def _overdue_letter(self, kind: DocumentKind, contract_id: int) -> ArchivedDocument:
        self.require(Permission.DOCUMENTS)
        deadline_of = _OVERDUE_LETTERS[kind]
        with self.uow() as uow:
            got = gather(uow, kind, contract_id, self.clock.today())
            overdue = overdue_facts(kind, got, deadline_of(got.letterhead.as_of))
            pdf = render(_letter_layout(kind), got.letterhead, overdue)
            announced = None
            if kind == DocumentKind.AVISO_NEGATIVACAO:
                # What the letter listed is all that may be registered, for at most its amount.
                announced = {
                    "installments": [ln.number for ln in overdue.overdue],
                    "amount_cents": overdue.total_at_deadline_cents,
                }
            return self._file(uow, kind, pdf, got, announced=announced)

    def _file(
        self,
        uow: UnitOfWorkPort,
        kind: str,
        pdf: bytes,
        got: Gathered,
        payment_id: int | None = None,
        announced: dict[str, Any] | None = None,
    ) -> ArchivedDocument:
        """File a contract's document (or a payment's receipt) and commit."""
        return self.file(
            uow,
            kind,
            pdf,
            got.letterhead,
            patient_name=got.facts.patient.name,
            patient_id=got.patient_id,
            contract_id=got.facts.id,
            payment_id=payment_id,
            announced=announced,
        )

    # --- a payment's receipt ----------------------------------------------------------------
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
            got = gather(
                uow,
                kind,
                payment.contract_id,
                self.clock.today(),
                payments=True,
                number=payment_id,
            )
            view = next(p for p in got.facts.payments if p.id == payment_id)
            allocations = tuple(
                AllocationLine(number, due, Settlement(payment.paid_on, *amounts))
                for number, due, *amounts in uow.documents.allocation_lines(payment_id)
            )
            facts = ReceiptFacts(view, got.facts, allocations)
            from app.documents import receipt

            pdf = render(receipt.render, got.letterhead, facts)
            return self._file(uow, kind, pdf, got, payment_id)

    # --- an acordo's confissão de dívida ----------------------------------------------------
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
            signed = view.status in (AgreementStatus.ACCEPTED, AgreementStatus.BROKEN)
            if not signed or view.contract_id is None:
                raise NothingToPrint(
                    f"Confissão de dívida: o acordo {agreement_id} ainda não foi aceito "
                    f"({view.status_label}); aceite-o primeiro."
                )
            header = letterhead(uow, kind, agreement_id, self.clock.today())
            contract_row = uow.contracts.get(view.contract_id)
            patient = uow.patients.get(view.patient_id)
            debtor = uow.patients.get(view.debtor_id)
            assert contract_row is not None and patient is not None and debtor is not None
            day = self.clock.today()
            plan = contract_debt(
                uow.contracts.ledgers(contract_row.id), day, uow.contracts.policy(contract_row)
            )
            from app.documents import confissao

            facts = confissao.ConfessionFacts(
                agreement=view,
                debtor=party(debtor),
                patient=party(patient),
                fine_bp=contract_row.fine_bp,
                interest_monthly_bp=contract_row.interest_monthly_bp,
                correction_index=contract_row.correction_index,
                balance_cents=sum(ln.open_principal_cents for ln in plan if ln.is_open),
            )
            pdf = render(confissao.render, header, facts)
            return self.file(
                uow,
                kind,
                pdf,
                header,
                patient_name=view.patient_name,
                patient_id=view.patient_id,
                contract_id=view.contract_id,
                agreement_id=agreement_id,
            )
