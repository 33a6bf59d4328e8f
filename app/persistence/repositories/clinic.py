"""The clinic's own row: identification, charge policy, contact rules (one row per database)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.persistence import models


class ClinicRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self) -> models.Clinic | None:
        return self.session.scalar(select(models.Clinic).order_by(models.Clinic.id).limit(1))

    def get_or_create(self) -> models.Clinic:
        row = self.get()
        if row is None:
            row = models.Clinic(contact_windows={})
            self.session.add(row)
            self.session.flush()
        return row

    def add(self, row: models.Clinic) -> models.Clinic:
        """A clinic prepared whole (the demonstration clinic), written with the next flush."""
        self.session.add(row)
        return row
