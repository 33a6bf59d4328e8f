"""Conciliação bancária (Cobrança → Conciliação bancária, ``emdia bank``): the clinic's bank
statement (OFX) imported, each credit matched to the installment it pays, and registered as a
normal payment with one click.

The file is read by ``app.adapters.ofx``; the rules are ``app.domain.bank`` and
``app.domain.reconciliation`` (pure); this module stores the credits, asks the rules, and
registers through the desk's own path (``payments.record_payment``: allocation, audit, the
installments' and the contract's state), so the thank-you drafts, the negativação removal
countdown and Início see a bank payment exactly as a desk one. Same permission as the desk:
whoever may receive payments (recepção) may import, register and ignore.

Registering the same statement twice writes nothing twice: a credit is unique per account by the
bank's FITID, and a payment belongs to at most one credit. A payment already typed at the desk
that the statement also shows is linked to its credit, not registered again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from app.adapters.ofx import read_statement
from app.domain.bank import (
    BankAccountRef,
    ClinicIdentity,
    Payer,
    Statement,
    StatementLine,
    payer_of,
    txid_in,
)
from app.domain.catalog import PaymentMethod
from app.domain.contracts import PaymentForm, validate_payment
from app.domain.dates import format_date
from app.domain.money import format_brl
from app.domain.reconciliation import (
    DESK_DAYS,
    Candidate,
    DeskPayment,
    Directory,
    Match,
    MatchStatus,
    counted,
    desk_payment_for,
    match_credit,
    open_installment,
)
from app.domain.text import fold
from app.errors import EmDiaError, NotFoundError, ValidationError
from app.persistence import models
from app.persistence.records import PaymentLink, statement_line
from app.services.base import Permission, Service
from app.services.payments import record_payment
from app.services.ports import UnitOfWorkPort

OPEN, IGNORED, REGISTERED = "open", "ignored", "registered"


@dataclass(frozen=True)
class CandidateView:
    contract_id: int
    installment_number: int | None
    patient_id: int
    patient_name: str
    score: int
    reason: str


@dataclass(frozen=True)
class BankLine:
    """One line of a statement as the screen and ``emdia bank`` show it."""

    fitid: str
    posted_on: date
    amount_cents: int
    memo: str
    payer_name: str
    payer_document: str
    status: MatchStatus
    reason: str
    candidates: tuple[CandidateView, ...] = ()
    transaction_id: int | None = None  # None: a debit, or a dry run (nothing stored)
    account_id: int | None = None
    payment_id: int | None = None
    desk_payment_id: int | None = None  # a desk payment this credit is (linked, not paid again)

    @property
    def best(self) -> CandidateView | None:
        return self.candidates[0] if self.candidates else None

    @property
    def contract_id(self) -> int | None:
        return self.best.contract_id if self.best else None

    @property
    def installment_number(self) -> int | None:
        return self.best.installment_number if self.best else None

    @property
    def patient_id(self) -> int | None:
        return self.best.patient_id if self.best else None


@dataclass(frozen=True)
class BankImport:
    file: str
    account: BankAccountRef
    account_id: int | None
    start: date | None
    end: date | None
    lines: tuple[BankLine, ...]
    dry_run: bool

    def count(self, status: MatchStatus) -> int:
        return sum(1 for line in self.lines if line.status is status)

    @property
    def summary(self) -> str:
        """``4 certos, 2 sugestões, 1 débito``: what the statement's lines turned out to be."""
        return ", ".join(counted(s, self.count(s)) for s in MatchStatus if self.count(s))


