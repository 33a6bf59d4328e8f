"""negativacao: registering a debt with a credit bureau (SPC, Serasa, Boa Vista) lawfully, and
taking it off again in time.

Pure rules (``today`` is always passed in):

- **Readiness checklist** — inclusion is refused until every item holds:
  1. the debt is certain, liquid and overdue: open overdue principal > 0 by ``law.updated_debt``,
     not renegotiated (an acordo replaced it), no promise still running;
  2. the título that proves the debt: a contract whose signing date was recorded (the day the
     debtor signed it, not the day a PDF was printed), or the confissão de dívida of an accepted
     acordo, archived (CPC art. 784 III) — or either of them signed electronically by the person
     charged, intact and valid and exactly the archived document, which proves the debt without
     witnesses (CPC art. 784 §4) and is named first (``title_check``);
  3. complete data of the person charged (the responsável financeiro when there is one): CPF and
     full address — the bureau identifies the debtor by them, and the notice goes there;
  4. the clinic's comunicação prévia: a letter (document ``aviso-negativacao``) **sent**
     (logged in the contact history at the régua step ``aviso_negativacao``) at least 10 days
     before the inclusion, after the oldest overdue installment fell due (an old letter about
     a debt since paid does not cover a new one). The legal notice of CDC art. 43 §2 is the
     bureau's duty (Súmula 359 STJ) — SPC, Serasa and Boa Vista send their own; the clinic's
     letter is a courtesy, and the 10 days are the bureaus' practice, not a statute. The 10
     days count from the logged sending, never before the document was generated: the PDF
     (with its SHA-256) is the evidence of *what* was said, the log of *when* it went out.
     **What is registered is what was announced**: only the installments the letter listed,
     and never more than the amount it stated (``Readiness.installments``,
     ``Readiness.amount_cents``); an installment it did not list needs a new letter;
  5. not older than 5 years: the installments registered fell due less than 5 years ago (CDC
     art. 43 §1; the debt also prescribes then — CC art. 206 §5 I: a prescribed installment is
     not collected at all, ``app.domain.prescription``);
  6. not already included.
- **Removal** — after the debt registered is fully paid, the creditor must have it removed
  within 5 business days (Súmula 548 STJ): :func:`countdown` says until when and how many
  business days are left (the clinic's ``BusinessCalendar``: holidays of its state and city,
  bank-closed days). A negativação whose oldest registered installment reaches 5 years must go
  the same way, on that day (CDC art. 43 §1, Súmula 323 STJ): :func:`expiry_countdown`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from app.domain.business_calendar import BusinessCalendar
from app.domain.dates import format_date
from app.domain.law import DebtLine, Status
from app.domain.money import format_brl
from app.domain.prescription import (
    PRESCRIPTION_YEARS,
    add_years,
    collectable,
    prescribed,
    prescribed_reason,
)
from app.domain.regua import NEGATIVACAO_NOTICE_DAYS
from app.domain.signatures import SignedDocument

# Súmula 548 STJ: removal within five business days from the full payment.
REMOVAL_BUSINESS_DAYS = 5
# CDC art. 43 §1: no negative information kept for more than five years.
MAX_YEARS = PRESCRIPTION_YEARS


class Bureau(StrEnum):
    SPC = "spc"
    SERASA = "serasa"
    BOA_VISTA = "boa_vista"
    OUTRO = "outro"


BUREAU_LABELS: dict[str, str] = {
    Bureau.SPC: "SPC Brasil",
    Bureau.SERASA: "Serasa",
    Bureau.BOA_VISTA: "Boa Vista (SCPC)",
    Bureau.OUTRO: "Outro",
}


def bureau_label(value: str) -> str:
    return BUREAU_LABELS.get(value, value)


def parse_bureau(text: str) -> Bureau | None:
    """``spc``, ``Serasa``, ``boa vista``, ``boa_vista``… → Bureau; None when unknown."""
    key = text.strip().lower().replace(" ", "_").replace("-", "_")
    aliases = {"scpc": Bureau.BOA_VISTA, "boavista": Bureau.BOA_VISTA}
    if key in aliases:
        return aliases[key]
    try:
        return Bureau(key)
    except ValueError:
        return None


REMOVAL_REASONS = (
    "pagamento integral",
    "acordo (renegociação)",
    "inclusão indevida",
    "prazo de 5 anos",
    "outro",
)


class CheckKey(StrEnum):
    DEBT = "divida"
    TITLE = "contrato"
    DEBTOR = "devedor"
    NOTICE = "aviso"
    AGE = "prazo"
    NOT_INCLUDED = "nao_incluido"


CHECK_LABELS: dict[str, str] = {
    CheckKey.DEBT: "Dívida certa, líquida e vencida",
    CheckKey.TITLE: "Contrato assinado (data registrada) ou confissão de dívida aceita",
    CheckKey.DEBTOR: "Dados completos do devedor (CPF e endereço)",
    CheckKey.NOTICE: "Comunicação prévia da clínica enviada há 10 dias ou mais",
    CheckKey.AGE: "Dívida com menos de 5 anos (CDC art. 43 §1)",
    CheckKey.NOT_INCLUDED: "Ainda não negativado por esta dívida",
}


@dataclass(frozen=True)
class CheckItem:
    """One line of the checklist: ``ok`` and, either way, why (pt-BR)."""

    key: str
    label: str
    ok: bool
    why: str


@dataclass(frozen=True)
class Readiness:
    items: tuple[CheckItem, ...]
    # What would be registered: the updated amount on the day of the installments the aviso
    # announced, never more than the amount it stated (the overdue ones while no aviso counts).
    amount_cents: int
    oldest_due: date | None
    notice_document_id: int | None  # the aviso that satisfies the checklist
    installments: tuple[int, ...] = ()  # the installment numbers that would be registered

    @property
    def ready(self) -> bool:
        return all(i.ok for i in self.items)

    @property
    def failing(self) -> tuple[CheckItem, ...]:
        return tuple(i for i in self.items if not i.ok)


@dataclass(frozen=True)
class DebtorData:
    """The person charged (responsável financeiro or the patient) as the bureau needs them."""

    name: str
    cpf: str | None
    street: str = ""
    number: str = ""
    district: str = ""
    city: str = ""
    state: str = ""
    zip_code: str = ""

    def missing(self) -> list[str]:
        fields = (
            ("CPF", self.cpf),
            ("rua", self.street),
            ("número", self.number),
            ("bairro", self.district),
            ("cidade", self.city),
            ("UF", self.state),
            ("CEP", self.zip_code),
        )
        return [name for name, value in fields if not (value or "").strip()]


@dataclass(frozen=True)
class ArchivedFact:
    document_id: int
    kind: str
    generated_on: date
    # An aviso's announcement (``document.announced``): the installment numbers it listed and
    # the amount it stated; None for letters archived before EmDia kept them (they listed the
    # installments overdue on their date, with no amount cap).
    announced: tuple[int, ...] | None = None
    announced_cents: int | None = None

    def lists(self, line: DebtLine) -> bool:
        """Whether this aviso announced ``line``."""
        if self.announced is not None:
            return line.number in self.announced
        return line.effective_due_date < self.generated_on


@dataclass(frozen=True)
class TitleFacts:
    """What proves the debt (the checklist's *título* item): the contract's recorded signing
    date, or — for the plan of an acordo — the acceptance and its archived confissão."""

    signed_on: date | None = None  # the day the debtor signed, as recorded on the contract
    agreement_id: int | None = None  # the acordo this contract carries, if any
    accepted_on: date | None = None  # the acordo's acceptance
    confession: ArchivedFact | None = None  # its termo de confissão de dívida, archived
    e_signed: Sequence[SignedDocument] = ()  # copies of its contrato / confissão signed


@dataclass(frozen=True)
class NoticeSent:
    """A contact log line at the régua step ``aviso_negativacao`` (the letter went out)."""

    day: date
    outcome: str


@dataclass(frozen=True)
class OpenNegativacao:
    id: int
    bureau: str
    included_on: date
    protocol: str = ""
    # The installment numbers registered; None on records kept before EmDia stored them (then
    # the installments due before the inclusion).
    installments: tuple[int, ...] | None = None

    def covers(self, line: DebtLine | InstallmentState) -> bool:
        """Whether ``line`` is part of the debt this negativação registered."""
        if self.installments is not None:
            return line.number in self.installments
        return line.effective_due_date < self.included_on


class InstallmentState(NamedTuple):
    """One installment as the database keeps it, without its payments: enough to see that a
    registered debt is still unpaid without computing it (a tuple: thousands are read at once)."""

    number: int
    effective_due_date: date
    # No settlement was ever recorded for it (``law.standing`` over every effective payment)
    # and no acordo replaced it: ``debt_paid_on`` says None for a debt that includes it, on
    # any day.
    never_settled: bool


def surely_unpaid(scope: OpenNegativacao, installments: Sequence[InstallmentState]) -> bool:
    """Whether the debt ``scope`` registered is still unpaid whatever its payments say: one of
    its installments was never settled nor renegotiated. Such a negativação can only be due for
    removal by age (``expiry_countdown`` over ``installments`` it covers); the others need
    their ledgers (``debt_paid_on``)."""
    return any(i.never_settled and scope.covers(i) for i in installments)


@dataclass(frozen=True)
class NegativacaoFacts:
    """Everything the checklist reads about one contract's debt on a day."""

    contract_id: int
    contract_status: str
    lines: Sequence[DebtLine]  # every installment, ``updated_debt`` on the day
    debtor: DebtorData
    title: TitleFacts
    notices: Sequence[ArchivedFact]  # archived aviso-negativacao documents
    notices_sent: Sequence[NoticeSent]
    promise_until: date | None = None  # a promise still running (promised day)
    open_negativacao: OpenNegativacao | None = None


# A notice logged with this outcome did not reach the debtor (wrong address): it does not count.
NOT_DELIVERED = frozenset({"wrong_contact"})


def _debt(facts: NegativacaoFacts, overdue: list[DebtLine]) -> CheckItem:
    label = CHECK_LABELS[CheckKey.DEBT]
    renegotiated = any(ln.status is Status.RENEGOCIADO for ln in facts.lines)
    if facts.contract_status == "renegotiated" or (renegotiated and not overdue):
        return CheckItem(
            CheckKey.DEBT,
            label,
            False,
            "a dívida foi renegociada em acordo: só o acordo não cumprido pode ser negativado",
        )
    if facts.contract_status == "cancelled":
        return CheckItem(CheckKey.DEBT, label, False, "contrato cancelado")
    pursued = collectable(overdue)
    principal = sum(ln.open_principal_cents for ln in pursued)
    if principal <= 0:
        if prescribed(overdue):
            return CheckItem(CheckKey.DEBT, label, False, prescribed_reason(overdue))
        return CheckItem(CheckKey.DEBT, label, False, "não há parcela vencida em aberto")
    if facts.promise_until is not None:
        return CheckItem(
            CheckKey.DEBT,
            label,
            False,
            f"há promessa de pagamento até {format_date(facts.promise_until)}: aguarde",
        )
    total = sum(ln.total_cents for ln in pursued)
    return CheckItem(
        CheckKey.DEBT,
        label,
        True,
        f"{len(pursued)} parcela(s) vencida(s): principal {format_brl(principal)}, "
        f"atualizado {format_brl(total)}",
    )


def signed_by_debtor(copies: Sequence[SignedDocument]) -> SignedDocument | None:
    """The latest copy of the título the debtor signed electronically with an intact, valid
    signature over exactly the archived document: it proves the debt without witnesses (CPC
    art. 784 §4). A chain not verified offline does not disqualify it (the integrity is what
    the law asks to be checked); a signature by someone else does."""
    good = [s for s in copies if s.intact and s.valid and s.covers_original and s.matches_debtor]
    return max(good, key=lambda s: s.document_id, default=None)


def _electronic_title(signed: SignedDocument) -> CheckItem:
    what = (
        "contrato assinado"
        if signed.original_kind == "contrato"
        else "confissão de dívida assinada"
    )
    when = f" em {format_date(signed.signed_on)}" if signed.signed_on else ""
    return CheckItem(
        CheckKey.TITLE,
        CHECK_LABELS[CheckKey.TITLE],
        True,
        f"{what} eletronicamente pelo devedor, {signed.signer_name},{when} (documento "
        f"{signed.document_id}; sem testemunhas, CPC art. 784 §4)",
    )


def title_check(title: TitleFacts) -> CheckItem:
    """The *título* item: the debt is proved by a contract the debtor signed on a recorded day,
    or by the confissão de dívida of an accepted acordo (CPC art. 784 III). A PDF generated by
    EmDia proves nothing by itself: what counts is the paper the debtor signed — or the copy
    they signed electronically (``signed_by_debtor``)."""
    signed = signed_by_debtor(title.e_signed)
    if signed is not None:
        return _electronic_title(signed)
    label = CHECK_LABELS[CheckKey.TITLE]
    if title.agreement_id is not None:
        confession = title.confession
        if title.accepted_on is not None and confession is not None:
            return CheckItem(
                CheckKey.TITLE,
                label,
                True,
                f"confissão de dívida do acordo {title.agreement_id}, aceito em "
                f"{format_date(title.accepted_on)} (documento {confession.document_id})",
            )
        return CheckItem(
            CheckKey.TITLE,
            label,
            False,
            f"gere a confissão de dívida do acordo {title.agreement_id} e colha a assinatura "
            "do devedor",
        )
    if title.signed_on is None:
        return CheckItem(
            CheckKey.TITLE,
            label,
            False,
            "registre a data em que o devedor assinou o contrato (Editar contrato → Data da "
            "assinatura); sem contrato assinado a dívida não tem prova",
        )
    return CheckItem(
        CheckKey.TITLE, label, True, f"contrato assinado em {format_date(title.signed_on)}"
    )


def _debtor(facts: NegativacaoFacts) -> CheckItem:
    label = CHECK_LABELS[CheckKey.DEBTOR]
    missing = facts.debtor.missing()
    if missing:
        return CheckItem(
            CheckKey.DEBTOR,
            label,
            False,
            f"falta no cadastro de {facts.debtor.name}: {', '.join(missing)}",
        )
    return CheckItem(CheckKey.DEBTOR, label, True, f"{facts.debtor.name}: CPF e endereço completos")


def notice_sent_on(
    facts: NegativacaoFacts, oldest_due: date | None
) -> tuple[date, ArchivedFact] | None:
    """The latest sending of a notice that covers this debt: (day sent, the aviso).

    A sending counts when it was logged on or after an aviso document was generated, both after
    the oldest overdue installment fell due, and the letter was not returned."""
    if oldest_due is None:
        return None
    best: tuple[date, ArchivedFact] | None = None
    for sent in facts.notices_sent:
        if sent.outcome in NOT_DELIVERED or sent.day <= oldest_due:
            continue
        docs = [d for d in facts.notices if oldest_due < d.generated_on <= sent.day]
        if not docs:
            continue
        doc = max(docs, key=lambda d: (d.generated_on, d.document_id))
        if best is None or sent.day > best[0]:
            best = (sent.day, doc)
    return best


# Where the checklist explains the 10 days, it says whose they are.
BUREAUS_NOTICE = (
    "o aviso legal (CDC art. 43 §2) é enviado pelo próprio birô — SPC, Serasa e Boa Vista "
    "mandam o seu (Súmula 359 STJ); os 10 dias depois da comunicação da clínica são prática "
    "dos birôs, não prazo de lei"
)


def _numbers(lines: Sequence[DebtLine]) -> str:
    return ", ".join("entrada" if ln.number == 0 else str(ln.number) for ln in lines)


def _notice(
    facts: NegativacaoFacts, pursued: list[DebtLine], on: date
) -> tuple[CheckItem, ArchivedFact | None, list[DebtLine]]:
    """The notice item, the aviso that satisfies it and the installments it announced."""
    label = CHECK_LABELS[CheckKey.NOTICE]
    oldest_due = min((ln.effective_due_date for ln in pursued), default=None)
    if oldest_due is None:
        return CheckItem(CheckKey.NOTICE, label, False, "não há dívida vencida a avisar"), None, []
    found = notice_sent_on(facts, oldest_due)
    if found is None:
        generated = [d for d in facts.notices if d.generated_on > oldest_due]
        why = (
            'aviso gerado, mas o envio não foi registrado (Cobrança de hoje → "Carta enviada")'
            if generated
            else "gere o aviso prévio de negativação, envie-o e registre o envio"
        )
        return CheckItem(CheckKey.NOTICE, label, False, f"{why}; {BUREAUS_NOTICE}"), None, []
    sent, notice = found
    announced = [ln for ln in pursued if notice.lists(ln)]
    left_out = [ln for ln in pursued if not notice.lists(ln)]
    if not announced:
        return (
            CheckItem(
                CheckKey.NOTICE,
                label,
                False,
                f"o aviso (documento {notice.document_id}) não anunciou as parcelas "
                f"{_numbers(left_out)}: gere e envie um novo aviso",
            ),
            None,
            [],
        )
    ready = sent.toordinal() + NEGATIVACAO_NOTICE_DAYS
    if on.toordinal() < ready:
        return (
            CheckItem(
                CheckKey.NOTICE,
                label,
                False,
                f"aviso enviado em {format_date(sent)}: inclusão só a partir de "
                f"{format_date(date.fromordinal(ready))} ({BUREAUS_NOTICE})",
            ),
            notice,
            announced,
        )
    why = (
        f"aviso (documento {notice.document_id}) enviado em {format_date(sent)}: anunciou as "
        f"parcelas {_numbers(announced)}"
    )
    if left_out:
        why += f"; as parcelas {_numbers(left_out)} ficam de fora (só com um novo aviso)"
    return CheckItem(CheckKey.NOTICE, label, True, why), notice, announced


def _age(included: list[DebtLine], overdue: list[DebtLine], on: date) -> CheckItem:
    label = CHECK_LABELS[CheckKey.AGE]
    oldest_due = min((ln.effective_due_date for ln in included or overdue), default=None)
    if oldest_due is None:
        return CheckItem(CheckKey.AGE, label, True, "sem parcela vencida")
    limit = add_years(oldest_due, MAX_YEARS)
    if on >= limit:
        return CheckItem(
            CheckKey.AGE,
            label,
            False,
            f"vencida em {format_date(oldest_due)}: passou de 5 anos em {format_date(limit)} "
            "(CDC art. 43 §1; prescrição — CC art. 206 §5 I)",
        )
    return CheckItem(
        CheckKey.AGE,
        label,
        True,
        f"parcela mais antiga vencida em {format_date(oldest_due)} (limite {format_date(limit)})",
    )


def _not_included(facts: NegativacaoFacts) -> CheckItem:
    label = CHECK_LABELS[CheckKey.NOT_INCLUDED]
    n = facts.open_negativacao
    if n is not None:
        protocol = f", protocolo {n.protocol}" if n.protocol else ""
        return CheckItem(
            CheckKey.NOT_INCLUDED,
            label,
            False,
            f"já incluída em {format_date(n.included_on)} ({bureau_label(n.bureau)}{protocol})",
        )
    return CheckItem(CheckKey.NOT_INCLUDED, label, True, "nenhuma negativação ativa")


def readiness(facts: NegativacaoFacts, on: date) -> Readiness:
    """The checklist for including this contract's overdue debt on ``on``."""
    overdue = [ln for ln in facts.lines if ln.is_overdue and ln.status is not Status.RENEGOCIADO]
    pursued = collectable(overdue)
    notice, aviso, announced = _notice(facts, pursued, on)
    included = announced or pursued
    items = (
        _debt(facts, overdue),
        title_check(facts.title),
        _debtor(facts),
        notice,
        _age(included, overdue, on),
        _not_included(facts),
    )
    amount = sum(ln.total_cents for ln in included)
    if announced and aviso is not None and aviso.announced_cents is not None:
        amount = min(amount, aviso.announced_cents)  # never more than the letter stated
    return Readiness(
        items=items,
        amount_cents=amount,
        oldest_due=min((ln.effective_due_date for ln in pursued), default=None),
        notice_document_id=aviso.document_id if aviso is not None and notice.ok else None,
        installments=tuple(ln.number for ln in included),
    )


# --- removal (Súmula 548 STJ) -----------------------------------------------------------------


def removal_deadline(paid_on: date, calendar: BusinessCalendar) -> date:
    """Last day to have the negativação removed after the full payment on ``paid_on``."""
    return calendar.business_days_after(paid_on, REMOVAL_BUSINESS_DAYS)


@dataclass(frozen=True)
class Countdown:
    paid_on: date  # the debt was paid (or, ``expired``, reached 5 years) on this day
    deadline: date
    business_days_left: int  # business days after today up to the deadline; 0 = today
    business_days_late: int  # after the deadline
    expired: bool = False  # the 5 years of CDC art. 43 §1, not a payment

    @property
    def overdue(self) -> bool:
        return self.business_days_late > 0

    @property
    def text(self) -> str:
        """``retirar até 20/03 (faltam 4 dias úteis)`` — the worklist's words."""
        if self.expired:
            since = f"{self.deadline:%d/%m/%Y}"
            if self.overdue:
                late = _business_days(self.business_days_late)
                return f"retirada atrasada: completou 5 anos em {since} ({late} de atraso)"
            return f"retirar hoje: completou 5 anos em {since} (CDC art. 43 §1)"
        if self.overdue:
            late = _business_days(self.business_days_late)
            return f"retirada atrasada: o prazo era {self.deadline:%d/%m} ({late} de atraso)"
        n = self.business_days_left
        if n == 0:
            return f"retirar hoje, {self.deadline:%d/%m} (último dia útil)"
        verb = "faltam" if n > 1 else "falta"
        return f"retirar até {self.deadline:%d/%m} ({verb} {_business_days(n)})"


def _business_days(n: int) -> str:
    return f"{n} dias úteis" if n > 1 else f"{n} dia útil"


def countdown(paid_on: date, today: date, calendar: BusinessCalendar) -> Countdown:
    deadline = removal_deadline(paid_on, calendar)
    return Countdown(
        paid_on=paid_on,
        deadline=deadline,
        business_days_left=calendar.business_days_between(today, deadline),
        business_days_late=calendar.business_days_between(deadline, today),
    )


def expiry_countdown(
    registered: Sequence[DebtLine] | Sequence[InstallmentState],
    today: date,
    calendar: BusinessCalendar,
) -> Countdown | None:
    """A negativação whose oldest registered installment reached 5 years must be removed that
    day (CDC art. 43 §1; Súmula 323 STJ) — like a paid one, it heads Cobrança de hoje as
    *retirar*. None before that day (or with nothing registered)."""
    if not registered:
        return None
    return expiry_from(min(ln.effective_due_date for ln in registered), today, calendar)


def expiry_from(oldest_due: date, today: date, calendar: BusinessCalendar) -> Countdown | None:
    """``expiry_countdown`` of a registered debt whose oldest installment fell due on
    ``oldest_due``."""
    limit = add_years(oldest_due, MAX_YEARS)
    if today < limit:
        return None
    return Countdown(
        paid_on=limit,
        deadline=limit,
        business_days_left=0,
        business_days_late=calendar.business_days_between(limit, today),
        expired=True,
    )


def debt_paid_on(
    lines: Sequence[DebtLine],
    included_on: date,
    acordo_first_paid: Mapping[int, date | None] | None = None,
    installments: tuple[int, ...] | None = None,
) -> date | None:
    """When the debt registered on ``included_on`` was fully paid: every installment it
    registered (``installments``; when not recorded, every one overdue on that day) settled
    (``law.updated_debt``'s ``settled_on``); None while any is still open. A debt already paid
    when it was included (an undue inclusion) counts from the inclusion.

    A renegotiated installment (``acordo_first_paid``: installment key → the day the acordo that
    replaced it had its first parcela — the entrada or parcela 1 — paid) counts as paid on that
    day: the courts apply Súmula 548's 5 business days to a renegotiation from the payment of
    the acordo's first parcela, not from its last. Until then it is still open."""
    acordo_first_paid = acordo_first_paid or {}
    scope = OpenNegativacao(0, "", included_on, installments=installments)
    due_before = [ln for ln in lines if scope.covers(ln)]
    if not due_before:
        return None
    registered = [ln for ln in due_before if ln.settled_on is None or ln.settled_on >= included_on]
    if not registered:
        return included_on
    days: list[date] = []
    for ln in registered:
        settled = ln.settled_on
        if settled is None and ln.status is Status.RENEGOCIADO:
            settled = acordo_first_paid.get(ln.key)
        if settled is None:
            return None  # still open (or replaced by an acordo whose first parcela is unpaid)
        days.append(max(settled, included_on))
    return max(days)


@dataclass(frozen=True)
class RemovalDue:
    """A negativação still registered whose debt was fully paid: to be removed by ``deadline``
    (the dashboard's and the worklist's line)."""

    id: int
    patient_id: int
    patient_name: str
    contract_id: int | None
    bureau: str
    included_on: date
    countdown: Countdown

    @property
    def overdue(self) -> bool:
        return self.countdown.overdue
