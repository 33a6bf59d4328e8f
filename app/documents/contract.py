"""Contrato de prestação de serviços com parcelamento.

Parties (the clinic; the contratante — the responsável financeiro when there is one —; the
patient as beneficiary; the fiador if any), the plan table, the late-payment terms *as stored on
the contract* (multa ≤ 2 % — CDC art. 52 §1; juros de mora simples pro rata die, with the day
count spelled out; the periodicity, the effective rate — 0 % — and the total, CDC art. 52 II–V),
early settlement with proportional reduction (CDC art. 52 §2), the clinic's prior notice before
negativação (the bureau's own is CDC art. 43 §2), data protection (LGPD), the consumer's forum
(CDC art. 101 I), and signature lines for the debtor and two witnesses, which make it a título
executivo extrajudicial (CPC art. 784 III). The internal description of the treatment never
appears. Without a recorded signing date the date line is left blank, to be filled in by hand —
never the day it was printed.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from app.adapters.words import amount_in_words
from app.documents.common import SERVICE_KIND, plan_table
from app.documents.layout import (
    Clauses,
    Signer,
    brl,
    build,
    clinic_party,
    clinic_signer,
    esc,
    key_values,
    method_label,
    para,
    person_line,
    place_and_blank_date,
    place_and_date,
    signatures,
    spacer,
)
from app.documents.model import ContractFacts, Letterhead
from app.domain.law import interest_terms
from app.domain.money import format_percent

TITLE = "Contrato de prestação de serviços com parcelamento"

METHOD_PHRASES = {
    "pix": "por PIX",
    "boleto": "por boleto",
    "cartao": "no cartão",
    "dinheiro": "em dinheiro",
    "cheque": "em cheque",
}


def render(target: str | Path | BinaryIO, letterhead: Letterhead, facts: ContractFacts) -> None:
    clinic = letterhead.clinic
    parcels = [ln for ln in facts.lines if ln.number > 0]
    financed = sum(ln.principal_cents for ln in parcels)
    parties = [
        ("CONTRATADA", clinic_party(clinic) + (f", {esc(clinic.cro)}" if clinic.cro else "")),
        ("CONTRATANTE", person_line(facts.debtor)),
    ]
    if not facts.debtor_is_patient:
        parties.append(("PACIENTE", person_line(facts.patient)))
    if facts.guarantor:
        parties.append(("FIADOR(A)", person_line(facts.guarantor)))
    beneficiary = (
        "ao(à) CONTRATANTE"
        if facts.debtor_is_patient
        else "ao(à) PACIENTE indicado(a) acima, por quem o(a) CONTRATANTE assume o pagamento"
    )
    clause = Clauses()
    story: list[Flowable] = [
        para(TITLE.upper(), "title"),
        para(f"Contrato nº {facts.id}", "subtitle"),
        key_values(parties, label_width=30 * mm),
        spacer(3),
        para(
            "As partes acima identificadas celebram este contrato, que se rege pelas cláusulas "
            "seguintes e pelo Código de Defesa do Consumidor (Lei 8.078/1990)."
        ),
        clause.heading("Objeto"),
        para(
            f"{clause.n()}. A CONTRATADA prestará {SERVICE_KIND} {beneficiary}, conforme o plano "
            "de tratamento apresentado e aceito em consulta, que fica fazendo parte deste "
            "contrato. As informações clínicas constam do prontuário e são sigilosas."
        ),
        clause.heading("Preço e forma de pagamento"),
        para(
            f"{clause.n()}. O preço total é de <b>{brl(facts.total_cents)}</b> "
            f"({esc(amount_in_words(facts.total_cents))}), pago "
            + (
                f"com entrada de {brl(facts.down_payment_cents)} e "
                if facts.down_payment_cents
                else ""
            )
            + f"em {len(parcels)} parcela(s) {periodicity(len(parcels))}, que somam "
            f"{brl(financed)}, "
            f"{esc(METHOD_PHRASES.get(facts.method, method_label(facts.method)))}, nos "
            "vencimentos abaixo. Não há juros remuneratórios no parcelamento — taxa efetiva de "
            "0 % ao mês e 0 % ao ano —: a soma total a pagar é o preço, igual ao preço à vista "
            "(CDC art. 52, II a V)."
        ),
        spacer(2),
        plan_table(
            [(ln.number, ln.effective_due_date, ln.principal_cents) for ln in facts.lines],
            facts.installments_count,
        ),
        spacer(2),
        para(
            f"{clause.n()}. O vencimento que cair em sábado, domingo ou feriado passa para o "
            "primeiro dia útil seguinte, sem acréscimo. A CONTRATADA dará recibo de cada "
            "pagamento."
        ),
        clause.heading("Atraso"),
        para(
            f"{clause.n()}. Em caso de atraso, sobre o valor da parcela em aberto incidirão "
            f"multa de {format_percent(facts.fine_bp)} (CDC art. 52, §1º), cobrada uma única "
            f"vez, e juros de mora de {esc(interest_terms(facts.interest_monthly_bp))}, a "
            "partir do dia seguinte ao vencimento — o mês conta 30 dias por convenção deste "
            "contrato"
            + (
                ", além de correção monetária pelo IPCA (IBGE): o mês do vencimento conta pelos "
                "dias de atraso nele, os seguintes por inteiro"
                if facts.correction_index == "ipca"
                else ""
            )
            + ". Pagamentos em atraso quitam primeiro os encargos e depois o principal (Código "
            "Civil art. 354); o(a) CONTRATANTE pode indicar a parcela que está pagando (Código "
            "Civil art. 352)."
        ),
        para(
            f"{clause.n()}. Antes de qualquer inclusão do débito em cadastro de proteção ao "
            "crédito, a CONTRATADA enviará ao(à) CONTRATANTE comunicação prévia por escrito, "
            "com as parcelas e o valor que poderão ser incluídos, com antecedência mínima de 10 "
            "(dez) dias; o próprio cadastro também o(a) notificará (CDC art. 43, §2º). A "
            "cobrança será feita sem exposição ao ridículo, constrangimento ou ameaça (CDC art. "
            "42)."
        ),
        clause.heading("Pagamento antecipado"),
        para(
            f"{clause.n()}. O(A) CONTRATANTE pode antecipar o pagamento de parcelas, total ou "
            "parcialmente, com redução proporcional dos juros e demais acréscimos (CDC art. 52, "
            "§2º)."
            + (
                f" Quem paga até o vencimento tem desconto de pontualidade de "
                f"{format_percent(facts.punctuality_discount_bp)} sobre a parcela."
                if facts.punctuality_discount_bp
                else ""
            )
        ),
        clause.heading("Desistência"),
        para(
            f"{clause.n()}. O(A) CONTRATANTE pode desistir do tratamento a qualquer tempo, "
            "avisando a CONTRATADA: pagará somente os serviços já prestados e os materiais já "
            "adquiridos especificamente para o tratamento, pelos valores do plano, e o que tiver "
            "sido pago além disso será devolvido. Nenhuma multa é cobrada pela desistência."
        ),
        clause.heading("Dados pessoais"),
        para(
            f"{clause.n()}. Os dados pessoais das partes serão usados somente para a execução "
            "deste contrato e para a cobrança dos valores devidos, na forma da Lei Geral de "
            "Proteção de Dados (Lei 13.709/2018). Comunicações de cobrança nunca mencionarão o "
            "tratamento realizado."
        ),
        clause.heading("Disposições finais"),
        para(
            f"{clause.n()}. Este contrato, assinado pelas partes e por duas testemunhas, é "
            "título executivo extrajudicial (Código de Processo Civil, art. 784, III). Se o(a) "
            "CONTRATANTE o assinar eletronicamente — pela conta gov.br ou com certificado "
            "digital ICP-Brasil —, as testemunhas são dispensadas, pois a integridade da "
            "assinatura é conferida pelo provedor de assinatura (CPC, art. 784, §4º)."
        ),
        para(f"{clause.n()}. Fica eleito o foro do domicílio do(a) CONTRATANTE (CDC art. 101, I)."),
        spacer(3),
        para(
            "E, por estarem de acordo, as partes assinam este contrato em 2 (duas) vias de igual "
            "teor, com as testemunhas abaixo."
        ),
        spacer(2),
        para(
            place_and_date(letterhead, facts.signed_on)
            if facts.signed_on
            else place_and_blank_date(letterhead),
            "right",
        ),
        spacer(2),
        signatures(_signers(facts, clinic_signer(clinic, "CONTRATADA"))),
    ]
    build(target, letterhead, TITLE, story, subject=f"Contrato {facts.id}")


def periodicity(count: int) -> str:
    """CDC art. 52 IV: the number *and periodicity* of the installments."""
    return "mensal, no mesmo dia de cada mês" if count == 1 else "mensais, no mesmo dia de cada mês"


def _signers(facts: ContractFacts, clinic: Signer) -> list[Signer]:
    signers = [clinic, Signer("CONTRATANTE", facts.debtor.name, facts.debtor.cpf)]
    if facts.guarantor:
        signers.append(Signer("FIADOR(A)", facts.guarantor.name, facts.guarantor.cpf))
    witnesses = list(facts.witnesses) + [("", "")] * (2 - len(facts.witnesses))
    for index, (name, cpf) in enumerate(witnesses[:2], start=1):
        signers.append(Signer(f"Testemunha {index}", name, cpf or None))
    return signers