class BankService(Service):
    # --- importing ----------------------------------------------------------------------------
    def import_statement(
        self, path: Path, *, dry_run: bool = False, register_certain: bool = False
    ) -> BankImport:
        """Read the statement, store its new credits (not with ``dry_run``), link the desk
        payments it shows, and — with ``register_certain`` — register the certain ones."""
        self.require(Permission.PAYMENTS)
        statement = read_statement(path)
        return self.import_parsed(
            statement, path.name, dry_run=dry_run, register_certain=register_certain
        )

    def import_parsed(
        self,
        statement: Statement,
        file_name: str,
        *,
        dry_run: bool = False,
        register_certain: bool = False,
    ) -> BankImport:
        """``import_statement`` for a statement already read (the file's name for the record)."""
        self.require(Permission.PAYMENTS)
        result = self._import(statement, file_name, dry_run)
        if register_certain and not dry_run:
            result = replace(result, lines=self._register_certain_of(result.lines))
        return result

    def _import(self, statement: Statement, file_name: str, dry_run: bool) -> BankImport:
        with self.uow() as uow:
            if not dry_run:
                uow.begin_write()  # two PCs importing the same file: the second finds the first
            account = (
                uow.bank.find_account(statement.account)
                if dry_run
                else uow.bank.account(statement.account)
            )
            credits = statement.credits
            known = uow.bank.known(account.id, [c.fitid for c in credits]) if account else {}
            links = uow.bank.payments_of([row.id for row in known.values()])
            fresh = [c for c in credits if c.fitid not in known]  # FITIDs unique in a file
            matched = dict(zip([c.fitid for c in fresh], self._match(uow, fresh), strict=True))
            lines = []
            for line in statement.lines:
                if not line.is_credit:
                    lines.append(_view(line, payer_of(line), _debit()))
                elif line.fitid in known:
                    row = known[line.fitid]
                    lines.append(_duplicate(line, row, links.get(row.id, [])))
                else:
                    view = matched[line.fitid]
                    if not dry_run and account is not None:
                        view = self._store(uow, account.id, line, view, file_name)
                    lines.append(view)
            if not dry_run and account is not None:
                self._audit_import(uow, account.id, statement, file_name, lines)
                uow.commit()
            return BankImport(
                file=file_name,
                account=statement.account,
                account_id=account.id if account else None,
                start=statement.start or min((x.posted_on for x in statement.lines), default=None),
                end=statement.end or max((x.posted_on for x in statement.lines), default=None),
                lines=tuple(lines),
                dry_run=dry_run,
            )

    def _store(
        self,
        uow: UnitOfWorkPort,
        account_id: int,
        line: StatementLine,
        view: BankLine,
        file_name: str,
    ) -> BankLine:
        row = models.BankTransaction(
            account_id=account_id,
            fitid=line.fitid,
            posted_on=line.posted_on,
            amount_cents=line.amount_cents,
            kind=line.kind[:20],
            memo=line.memo[:500],
            name=line.name[:200],
            reference=line.reference[:120],
            file_name=file_name[:255],
            state=OPEN,
            imported_by_id=self.actor.user_id,
        )
        uow.bank.add(row)
        if view.desk_payment_id is not None:
            self._link(uow, row, view.desk_payment_id)
            return replace(
                view,
                transaction_id=row.id,
                account_id=account_id,
                status=MatchStatus.REGISTERED,
                payment_id=view.desk_payment_id,
            )
        return replace(view, transaction_id=row.id, account_id=account_id)

    def _audit_import(
        self,
        uow: UnitOfWorkPort,
        account_id: int,
        statement: Statement,
        file_name: str,
        lines: Sequence[BankLine],
    ) -> None:
        counts = {status: sum(1 for x in lines if x.status is status) for status in MatchStatus}
        self.audit(
            uow,
            "bank.import",
            "bank_account",
            account_id,
            None,
            {
                "file": file_name,
                "start": statement.start.isoformat() if statement.start else None,
                "end": statement.end.isoformat() if statement.end else None,
                "credits": len(statement.credits),
                "duplicates": counts[MatchStatus.DUPLICATE],
                "linked": counts[MatchStatus.REGISTERED],
            },
        )

    # --- what is waiting --------------------------------------------------------------------
    def pending(self) -> list[BankLine]:
        """Every stored credit not yet registered nor ignored, matched as of now (debts change:
        a payment at the desk, a new contract)."""
        self.require(Permission.PAYMENTS)
        with self.uow() as uow:
            rows = uow.bank.waiting()
            return self._pending_views(uow, rows)

    def _pending_views(
        self, uow: UnitOfWorkPort, rows: Sequence[models.BankTransaction]
    ) -> list[BankLine]:
        lines = [statement_line(row) for row in rows]
        views = self._match(uow, lines)
        return [
            replace(view, transaction_id=row.id, account_id=row.account_id)
            for row, view in zip(rows, views, strict=True)
        ]

    # --- deciding ---------------------------------------------------------------------------
    def register(
        self, transaction_id: int, contract_id: int, installment_number: int | None = None
    ) -> BankLine:
        """The credit becomes a payment of ``contract_id`` (the installment the receptionist
        chose first — or, when none is given, the one the PIX txid of the line names: the
        debtor's choice, CC art. 352 —, then the oldest), on the bank's date, with the bank's
        FITID as reference. The money is in the bank: whatever exceeds the debt stays as the
        patient's credit."""
        self.require(Permission.PAYMENTS)
        with self.uow() as uow:
            uow.begin_write()  # two PCs registering the same credit: the second finds it done
            row = self._waiting_row(uow, transaction_id)
            if installment_number is None:
                installment_number = _named_by_txid(uow, statement_line(row), contract_id)
            payment_id = self._pay(uow, row, contract_id, installment_number, keep_credit=True)
            view = self._registered_view(uow, row, payment_id)
            uow.commit()
            return view

    def match(
        self,
        fitid: str,
        contract_id: int,
        installment_number: int | None = None,
        account_id: int | None = None,
    ) -> BankLine:
        """``register`` for the credit with this FITID (``emdia bank match``)."""
        return self.register(self._by_fitid(fitid, account_id), contract_id, installment_number)

    def register_certain(self, transaction_ids: Iterable[int] | None = None) -> list[BankLine]:
        """Every certain credit waiting (or those of ``transaction_ids`` that are certain)
        registered at once — all or none: one refused leaves every one of them waiting."""
        self.require(Permission.PAYMENTS)
        wanted = None if transaction_ids is None else set(transaction_ids)
        with self.uow() as uow:
            uow.begin_write()
            rows = [r for r in uow.bank.waiting() if wanted is None or r.id in wanted]
            views = self._pending_views(uow, rows)
            done = self._register_views(uow, rows, views)
            uow.commit()
            return done

    def _register_certain_of(self, lines: Sequence[BankLine]) -> tuple[BankLine, ...]:
        ids = [
            x.transaction_id
            for x in lines
            if x.status is MatchStatus.CERTAIN and x.transaction_id is not None
        ]
        if not ids:
            return tuple(lines)
        by_id = {x.transaction_id: x for x in self.register_certain(ids)}
        return tuple(by_id.get(x.transaction_id, x) for x in lines)

    def _register_views(
        self,
        uow: UnitOfWorkPort,
        rows: Sequence[models.BankTransaction],
        views: Sequence[BankLine],
    ) -> list[BankLine]:
        done = []
        for row, view in zip(rows, views, strict=True):
            best = view.best
            if view.status is not MatchStatus.CERTAIN or best is None:
                continue
            try:
                if view.desk_payment_id is not None:
                    payment_id = self._link(uow, row, view.desk_payment_id)
                else:
                    number = _still_open(
                        uow, best.contract_id, best.installment_number, row.posted_on
                    )
                    payment_id = self._pay(uow, row, best.contract_id, number, keep_credit=False)
            except EmDiaError as exc:
                raise EmDiaError(
                    f"Crédito de {format_brl(row.amount_cents)} em {format_date(row.posted_on)} "
                    f"(FITID {row.fitid}): {exc.message} Nenhum crédito foi registrado."
                ) from exc
            done.append(self._registered_view(uow, row, payment_id, view))
        return done

    def ignore(self, transaction_ids: Iterable[int], reason: str = "") -> int:
        """Not a patient's payment (a transfer of the clinic's own, a card settlement, a
        refund…): it leaves the list and stays out of it on every re-import."""
        self.require(Permission.PAYMENTS)
        reason = " ".join((reason or "").split())[:200] or "não é pagamento de paciente"
        count = 0
        with self.uow() as uow:
            uow.begin_write()
            for transaction_id in transaction_ids:
                row = self._waiting_row(uow, transaction_id)
                self._decide(row, IGNORED, reason=reason)
                uow.flush()
                self.audit(
                    uow,
                    "bank.ignore",
                    "bank_transaction",
                    row.id,
                    None,
                    {"fitid": row.fitid, "amount_cents": row.amount_cents, "reason": reason},
                )
                count += 1
            uow.commit()
        return count

    def ignore_fitid(self, fitid: str, reason: str = "", account_id: int | None = None) -> int:
        """``ignore`` for the credit with this FITID (``emdia bank ignore``)."""
        return self.ignore([self._by_fitid(fitid, account_id)], reason)

    def reconciled_on(self, day: date) -> list[BankLine]:
        """Credits registered (or linked to a desk payment) on ``day`` — the fechamento de
        caixa's "Pagamentos conciliados"."""
        self.require(Permission.PAYMENTS)
        with self.uow() as uow:
            rows = uow.bank.reconciled_on(day)
            links = uow.bank.payments_of([row.id for row in rows])
            views = []
            for row in rows:
                line, made = statement_line(row), links.get(row.id, [])
                match = Match(MatchStatus.REGISTERED, _registered_reason(made))
                view = _view(line, payer_of(line), match, row)
                views.append(replace(view, payment_id=made[0].payment_id if made else None))
            return views

    # --- helpers ------------------------------------------------------------------------------
    def _by_fitid(self, fitid: str, account_id: int | None) -> int:
        with self.uow() as uow:
            rows = [(r.id, r.account_id) for r in uow.bank.by_fitid(fitid.strip(), account_id)]
        if not rows:
            raise ValidationError.single(
                "fitid",
                f"FITID: nenhum crédito importado tem o identificador '{fitid}'. Confira em "
                "`emdia bank pending`.",
            )
        if len(rows) > 1:
            accounts = ", ".join(str(account) for _, account in rows)
            raise ValidationError.single(
                "fitid",
                f"FITID: '{fitid}' existe em mais de uma conta ({accounts}); informe qual com "
                "--account.",
            )
        return rows[0][0]

    def _waiting_row(self, uow: UnitOfWorkPort, transaction_id: int) -> models.BankTransaction:
        row = uow.bank.get_for_update(transaction_id)
        if row is None:
            raise NotFoundError(f"Crédito {transaction_id} do extrato não encontrado.")
        if row.state == IGNORED:
            raise EmDiaError(
                f"O crédito {row.fitid} foi ignorado ({row.ignore_reason}); nada foi registrado."
            )
        counting = [x for x in uow.bank.payments_of([row.id]).get(row.id, []) if x.effective]
        if row.state == REGISTERED and counting:
            raise EmDiaError(
                f"O crédito {row.fitid} já foi registrado como o pagamento "
                f"{counting[0].payment_id}; nada foi registrado de novo."
            )
        return row

    def _pay(
        self,
        uow: UnitOfWorkPort,
        row: models.BankTransaction,
        contract_id: int,
        installment_number: int | None,
        *,
        keep_credit: bool,
    ) -> int:
        """The desk's own path: validated, allocated, written and audited as ``payment.add``."""
        form = PaymentForm(
            contract_id=contract_id,
            amount=format_brl(row.amount_cents, symbol=False),
            paid_on=row.posted_on.isoformat(),
            method=_method(row),
            reference=row.fitid[:120],
            keep_credit=keep_credit,
            installment="" if installment_number is None else str(installment_number),
        )
        data = validate_payment(form, self.clock.today())
        contract = uow.lock_contract(contract_id)
        if contract is None:
            raise ValidationError.single("contract", f"Contrato {contract_id} não encontrado.")
        result = record_payment(self, uow, contract, data)
        self._decide(row, REGISTERED)
        uow.bank.link(row.id, result.payment_id)
        self.audit(
            uow,
            "bank.register",
            "bank_transaction",
            row.id,
            None,
            {
                "fitid": row.fitid,
                "payment_id": result.payment_id,
                "contract_id": contract_id,
                "installment": installment_number,
                "amount_cents": row.amount_cents,
            },
        )
        return result.payment_id

    def _link(self, uow: UnitOfWorkPort, row: models.BankTransaction, payment_id: int) -> int:
        """The credit is a payment already typed at the desk: linked, not paid again."""
        self._decide(row, REGISTERED)
        uow.bank.link(row.id, payment_id, existing=True)
        self.audit(
            uow,
            "bank.link",
            "bank_transaction",
            row.id,
            None,
            {"fitid": row.fitid, "payment_id": payment_id, "amount_cents": row.amount_cents},
        )
        return payment_id

    def _decide(
        self,
        row: models.BankTransaction,
        state: str,
        *,
        reason: str = "",
    ) -> None:
        row.state = state
        row.ignore_reason = reason
        row.decided_at = self.clock.now()  # the clinic's day: "conciliados hoje"
        row.decided_by_id = self.actor.user_id

    def _registered_view(
        self,
        uow: UnitOfWorkPort,
        row: models.BankTransaction,
        payment_id: int,
        view: BankLine | None = None,
    ) -> BankLine:
        line = statement_line(row)
        base = view or _view(line, payer_of(line), Match(MatchStatus.REGISTERED, ""), row)
        links = uow.bank.payments_of([row.id]).get(row.id, [])
        return replace(
            base,
            status=MatchStatus.REGISTERED,
            reason=_registered_reason(links),
            payment_id=payment_id,
            transaction_id=row.id,
            account_id=row.account_id,
        )

    def _match(self, uow: UnitOfWorkPort, lines: Sequence[StatementLine]) -> list[BankLine]:
        """Every credit matched in one pass: the payers the statement names are looked up in the
        clinic's directory, then only their debts (and the txids' contracts) are read."""
        if not lines:
            return []
        clinic_row = uow.clinic.get()
        clinic = ClinicIdentity(
            name=(clinic_row.legal_name or clinic_row.trade_name) if clinic_row else "",
            cnpj=clinic_row.cnpj if clinic_row else None,
            cpf=clinic_row.cpf if clinic_row else None,
        )
        directory = Directory(uow.reconciliation.debtors())
        payers = [payer_of(line) for line in lines]
        people = [directory.candidates(payer) for payer in payers]
        refs = [txid_in(line) for line in lines]
        person_ids = {p.person_id for found in people for p in found}
        contract_ids = {ref.contract_id for ref in refs if ref is not None}
        book = uow.reconciliation.debts(person_ids, contract_ids)
        window = timedelta(days=DESK_DAYS)
        desk = uow.reconciliation.desk_payments(
            person_ids,
            contract_ids,
            min(x.posted_on for x in lines) - window,
            max(x.posted_on for x in lines) + window,
        )
        by_amount: dict[int, list[DeskPayment]] = {}
        for payment in desk:
            by_amount.setdefault(payment.amount_cents, []).append(payment)
        names = {p.person_id: p.name for p in directory.people.values()}
        taken: set[int] = set()
        views = []
        for line, payer, found, ref in zip(lines, payers, people, refs, strict=True):
            if not line.is_credit:
                views.append(_view(line, payer, _debit()))
                continue
            contracts = {ref.contract_id} if ref is not None else set()
            same_amount = by_amount.get(line.amount_cents, [])
            people_ids = [p.person_id for p in found]
            paid = desk_payment_for(line, contracts, people_ids, same_amount, taken)
            if paid is not None:
                taken.add(paid.payment_id)
                views.append(_desk_view(line, payer, paid, names))
                continue
            match = match_credit(line, payer, found, book, clinic)
            views.append(_view(line, payer, match, names=names))
        return views


