"""regua: the régua de cobrança — the schedule of polite contacts around a due date
(docs/DOMAIN.md, "Régua") — and the engine that says, for each patient, the single
step due today.

The engine is pure: (open installments with their ``updated_debt`` lines, contact log, promises,
the régua's steps, today) → at most one :class:`DueStep` per patient. It keeps no state of its
own, so running it twice on the same day gives the same answer, and it never posts anything
(fines and interest are computed by ``law.updated_debt`` on the day, never written).

How a contract moves along the régua:

- The **anchor** is the contract's oldest open installment (by effective due date): its days
  late (negative before the due date) decide which steps have been *reached*. Newer overdue
  installments travel with it — every message states the updated amount of all of them.
- Only the **latest reached** step is ever offered. After a week with the PC off, the patient
  shows one step (the latest), never a burst of the ones missed.
- A step is **done** when a contact at that step or a later one was logged on or after the day
  the step was reached (or at that very step at any time since the anchor entered the régua —
  a step brought forward by a broken promise). Any logged outcome counts: the row leaves the
  list, and the next step comes at its own offset.
- A **pending promise** (promised day not over, not paid) holds the régua: nobody is charged
  while they are within what they promised.
- A **broken promise** (the day passed without the money) moves the patient along: if the
  latest reached step is already done, the next step of the régua is due at once.
- **agradecimento** (thanks) follows an installment paid late, within a week of the payment,
  when no collection step is due for that patient and nothing of theirs is overdue any more — a
  "Muito obrigado!" to someone still late reads as a mistake (the service also waits until
  nothing is overdue for anyone the same person pays for).
- A **prescribed** installment (five years past its due date, CC art. 206 §5 I) is out of the
  régua: no step, no message (``app.domain.prescription``).
- **negativação** (manual, gestor) never comes before the aviso de negativação: while the
  notice was not sent, the notice is the step due; once sent, negativação is only *ready* 10
  days later (CDC art. 43 §2) — the engine reports when the notice went.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import NamedTuple

from app.domain.catalog import Channel, DocumentKind
from app.domain.contacts import ContactRecord
from app.domain.law import DebtLine
from app.domain.prescription import is_prescrita
from app.domain.promises import PromiseRecord, latest_broken, pending_promise


class StepKey(StrEnum):
    LEMBRETE = "lembrete"
    VENCIMENTO = "vencimento"
    ATRASO_LEVE = "atraso_leve"
    ATRASO = "atraso"
    LIGACAO = "ligacao"
    PROPOSTA = "proposta"
    NOTIFICACAO = "notificacao"
    AVISO_NEGATIVACAO = "aviso_negativacao"
    NEGATIVACAO = "negativacao"
    AGRADECIMENTO = "agradecimento"


# Steps triggered by an event (a payment), not by the days since the due date: their
# ``offset_days`` counts from the event.
EVENT_STEPS = frozenset({StepKey.AGRADECIMENTO})
THANKS_WINDOW_DAYS = 7  # a thank-you later than a week after the payment is no longer natural
# CDC art. 43 §2 (and STJ): the debtor is told in writing before being registered; the bureaus
# wait 10 days after the notice.
NEGATIVACAO_NOTICE_DAYS = 10
# Letter steps produce a document (app/documents renders it; the worklist offers "Gerar documento").
DOCUMENT_OF_STEP: dict[str, DocumentKind] = {  # keyed by StepKey (a str)
    StepKey.NOTIFICACAO: DocumentKind.NOTIFICACAO,
    StepKey.AVISO_NEGATIVACAO: DocumentKind.AVISO_NEGATIVACAO,
}
MIN_OFFSET, MAX_OFFSET = -30, 365


@dataclass(frozen=True)
class ReguaStep:
    """One step: ``offset_days`` from the due date (D−3 = −3), the channel it prefers and the
    message template (``app.domain.templates``)."""

    key: str
    name: str
    offset_days: int
    channel: str
    template: str
    active: bool = True
    position: int = 0

    @property
    def is_event(self) -> bool:
        return self.key in EVENT_STEPS

    @property
    def document_kind(self) -> str | None:
        kind = DOCUMENT_OF_STEP.get(self.key)
        return kind.value if kind else None

    @property
    def in_words(self) -> str:
        """When the step comes, as the desk says it: ``3 dias antes do vencimento``, ``no dia do
        vencimento``, ``15 dias depois do vencimento``, ``depois do pagamento``."""
        if self.is_event:
            return "depois do pagamento"
        days = abs(self.offset_days)
        count = f"{days} dia" if days == 1 else f"{days} dias"
        if self.offset_days < 0:
            return f"{count} antes do vencimento"
        if self.offset_days == 0:
            return "no dia do vencimento"
        return f"{count} depois do vencimento"

    @property
    def when(self) -> str:
        """``D−3``, ``D0``, ``D+5``; ``após o pagamento`` for the thank-you."""
        if self.is_event:
            return "após o pagamento" + (f" (+{self.offset_days}d)" if self.offset_days else "")
        if self.offset_days == 0:
            return "D0"
        return f"D{self.offset_days:+d}".replace("-", "−")


# --- the default régua -------------------------------------------------------------------

_PIX_BLOCK = "Para pagar por PIX, use o código copia e cola abaixo:\n{pix_copia_e_cola}"

DEFAULT_STEPS: tuple[ReguaStep, ...] = (
    ReguaStep(
        StepKey.LEMBRETE,
        "Lembrete",
        -3,
        Channel.WHATSAPP,
        "Olá, {responsavel}! Tudo bem? Aqui é da {clinica}. Passando para lembrar que a parcela "
        "{parcela} referente {referente} vence em {vencimento}, no valor de {valor_atualizado}."
        "\n\n" + _PIX_BLOCK + "\n\nSe já pagou, por favor desconsidere esta mensagem. "
        "Obrigado!\n\n{assinatura}",
        position=1,
    ),
    ReguaStep(
        StepKey.VENCIMENTO,
        "Vencimento",
        0,
        Channel.WHATSAPP,
        "Olá, {responsavel}! Aqui é da {clinica}. Hoje, {vencimento}, vence a parcela {parcela} "
        "referente {referente}, no valor de {valor_atualizado}.\n\n" + _PIX_BLOCK + "\n\n"
        "Se já pagou, obrigado e desconsidere esta mensagem.\n\n{assinatura}",
        position=2,
    ),
    ReguaStep(
        StepKey.ATRASO_LEVE,
        "Atraso leve",
        1,
        Channel.WHATSAPP,
        "Olá, {responsavel}! Aqui é da {clinica}. Talvez tenha passado despercebido: a parcela "
        "{parcela} referente {referente}, com vencimento em {vencimento}, ainda não consta como "
        "paga. O valor atualizado para hoje é {valor_atualizado}.\n\n" + _PIX_BLOCK + "\n\n"
        "Se já pagou, pode nos enviar o comprovante por aqui. Qualquer dúvida, estamos à "
        "disposição.\n\n{assinatura}",
        position=3,
    ),
    ReguaStep(
        StepKey.ATRASO,
        "Atraso",
        5,
        Channel.WHATSAPP,
        "Olá, {responsavel}. Aqui é da {clinica}. A parcela {parcela} referente {referente}, "
        "vencida em {vencimento}, está em aberto há {dias_atraso} dias; o valor atualizado é "
        "{valor_atualizado}.\n\nSe ficou difícil pagar agora, podemos combinar uma nova data ou "
        "outra forma de pagamento (PIX, cartão, boleto) — é só responder esta mensagem.\n\n"
        + _PIX_BLOCK
        + "\n\n{assinatura}",
        position=4,
    ),
    ReguaStep(
        StepKey.LIGACAO,
        "Ligação",
        10,
        Channel.PHONE,
        "Roteiro da ligação para {responsavel} — {telefone}\n"
        "1. Apresente-se: “Bom dia, aqui é (seu nome), da {clinica}.” Confirme que está falando "
        "com {responsavel}; se for outra pessoa, não comente o assunto — só peça um retorno.\n"
        "2. Informe com calma: a parcela {parcela}, vencida em {vencimento}, está em aberto há "
        "{dias_atraso} dias; o valor atualizado hoje é {valor_atualizado}.\n"
        "3. Pergunte se houve algum problema e ofereça opções: nova data, PIX, cartão, "
        "parcelamento do valor.\n"
        "4. Se prometer pagar, combine a data e o valor e registre “Prometeu pagar”.\n"
        "Seja cordial e encerre a ligação se a pessoa pedir.",
        position=5,
    ),
    ReguaStep(
        StepKey.PROPOSTA,
        "Proposta",
        15,
        Channel.WHATSAPP,
        "Olá, {responsavel}. Aqui é da {clinica}. Sabemos que imprevistos acontecem. Para "
        "regularizar a parcela {parcela} referente {referente} (vencida em {vencimento}; valor "
        "atualizado {valor_atualizado}), podemos propor um acordo: nova data, parcelamento do "
        "valor ou outra forma de pagamento. Responda esta mensagem ou ligue para "
        "{telefone_clinica} para conversarmos, sem compromisso.\n\n{assinatura}",
        position=6,
    ),
    ReguaStep(
        StepKey.NOTIFICACAO,
        "Notificação extrajudicial",
        30,
        Channel.LETTER,
        "Gerar a notificação extrajudicial (carta em PDF) para {responsavel}, com os valores "
        "atualizados ({valor_atualizado}) e prazo até {prazo} para pagamento ou contato. Envie "
        "por carta com AR (aviso de recebimento) ou entregue pessoalmente, e registre o envio.",
        position=7,
    ),
    ReguaStep(
        StepKey.AVISO_NEGATIVACAO,
        "Aviso de negativação",
        40,
        Channel.LETTER,
        "Gerar a comunicação prévia de negativação para {responsavel}, valor atualizado "
        "{valor_atualizado}: a carta lista as parcelas que poderão ser incluídas e o valor — "
        "só elas poderão ser registradas. É uma cortesia da clínica: o aviso legal (CDC art. 43 "
        "§2) é enviado pelo próprio birô (SPC, Serasa, Boa Vista). Envie por carta com AR e "
        "registre o envio; a inclusão, só 10 dias depois (prática dos birôs).",
        position=8,
    ),
    ReguaStep(
        StepKey.NEGATIVACAO,
        "Negativação",
        50,
        Channel.MANUAL,
        "Negativação de {responsavel} (valor atualizado {valor_atualizado}): decisão do gestor. "
        "Confira antes: aviso prévio enviado há pelo menos 10 dias, dívida vencida e com valor "
        "certo, dados do devedor corretos — o botão Negativação… mostra o checklist. Depois de "
        "incluir no portal do birô, registre a inclusão ali (data e protocolo). Se a pessoa "
        "pagar, peça a retirada em até 5 dias úteis (Súmula 548 do STJ).",
        position=9,
    ),
    ReguaStep(
        StepKey.AGRADECIMENTO,
        "Agradecimento",
        0,
        Channel.WHATSAPP,
        "Olá, {responsavel}! Aqui é da {clinica}. Recebemos o pagamento da parcela {parcela} em "
        "{data_pagamento}. Muito obrigado!{aviso_remocao}\n\n{assinatura}",
        position=10,
    ),
)

DEFAULT_BY_KEY = {s.key: s for s in DEFAULT_STEPS}

# Default texts of earlier versions: a step still carrying one (never edited by the clinic)
# takes today's default — the old aviso called itself the legal notice of CDC art. 43 §2.
FORMER_DEFAULTS: dict[str, tuple[str, ...]] = {
    StepKey.NOTIFICACAO: (
        "Gerar a notificação extrajudicial (carta em PDF) para {responsavel}, com os valores "
        "atualizados ({valor_atualizado}) e prazo até {prazo} para pagamento ou contato. Envie "
        "por carta com aviso de recebimento ou entregue pessoalmente, e registre o envio.",
    ),
    StepKey.AVISO_NEGATIVACAO: (
        "Gerar o aviso prévio de negativação (CDC art. 43 §2) para {responsavel}, valor "
        "atualizado {valor_atualizado}. A inclusão no cadastro de inadimplentes só pode ser "
        "feita 10 dias depois do envio. Registre o envio.",
    ),
}


def ladder(steps: Iterable[ReguaStep]) -> list[ReguaStep]:
    """The steps triggered by days from the due date, in the order they happen."""
    return sorted((s for s in steps if not s.is_event), key=lambda s: (s.offset_days, s.position))


# --- the engine's input and output ----------------------------------------------------------


class ReguaItem(NamedTuple):
    """An installment as the régua sees it: its updated debt today (``line.key`` is its id; a
    named tuple, one per installment the drafts look at)."""

    contract_id: int
    installments_count: int
    line: DebtLine

    @property
    def due(self) -> date:
        return self.line.effective_due_date


@dataclass(frozen=True)
class PatientCase:
    """Everything about one patient that the régua needs today."""

    patient_id: int
    open_items: Sequence[ReguaItem]  # open installments due up to today + the lembrete lead
    settled_late: Sequence[ReguaItem] = ()  # installments paid late recently (thanks)
    contacts: Sequence[ContactRecord] = ()
    promises: Sequence[PromiseRecord] = ()  # ``paid_cents`` already computed
    negativado_since: date | None = None
    # Installments (``line.key``) already registered with a credit bureau: their debt needs no
    # aviso and no negativação again.
    registered: frozenset[int] = frozenset()


@dataclass(frozen=True)
class DueStep:
    """The one step due today for a patient, and what its message is about."""

    patient_id: int
    step: ReguaStep
    anchor: ReguaItem
    items: tuple[ReguaItem, ...]  # the installments whose amounts the message states
    broken_promise: PromiseRecord | None = None
    notice_sent_on: date | None = None  # negativação: when the aviso was sent
    paid_on: date | None = None  # agradecimento: the payment being thanked

    @property
    def contract_id(self) -> int:
        return self.anchor.contract_id

    @property
    def amount_cents(self) -> int:
        """Updated amount of everything the message is about (``law.updated_debt``)."""
        return sum(i.line.total_cents for i in self.items)

    @property
    def days_late(self) -> int:
        return max((i.line.days_late for i in self.items), default=0)


# --- the engine -----------------------------------------------------------------------------


def _contacts_for(case: PatientCase, contract_id: int) -> list[ContactRecord]:
    return [c for c in case.contacts if c.contract_id in (None, contract_id)]


def _due_for_contract(
    case: PatientCase,
    items: list[ReguaItem],
    steps: list[ReguaStep],
    rank: dict[str, int],
    today: date,
    broken: PromiseRecord | None,
) -> DueStep | None:
    anchor = min(items, key=lambda i: (i.due, i.line.number))
    days = (today - anchor.due).days
    reached = [s for s in steps if s.active and s.offset_days <= days]
    if not reached:
        return None
    latest = reached[-1]
    active = [s for s in steps if s.active]
    entry = anchor.due + timedelta(days=active[0].offset_days)
    contacts = [
        c for c in _contacts_for(case, anchor.contract_id) if c.day >= entry and c.step_key in rank
    ]

    def done(step: ReguaStep) -> bool:
        reached_on = anchor.due + timedelta(days=step.offset_days)
        return any(
            (c.step_key == step.key) or (rank[c.step_key] > rank[step.key] and c.day >= reached_on)
            for c in contacts
        )

    if latest.key == StepKey.NEGATIVACAO:
        # CDC art. 43 §2: no negativação without the written notice first — if it was never
        # sent (e.g. a debt older than the régua's first use), the notice is the step due.
        notice = next((s for s in active if s.key == StepKey.AVISO_NEGATIVACAO), None)
        if notice is not None and not done(notice):
            latest = notice
    if latest.key in (StepKey.AVISO_NEGATIVACAO, StepKey.NEGATIVACAO) and (
        anchor.line.key in case.registered
        or (
            latest.key == StepKey.NEGATIVACAO
            and case.negativado_since is not None
            and case.negativado_since >= entry
        )
    ):
        return None  # already registered: nothing more to do on this debt
    step: ReguaStep | None = None if done(latest) else latest
    if step is None and broken is not None:
        # A broken promise moves the patient along: the next step comes now.
        top = max((rank[c.step_key] for c in contacts), default=-1)
        step = next((s for s in active if rank[s.key] > top and s.offset_days > 0), None)
        if step is not None and done(step):
            step = None
    if step is None:
        return None
    if step.offset_days > 0:
        chosen = tuple(sorted((i for i in items if i.line.days_late > 0), key=lambda i: i.due))
        chosen = chosen or (anchor,)
    else:
        chosen = (anchor,)
    sent_on: date | None = None
    if step.key == StepKey.NEGATIVACAO:
        sent_on = max(
            (c.day for c in contacts if c.step_key == StepKey.AVISO_NEGATIVACAO), default=None
        )
    return DueStep(
        patient_id=case.patient_id,
        step=step,
        anchor=anchor,
        items=chosen,
        broken_promise=broken,
        notice_sent_on=sent_on,
    )


def has_overdue(case: PatientCase) -> bool:
    """Something of this patient is still overdue today (no thank-you while it is)."""
    return any(i.line.is_open and i.line.days_late > 0 for i in case.open_items)


def _thanks(case: PatientCase, steps: Sequence[ReguaStep], today: date) -> DueStep | None:
    thanks = next((s for s in steps if s.key == StepKey.AGRADECIMENTO and s.active), None)
    if thanks is None or has_overdue(case):
        return None
    recent = [
        i
        for i in case.settled_late
        if i.line.settled_on is not None
        and thanks.offset_days
        <= (today - i.line.settled_on).days
        <= thanks.offset_days + THANKS_WINDOW_DAYS
    ]
    if not recent:
        return None
    last = max(recent, key=lambda i: (i.line.settled_on or today, i.line.number))
    paid_on = last.line.settled_on
    assert paid_on is not None
    already = any(
        c.step_key == StepKey.AGRADECIMENTO and c.day >= paid_on
        for c in _contacts_for(case, last.contract_id)
    )
    if already:
        return None
    key = (last.contract_id, paid_on)
    same_day = tuple(
        sorted(
            (i for i in recent if (i.contract_id, i.line.settled_on) == key),
            key=lambda i: i.line.number,
        )
    )
    return DueStep(case.patient_id, thanks, last, same_day, paid_on=paid_on)


def step_due(case: PatientCase, steps: Sequence[ReguaStep], today: date) -> DueStep | None:
    """The single most relevant step due today for this patient, or None.

    Among the patient's contracts the most advanced step wins (then the oldest debt); the
    thank-you only when no collection step is due.
    """
    ordered = ladder(steps)
    rank = {s.key: i for i, s in enumerate(ordered)}
    if not any(s.active for s in ordered):
        return _thanks(case, steps, today)
    candidates: list[DueStep] = []
    if pending_promise(case.promises, today) is None:
        broken = latest_broken(case.promises, today)
        by_contract: dict[int, list[ReguaItem]] = {}
        for item in case.open_items:
            # A prescribed installment is out of collection altogether (CC art. 206 §5 I).
            if item.line.is_open and not is_prescrita(item.line):
                by_contract.setdefault(item.contract_id, []).append(item)
        for contract_id, items in by_contract.items():
            promise = broken
            if promise is not None and (
                (promise.contract_id not in (None, contract_id))
                or any(c.day >= promise.broken_on for c in case.contacts)
            ):
                promise = None  # already talked about, or about another contract
            due = _due_for_contract(case, items, ordered, rank, today, promise)
            if due is not None:
                candidates.append(due)
    if candidates:
        return max(candidates, key=lambda d: (rank[d.step.key], d.days_late, -d.contract_id))
    return _thanks(case, steps, today)


def steps_due(
    cases: Iterable[PatientCase], steps: Sequence[ReguaStep], today: date
) -> list[DueStep]:
    """Today's worklist: one step per patient at most, most advanced first."""
    return in_order((step_due(c, steps, today) for c in cases), steps)


def in_order(dues: Iterable[DueStep | None], steps: Sequence[ReguaStep]) -> list[DueStep]:
    """The steps due (``step_due`` of each case; None where nothing is due) in the order of
    today's worklist: most advanced first, then the longest late, then by patient."""
    rank = {s.key: i for i, s in enumerate(ladder(steps))}
    found = [d for d in dues if d is not None]
    return sorted(found, key=lambda d: (-rank.get(d.step.key, -1), -d.days_late, d.patient_id))
