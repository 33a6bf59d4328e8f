"""Encryption status, encrypting an existing database, the frase-senha, the idle lock."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from app.domain.text import parse_int
from app.errors import EmDiaError, ValidationError
from app.persistence.records import clinic_info
from app.persistence.sqlite_files import is_encrypted
from app.security import keystore, unlock
from app.security.keys import DataKey, KeyFile, key_file_path
from app.services.base import Permission, Service
from app.services.database import location_of

MAX_IDLE_MINUTES = 240


@dataclass(frozen=True)
class SecurityStatus:
    sqlite: bool
    encrypted: bool
    key_in_keyring: bool
    has_passphrase: bool
    keyring_available: bool

    @property
    def summary(self) -> str:
        if not self.sqlite:
            return (
                "PostgreSQL: a criptografia dos dados em repouso é feita pelo servidor "
                "(disco criptografado); a conexão deve usar SSL."
            )
        if not self.encrypted:
            return "Banco de dados NÃO criptografado."
        ways = []
        if self.key_in_keyring:
            ways.append("chave guardada no chaveiro do sistema deste computador")
        if self.has_passphrase:
            ways.append("frase-senha cadastrada")
        ways.append("chave de recuperação (em papel; um administrador pode imprimi-la de novo)")
        return "Banco de dados criptografado (SQLCipher, AES-256): " + "; ".join(ways) + "."


@dataclass(frozen=True)
class Protected:
    key: DataKey
    recovery_code: str


class SecurityService(Service):
    def status(self) -> SecurityStatus:
        path = self.ctx.config.sqlite_path
        if path is None:
            return SecurityStatus(False, False, False, False, keystore.available())
        keyfile = KeyFile.load(key_file_path(path))
        in_keyring = False
        if keyfile is not None:
            stored = keystore.load_key(keyfile.db_id)
            in_keyring = stored is not None and keyfile.matches(stored)
        return SecurityStatus(
            sqlite=True,
            encrypted=is_encrypted(path),
            key_in_keyring=in_keyring,
            has_passphrase=bool(keyfile and keyfile.passphrase_slot),
            keyring_available=keystore.available(),
        )

    def idle_lock_minutes(self) -> int:
        with self.uow() as uow:
            row = uow.clinic.get()
            return row.idle_lock_minutes if row is not None else 10

    def set_idle_lock_minutes(self, text: str) -> int:
        self.require(Permission.USERS)
        parsed = parse_int(str(text))
        minutes = -1 if parsed is None else parsed
        if not 0 <= minutes <= MAX_IDLE_MINUTES:
            raise ValidationError.single(
                "idle_lock_minutes",
                f"Bloqueio automático: informe um número de minutos entre 1 e {MAX_IDLE_MINUTES}"
                " (0 desliga o bloqueio — não recomendado em computador compartilhado).",
            )
        with self.uow() as uow:
            row = uow.clinic.get_or_create()
            before = {"idle_lock_minutes": row.idle_lock_minutes}
            row.idle_lock_minutes = minutes
            after = {"idle_lock_minutes": minutes}
            self.audit(uow, "security.idle_lock", "clinic", row.id, before, after)
            uow.commit()
        return minutes

    def encrypt(self, passphrase: str | None, confirm: str | None = None) -> Protected:
        """Encrypt this (plain) SQLite database in place. Closes every connection: the caller
        opens the database again with the returned key."""
        self.require(Permission.USERS)
        path = self.ctx.config.sqlite_path
        if path is None:
            raise EmDiaError(
                "Com PostgreSQL a criptografia em repouso é configurada no servidor, não no "
                "EmDia (veja o README)."
            )
        if is_encrypted(path):
            raise EmDiaError("Este banco de dados já é criptografado.")
        unlock.check_new_passphrase(passphrase, confirm)
        with self.uow() as uow:
            self.audit(uow, "security.encrypt", "database", None, None, {"file": path.name})
            uow.commit()
        self.ctx.release()
        key = unlock.new_protection(path, passphrase or None)
        unlock.encrypt_file(path, key)
        return Protected(key, key.recovery_code())

    def recovery_key(self) -> str:
        """The recovery key of this encrypted database, shown to an admin again (the paper was
        lost, or is to be printed now). Audited: who saw it, when."""
        self.require(Permission.USERS)
        key = self._key()
        with self.uow() as uow:
            self.audit(uow, "security.recovery_key", "database", None, None, None)
            uow.commit()
        return key.recovery_code()

    def recovery_sheet(self) -> bytes:
        """The recovery key on one printable page (PDF bytes, never archived: it is a
        secret). Audited like showing it."""
        # The document stack (ReportLab) loads with the first document, never at start.
        from app.documents import recovery_sheet
        from app.documents.model import Letterhead

        self.require(Permission.USERS)
        key = self._key()
        today = self.clock.today()
        with self.uow() as uow:
            clinic = clinic_info(uow.clinic.get())
            self.audit(uow, "security.recovery_sheet", "database", None, None, None)
            uow.commit()
        facts = recovery_sheet.RecoverySheetFacts(
            code=key.recovery_code(),
            database=location_of(self.ctx.config.db_url),
            printed_on=today,
            printed_by=self.actor.display,
        )
        letterhead = Letterhead(clinic, today, f"CHAVE-{today:%Y%m%d}")
        out = BytesIO()
        recovery_sheet.render(out, letterhead, facts)
        return out.getvalue()

    def _key(self) -> DataKey:
        if self.ctx.key is None:
            raise EmDiaError(
                "Este banco de dados não é criptografado: não há chave de recuperação. "
                "Criptografe-o em Configurações → Usuários e backups."
            )
        return self.ctx.key

    def set_passphrase(self, passphrase: str, confirm: str | None = None) -> None:
        """Create or change the frase-senha of an encrypted database."""
        self.require(Permission.USERS)
        path = self.ctx.config.sqlite_path
        key = self.ctx.key
        if path is None or key is None:
            raise EmDiaError("Este banco de dados não é criptografado: não há frase-senha.")
        unlock.check_new_passphrase(passphrase, confirm)
        unlock.set_passphrase(path, key, passphrase)
        with self.uow() as uow:
            self.audit(uow, "security.passphrase", "database", None, None, None)
            uow.commit()
