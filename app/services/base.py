"""What every service is built with (wired once in ``app.bootstrap``), and the one way to check
that the acting user may do something: ``self.require(Permission.X)`` as the first line of a use
case. Roles are enforced here, in the services — the window only hides what would be refused.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.adapters.business_days import business_calendar
from app.clock import Clock, SystemClock
from app.config import Config
from app.domain.access import ALL_PERMISSIONS, ROLE_PERMISSIONS, Permission, Role
from app.domain.business_calendar import BusinessCalendar
from app.domain.clinic import holidays_stored
from app.errors import STALE_RECORD, ConflictError, PermissionDenied
from app.persistence import models
from app.security.keys import DataKey
from app.services.ports import UnitOfWorkPort
from app.timeutil import as_utc


def expect_version(actual: int, expected: int) -> None:
    """The record changed since the screen showed it (another PC saved it): refuse the save."""
    if actual != expected:
        raise ConflictError(STALE_RECORD)


def clinic_calendar(uow: UnitOfWorkPort) -> BusinessCalendar:
    """The clinic's business days for the rules (due dates, the negativação countdown, contact
    days): national holidays, those of the clinic's UF, the days banks are closed and the
    city's own holidays typed in Configurações → Cobrança."""
    clinic = uow.clinic.get()
    if clinic is None:
        return business_calendar("")
    return business_calendar(clinic.state).with_holidays(holidays_stored(clinic.holidays))


__all__ = ["Actor", "Context", "Permission", "Role", "Service", "clinic_calendar"]

SYSTEM = "sistema"
SETUP = "configuracao-inicial"
NOBODY = "ninguem"


@dataclass(frozen=True)
class Actor:
    """Who is acting, and what they may do.

    - a logged-in user: :meth:`for_user` (permissions of the role);
    - ``sistema`` (the default): internal jobs such as automatic backups, and scripts/tests on a
      database that has no users yet;
    - set-up mode (:meth:`setup`): a database with no users — everything is allowed until the
      first admin exists (docs/CLI.md, "Access");
    - nobody (:meth:`nobody`): a database with users and no one logged in (or the screen
      locked) — nothing is allowed.
    """

    username: str = SYSTEM
    user_id: int | None = None
    role: Role | None = None
    full_name: str = ""
    permissions: frozenset[Permission] = field(default=ALL_PERMISSIONS, compare=False)

    @classmethod
    def for_user(cls, user_id: int, username: str, role: Role, full_name: str = "") -> Actor:
        return cls(username, user_id, role, full_name, ROLE_PERMISSIONS[role])

    @classmethod
    def setup(cls) -> Actor:
        return cls(SETUP)

    @classmethod
    def nobody(cls) -> Actor:
        return cls(NOBODY, permissions=frozenset())

    @property
    def is_user(self) -> bool:
        return self.user_id is not None

    @property
    def is_setup(self) -> bool:
        return self.username == SETUP

    @property
    def display(self) -> str:
        if self.role is None:
            return self.username
        return f"{self.full_name or self.username} ({self.role.label})"

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions


def _nothing() -> None:
    return None


@dataclass(frozen=True)
class Context:
    config: Config
    clock: Clock  # the rules' date (``--today`` may pin it)
    uow_factory: Callable[[], UnitOfWorkPort]
    actor: Callable[[], Actor] = Actor
    key: DataKey | None = None  # the SQLCipher key of an encrypted database
    release: Callable[[], None] = _nothing  # close every connection (before a file is replaced)
    # The real time things are recorded at (documents, contacts, agreements, backups): evidence,
    # never pinned by a user flag (app/clock.py).
    wall_clock: Clock = field(default_factory=SystemClock)

    # For a clinic on the server (no SQLCipher key): this PC's own encrypted file's key, which
    # sealed the documents archived before the move and seals the ones archived from now on.
    archive_key: DataKey | None = None

    @property
    def documents_key(self) -> DataKey | None:
        """The key this PC's archived documents are sealed with (``None``: stored plain)."""
        return self.key if self.key is not None else self.archive_key


class Service:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @property
    def clock(self) -> Clock:
        """The rules' date: fees, the régua, what a document computes."""
        return self.ctx.clock

    @property
    def wall_clock(self) -> Clock:
        """The real time a record is written at (evidence: never the pinned rules' date)."""
        return self.ctx.wall_clock

    def latest_record_day(self) -> date:
        """The latest day a user may give a record (a payment, an inclusion): never after the
        real date, whatever the rules' date says, nor after the rules' date of a simulation."""
        return min(self.clock.today(), self.wall_clock.today())

    @property
    def actor(self) -> Actor:
        return self.ctx.actor()

    def uow(self) -> UnitOfWorkPort:
        return self.ctx.uow_factory()

    def require(self, permission: Permission) -> Actor:
        """Refuse (``PermissionDenied``, pt-BR) unless the acting user may ``permission``."""
        actor = self.ctx.actor()
        if actor.can(permission):
            return actor
        if not actor.is_user:
            raise PermissionDenied(
                f"É preciso entrar com um usuário para {permission.label}. "
                "Na linha de comando, use EMDIA_USER e EMDIA_PASSWORD ou --user."
            )
        assert actor.role is not None
        raise PermissionDenied(
            f"O usuário {actor.username} (perfil {actor.role.label}) não pode "
            f"{permission.label}. Peça a quem tem essa permissão; nada foi alterado."
        )

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
        subject: models.Document | None = None,
    ) -> None:
        """Append one line to the audit log inside the caller's transaction (as ``actor``
        when the one acting is not logged in yet, e.g. a login lockout). ``subject``: the
        record the line is about when its id comes only with the commit (``entity_id`` is then
        ``None``: a batch of documents)."""
        who = actor or self.ctx.actor()
        at = as_utc(self.wall_clock.now())  # the real time, never the rules' date
        uow.audit.append(
            audit_row(at, who, action, entity, entity_id, before, after), subject=subject
        )


def audit_row(
    at: datetime,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> models.AuditLog:
    """One audit line at ``at`` (naive UTC); its seal is added as the transaction commits."""
    return models.AuditLog(
        at=at,
        user_id=actor.user_id,
        username=actor.username,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=before,
        after=after,
    )


@contextmanager
def gc_paused() -> Iterator[None]:
    """Building tens of thousands of small objects (a worklist's rows, an import's lines)
    triggers CPython's cyclic garbage collector over and over while none of them is garbage;
    pausing it saves ~10-15 %. Left off when it was off already (the window collects on its
    own thread, ``ui.garbage``).

    At the end, what was made meanwhile joins the oldest generation at once (``gc.freeze``
    then ``gc.unfreeze``: two list splices) instead of all of it waiting in the youngest for
    the next collection to walk it — hundreds of thousands of objects at a large clinic, a
    tenth of a second or more on whichever thread collects next (the window's UI thread). A
    full collection still looks at them: cyclic garbage made during the pause is freed then."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if was_enabled:
            gc.enable()
