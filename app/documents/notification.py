"""Notificação extrajudicial: the overdue installments of one contract with their updated values
itemised (principal, multa, juros, correção), a deadline of at most 7 days, and ways to pay or
talk.

Wording is respectful and informative — no threat, no exposure (CDC arts. 42 and 71); it names
no treatment or health data (LGPD art. 11); the clinic is identified on every page (CDC art.
42-A, in the header).
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from app.documents.common import (
    charges_sentence,
    contract_ref,
    debt_table,
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

TITLE = "Notificação extrajudicial"

# "Notificação extrajudicial com valores atualizados e prazo de no máximo 7 dias".
MAX_DEADLINE_DAYS = 7


def render(target: str | Path | BinaryIO, letterhead: Letterhead, facts: OverdueFacts) -> None:
    clinic = letterhead.clinic
    contract = facts.contract
    debtor = contract.debtor
    count = contract.installments_count
    parcels = "a parcela" if len(facts.overdue) == 1 else "as parcelas"
    story = [
        para(TITLE.upper(), "title"),
        para(place_and_date(letterhead), "right"),
        spacer(3),
        key_values(
            [
                ("Notificante", clinic_party(clinic)),
                ("Notificado(a)", person_line(debtor)),
                ("Assunto", f"Parcelas em aberto do {esc(contract_ref(contract))}"),
            ]
        ),
        spacer(4),
        para(f"Prezado(a) Sr(a). {esc(debtor.name)},"),
        spacer(2),
        para(
            f"{esc(clinic.legal_name or clinic.trade_name)} vem, respeitosamente, por meio desta "
            f"notificação, informar que {parcels} abaixo do {esc(contract_ref(contract))} "
            f"{'consta' if len(facts.overdue) == 1 else 'constam'} em aberto até esta data. Os "
            f"valores estão atualizados até {format_date(letterhead.as_of)} conforme as condições "
            f"do contrato: {charges_sentence(contract)}."
        ),
        spacer(3),
        debt_table(facts.overdue, count, total_label=f"Total em {format_date(letterhead.as_of)}"),
        *note_of(facts.overdue),
        spacer(3),
        para(
            f"Solicitamos a regularização até <b>{format_date(facts.deadline)}</b>. Para "
            f"pagamento nessa data, o valor atualizado é de "
            f"<b>{brl(facts.total_at_deadline_cents)}</b>; pagando antes, o valor é menor, "
            f"pois os juros são calculados por dia (hoje: {brl(facts.total_cents)}).",
            "body",
        ),
        spacer(2),
        para(payment_ways(letterhead), "body"),
        spacer(2),
        para(
            "Se a sua situação financeira não permite o pagamento integral agora, entre em "
            "contato: podemos combinar uma nova data, outra forma de pagamento ou um "
            "parcelamento do saldo. Se o pagamento já foi feito, por favor desconsidere esta "
            "notificação e envie-nos o comprovante, para que possamos atualizar o registro."
        ),
        spacer(2),
        para(
            "Não havendo pagamento nem contato até a data indicada, a clínica poderá adotar as "
            "medidas legais cabíveis para o recebimento do crédito, inclusive a inscrição do "
            "débito em cadastro de proteção ao crédito, sempre precedida de comunicação prévia "
            "por escrito da clínica e da notificação do próprio cadastro (Código de Defesa do "
            "Consumidor, art. 43, §2º)."
        ),
        spacer(2),
        para(
            "Esta notificação é dirigida somente a quem assumiu o pagamento e, em respeito à Lei "
            "Geral de Proteção de Dados (Lei 13.709/2018), não contém informação sobre os "
            "serviços prestados.",
            "small",
        ),
        spacer(3),
        para("Atenciosamente,"),
        signatures([clinic_signer(clinic, "Notificante")]),
    ]
    build(target, letterhead, TITLE, story, subject=f"Contrato {contract.id}")
