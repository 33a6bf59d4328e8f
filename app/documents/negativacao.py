"""Aviso prévio de negativação: the clinic's *comunicação prévia* that a debt may be sent to a
credit bureau, at least 10 days before the earliest inclusion date (the bureaus' practice).

It does not claim to be the legal notice of CDC art. 43 §2: that one is the bureau's duty
(Súmula 359 STJ), and the letter says the bureau sends it. It lists every installment that may
be registered and the amount — what is registered is what it announced (the inclusion refuses
anything else) —, how to avoid the inclusion, and the debtor's rights (access and correction —
CDC art. 43 §3; removal within 5 business days of payment — Súmula 548 STJ)."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.platypus import Flowable

from app.documents.common import (
    charges_sentence,
    contract_ref,
    debt_table,
    installment_label,
    note_of,
    payment_ways,
)
from app.documents.layout import (
    brl,
    build,
    clinic_party,
    clinic_signer,
    esc,
    key_values,
    para,
    person_line,
    place_and_date,
    signatures,
    spacer,
)
from app.documents.model import Letterhead, OverdueFacts
from app.domain.dates import format_date
from app.domain.documents import NEGATIVACAO_NOTICE_DAYS

TITLE = "Comunicação prévia de negativação"


def render(target: str | Path | BinaryIO, letterhead: Letterhead, facts: OverdueFacts) -> None:
    clinic = letterhead.clinic
    contract = facts.contract
    debtor = contract.debtor
    count = contract.installments_count
    listed = ", ".join(installment_label(ln.number, count) for ln in facts.overdue)
    one = len(facts.overdue) == 1
    parcels = "a parcela" if one else "as parcelas"
    may = "poderá ser incluída" if one else "poderão ser incluídas"
    story: list[Flowable] = [
        para("COMUNICAÇÃO PRÉVIA DE POSSÍVEL INCLUSÃO EM CADASTRO DE PROTEÇÃO AO CRÉDITO", "title"),
        para(
            "Comunicação da clínica credora. A notificação prevista no art. 43, §2º, do Código de "
            "Defesa do Consumidor é enviada pelo próprio cadastro (SPC, Serasa ou Boa Vista).",
            "subtitle",
        ),
        para(place_and_date(letterhead), "right"),
        spacer(3),
        key_values(
            [
                ("Credor", clinic_party(clinic)),
                ("Devedor(a)", person_line(debtor)),
                (
                    "Origem do débito",
                    esc(contract_ref(contract)[0].upper() + contract_ref(contract)[1:]),
                ),
            ]
        ),
        spacer(4),
        para(f"Prezado(a) Sr(a). {esc(debtor.name)},"),
        spacer(2),
        para(
            "Comunicamos que o débito abaixo, de sua responsabilidade, está vencido e não foi "
            f"pago. Valores atualizados até {format_date(letterhead.as_of)}, conforme o contrato "
            f"({charges_sentence(contract)}):"
        ),
        spacer(2),
        debt_table(
            facts.overdue,
            count,
            total_label=f"Total em {format_date(letterhead.as_of)}",
        ),
        spacer(2),
        *note_of(facts.overdue),
        spacer(2),
        para(
            f"Somente {parcels} {esc(listed)} {may} em cadastro de proteção ao crédito"
            " (SPC, Serasa ou Boa Vista), com o nome, o CPF, o valor e a "
            f"data de vencimento, pelo valor de até <b>{brl(facts.total_at_deadline_cents)}</b> "
            f"(o valor atualizado em {format_date(facts.deadline)}). A inclusão poderá ocorrer a "
            f"partir de <b>{format_date(facts.deadline)}</b>, {NEGATIVACAO_NOTICE_DAYS} (dez) "
            "dias após esta comunicação, e <b>não ocorrerá se o débito for pago ou renegociado "
            "até essa data</b>; pagando antes, o valor é menor. Antes de qualquer inclusão, o "
            "próprio cadastro também lhe enviará a notificação que a lei exige."
        ),
        spacer(2),
        para(payment_ways(letterhead), "body"),
        spacer(2),
        para(
            "Se já pagou, por favor desconsidere esta comunicação e envie-nos o comprovante. Se "
            "preferir renegociar, procure-nos: há opções de nova data e de parcelamento."
        ),
        spacer(2),
        para(
            "Seus direitos: você pode pedir acesso aos dados do débito e a correção de qualquer "
            "informação incorreta (CDC art. 43, §3º). Havendo inclusão, ela será retirada a "
            "pedido da clínica em até 5 (cinco) dias úteis após o pagamento integral (Súmula "
            "548 do STJ), e nenhuma informação negativa é mantida por mais de 5 (cinco) anos "
            "(CDC art. 43, §1º).",
            "justify",
        ),
        spacer(2),
        para(
            "Esta comunicação é dirigida somente ao(à) devedor(a) e não contém informação sobre "
            "os serviços prestados (Lei 13.709/2018).",
            "small",
        ),
        spacer(3),
        para("Atenciosamente,"),
        signatures([clinic_signer(clinic, "Credor")]),
    ]
    build(target, letterhead, TITLE, story, subject=f"Contrato {contract.id}")
