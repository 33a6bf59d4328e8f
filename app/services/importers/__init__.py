"""The spreadsheet imports, one module each (``patients``, ``contracts``, ``payments``) over
what they share in ``base``; ``IMPORTERS`` names them as ``TransferService`` runs them."""

from __future__ import annotations

from app.services.importers.base import DUPLICATE, IMPORT_REFERENCE, Importer, ImportHost, Skip
from app.services.importers.contracts import ContractImporter
from app.services.importers.patients import PatientImporter
from app.services.importers.payments import PaymentImporter

IMPORTERS: dict[str, type[Importer]] = {
    "patients": PatientImporter,
    "contracts": ContractImporter,
    "payments": PaymentImporter,
}

__all__ = ["DUPLICATE", "IMPORTERS", "IMPORT_REFERENCE", "ImportHost", "Importer", "Skip"]
