"""Início (painel do dentista/gestor) and ``emdia report dashboard``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from app.domain.dashboard import Dashboard, build_dashboard, week_of
from app.domain.receivables import ChangeMark
from app.domain.worklist import HasDebt, Worklist
from app.services.alongside import for_few_rows, start_read
from app.services.base import Context, Permission, Service, gc_paused
from app.services.kept import KeptUnderMark
from app.services.overdue import OverdueService
from app.services.ports import UnitOfWorkPort

_Sums = tuple[dict[date, int], tuple[int, int]]  # not yet due by date; recovered this month


class DashboardService(Service):
    def __init__(self, ctx: Context, overdue: OverdueService) -> None:
        super().__init__(ctx)
        self.overdue = overdue
        self._sums_kept: KeptUnderMark[_Sums] = KeptUnderMark()
        # On a SQLite file, beside the overdue money's own read (``OverdueService.start_money``).
        self._alongside = overdue.beside or for_few_rows(ctx.config, ctx.uow_factory)

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
            # The figures below come from the same data as the overdue money (installments,
            # payments, negativações: every change to them moves the mark), and are read again
            # only when the mark moved or the day changed — always, under a mark the database
            # could not make exact. The mark is taken before any of them is read, so none is
            # older than it.
            mark = uow.receivables.change_mark()
            ahead = self.overdue.start_money(day, mark)
            sums = self._sums(uow, day, mark)
            # Before the money: while these are read here, what it needs is read beside.
            removals = self.overdue.removals_due(uow, day, mark)
            snapshot = self.overdue.snapshot(uow, day, ahead)
            debts: Sequence[HasDebt]
            if worklist is not None and worklist.as_of == day:
                debts = worklist.rows
            else:
                debts = [m.debt for m in snapshot.by_patient.values()]
            not_due_by_date, recovered = sums()
            return build_dashboard(
                day,
                debts,
                not_due_by_date,
                recovered,
                uow.receivables.promises_due(week_start, week_end, day),
                removals,
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

    def _sums(self, uow: UnitOfWorkPort, day: date, mark: ChangeMark) -> Callable[[], _Sums]:
        """The money not yet due by date and what was recovered this month: two sums over
        the installments and payments (a few hundred rows), read alongside the overdue money
        on another connection where the database allows (``alongside.for_few_rows``)."""

        def read(other: UnitOfWorkPort) -> _Sums:
            repo = other.receivables
            return repo.not_due_by_date(day), repo.recovered(day.replace(day=1), day)

        return self._sums_kept.start(day, mark, lambda: start_read(uow, read, self._alongside))
