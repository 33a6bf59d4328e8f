"""Clinic identification and charge policy (Configurações → Clínica, ``emdia clinic``)."""

from __future__ import annotations

import hashlib
from io import BytesIO
from pathlib import Path

from app.adapters.identity_checks import IDENTITY_CHECKS
from app.domain.access import Role
from app.domain.audit import AuditQuery
from app.domain.clinic import ClinicInfo, validate_clinic_changes
from app.domain.first_steps import FirstStep, SetupFacts, first_steps
from app.domain.pix import clinic_receiver
from app.errors import ConflictError, ValidationError
from app.files import same_disk
from app.persistence.records import clinic_info
from app.services.base import Permission, Service

# Changes to these are changes to money rules: they go to the audit log.
_AUDITED = (
    "holidays",
    "fine_bp",
    "interest_monthly_bp",
    "punctuality_discount_bp",
    "correction_index",
    "pix_key",
    "cnpj",
    "cpf",
    "legal_name",
    "logo_path",
    "payment_backdate_days",
)


class ClinicService(Service):
    def get(self) -> ClinicInfo:
        with self.uow() as uow:
            return clinic_info(uow.clinic.get())

    def first_steps(self) -> list[FirstStep]:
        """Primeiros passos: what is done and what is left of setting the clinic up."""
        with self.uow() as uow:
            row = uow.clinic.get()
            info = clinic_info(row)
            staff = sum(uow.users.count_active_with_role(r) for r in (Role.GESTOR, Role.RECEPCAO))
            reviewed = uow.audit.count(AuditQuery(text="regua.")) > 0
            patients = uow.patients.count_all()
            chosen = row.backup_dir if row is not None else ""
        db = self.ctx.config.sqlite_path
        return first_steps(
            SetupFacts(
                clinic_gaps=info.identification_gaps,
                staff=staff,
                regua_reviewed=reviewed,
                pix_ready=clinic_receiver(info).configured,
                backup_dir=chosen,
                backup_same_disk=bool(chosen) and db is not None and same_disk(Path(chosen), db),
                patients=patients,
            )
        )

    def update(self, changes: dict[str, str], expected_version: int | None = None) -> ClinicInfo:
        """Apply ``{key: text}`` (keys of ``CLINIC_KEYS``) all-or-nothing (gestor)."""
        self.require(Permission.SETTINGS)
        clean = validate_clinic_changes(changes, checks=IDENTITY_CHECKS)
        with self.uow() as uow:
            row = uow.clinic.get_or_create()
            if clean.get("logo_path") and clean["logo_path"] != row.logo_path:
                clean["logo_path"] = self._keep_logo(clean["logo_path"])
            if expected_version is not None and row.version != expected_version:
                raise ConflictError(
                    "Outra pessoa alterou os dados da clínica depois que você abriu esta tela. "
                    "Reabra Configurações para ver a versão atual; nada foi salvo."
                )
            before = {k: getattr(row, k) for k in _AUDITED if k in clean}
            for attr, value in clean.items():
                setattr(row, attr, value)
            after = {k: getattr(row, k) for k in _AUDITED if k in clean}
            if before != after:
                self.audit(uow, "clinic.update", "clinic", row.id, before, after)
            uow.commit()
            return clinic_info(row)

    def _keep_logo(self, source: str) -> str:
        """Copy the chosen image into the data folder (the original may be moved or deleted
        later) and return the copy's path; refuse what is not a readable image."""
        from PIL import Image, UnidentifiedImageError

        path = Path(source).expanduser()
        try:
            data = path.read_bytes()
            with Image.open(BytesIO(data)) as image:
                image.verify()
        except OSError:
            raise ValidationError.single(
                "logo", f"Logotipo: não foi possível ler '{source}'."
            ) from None
        except (UnidentifiedImageError, SyntaxError, ValueError):
            raise ValidationError.single(
                "logo", f"Logotipo: '{source}' não é uma imagem PNG ou JPG válida."
            ) from None
        folder = self.ctx.config.data_dir / "logo"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"logo-{hashlib.sha256(data).hexdigest()[:12]}{path.suffix.lower()}"
        if not target.exists():
            target.write_bytes(data)
        return str(target)