# --- views ----------------------------------------------------------------------------------


def _named_by_txid(uow: UnitOfWorkPort, line: StatementLine, contract_id: int) -> int | None:
    """The installment of ``contract_id`` the line's txid names, if it is still open."""
    ref = txid_in(line)
    if ref is None or ref.contract_id != contract_id:
        return None
    return _still_open(uow, contract_id, ref.number, line.posted_on)


def _still_open(uow: UnitOfWorkPort, contract_id: int, number: int | None, day: date) -> int | None:
    """``number`` if that installment of the contract still takes money on ``day``, else None:
    the oldest open ones are paid (CC art. 355) — a choice made when the statement was matched
    may be spent by then (two PIX of one installment, or a credit registered just before in the
    same batch)."""
    if number is None:
        return None
    uow.flush()  # the payments registered just before in this transaction count
    book = uow.reconciliation.debts((), (contract_id,))
    return number if open_installment(book, contract_id, number, day) else None


def _debit() -> Match:
    return Match(MatchStatus.DEBIT, "débito: saída da conta, não é pagamento")


def _view(
    line: StatementLine,
    payer: Payer,
    match: Match,
    row: models.BankTransaction | None = None,
    names: dict[int, str] | None = None,
) -> BankLine:
    return BankLine(
        fitid=line.fitid,
        posted_on=line.posted_on,
        amount_cents=line.amount_cents,
        memo=line.text,
        payer_name=payer.name,
        payer_document=payer.document,
        status=match.status,
        reason=match.reason,
        candidates=tuple(_candidate(c, names or {}) for c in match.candidates),
        transaction_id=row.id if row is not None else None,
        account_id=row.account_id if row is not None else None,
    )


