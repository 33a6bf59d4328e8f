"""Início (painel do dentista/gestor) and ``emdia report dashboard``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from app.domain.dashboard import Dashboard, build_dashboard, week_of
from app.domain.negativacao import RemovalDue
from app.domain.receivables import ChangeMark
from app.domain.worklist import HasDebt, Worklist
from app.services.base import Context, Permission, Service, gc_paused
from app.services.kept import KeptUnderMark
from app.services.negativacao import pending_removals
from app.services.overdue import OverdueService
from app.services.ports import UnitOfWorkPort


@dataclass(frozen=True)
class _MoneyParts:
    """The dashboard's figures that come from the same data as the overdue money
    (installments, payments, negativações — every change to them moves the mark): kept under
    the overdue money's mark."""

    not_due_by_date: dict[date, int]
    recovered: tuple[int, int]
    removals: tuple[RemovalDue, ...]


class DashboardService(Service):
    def __init__(self, ctx: Context, overdue: OverdueService) -> None:
        super().__init__(ctx)
        self.overdue = overdue
        self._parts: KeptUnderMark[_MoneyParts] = KeptUnderMark()

    def summary(self, as_of: date | None = None, worklist: Worklist | None = None) -> Dashboard:
        """The dashboard on ``as_of`` (today by default).

        Its overdue figures are sums of the worklist's money (``overdue_debts``, the same
        ``updated_debt`` lines, shared with the worklist through ``OverdueService.snapshot``);
        pass the ``worklist`` the screen holds for that day to sum exactly its rows."""
        self.require(Permission.REPORTS)
        day = as_of or self.clock.today()
        week_start, week_end = week_of(day)
        # Tens of thousands of small objects, none of them garbage: the cyclic collector would
        # walk every object of the process between the queries (as the worklist, paused too;
        # the window collects on its own thread, ``ui.garbage``).
        with gc_paused(), self.uow() as uow:
            snapshot = self.overdue.snapshot(uow, day)
            debts: Sequence[HasDebt]
            if worklist is not None and worklist.as_of == day:
                debts = worklist.rows
            else:
                debts = [m.debt for m in snapshot.by_patient.values()]
            parts = self._money_parts(uow, day, snapshot.mark)
            return build_dashboard(
                day,
                debts,
                parts.not_due_by_date,
                parts.recovered,
                uow.receivables.promises_due(week_start, week_end, day),
                _named(uow, parts.removals),
            )

    def prepare(self) -> bool:
        """Today's figures of Início computed ahead of its first opening (the window does this
        in the background once it is on screen), for a user who sees Início; otherwise the
        overdue money Cobrança shares. Returns whether Início's were computed."""
        if not self.actor.can(Permission.REPORTS):
            self.overdue.prepare()
            return False
        self.summary()
        return True

    def _money_parts(self, uow: UnitOfWorkPort, day: date, mark: ChangeMark) -> _MoneyParts:
        """Computed again only when the data mark moved or the day changed (and always under a
        mark the database could not make exact): the mark is taken before the overdue money is
        read, so these are never older than it."""
        repo = uow.receivables

        def compute() -> _MoneyParts:
            return _MoneyParts(
                repo.not_due_by_date(day),
                repo.recovered(day.replace(day=1), day),
                tuple(v.removal_due() for v in pending_removals(uow, day)),
            )

        return self._parts.get(day, lambda: mark, compute)


def _named(uow: UnitOfWorkPort, removals: Sequence[RemovalDue]) -> list[RemovalDue]:
    """The removal lines with each patient's name as it is now (an edit of the name does not
    move the mark; reading a few names does not cost what the lines do)."""
    if not removals:
        return []
    people = uow.receivables.people({r.patient_id for r in removals})
    return [
        replace(r, patient_name=people[r.patient_id].name) if r.patient_id in people else r
        for r in removals
    ]
