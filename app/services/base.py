"""What every service is built with (wired once in ``app.bootstrap``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm.exc import StaleDataError

from app.clock import Clock
from app.config import Config
from app.errors import ConflictError
from app.persistence import models
from app.persistence.uow import UnitOfWork
from app.timeutil import utcnow

# Two PCs editing the same record: the second save is refused, never a silent overwrite.
STALE_RECORD = (
    "Outro usuário alterou este registro depois que você o abriu. Suas alterações não foram "
    "salvas: recarregue para ver a versão atual."
)


def expect_version(actual: int, expected: int) -> None:
    """The record changed since the screen showed it (another PC saved it): refuse the save."""
    if actual != expected:
        raise ConflictError(STALE_RECORD)


def commit_or_conflict(uow: UnitOfWork) -> None:
    """Commit; a row whose ``version`` moved under us (optimistic locking) is a ConflictError."""
    try:
        uow.commit()
    except StaleDataError as exc:
        uow.session.rollback()
        raise ConflictError(STALE_RECORD) from exc


@dataclass(frozen=True)
class Actor:
    """Who is acting (the logged-in user once users exist; ``sistema`` for set-up and scripts)."""

    username: str = "sistema"
    user_id: int | None = None


@dataclass(frozen=True)
class Context:
    config: Config
    clock: Clock
    uow_factory: Callable[[], UnitOfWork]
    actor: Callable[[], Actor] = Actor


class Service:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @property
    def clock(self) -> Clock:
        return self.ctx.clock

    def uow(self) -> UnitOfWork:
        return self.ctx.uow_factory()

    def audit(
        self,
        uow: UnitOfWork,
        action: str,
        entity: str,
        entity_id: int | None,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        """Append one line to the audit log inside the caller's transaction."""
        actor = self.ctx.actor()
        uow.session.add(
            models.AuditLog(
                at=utcnow(),
                user_id=actor.user_id,
                username=actor.username,
                action=action,
                entity=entity,
                entity_id=entity_id,
                before=before,
                after=after,
            )
        )
