"""Correction index tables (Configurações → Cobrança, ``emdia index``)."""

from __future__ import annotations

from datetime import date

from app.domain.clinic import CORRECTION_INDEXES
from app.domain.indexes import parse_index_values
from app.errors import ValidationError
from app.services.base import Permission, Service


class IndexService(Service):
    def values(self, index: str) -> list[tuple[date, int]]:
        with self.uow() as uow:
            return uow.indexes.values(index)

    def set_values(self, index: str, pairs: dict[str, str]) -> int:
        """Insert or replace months (all-or-nothing). Returns how many were written."""
        self.require(Permission.SETTINGS)
        if index not in CORRECTION_INDEXES or index == "none":
            choices = ", ".join(k for k in CORRECTION_INDEXES if k != "none")
            raise ValidationError.single("index", f"Índice: '{index}' não existe; use {choices}.")
        values = parse_index_values(pairs)
        with self.uow() as uow:
            before = uow.indexes.put(index, values)
            self.audit(
                uow,
                "index.set",
                "correction_index_value",
                None,
                {"index": index, **{m.isoformat(): bp for m, bp in before.items()}},
                {"index": index, **{m.isoformat(): bp for m, bp in values.items()}},
            )
            uow.commit()
        return len(values)
