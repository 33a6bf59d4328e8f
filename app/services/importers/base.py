"""What every import shares: the host it runs in (``ImportHost``), the outcome it fills line
by line, the lines it leaves out on purpose (``Skip``), and the base ``Importer`` with progress
and cancel.

The three imports — ``patients``, ``contracts``, ``payments``, one module each — run line by line
inside ONE transaction (``TransferService`` commits it only when every line was accepted; a dry
run, or any refused line, rolls it all back). Each line becomes the form a person would have
typed and goes through the same validator and the same service code as the desk:
``validate_patient`` + ``PatientService.insert``, ``validate_contract`` +
``ContractService.insert``, ``validate_payment`` + ``record_payment`` (whose ``allocate`` is the
one formula for applying money).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from app.clock import Clock
from app.domain.importing import FieldSpec, Record, RowErrors
from app.domain.law import (
    InstallmentLedger,
    InstallmentTerms,
    Settlement,
)
from app.progress import IsCancelled, Progress, stop_if_cancelled
from app.services.base import Actor
from app.services.contracts import ContractService
from app.services.patients import PatientService
from app.services.ports import UnitOfWorkPort

IMPORT_REFERENCE = "importado da planilha"


@dataclass(frozen=True)
class Skip:
    """Lines left out on purpose (already in EmDia), and why."""

    lines: tuple[int, ...]
    reason: str

    def __str__(self) -> str:
        return f"{_lines(self.lines)}: {self.reason}"


def _lines(lines: tuple[int, ...]) -> str:
    if len(lines) == 1:
        return f"linha {lines[0]}"
    if lines == tuple(range(lines[0], lines[-1] + 1)):
        return f"linhas {lines[0]} a {lines[-1]}"
    return "linhas " + ", ".join(str(n) for n in lines)


@dataclass
class Outcome:
    """What an import did (or would do) — filled line by line."""

    errors: RowErrors
    skipped: list[Skip] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    notes: dict[int, str] = field(default_factory=dict)

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


class ImportHost(Protocol):
    """What an import uses of the service that runs it (the transfer service), and no more: the
    clock, who acts, the audit log, and the desk's own code that writes a patient and a contract
    — so an imported line is saved exactly as a typed one."""

    patients: PatientService
    contracts: ContractService

    @property
    def clock(self) -> Clock: ...

    @property
    def actor(self) -> Actor: ...

    def latest_record_day(self) -> date: ...

    def audit(
        self,
        uow: UnitOfWorkPort,
        action: str,
        entity: str,
        entity_id: int | None,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        *,
        actor: Actor | None = None,
    ) -> None: ...


DUPLICATE = "duplicate"  # the field of a "likely the same payment twice" refusal


class Importer:
    fields: tuple[FieldSpec, ...] = ()
    passes = 1  # how many times ``step`` goes over the lines (for the progress total)
    # The user said equal lines are different payments (``--confirm-duplicates``).
    confirm_duplicates = False

    def __init__(
        self,
        service: ImportHost,
        uow: UnitOfWorkPort,
        lines: list[Record],
        columns: dict[str, str],
        progress: Progress | None,
        cancelled: IsCancelled | None,
    ) -> None:
        self.service = service
        self.uow = uow
        self.records = lines
        self.today = service.clock.today()
        self.outcome = Outcome(RowErrors(columns))
        self.errors = self.outcome.errors
        self._progress = progress
        self._cancelled = cancelled
        self._done = 0

    def step(self, n: int = 1) -> None:
        """Count ``n`` lines done; poll cancel; report progress every so often."""
        stop_if_cancelled(self._cancelled, "Importação cancelada: nada foi gravado.")
        before = self._done
        self._done += n
        if self._progress is not None and (self._done // 200 != before // 200 or n > 1):
            self._progress(self._done, len(self.records) * self.passes)

    def run(self) -> Outcome:  # pragma: no cover - each importer implements it
        raise NotImplementedError

    def refused(self, record: Record) -> bool:
        return self.errors.refused(record.line)


def advance(
    ledgers: list[InstallmentLedger], lines: Iterable[tuple[InstallmentTerms, Settlement]]
) -> list[InstallmentLedger]:
    """The ledgers after an allocation (so the next payment of the same contract sees it)."""
    added: dict[int, list[Settlement]] = {}
    for terms, settlement in lines:
        added.setdefault(terms.key, []).append(settlement)
    return [
        InstallmentLedger(ld.terms, (*ld.settlements, *added.get(ld.terms.key, ())))
        for ld in ledgers
    ]