def _candidate(c: Candidate, names: dict[int, str]) -> CandidateView:
    return CandidateView(
        c.contract_id, c.installment_number, c.patient_id, names.get(c.patient_id, ""), c.score,
        c.reason,
    )  # fmt: skip


def _desk_view(
    line: StatementLine, payer: Payer, paid: DeskPayment, names: dict[int, str]
) -> BankLine:
    reason = (
        f"já lançado no balcão em {format_date(paid.paid_on)} (pagamento {paid.payment_id}): "
        "só será vinculado, não registrado de novo"
    )
    patient = min(paid.person_ids) if paid.person_ids else 0
    candidate = Candidate(paid.contract_id, None, patient, 100, reason)
    view = _view(line, payer, Match(MatchStatus.CERTAIN, reason, (candidate,)), names=names)
    return replace(view, desk_payment_id=paid.payment_id)


def _duplicate(
    line: StatementLine, row: models.BankTransaction, links: Sequence[PaymentLink]
) -> BankLine:
    when = format_date(row.created_at.date()) if row.created_at else ""
    state = {
        OPEN: "aguardando registro",
        IGNORED: f"ignorado ({row.ignore_reason})",
        REGISTERED: _registered_reason(links),
    }.get(row.state, row.state)
    reason = f"já importado em {when} ({row.file_name}): {state}; nada foi gravado de novo"
    view = _view(line, payer_of(line), Match(MatchStatus.DUPLICATE, reason), row)
    return replace(view, payment_id=links[0].payment_id if links else None)


def _registered_reason(links: Sequence[PaymentLink]) -> str:
    """``registrado como o pagamento 45`` (or ``os pagamentos 45, 46``; ``vinculado …`` for a
    desk payment recognised)."""
    ids = ", ".join(str(x.payment_id) for x in links)
    if links and links[0].existing:
        return f"vinculado ao pagamento {ids} (lançado no balcão)"
    return f"registrado como {'os pagamentos' if len(links) > 1 else 'o pagamento'} {ids}"


def _method(row: models.BankTransaction) -> str:
    """PIX when the bank says so (its type or its words), otherwise a transfer (TED/DOC)."""
    said = fold(f"{row.kind} {row.memo} {row.name}")
    return PaymentMethod.PIX if "pix" in said else PaymentMethod.TRANSFERENCIA
