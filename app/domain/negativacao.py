"""negativacao: registering a debt with a credit bureau (SPC, Serasa, Boa Vista) lawfully, and
taking it off again in time.

Pure rules (``today`` is always passed in):

- **Readiness checklist** — inclusion is refused until every item holds:
  1. the debt is certain, liquid and overdue: open overdue principal > 0 by ``law.updated_debt``,
     not renegotiated (an acordo replaced it), no promise still running;
  2. the contract (or the termo de confissão de dívida) is archived — the título that proves
     the debt (CPC art. 784 III); a copy the debtor signed electronically, intact and valid and
     exactly the archived document, proves it without witnesses (CPC art. 784 §4) and is named
     first;
  3. complete data of the person charged (the responsável financeiro when there is one): CPF and
     full address — the bureau identifies the debtor by them, and the notice goes there;
  4. the aviso prévio: a written notice (document ``aviso-negativacao``) **sent** (logged in the
     contact history at the régua step ``aviso_negativacao``) at least 10 days before the
     inclusion (CDC art. 43 §2), after the oldest overdue installment fell due (an old notice
     about a debt since paid does not cover a new one). The 10 days count from the logged
     sending, which is never before the document was generated: the PDF (with its SHA-256) is
     the evidence of *what* was said, the log of *when* it went out — the régua's gestor step
     counts from the same log;
  5. not older than 5 years: the oldest overdue due date is less than 5 years ago (CDC art. 43
     §1; the debt also prescribes then — CC art. 206 §5 I);
  6. not already included.
- **Removal** — after the debt registered is fully paid, the creditor must have it removed
  within 5 business days (Súmula 548 STJ): :func:`countdown` says until when and how many
  business days are left (the clinic's ``BusinessCalendar``: holidays of its state, bank-closed
  days).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.domain.business_calendar import BusinessCalendar
from app.domain.dates import format_date
from app.domain.law import DebtLine, Status
from app.domain.money import format_brl
from app.domain.regua import NEGATIVACAO_NOTICE_DAYS
from app.domain.risk import PRESCRIPTION_YEARS, add_years
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
    CheckKey.TITLE: "Contrato ou confissão de dívida arquivado",
    CheckKey.DEBTOR: "Dados completos do devedor (CPF e endereço)",
    CheckKey.NOTICE: "Aviso prévio enviado há 10 dias ou mais (CDC art. 43 §2)",
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
    amount_cents: int  # updated amount of the overdue installments on the day
    oldest_due: date | None
    notice_document_id: int | None  # the aviso that satisfies the checklist

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


@dataclass(frozen=True)
class NegativacaoFacts:
    """Everything the checklist reads about one contract's debt on a day."""

    contract_id: int
    contract_status: str
    lines: Sequence[DebtLine]  # every installment, ``updated_debt`` on the day
    debtor: DebtorData
    titles: Sequence[ArchivedFact]  # archived contrato / confissão documents
    notices: Sequence[ArchivedFact]  # archived aviso-negativacao documents
    notices_sent: Sequence[NoticeSent]
    promise_until: date | None = None  # a promise still running (promised day)
    open_negativacao: OpenNegativacao | None = None
    e_signed: Sequence[SignedDocument] = ()  # signed copies of its contrato / confissão


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
    principal = sum(ln.open_principal_cents for ln in overdue)
    if principal <= 0:
        return CheckItem(CheckKey.DEBT, label, False, "não há parcela vencida em aberto")
    if facts.promise_until is not None:
        return CheckItem(
            CheckKey.DEBT,
            label,
            False,
            f"há promessa de pagamento até {format_date(facts.promise_until)}: aguarde",
        )
    total = sum(ln.total_cents for ln in overdue)
    return CheckItem(
        CheckKey.DEBT,
        label,
        True,
        f"{len(overdue)} parcela(s) vencida(s): principal {format_brl(principal)}, "
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


def _title(facts: NegativacaoFacts) -> CheckItem:
    label = CHECK_LABELS[CheckKey.TITLE]
    signed = signed_by_debtor(facts.e_signed)
    if signed is not None:
        return _electronic_title(signed)
    if not facts.titles:
        return CheckItem(
            CheckKey.TITLE,
            label,
            False,
            "gere e arquive o contrato (ou a confissão de dívida) deste débito",
        )
    last = max(facts.titles, key=lambda t: (t.generated_on, t.document_id))
    return CheckItem(
        CheckKey.TITLE,
        label,
        True,
        f"documento {last.document_id} ({last.kind}) de {format_date(last.generated_on)}",
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


def notice_sent_on(facts: NegativacaoFacts, oldest_due: date | None) -> tuple[date, int] | None:
    """The latest sending of a notice that covers this debt: (day sent, document id).

    A sending counts when it was logged on or after an aviso document was generated, both after
    the oldest overdue installment fell due, and the letter was not returned."""
    if oldest_due is None:
        return None
    best: tuple[date, int] | None = None
    for sent in facts.notices_sent:
        if sent.outcome in NOT_DELIVERED or sent.day <= oldest_due:
            continue
        docs = [d for d in facts.notices if oldest_due < d.generated_on <= sent.day]
        if not docs:
            continue
        doc = max(docs, key=lambda d: (d.generated_on, d.document_id))
        if best is None or sent.day > best[0]:
            best = (sent.day, doc.document_id)
    return best


def _notice(
    facts: NegativacaoFacts, oldest_due: date | None, on: date
) -> tuple[CheckItem, int | None]:
    label = CHECK_LABELS[CheckKey.NOTICE]
    if oldest_due is None:
        return CheckItem(CheckKey.NOTICE, label, False, "não há dívida vencida a avisar"), None
    found = notice_sent_on(facts, oldest_due)
    if found is None:
        generated = [d for d in facts.notices if d.generated_on > oldest_due]
        why = (
            'aviso gerado, mas o envio não foi registrado (Cobrança de hoje → "Carta enviada")'
            if generated
            else "gere o aviso prévio de negativação, envie-o e registre o envio"
        )
        return CheckItem(CheckKey.NOTICE, label, False, why), None
    sent, document_id = found
    ready = sent.toordinal() + NEGATIVACAO_NOTICE_DAYS
    if on.toordinal() < ready:
        return (
            CheckItem(
                CheckKey.NOTICE,
                label,
                False,
                f"aviso enviado em {format_date(sent)}: inclusão só a partir de "
                f"{format_date(date.fromordinal(ready))}",
            ),
            document_id,
        )
    return (
        CheckItem(
            CheckKey.NOTICE,
            label,
            True,
            f"aviso (documento {document_id}) enviado em {format_date(sent)}",
        ),
        document_id,
    )


def _age(oldest_due: date | None, on: date) -> CheckItem:
    label = CHECK_LABELS[CheckKey.AGE]
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
    oldest = min((ln.effective_due_date for ln in overdue), default=None)
    notice, notice_id = _notice(facts, oldest, on)
    items = (
        _debt(facts, overdue),
        _title(facts),
        _debtor(facts),
        notice,
        _age(oldest, on),
        _not_included(facts),
    )
    return Readiness(
        items=items,
        amount_cents=sum(ln.total_cents for ln in overdue),
        oldest_due=oldest,
        notice_document_id=notice_id if notice.ok else None,
    )


# --- removal (Súmula 548 STJ) -----------------------------------------------------------------


def removal_deadline(paid_on: date, calendar: BusinessCalendar) -> date:
    """Last day to have the negativação removed after the full payment on ``paid_on``."""
    return calendar.business_days_after(paid_on, REMOVAL_BUSINESS_DAYS)


@dataclass(frozen=True)
class Countdown:
    paid_on: date
    deadline: date
    business_days_left: int  # business days after today up to the deadline; 0 = today
    business_days_late: int  # after the deadline

    @property
    def overdue(self) -> bool:
        return self.business_days_late > 0

    @property
    def text(self) -> str:
        """``retirar até 20/03 (faltam 4 dias úteis)`` — the worklist's words."""
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


def debt_paid_on(
    lines: Sequence[DebtLine],
    included_on: date,
    acordo_first_paid: Mapping[int, date | None] | None = None,
) -> date | None:
    """When the debt registered on ``included_on`` was fully paid: every installment overdue on
    that day settled (``law.updated_debt``'s ``settled_on``); None while any is still open. A
    debt already paid when it was included (an undue inclusion) counts from the inclusion.

    A renegotiated installment (``acordo_first_paid``: installment key → the day the acordo that
    replaced it had its first parcela — the entrada or parcela 1 — paid) counts as paid on that
    day: the courts apply Súmula 548's 5 business days to a renegotiation from the payment of
    the acordo's first parcela, not from its last. Until then it is still open."""
    acordo_first_paid = acordo_first_paid or {}
    due_before = [ln for ln in lines if ln.effective_due_date < included_on]
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
