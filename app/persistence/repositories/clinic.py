"""The clinic's own row: identification, charge policy, contact rules (one row per database)."""

from __future__ import annotations

from sqlalchemy import select

from app.persistence import models
from app.persistence.repositories._sql import Repository


class ClinicRepository(Repository):
    def get(self) -> models.Clinic | None:
        return self.session.scalar(select(models.Clinic).order_by(models.Clinic.id).limit(1))

    def get_or_create(self) -> models.Clinic:
        row = self.get()
        if row is None:
            row = self._add(models.Clinic(contact_windows={}))
        return row

    def add(self, row: models.Clinic) -> models.Clinic:
        """A clinic prepared whole (the demonstration clinic), written with the next flush."""
        return self._add(row, flush=False)
