"""Unit of work: one transaction per use case; leaving without ``commit()`` rolls back.

So a refused input never writes anything partial (DESIGN.md non-negotiable 5).
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

from app.persistence.repositories import (
    ClinicRepository,
    ContractRepository,
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
    receivables: ReceivablesRepository

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        self.clinic = ClinicRepository(self.session)
        self.patients = PatientRepository(self.session)
        self.contracts = ContractRepository(self.session)
        self.payments = PaymentRepository(self.session)
        self.receivables = ReceivablesRepository(self.session)
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

    def commit(self) -> None:
        self.session.commit()

    def flush(self) -> None:
        self.session.flush()
