"""Unit of work: one transaction per use case; leaving without ``commit()`` rolls back.

So a refused input never writes anything partial (DESIGN.md non-negotiable 5). A failure of the
database itself (disk full, read-only file, damaged file) leaves as a pt-BR ``DatabaseError``.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from app.persistence import models
from app.persistence.db import explain
from app.persistence.maintenance import after_bulk_load
from app.persistence.repositories import (
    AgreementRepository,
    ClinicRepository,
    CollectionRepository,
    ContractRepository,
    DocumentRepository,
    NegativacaoRepository,
    PatientRepository,
    PaymentRepository,
    ReceivablesRepository,
)


class UnitOfWork:
    session: Session
    clinic: ClinicRepository
    patients: PatientRepository
    contracts: ContractRepository
    payments: PaymentRepository
    collection: CollectionRepository
    documents: DocumentRepository
    receivables: ReceivablesRepository
    agreements: AgreementRepository
    negativacoes: NegativacaoRepository

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        self.clinic = ClinicRepository(self.session)
        self.patients = PatientRepository(self.session)
        self.contracts = ContractRepository(self.session)
        self.payments = PaymentRepository(self.session)
        self.collection = CollectionRepository(self.session)
        self.documents = DocumentRepository(self.session)
        self.receivables = ReceivablesRepository(self.session)
        self.agreements = AgreementRepository(self.session)
        self.negativacoes = NegativacaoRepository(self.session)
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
        self.session.commit()

    def flush(self) -> None:
        self.session.flush()

    def begin_write(self) -> None:
        """Make this a write transaction *now*, before anything is read, so two PCs doing the
        same use case queue up instead of both deciding on the same stale data.

        SQLite: ``BEGIN IMMEDIATE`` takes the database's write lock (the other PC waits up to
        the busy timeout, then reads what the first one committed). PostgreSQL needs nothing
        here: row locks (``lock_contract``) serialise the writers that matter.
        """
        conn = self.session.connection()
        if conn.dialect.name != "sqlite":
            return
        dbapi = conn.connection.dbapi_connection
        if dbapi is not None and not getattr(dbapi, "in_transaction", False):
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    def lock_contract(self, contract_id: int) -> models.Contract | None:
        """The contract, locked until this unit of work ends: payments and estornos from two
        PCs at once are applied one after the other, never both against the same open
        installments (no double allocation)."""
        self.begin_write()
        return self.contracts.get_for_update(contract_id)

    def after_bulk_load(self) -> None:
        """After rows were written in bulk with explicit ids (the demo clinic)."""
        after_bulk_load(self.session.connection())
