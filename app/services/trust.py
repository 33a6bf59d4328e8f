"""The certificates the clinic trusts for checking electronic signatures (Configurações →
Certificados confiáveis, ``emdia trust add|list|remove``).

EmDia ships no root certificate: it cannot check here that a file someone bundled is really the
ICP-Brasil's or the gov.br's. The gestor downloads them once from the authorities (the ITI
publishes both) and adds them; until then every signature says "cadeia não verificada". A root
(self-signed) is a trust anchor; any other certificate added is only a link of a chain. Adding
and removing are the gestor's, and audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from app.adapters.signatures import CertificateFile, read_certificates
from app.domain.dates import format_date
from app.errors import NotFoundError, ValidationError
from app.persistence import models
from app.services.base import Permission, Service

MAX_FILE_BYTES = 1_000_000  # a chain is a few kB; anything this big is not a certificate file


@dataclass(frozen=True)
class TrustedCertificate:
    id: int
    subject: str
    issuer: str
    sha256: str
    is_root: bool
    not_before: datetime
    not_after: datetime
    added_at: datetime

    @property
    def role_label(self) -> str:
        return "raiz (âncora)" if self.is_root else "intermediária"

    def expired_on(self, today: date) -> bool:
        return self.not_after.date() < today


@dataclass(frozen=True)
class TrustAdded:
    added: tuple[TrustedCertificate, ...]
    already: tuple[TrustedCertificate, ...]  # were trusted before: nothing changed for them

    @property
    def message(self) -> str:
        parts = []
        if self.added:
            parts.append(f"{len(self.added)} certificado(s) adicionado(s)")
        if self.already:
            parts.append(f"{len(self.already)} já estava(m) na lista")
        text = "; ".join(parts) + "."
        if self.added and not any(c.is_root for c in self.added + self.already):
            text += (
                " Nenhum deles é uma raiz: a cadeia só é verificada até uma raiz da lista "
                "(adicione também a AC Raiz)."
            )
        return text


def _view(row: models.TrustedCertificate) -> TrustedCertificate:
    return TrustedCertificate(
        id=row.id,
        subject=row.subject,
        issuer=row.issuer,
        sha256=row.sha256,
        is_root=row.is_root,
        not_before=row.not_before,
        not_after=row.not_after,
        added_at=row.created_at,
    )


class TrustService(Service):
    def list(self) -> list[TrustedCertificate]:
        self.require(Permission.SETTINGS)
        with self.uow() as uow:
            return [_view(row) for row in uow.signatures.trusted()]

    def add(self, path: Path) -> TrustAdded:
        """Trust every certificate of the file (a PEM bundle, a ``.cer``/``.crt``, a ``.p7b``);
        an expired one refuses the whole file and nothing is added."""
        self.require(Permission.SETTINGS)
        certificates = read_certificates(read_file(path, MAX_FILE_BYTES, "um certificado"))
        today = self.clock.today()
        for cert in certificates:
            if cert.not_after.date() < today:
                raise ValidationError.single(
                    "file",
                    f"Arquivo: o certificado {cert.subject} venceu em "
                    f"{format_date(cert.not_after.date())}; baixe o atual da autoridade "
                    "certificadora. Nada foi adicionado.",
                )
        added: list[models.TrustedCertificate] = []
        already: list[models.TrustedCertificate] = []
        with self.uow() as uow:
            uow.begin_write()
            for cert in certificates:
                known = uow.signatures.trusted_by_sha256(cert.sha256)
                if known is not None:
                    already.append(known)
                    continue
                row = uow.signatures.add_trusted(self._row(cert))
                self.audit(
                    uow,
                    "trust.add",
                    "trusted_certificate",
                    row.id,
                    None,
                    {"subject": cert.subject, "sha256": cert.sha256, "is_root": cert.self_signed},
                )
                added.append(row)
            uow.commit()
            return TrustAdded(tuple(map(_view, added)), tuple(map(_view, already)))

    def _row(self, cert: CertificateFile) -> models.TrustedCertificate:
        return models.TrustedCertificate(
            subject=cert.subject[:500],
            issuer=cert.issuer[:500],
            sha256=cert.sha256,
            pem=cert.pem,
            is_root=cert.self_signed,
            not_before=cert.not_before,
            not_after=cert.not_after,
            added_by_id=self.actor.user_id,
        )

    def remove(self, certificate_id: int) -> TrustedCertificate:
        """Stop trusting a certificate: signatures received later say "cadeia não verificada"
        unless another root of the list covers them (those already archived keep the
        verification they had until received again)."""
        self.require(Permission.SETTINGS)
        with self.uow() as uow:
            uow.begin_write()
            row = uow.signatures.get_trusted(certificate_id)
            if row is None:
                raise NotFoundError(f"Certificado {certificate_id} não está na lista.")
            view = _view(row)
            self.audit(
                uow,
                "trust.remove",
                "trusted_certificate",
                row.id,
                {"subject": row.subject, "sha256": row.sha256, "is_root": row.is_root},
                None,
            )
            uow.signatures.remove_trusted(row)
            uow.commit()
        return view


def read_file(path: Path, max_bytes: int, what: str) -> bytes:
    """The bytes of a file the user chose, or a pt-BR refusal naming it (``what``: "um
    certificado", "um PDF assinado")."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise ValidationError.single("file", f"Arquivo: {path} não existe.")
    if path.stat().st_size > max_bytes:
        raise ValidationError.single(
            "file", f"Arquivo: {path.name} é grande demais para ser {what}."
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ValidationError.single(
            "file", f"Arquivo: não foi possível ler {path} ({exc.strerror})."
        ) from None
