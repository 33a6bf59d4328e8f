"""Dossiê de cobrança: the summary a lawyer or the Juizado Especial Cível (Lei 9.099/1995) needs
to see the whole story of a debt at once — the parties, each contract with its plan updated to
the day (``law.updated_debt``), payments and estornos, every contact attempt (date, channel,
step, outcome, who), the promises, the negativações, the documents the debtor signed
electronically with what was checked, and every archived document with its SHA-256 (the copies
travel beside this summary in the ZIP). Never names the treatment (LGPD
art. 11)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from app.documents.common import (
    charges_sentence,
    contract_ref,
    days,
    installment_label,
    payment_rows,
)
from app.documents.layout import (
    brl,
    build,
    clinic_party,
    esc,
    key_values,
    method_label,
    para,
    person_line,
    spacer,
    table,
)
from app.documents.model import ContractFacts, Letterhead, Party
from app.domain.catalog import KIND_LABELS, label
from app.domain.dates import format_date
from app.domain.law import STATUS_LABELS
from app.domain.prescription import PRESCRIPTION_YEARS, add_years
from app.domain.signatures import SignedDocument, who

TITLE = "Dossiê de cobrança"


@dataclass(frozen=True)
class DossieContact:
    at: datetime
    channel: str
    step: str
    outcome: str
    who: str
    note: str = ""
    promise: str = ""


@dataclass(frozen=True)
class DossieNegativacao:
    bureau: str
    included_on: date
    amount_cents: int
    protocol: str
    status: str
    removal_reason: str = ""


@dataclass(frozen=True)
class DossieDocument:
    id: int
    kind: str
    generated_at: datetime
    contract_id: int | None
    sha256: str
    file_name: str  # its name inside the ZIP ("" when it could not be copied)
    status: str  # "conferido" or why not


@dataclass(frozen=True)
class DossieFacts:
    patient: Party
    debtors: tuple[Party, ...]
    contracts: tuple[ContractFacts, ...]
    contacts: tuple[DossieContact, ...]
    negativacoes: tuple[DossieNegativacao, ...]
    documents: tuple[DossieDocument, ...]
    signatures: tuple[SignedDocument, ...] = ()  # contracts and confissões signed electronically

    @property
    def overdue_cents(self) -> int:
        return sum(ln.total_cents for c in self.contracts for ln in c.lines if ln.is_overdue)

    @property
    def oldest_overdue(self) -> date | None:
        return min(
            (ln.effective_due_date for c in self.contracts for ln in c.lines if ln.is_overdue),
            default=None,
        )


def render(target: str | Path | BinaryIO, letterhead: Letterhead, facts: DossieFacts) -> None:
    as_of = format_date(letterhead.as_of)
    parties = [("Credor", clinic_party(letterhead.clinic))]
    for debtor in facts.debtors:
        contact = " · ".join(p for p in (debtor.phone, debtor.email) if p)
        parties.append(
            ("Devedor(a)", person_line(debtor) + (f" · {esc(contact)}" if contact else ""))
        )
    if all(d.name != facts.patient.name for d in facts.debtors):
        parties.append(("Paciente", esc(facts.patient.name)))
    oldest = facts.oldest_overdue
    summary = [
        ("Contratos", str(len(facts.contracts))),
        ("Em atraso (atualizado)", f"<b>{brl(facts.overdue_cents)}</b> em {as_of}"),
    ]
    if oldest is not None:
        prescribes = add_years(oldest, PRESCRIPTION_YEARS)
        summary.append(
            (
                "Parcela vencida mais antiga",
                f"{format_date(oldest)} — prescreve em {format_date(prescribes)} "
                "(CC art. 206, §5º, I)",
            )
        )
    story: list[Flowable] = [
        para(TITLE.upper(), "title"),
        para(
            f"Valores atualizados em {as_of} · reunido para assessoria jurídica ou para o "
            "Juizado Especial Cível (Lei 9.099/1995)",
            "subtitle",
        ),
        key_values(parties + summary, label_width=45 * mm),
    ]
    for contract in facts.contracts:
        story += _contract(contract)
    story += _contacts(facts)
    story += _negativacoes(facts)
    story += _signatures(facts)
    story += _documents(facts)
    story += [
        spacer(3),
        para(
            "Cada arquivo deste dossiê tem seu SHA-256 em SHA256SUMS.txt, no ZIP: confira com "
            "<i>sha256sum -c SHA256SUMS.txt</i> (Linux) ou <i>certutil -hashfile ARQUIVO "
            "SHA256</i> (Windows). Os documentos são as cópias exatas dos PDFs arquivados pelo "
            "EmDia quando foram gerados.",
            "small",
        ),
        para(
            "Dados pessoais reunidos para o exercício regular de direitos em processo judicial "
            "ou administrativo (Lei 13.709/2018, art. 7º, VI). Nenhuma informação sobre os "
            "serviços de saúde prestados (art. 11).",
            "small",
        ),
    ]
    build(target, letterhead, TITLE, story, subject=f"Dossiê — {facts.patient.name}")


def _contract(c: ContractFacts) -> list[Flowable]:
    count = c.installments_count
    witnesses = "; ".join(name for name, _cpf in c.witnesses) or "não informadas"
    rows = [
        [
            installment_label(ln.number, count),
            format_date(ln.effective_due_date),
            brl(ln.principal_cents),
            brl(ln.paid_cents),
            STATUS_LABELS[ln.status],
            days(ln.days_late),
            brl(ln.fine_cents + ln.interest_cents + ln.correction_cents),
            brl(ln.total_cents) if ln.is_open else "–",
        ]
        for ln in c.lines
    ]
    open_lines = [ln for ln in c.lines if ln.is_open]
    total = [
        "Total", "", brl(sum(ln.principal_cents for ln in c.lines)),
        brl(sum(ln.paid_cents for ln in c.lines)), "", "",
        brl(sum(ln.fine_cents + ln.interest_cents + ln.correction_cents for ln in open_lines)),
        brl(sum(ln.total_cents for ln in open_lines)),
    ]  # fmt: skip
    parts: list[Flowable] = [
        para(f"Contrato nº {c.id}", "h2"),
        key_values(
            [
                ("Contrato", esc(contract_ref(c)) + f" · {esc(label(c.status)).lower()}"),
                ("Contratante", person_line(c.debtor)),
                ("Valor", f"{brl(c.total_cents)} em {count} parcela(s), {method_label(c.method)}"),
                ("Testemunhas", esc(witnesses)),
                ("Encargos", esc(charges_sentence(c))),
            ],
            label_width=35 * mm,
        ),
        spacer(1),
        table(
            [
                "Parcela",
                "Vencimento",
                "Valor",
                "Pago",
                "Situação",
                "Atraso",
                "Encargos",
                "Em aberto",
            ],
            rows,
            [13, 17, 18, 18, 20, 13, 17, 19],
            right=[2, 3, 5, 6, 7],
            total=total,
            font_size=7.6,
        ),
    ]
    if c.payments:
        pay_rows = payment_rows(c.payments, count)
        parts += [
            spacer(1),
            table(
                ["Lançamento", "Data", "Valor", "Forma", "Parcelas", "Situação"],
                pay_rows,
                [17, 15, 18, 14, 18, 48],
                right=[2],
                font_size=7.6,
            ),
        ]
    else:
        parts.append(para("Nenhum pagamento registrado.", "small"))
    return parts


def _contacts(facts: DossieFacts) -> list[Flowable]:
    parts: list[Flowable] = [para("Contatos de cobrança", "h2")]
    if not facts.contacts:
        return [*parts, para("Nenhum contato registrado.", "small")]
    rows = [
        [f"{c.at:%d/%m/%Y %H:%M}", c.channel, c.step, c.outcome, c.who, c.note]
        for c in sorted(facts.contacts, key=lambda c: c.at)
    ]
    parts.append(
        table(
            ["Data e hora", "Canal", "Passo da régua", "Resultado", "Por", "Observação"],
            rows,
            [19, 13, 22, 18, 14, 30],
            font_size=7.4,
        )
    )
    promises = [c for c in facts.contacts if c.promise]
    parts.append(para("Promessas de pagamento", "h2"))
    if promises:
        parts.append(
            table(
                ["Registrada em", "Promessa", "Por"],
                [[f"{c.at:%d/%m/%Y}", c.promise, c.who] for c in promises],
                [18, 62, 20],
                font_size=7.6,
            )
        )
    else:
        parts.append(para("Nenhuma promessa registrada.", "small"))
    return parts


def _negativacoes(facts: DossieFacts) -> list[Flowable]:
    parts: list[Flowable] = [para("Negativações", "h2")]
    if not facts.negativacoes:
        return [*parts, para("Nenhuma negativação registrada.", "small")]
    rows = [
        [n.bureau, format_date(n.included_on), brl(n.amount_cents), n.protocol or "–",
         n.status + (f" ({n.removal_reason})" if n.removal_reason else "")]
        for n in facts.negativacoes
    ]  # fmt: skip
    parts.append(
        table(
            ["Birô", "Incluída em", "Valor", "Protocolo", "Situação"],
            rows,
            [16, 14, 15, 18, 47],
            right=[2],
            font_size=7.6,
        )
    )
    return parts


def _signatures(facts: DossieFacts) -> list[Flowable]:
    """Each document the debtor signed electronically, with what EmDia checked offline — and
    what it did not (CPC art. 784 §4: the signature's integrity is what dispenses witnesses)."""
    if not facts.signatures:
        return []
    parts: list[Flowable] = [para("Assinaturas eletrônicas", "h2")]
    for s in facts.signatures:
        kind = KIND_LABELS.get(s.original_kind, s.original_kind)
        what = f"{esc(kind)} — documento {s.original_document_id}"
        if s.agreement_id:
            what += f", acordo nº {s.agreement_id}"
        elif s.contract_id:
            what += f", contrato nº {s.contract_id}"
        signers = "; ".join(
            esc(who(x)) + (f" em {x.signed_at:%d/%m/%Y %H:%M}" if x.signed_at else "")
            for x in s.signers
        )
        checks = "; ".join(f"{esc(q)}: {'sim' if ok else 'não'}" for q, ok in s.checks)
        parts += [
            key_values(
                [
                    (f"Documento {s.document_id}", what),
                    ("Assinado por", signers or esc(s.signer_name)),
                    ("Conferido em", f"{s.verified_at:%d/%m/%Y %H:%M} — {checks}"),
                    ("Observações", esc(" ".join(s.notes))),
                ],
                label_width=35 * mm,
            ),
            spacer(1),
        ]
    return parts


def _documents(facts: DossieFacts) -> list[Flowable]:
    parts: list[Flowable] = [para("Documentos arquivados", "h2")]
    if not facts.documents:
        return [*parts, para("Nenhum documento arquivado.", "small")]
    rows = [
        [str(d.id), d.kind, f"{d.generated_at:%d/%m/%Y %H:%M}",
         str(d.contract_id) if d.contract_id else "–", d.sha256, d.status]
        for d in facts.documents
    ]  # fmt: skip
    parts.append(
        table(
            ["Nº", "Documento", "Gerado em", "Contrato", "SHA-256", "Cópia"],
            rows,
            [6, 20, 15, 8, 56, 12],
            font_size=7.2,
        )
    )
    return parts
