"""Termo de confissão de dívida e acordo.

The debtor (the responsável financeiro when there is one) confesses the debt itemised by its
origin — each original installment with principal, multa, juros and correção on the acordo's
date, all from ``law.updated_debt`` — and the clinic grants the discount and the new plan
("renegocie a dívida … com assinatura de confissão de dívida"). What happens if it is broken:
default by the mere due date (CC art. 397), multa/juros within the law (CDC art. 52 §1) with the
day count of the juros, no interest on the confessed charges (Súmula 121 STF), the financing
rate (0 %), and, after ``BROKEN_AFTER_DAYS``, vencimento antecipado of the remaining balance —
the amount printed —, always with prior notice before any negativação. Signed by the debtor and
two witnesses it is a título executivo extrajudicial (CPC art. 784 III); signed electronically
by the debtor (gov.br or an ICP-Brasil certificate) it needs no witnesses (CPC art. 784 §4, Lei
14.620/2023), and the text offers that path beside the witnesses' lines. No treatment is named.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from app.adapters.words import amount_in_words
from app.documents.common import SERVICE_KIND, days, plan_table
from app.documents.layout import (
    Clauses,
    Signer,
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
    table,
)
from app.documents.model import Letterhead, Party
from app.domain.agreements import BROKEN_AFTER_DAYS, AgreementView
from app.domain.dates import format_date
from app.domain.law import interest_terms
from app.domain.money import format_percent

TITLE = "Termo de confissão de dívida e acordo"


@dataclass(frozen=True)
class ConfessionFacts:
    agreement: AgreementView
    debtor: Party  # who confesses: the responsável financeiro, or the patient
    patient: Party
    fine_bp: int  # the new plan's late-payment terms (its contract's)
    interest_monthly_bp: int
    correction_index: str
    balance_cents: int  # what the early-maturity clause would make due (unpaid on the day)

    @property
    def debtor_is_patient(self) -> bool:
        return self.debtor.cpf == self.patient.cpf and self.debtor.name == self.patient.name


def render(target: str | Path | BinaryIO, letterhead: Letterhead, facts: ConfessionFacts) -> None:
    clinic = letterhead.clinic
    ag = facts.agreement
    parties = [
        ("CREDORA", clinic_party(clinic)),
        ("DEVEDOR(A)", person_line(facts.debtor)),
    ]
    if not facts.debtor_is_patient:
        parties.append(("PACIENTE", person_line(facts.patient)))
    contracts = sorted({o.contract_id for o in ag.origin})
    contract_words = (
        f"do contrato de prestação de serviços nº {contracts[0]}"
        if len(contracts) == 1
        else "dos contratos de prestação de serviços nº "
        + ", ".join(str(c) for c in contracts[:-1])
        + f" e {contracts[-1]}"
    )
    beneficiary = "" if facts.debtor_is_patient else " em favor do(a) PACIENTE acima"
    clause = Clauses()
    story: list[Flowable] = [
        para(TITLE.upper(), "title"),
        para(f"Acordo nº {ag.id}", "subtitle"),
        key_values(parties, label_width=30 * mm),
        spacer(3),
        clause.heading("Da dívida confessada"),
        para(
            f"{clause.n()}. O(A) DEVEDOR(A) reconhece e confessa, de forma irrevogável, dever à "
            f"CREDORA, em {format_date(ag.as_of)}, a quantia de <b>{brl(ag.debt_cents)}</b> "
            f"({esc(amount_in_words(ag.debt_cents))}), referente a {SERVICE_KIND} prestados"
            f"{beneficiary}, originada das parcelas em aberto {contract_words}, atualizadas "
            "até aquela data conforme as condições contratadas:"
        ),
        spacer(2),
        _origin_table(ag),
        spacer(2),
        clause.heading("Do desconto e do valor do acordo"),
        para(
            f"{clause.n()}. "
            + (
                f"A CREDORA concede desconto de <b>{brl(ag.discount_cents)}</b>, aplicado "
                f"primeiro sobre os encargos ({brl(ag.discount_on_charges_cents)}) e depois "
                f"sobre o principal ({brl(ag.discount_on_principal_cents)}). "
                if ag.discount_cents
                else "Não há desconto. "
            )
            + f"O valor do acordo é de <b>{brl(ag.total_cents)}</b> "
            f"({esc(amount_in_words(ag.total_cents))})."
        ),
        clause.heading("Da forma de pagamento"),
        para(
            f"{clause.n()}. O valor do acordo será pago "
            + (
                f"com entrada de {brl(ag.down_payment_cents)}, em {format_date(ag.as_of)}, e "
                if ag.down_payment_cents
                else ""
            )
            + f"em {ag.count} parcela(s) mensal(is), nos vencimentos abaixo. Não há juros "
            "remuneratórios no parcelamento — taxa efetiva de 0 % ao mês e 0 % ao ano —: a soma "
            "das parcelas é o valor do acordo. O vencimento que cair em sábado, domingo ou "
            "feriado passa para o primeiro dia útil seguinte, sem acréscimo. A CREDORA dará "
            "recibo de cada pagamento."
        ),
        spacer(2),
        plan_table(
            [(s.number, s.effective_due_date, s.amount_cents) for s in ag.schedule], ag.count
        ),
        spacer(2),
        para(
            f"{clause.n()}. Enquanto este acordo for cumprido, as parcelas de origem acima não "
            "serão cobradas separadamente: ficam registradas como renegociadas e substituídas "
            "pelo plano deste termo. Pago o acordo, a dívida confessada fica quitada."
        ),
        clause.heading("Do atraso e do descumprimento"),
        para(
            f"{clause.n()}. O não pagamento de uma parcela no vencimento constitui o(a) "
            "DEVEDOR(A) em mora de pleno direito, independentemente de aviso (Código Civil art. "
            f"397). Sobre a parcela em atraso incidirão multa de {format_percent(facts.fine_bp)}"
            " (CDC art. 52, §1º), uma única vez, e juros de mora de "
            f"{esc(interest_terms(facts.interest_monthly_bp))}"
            + (", com correção monetária pelo IPCA" if facts.correction_index == "ipca" else "")
            + "; pagamentos em atraso quitam primeiro os encargos (Código Civil art. 354)."
        ),
        *_no_interest_on_interest(clause, ag),
        para(
            f"{clause.n()}. Se uma parcela permanecer em aberto por mais de {BROKEN_AFTER_DAYS} "
            "dias, o acordo será considerado descumprido e vencerá antecipadamente todo o saldo "
            f"ainda não pago deste acordo — <b>{brl(facts.balance_cents)}</b> em "
            f"{format_date(letterhead.as_of)}, menos o que for pago depois —, que poderá ser "
            "cobrado de uma só vez, com os mesmos encargos da cláusula anterior, nunca acima dos "
            "limites legais. Antes de qualquer inclusão do débito em cadastro de proteção ao "
            "crédito, a CREDORA enviará ao(à) DEVEDOR(A) comunicação prévia por escrito, com "
            "antecedência mínima de 10 (dez) dias; o próprio cadastro também o(a) notificará "
            "(CDC art. 43, §2º)."
        ),
        para(
            f"{clause.n()}. O(A) DEVEDOR(A) pode antecipar parcelas, total ou parcialmente, com "
            "redução proporcional dos encargos (CDC art. 52, §2º)."
        ),
        clause.heading("Disposições finais"),
        para(
            f"{clause.n()}. Este termo, assinado pelo(a) DEVEDOR(A) e por duas testemunhas, é "
            "título executivo extrajudicial (Código de Processo Civil, art. 784, III). Se "
            "o(a) DEVEDOR(A) o assinar eletronicamente — pela conta gov.br ou com certificado "
            "digital ICP-Brasil —, as testemunhas são dispensadas, pois a integridade da "
            "assinatura é conferida pelo provedor de assinatura (CPC, art. 784, §4º)."
        ),
        para(
            f"{clause.n()}. Os dados pessoais das partes serão usados somente para a execução "
            "deste acordo e a cobrança dos valores devidos, na forma da Lei Geral de Proteção "
            "de Dados (Lei 13.709/2018). Comunicações de cobrança nunca mencionarão o "
            "tratamento realizado. A cobrança será feita sem exposição ao ridículo, "
            "constrangimento ou ameaça (CDC art. 42)."
        ),
        para(f"{clause.n()}. Fica eleito o foro do domicílio do(a) DEVEDOR(A) (CDC art. 101, I)."),
        spacer(3),
        para(
            "E, por estarem de acordo, as partes assinam este termo em 2 (duas) vias de igual "
            "teor, com as testemunhas abaixo — ou eletronicamente, sem testemunhas (CPC, art. "
            "784, §4º)."
        ),
        spacer(2),
        para(place_and_date(letterhead, ag.accepted_on or letterhead.as_of), "right"),
        spacer(2),
        signatures(
            [
                clinic_signer(clinic, "CREDORA"),
                Signer("DEVEDOR(A)", facts.debtor.name, facts.debtor.cpf),
                Signer("Testemunha 1"),
                Signer("Testemunha 2"),
            ]
        ),
        spacer(1),
        para(
            "Assinatura eletrônica: em vez de imprimir, o(a) DEVEDOR(A) pode assinar este PDF, "
            "sem custo, em assinador.iti.br (conta gov.br prata ou ouro) ou com seu e-CPF, e "
            "devolvê-lo à CREDORA sem alterações. Assinado assim, as linhas das testemunhas "
            "ficam em branco.",
            "small",
        ),
    ]
    build(target, letterhead, TITLE, story, subject=f"Acordo {ag.id}")


def _no_interest_on_interest(clause: Clauses, ag: AgreementView) -> list[Flowable]:
    """Súmula 121 STF: the confessed charges folded into the plan earn no new juros — the
    clause says how much they are and what share of each parcela bears juros."""
    folded = ag.folded_charges_cents
    if folded <= 0 or ag.total_cents <= 0:
        return []
    share = (ag.total_cents - folded) * 10_000 // ag.total_cents  # basis points, rounded down
    return [
        para(
            f"{clause.n()}. Os encargos confessados que integram o valor do acordo "
            f"({brl(folded)}: multa, juros e correção, já abatido o desconto) não geram novos "
            "juros: em caso de atraso, os juros de mora de cada parcela incidem somente sobre a "
            f"parte de principal dela ({format_percent(share)} da parcela), sem juros sobre "
            "juros (Súmula 121 do STF)."
        )
    ]


def _origin_table(ag: AgreementView) -> Flowable:
    rows = [
        [
            o.label.replace("Contrato ", "Ctr. "),
            format_date(o.due_date),
            days(o.days_late),
            brl(o.principal_cents),
            brl(o.fine_cents),
            brl(o.interest_cents),
            brl(o.correction_cents),
            brl(o.total_cents),
        ]
        for o in ag.origin
    ]
    total = [
        "Total", "", "",
        brl(ag.principal_cents), brl(ag.fine_cents), brl(ag.interest_cents),
        brl(ag.correction_cents), brl(ag.debt_cents),
    ]  # fmt: skip
    return table(
        ["Origem", "Vencimento", "Atraso", "Principal", "Multa", "Juros", "Correção",
         "Atualizado"],
        rows,
        [22, 18, 13, 19, 15, 15, 16, 21],
        right=[2, 3, 4, 5, 6, 7],
        total=total,
    )  # fmt: skip
