"""Correction index tables (Configurações → Cobrança, ``emdia index``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.domain.clinic import CORRECTION_INDEXES
from app.domain.indexes import parse_index_values
from app.errors import ValidationError
from app.persistence import models
from app.services.base import Permission, Service


class IndexService(Service):
    def values(self, index: str) -> list[tuple[date, int]]:
        v = models.CorrectionIndexValue
        with self.uow() as uow:
            rows = uow.session.execute(
                select(v.month, v.variation_bp).where(v.index_name == index).order_by(v.month)
            )
            return [(month, bp) for month, bp in rows]

    def set_values(self, index: str, pairs: dict[str, str]) -> int:
        """Insert or replace months (all-or-nothing). Returns how many were written."""
        self.require(Permission.SETTINGS)
        if index not in CORRECTION_INDEXES or index == "none":
            choices = ", ".join(k for k in CORRECTION_INDEXES if k != "none")
            raise ValidationError.single("index", f"Índice: '{index}' não existe; use {choices}.")
        values = parse_index_values(pairs)
        v = models.CorrectionIndexValue
        with self.uow() as uow:
            existing = {
                row.month: row
                for row in uow.session.scalars(
                    select(v).where(v.index_name == index, v.month.in_(list(values)))
                )
            }
            before = {m.isoformat(): r.variation_bp for m, r in existing.items()}
            for month, bp in values.items():
                if month in existing:
                    existing[month].variation_bp = bp
                else:
                    uow.session.add(v(index_name=index, month=month, variation_bp=bp))
            self.audit(
                uow,
                "index.set",
                "correction_index_value",
                None,
                {"index": index, **before},
                {"index": index, **{m.isoformat(): bp for m, bp in values.items()}},
            )
            uow.commit()
        return len(values)
