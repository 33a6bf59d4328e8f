"""Início (painel do dentista/gestor) and ``emdia report dashboard``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from app.domain.dashboard import Dashboard, build_dashboard, week_of
from app.domain.worklist import HasDebt, Worklist
from app.services.base import Context, Permission, Service
from app.services.negativacao import pending_removals
from app.services.overdue import OverdueService


class DashboardService(Service):
    def __init__(self, ctx: Context, overdue: OverdueService) -> None:
        super().__init__(ctx)
        self.overdue = overdue

    def summary(self, as_of: date | None = None, worklist: Worklist | None = None) -> Dashboard:
        """The dashboard on ``as_of`` (today by default).

        Its overdue figures are sums of the worklist's money (``overdue_debts``, the same
        ``updated_debt`` lines, shared with the worklist through ``OverdueService.money``); pass
        the ``worklist`` the screen holds for that day to sum exactly its rows."""
        self.require(Permission.REPORTS)
        day = as_of or self.clock.today()
        week_start, week_end = week_of(day)
        with self.uow() as uow:
            debts: Sequence[HasDebt]
            if worklist is not None and worklist.as_of == day:
                debts = worklist.rows
            else:
                debts = self.overdue.money(uow, day)[0]
            repo = uow.receivables
            return build_dashboard(
                day,
                debts,
                repo.not_due_by_date(day),
                repo.recovered(day.replace(day=1), day),
                repo.promises_due(week_start, week_end, day),
                [v.removal_due() for v in pending_removals(uow, day)],
            )
