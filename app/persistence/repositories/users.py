"""The people who log in (``app_user``): look-ups by name and id, and the counts the rules about
the first user and the last administrator need."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select

from app.persistence import models
from app.persistence.repositories._sql import Repository


class UserRepository(Repository):
    def add(self, row: models.User, *, flush: bool = True) -> models.User:
        return self._add(row, flush=flush)

    def get(self, user_id: int) -> models.User | None:
        return self.session.get(models.User, user_id)

    def by_username(self, username: str) -> models.User | None:
        return self.session.scalar(select(models.User).where(models.User.username == username))

    def all(self) -> list[models.User]:
        """Everyone, by username."""
        return list(self.session.scalars(select(models.User).order_by(models.User.username)))

    def count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(models.User)) or 0)

    def count_active_with_role(self, role: str) -> int:
        u = models.User
        stmt = select(func.count()).where(u.role == role, u.active.is_(True))
        return int(self.session.scalar(stmt) or 0)

    def display_names(self, user_ids: Iterable[int | None]) -> dict[int, str]:
        """Full name (else username) of each of these users, by id."""
        ids = sorted({uid for uid in user_ids if uid is not None})
        if not ids:
            return {}
        u = models.User
        rows = self.session.execute(select(u.id, u.full_name, u.username).where(u.id.in_(ids)))
        return {uid: full or name for uid, full, name in rows}
