"""Aviso prévio de negativação: the written notice that must reach the debtor before the debt is
sent to a credit bureau (CDC art. 43 §2), at least 10 days before the earliest inclusion date;
with the updated values, how to avoid the inclusion, and the debtor's rights (access and
correction — CDC art. 43 §3; removal within 5 business days of payment — Súmula 548 STJ)."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.platypus import Flowable

from app.documents.common import contract_ref, debt_table, payment_ways
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

TITLE = "Aviso prévio de negativação"


def render(target: str | Path | BinaryIO, letterhead: Letterhead, facts: OverdueFacts) -> None:
    clinic = letterhead.clinic
    contract = facts.contract
    debtor = contract.debtor
    story: list[Flowable] = [
        para("AVISO PRÉVIO DE INCLUSÃO EM CADASTRO DE PROTEÇÃO AO CRÉDITO", "title"),
        para("Comunicação prevista no art. 43, §2º, do Código de Defesa do Consumidor", "subtitle"),
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
            f"pago. Valores atualizados até {format_date(letterhead.as_of)}, conforme o contrato:"
        ),
        spacer(2),
        debt_table(
            facts.overdue,
            contract.installments_count,
            total_label=f"Total em {format_date(letterhead.as_of)}",
        ),
        spacer(3),
        para(
            "A inclusão do nome, do CPF, do valor e da data de vencimento do débito em cadastro "
            "de proteção ao crédito (SPC, Serasa ou Boa Vista) poderá ocorrer a partir de "
            f"<b>{format_date(facts.deadline)}</b>, {NEGATIVACAO_NOTICE_DAYS} (dez) dias após "
            "esta comunicação, e <b>não ocorrerá se o débito for pago ou renegociado até essa "
            f"data</b>. Para pagamento em {format_date(facts.deadline)}, o valor atualizado é de "
            f"{brl(facts.total_at_deadline_cents)}; antes disso, o valor é menor."
        ),
        spacer(2),
        para(payment_ways(letterhead), "body"),
        spacer(2),
        para(
            "Se já pagou, por favor desconsidere este aviso e envie-nos o comprovante. Se "
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
            "Este aviso é dirigido somente ao(à) devedor(a) e não contém informação sobre os "
            "serviços prestados (Lei 13.709/2018).",
            "small",
        ),
        spacer(3),
        para("Atenciosamente,"),
        signatures([clinic_signer(clinic, "Credor")]),
    ]
    build(target, letterhead, TITLE, story, subject=f"Contrato {contract.id}")
