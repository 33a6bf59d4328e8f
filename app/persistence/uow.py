"""Unit of work: one transaction per use case; leaving without ``commit()`` rolls back.

So a refused input never writes anything partial. A failure of the database itself (disk full,
read-only file, damaged file) leaves as a pt-BR ``DatabaseError``; a record another PC changed
meanwhile as a ``ConflictError``; a duplicate another PC wrote meanwhile as a ``DuplicateError``.
Services see this class only through ``app.services.ports.UnitOfWorkPort``: the session, the
SQL and SQLAlchemy's exceptions stay on this side.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from app.errors import STALE_RECORD, ConflictError, DuplicateError
from app.lazy import Built, imported
from app.persistence import models
from app.persistence.db import explain
from app.persistence.repositories._sql import begin_write

if TYPE_CHECKING:  # each repository's module is imported the first time a unit of work uses it
    from app.persistence.bulk import BulkLoader
    from app.persistence.queries.receivables import ReceivablesQueries
    from app.persistence.queries.reconciliation import ReconciliationQueries
    from app.persistence.queries.reports import ReportQueries
    from app.persistence.repositories.agreements import AgreementRepository
    from app.persistence.repositories.audit import AuditRepository
    from app.persistence.repositories.bank import BankRepository
    from app.persistence.repositories.cash_counts import CashCountRepository
    from app.persistence.repositories.clinic import ClinicRepository
    from app.persistence.repositories.collection import CollectionRepository
    from app.persistence.repositories.contracts import ContractRepository
    from app.persistence.repositories.documents import DocumentRepository
    from app.persistence.repositories.indexes import IndexRepository
    from app.persistence.repositories.negativacao import NegativacaoRepository
    from app.persistence.repositories.patients import PatientRepository
    from app.persistence.repositories.payments import PaymentRepository
    from app.persistence.repositories.personal_data import PersonalDataRepository
    from app.persistence.repositories.signatures import SignatureRepository
    from app.persistence.repositories.users import UserRepository

_DUPLICATE = "Este registro acabou de ser gravado em outro computador; nada foi salvo aqui."


def _is_duplicate(exc: IntegrityError) -> bool:
    """A unique constraint refused the row (SQLite's wording, PostgreSQL's SQLSTATE 23505)."""
    return (
        getattr(exc.orig, "sqlstate", None) == "23505"
        or "unique constraint" in str(exc.orig).lower()
    )


def _on_session(module: str, name: str) -> Any:
    """A repository of the unit of work: ``app.persistence.<module>.<name>(session)``, built
    (and its module imported) the first time this unit of work uses it."""
    return Built(lambda uow: imported(f"app.persistence.{module}", name)(uow.session))


class UnitOfWork:
    session: Session
    clinic: ClinicRepository = _on_session("repositories.clinic", "ClinicRepository")
    patients: PatientRepository = _on_session("repositories.patients", "PatientRepository")
    contracts: ContractRepository = _on_session("repositories.contracts", "ContractRepository")
    payments: PaymentRepository = _on_session("repositories.payments", "PaymentRepository")
    agreements: AgreementRepository = _on_session("repositories.agreements", "AgreementRepository")
    negativacoes: NegativacaoRepository = _on_session(
        "repositories.negativacao", "NegativacaoRepository"
    )
    documents: DocumentRepository = _on_session("repositories.documents", "DocumentRepository")
    signatures: SignatureRepository = _on_session("repositories.signatures", "SignatureRepository")
    collection: CollectionRepository = _on_session(
        "repositories.collection", "CollectionRepository"
    )
    users: UserRepository = _on_session("repositories.users", "UserRepository")
    audit: AuditRepository = _on_session("repositories.audit", "AuditRepository")
    indexes: IndexRepository = _on_session("repositories.indexes", "IndexRepository")
    personal_data: PersonalDataRepository = _on_session(
        "repositories.personal_data", "PersonalDataRepository"
    )
    receivables: ReceivablesQueries = _on_session("queries.receivables", "ReceivablesQueries")
    reports: ReportQueries = _on_session("queries.reports", "ReportQueries")
    cash_counts: CashCountRepository = _on_session(
        "repositories.cash_counts", "CashCountRepository"
    )
    bank: BankRepository = _on_session("repositories.bank", "BankRepository")
    reconciliation: ReconciliationQueries = _on_session(
        "queries.reconciliation", "ReconciliationQueries"
    )
    bulk: BulkLoader = _on_session("bulk", "BulkLoader")

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        for name in [n for n in self.__dict__ if isinstance(vars(UnitOfWork).get(n), Built)]:
            del self.__dict__[name]  # entered again: repositories on the new session
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()
        if isinstance(exc, DBAPIError):
            translated = explain(exc, None)
            if translated is not None:
                raise translated from exc

    def commit(self) -> None:
        """Write everything; a row whose ``version`` moved under us (another PC saved it first:
        optimistic locking) is a ``ConflictError``, a unique value another PC wrote in the
        meantime a ``DuplicateError``. Either way nothing of this unit of work is written.

        The audit lines go in last, each sealed to the one before (``AuditRepository.seal``):
        the chain's lock is the last one a transaction takes, so it never waits for a row
        while holding it."""
        try:
            if "audit" in self.__dict__:  # the audit lines of this transaction (if it wrote any),
                self.audit.seal()  # chained, written last
            self.session.commit()
        except StaleDataError as exc:
            self.session.rollback()
            raise ConflictError(STALE_RECORD) from exc
        except IntegrityError as exc:
            if not _is_duplicate(exc):
                raise
            self.session.rollback()
            raise DuplicateError(_DUPLICATE) from exc

    def flush(self) -> None:
        self.session.flush()

    def refresh(self, row: models.Base) -> None:
        """Read ``row`` again from the database (another PC may have changed it while this one
        waited for a lock)."""
        self.session.refresh(row)

    @contextmanager
    def no_autoflush(self) -> Iterator[None]:
        """Queries inside do not write pending rows first (a batch keeps them for its commit)."""
        with self.session.no_autoflush:
            yield

    def begin_write(self) -> None:
        """Make this a write transaction *now*, before anything is read, so two PCs doing the
        same use case queue up instead of both deciding on the same stale data.

        SQLite: ``BEGIN IMMEDIATE`` takes the database's write lock (the other PC waits up to
        the busy timeout, then reads what the first one committed). PostgreSQL needs nothing
        here: row locks (``lock_contract``) serialise the writers that matter.
        """
        begin_write(self.session)

    def lock_contract(self, contract_id: int) -> models.Contract | None:
        """The contract, locked until this unit of work ends: payments and estornos from two
        PCs at once are applied one after the other, never both against the same open
        installments (no double allocation)."""
        self.begin_write()
        return self.contracts.get_for_update(contract_id)
