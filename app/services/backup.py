"""Backups: automatic on start, on close and daily; rotating; verified; encrypted; restorable.

A backup is one file, ``<banco>-AAAAMMDD-HHMMSS-<tipo>.emdiabak`` — a ZIP holding
``emdia.db`` (a consistent copy made with SQLite's online backup API, encrypted with the same
key as the database), ``chave.json`` (the key file: the key only wrapped, never in plain text)
and ``manifest.json`` (when, which schema, SHA-256, row counts, the archived documents) — plus
the archived documents in the folder's ``<banco>-documentos/`` store, each copied once
(``app.services.backup_documents``). Each new backup is verified
right away — it opens, ``PRAGMA integrity_check`` says ok, the row counts match — and only
then are old automatic backups rotated (7 daily, 4 weekly, 12 monthly); a failed backup never
causes a good one to be deleted. Manual backups and safety copies are never rotated.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import app
from app.config import url_for
from app.domain import limits
from app.domain.audit import AuditQuery
from app.domain.backups import backups_to_keep
from app.errors import DatabaseError, EmDiaError, KeyRequired, ValidationError
from app.files import same_disk
from app.persistence import sqlite_files
from app.persistence.databases import Database
from app.persistence.migrate import known_revisions
from app.progress import IsCancelled, Progress, stop_if_cancelled
from app.security import keystore, unlock
from app.security.keys import DataKey, KeyFile, key_file_path
from app.security.unlock import key_from_secret
from app.services.backup_documents import (
    ArchivedEntry,
    absent_from_store,
    archived_rows,
    restore_documents,
    store_documents,
    store_folder,
)
from app.services.base import Actor, Permission, Service, audit_row
from app.services.documents.filing import ArchiveFiles
from app.timeutil import as_utc

log = logging.getLogger(__name__)

SUFFIX = ".emdiabak"
AUTOMATIC = ("inicio", "fechamento", "diario")
KINDS = (*AUTOMATIC, "manual", "antes-de-restaurar")
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})-(?P<kind>[a-z-]+)\.emdiabak$")
_DB_MEMBER, _KEY_MEMBER, _MANIFEST_MEMBER = "emdia.db", "chave.json", "manifest.json"
_KIND_LABELS = {
    "inicio": "automático (ao abrir)",
    "fechamento": "automático (ao fechar)",
    "diario": "automático (diário)",
    "manual": "manual",
    "antes-de-restaurar": "cópia de segurança antes de restaurar",
}


@dataclass(frozen=True)
class BackupFile:
    path: Path
    created_at: datetime
    kind: str
    size: int

    @property
    def kind_label(self) -> str:
        return _KIND_LABELS.get(self.kind, self.kind)


@dataclass(frozen=True)
class BackupReport:
    """What a backup contains (the restore preview) and whether it passed verification."""

    path: Path
    created_at: str
    kind: str
    app_version: str
    schema: str | None
    encrypted: bool
    clinic: str
    counts: dict[str, int]
    problems: list[str] = field(default_factory=list)
    documents: int = 0  # archived documents the backup brings back
    # A plain backup of a real clinic is restored encrypted: the new key's recovery key, once.
    recovery_code: str = ""
    # Not failures of the database copy, but said: archived files the backup could not bring.
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "created_at": self.created_at,
            "kind": self.kind,
            "app_version": self.app_version,
            "schema": self.schema,
            "encrypted": self.encrypted,
            "clinic": self.clinic,
            "counts": self.counts,
            "ok": self.ok,
            "problems": self.problems,
            "documents": self.documents,
            "warnings": self.warnings,
        }


@dataclass(frozen=True)
class BackupResult:
    file: BackupFile
    report: BackupReport
    removed: list[Path]
    fallback_reason: str = ""  # the chosen folder was unavailable; written to the default one


_ROTATION = threading.Lock()
# The automatic backups being made in this program (guarded by ``_ROTATION``): no rotation
# removes one of them, not even its own. The start backup may still be checking its file when
# the closing backup (the window closed right after it opened) rotates, and the closing one is
# the day's newer backup.
_MAKING: set[Path] = set()


def list_backups(folder: Path, stem: str) -> list[BackupFile]:
    """Backups of the database named ``stem`` in ``folder``, newest first."""
    found = []
    if not folder.is_dir():
        return []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if not match or match["stem"] != stem:
            continue
        stamp = datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S")
        try:
            size = path.stat().st_size
        except FileNotFoundError:  # removed since the listing (another backup's rotation)
            continue
        found.append(BackupFile(path, stamp, match["kind"], size))
    return sorted(found, key=lambda b: b.created_at, reverse=True)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _writable_folder(text: str) -> Path:
    raw = text.strip()
    if not raw:
        raise ValidationError.single("backup_dir", "Pasta de backup: escolha uma pasta.")
    problem = limits.text_problem(raw, "Pasta de backup", limits.COLUMNS["clinic.backup_dir"])
    if problem is not None:
        raise ValidationError.single("backup_dir", problem)
    folder = Path(raw).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # A name of its own: the start and the closing backups may probe the folder at once.
        fd, probe = tempfile.mkstemp(prefix=".emdia-teste-de-gravacao-", dir=folder)
        try:
            os.write(fd, b"ok")
        finally:
            os.close(fd)
            os.unlink(probe)
    except OSError as exc:
        raise ValidationError.single(
            "backup_dir",
            f"Pasta de backup: não foi possível gravar em {folder} ({exc.strerror or exc}). "
            "Escolha outra pasta ou verifique se o pendrive está conectado.",
        ) from exc
    return folder


SAME_DISK = (
    "Esta pasta fica no mesmo disco do banco de dados: se o disco falhar ou o computador for "
    "roubado, perdem-se o banco e os backups juntos. Prefira um pendrive, um HD externo ou uma "
    "pasta de rede — e leve uma cópia para fora da clínica."
)


class BackupService(Service):
    # --- settings -------------------------------------------------------------------------
    def folder_warning(self, text: str) -> str | None:
        """What to say about a backup folder before choosing it: on the database's own disk,
        a backup does not survive what it is meant for."""
        path = self.ctx.config.sqlite_path
        if path is None or not text.strip():
            return None
        return SAME_DISK if same_disk(Path(text.strip()), path) else None

    def _db_path(self) -> Path:
        path = self.ctx.config.sqlite_path
        if path is None:
            raise EmDiaError(
                "Com PostgreSQL, os backups são feitos no servidor (pg_dump agendado pelo "
                "responsável pelo servidor); o EmDia faz backups de bancos SQLite."
            )
        return path

    def folder(self) -> Path:
        """The chosen folder, or ``backups/`` in the data folder when none was chosen."""
        with self.uow() as uow:
            row = uow.clinic.get()
            chosen = row.backup_dir if row is not None else ""
        return Path(chosen) if chosen else self.ctx.config.backup_dir

    @staticmethod
    def check_folder(text: str) -> Path:
        """The folder, created if needed, once a test file could be written there (else a
        ValidationError on ``backup_dir``); nothing is recorded."""
        return _writable_folder(text)

    def set_folder(self, text: str) -> Path:
        self.require(Permission.BACKUPS)
        folder = _writable_folder(text)
        with self.uow() as uow:
            row = uow.clinic.get_or_create()
            before = {"backup_dir": row.backup_dir}
            row.backup_dir = str(folder)
            self.audit(uow, "backup.folder", "clinic", row.id, before, {"backup_dir": str(folder)})
            uow.commit()
        return folder

    def list_files(self) -> list[BackupFile]:
        self.require(Permission.BACKUPS)
        return list_backups(self.folder(), self._db_path().stem)

    # --- create ---------------------------------------------------------------------------
    def create(
        self,
        folder: Path | str | None = None,
        *,
        progress: Progress | None = None,
        cancelled: IsCancelled | None = None,
    ) -> BackupResult:
        """A manual backup (admin), to ``folder`` or the configured one. Never rotated."""
        self.require(Permission.BACKUPS)
        # The default folder too is created when missing (a new installation has none yet).
        target = _writable_folder(str(folder or self.folder()))
        return self._make(target, "manual", progress, cancelled)

    def create_automatic(
        self,
        kind: str,
        *,
        progress: Progress | None = None,
        cancelled: IsCancelled | None = None,
    ) -> BackupResult:
        """Start/close/daily backups run as the system, before or after anyone logs in."""
        if kind not in AUTOMATIC:
            raise ValueError(kind)
        target, reason = self.folder(), ""
        try:
            target = _writable_folder(str(target))
        except ValidationError as exc:
            reason = exc.message
            target = _writable_folder(str(self.ctx.config.backup_dir))
        result = self._make(target, kind, progress, cancelled)
        return BackupResult(result.file, result.report, result.removed, reason)

    def due_today(self) -> bool:
        """No backup of this database today yet (the daily timer asks this)."""
        today = self.wall_clock.today()
        files = list_backups(self.folder(), self._db_path().stem)
        return not any(f.created_at.date() == today for f in files)

    def _make(
        self, folder: Path, kind: str, progress: Progress | None, cancelled: IsCancelled | None
    ) -> BackupResult:
        source = self._db_path()
        key = self.ctx.key
        now = self.wall_clock.now().replace(microsecond=0)
        steps = 4

        def step(done: int) -> None:
            stop_if_cancelled(cancelled, "Backup cancelado; nenhum arquivo foi criado.")
            if progress is not None:
                progress(done, steps)

        name = f"{source.stem}-{now:%Y%m%d-%H%M%S}-{kind}{SUFFIX}"
        target = folder / name
        with _ROTATION:
            _MAKING.add(target)
        try:
            return self._write_checked(source, key, target, now, kind, step)
        finally:
            with _ROTATION:
                _MAKING.discard(target)

    def _write_checked(
        self,
        source: Path,
        key: DataKey | None,
        target: Path,
        now: datetime,
        kind: str,
        step: Callable[[int], None],
    ) -> BackupResult:
        folder = target.parent
        partial = folder / (target.name + ".parcial")
        with tempfile.TemporaryDirectory(prefix="emdia-backup-") as tmp:
            copy = Path(tmp) / _DB_MEMBER
            step(0)
            sqlite_files.copy_database(source, copy, key)
            step(1)
            with sqlite_files.opened(copy, key, readonly=True) as conn:
                counts = sqlite_files.row_counts(conn)
                schema = sqlite_files.schema_revision(conn)
                clinic = conn.execute(
                    "SELECT coalesce(nullif(trade_name, ''), legal_name) FROM clinic LIMIT 1"
                ).fetchone()
                archived = archived_rows(conn)
            files = ArchiveFiles(self.ctx.config.documents_dir, key)
            stored = store_documents(archived, files, store_folder(folder, source.stem))
            manifest = {
                "format": "emdia-backup",
                "version": 1,
                "created_at": now.isoformat(),
                "kind": kind,
                "app_version": app.__version__,
                "schema": schema,
                "encrypted": key is not None,
                "clinic": clinic[0] if clinic else "",
                "db_sha256": _sha256(copy),
                "counts": counts,
                "documents": [e.as_dict() for e in stored.entries],
                "documents_missing": list(stored.missing),
            }
            step(2)
            try:
                with zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED) as zf:
                    zf.writestr(_MANIFEST_MEMBER, json.dumps(manifest, indent=2))
                    zf.write(copy, _DB_MEMBER)
                    keyfile = KeyFile.load(key_file_path(source))
                    if key is not None:
                        zf.writestr(_KEY_MEMBER, (keyfile or KeyFile.new(key)).to_json())
                sqlite_files.fsync_file(partial)
                size = partial.stat().st_size
                os.replace(partial, target)
            except OSError as exc:
                partial.unlink(missing_ok=True)
                raise DatabaseError(
                    f"Não foi possível gravar o backup em {folder}: {exc.strerror or exc}. "
                    "Verifique o espaço livre e se a pasta (ou o pendrive) está disponível; "
                    "os backups anteriores foram mantidos."
                ) from exc
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
        step(3)
        report = self._verify(target, key, None)
        if not report.ok:
            bad = target.with_name(target.name + ".falhou")
            os.replace(target, bad)
            raise DatabaseError(
                "O backup foi gravado mas não passou na verificação ("
                + "; ".join(report.problems)
                + f"). Ele foi renomeado para {bad.name}; os backups anteriores foram mantidos."
            )
        removed = self._rotate(folder, source.stem) if kind in AUTOMATIC else []
        step(4)
        log.info("backup %s verified (%s)", target, kind)
        return BackupResult(BackupFile(target, now, kind, size), report, removed)

    def _rotate(self, folder: Path, stem: str) -> list[Path]:
        """Drop the automatic backups the rotation no longer keeps. One rotation at a time in
        this program, and never a backup still being made (``_MAKING``: closing the window
        right after opening it runs the closing backup while the start backup is still
        finishing); another PC's rotation in a shared folder may still remove a file under us,
        which the listing and the removal tolerate."""
        with _ROTATION:
            automatic = [b for b in list_backups(folder, stem) if b.kind in AUTOMATIC]
            keep = backups_to_keep(b.created_at for b in automatic)
            removed = []
            for backup in automatic:
                if backup.created_at not in keep and backup.path not in _MAKING:
                    backup.path.unlink(missing_ok=True)
                    removed.append(backup.path)
            return removed

    # --- verify ---------------------------------------------------------------------------
    def verify(self, path: Path | str, secret: str | None = None) -> BackupReport:
        """Open the backup, check it and say what it holds (the restore preview)."""
        self.require(Permission.BACKUPS)
        return self._verify(Path(path), self.ctx.key, secret)

    def _verify(self, path: Path, key: DataKey | None, secret: str | None) -> BackupReport:
        with tempfile.TemporaryDirectory(prefix="emdia-verify-") as tmp:
            manifest, keyfile, copy = _extract(path, Path(tmp))
            return self._check_copy(path, manifest, keyfile, copy, key, secret)

    def _check_copy(
        self,
        path: Path,
        manifest: dict[str, Any],
        keyfile: KeyFile | None,
        copy: Path,
        key: DataKey | None,
        secret: str | None,
    ) -> BackupReport:
        problems: list[str] = []
        entries = _entries(manifest)
        warnings = _document_warnings(manifest, entries, path)
        encrypted = bool(manifest.get("encrypted"))
        backup_key = _backup_key(keyfile, key, secret) if encrypted else None
        if _sha256(copy) != manifest.get("db_sha256"):
            problems.append(
                "o conteúdo não confere com a soma SHA-256 gravada (arquivo danificado)"
            )
        counts: dict[str, int] = {}
        schema = None
        try:
            integrity = sqlite_files.integrity_check(copy, backup_key)
            if integrity != "ok":
                problems.append(f"verificação de integridade: {integrity}")
            with sqlite_files.opened(copy, backup_key, readonly=True) as conn:
                counts = sqlite_files.row_counts(conn)
                schema = sqlite_files.schema_revision(conn)
        except Exception as exc:  # any failure to read the copy is a verification failure
            problems.append(f"o banco do backup não abre ({exc})")
        expected = manifest.get("counts", {})
        if counts and counts != expected:
            problems.append(f"contagem de registros diferente do registrado: {counts} ≠ {expected}")
        if schema is not None and schema not in known_revisions():
            problems.append(
                f"feito por uma versão mais nova do EmDia (esquema {schema}); atualize o EmDia"
            )
        return BackupReport(
            path=path,
            created_at=str(manifest.get("created_at", "")),
            kind=str(manifest.get("kind", "")),
            app_version=str(manifest.get("app_version", "")),
            schema=schema or manifest.get("schema"),
            encrypted=encrypted,
            clinic=str(manifest.get("clinic", "")),
            counts=counts or expected,
            problems=problems,
            documents=len(entries),
            warnings=warnings,
        )

    # --- restore --------------------------------------------------------------------------
    def restore(
        self,
        path: Path | str,
        secret: str | None = None,
        *,
        progress: Progress | None = None,
        passphrase: str | None = None,
    ) -> BackupReport:
        """Replace the database with a verified backup. The current file is first copied aside
        (``backups/<banco>-antes-de-restaurar-…``). Afterwards every connection of this
        ``Services`` is closed: the caller opens the database again (and logs in again).

        A plain backup of a real clinic (not the demo) comes back encrypted: with the current
        database's key when it has one, else with a new key (wrapped by ``passphrase`` when
        given; required where there is no keyring), whose recovery key the report carries."""
        self.require(Permission.BACKUPS)
        source = Path(path)
        db_path = self._db_path()
        total = 4
        with tempfile.TemporaryDirectory(prefix="emdia-restore-") as tmp:
            manifest, keyfile, copy = _extract(source, Path(tmp))
            if progress:
                progress(1, total)
            report = self._check_copy(source, manifest, keyfile, copy, self.ctx.key, secret)
            if not report.ok:
                raise DatabaseError(
                    "Este backup não passou na verificação e não foi restaurado: "
                    + "; ".join(report.problems)
                    + ". O banco atual não foi alterado."
                )
            backup_key = _backup_key(keyfile, self.ctx.key, secret) if report.encrypted else None
            seal_key = None if backup_key is not None else self._key_for_plain(copy, passphrase)
            if progress:
                progress(2, total)
            log_before = self._log_before_restore()
            self.ctx.release()
            self._set_aside(db_path)
            staged = db_path.with_name(db_path.name + ".restaurando")
            try:
                if seal_key is not None:
                    staged.unlink(missing_ok=True)
                    sqlite_files.export_encrypted(copy, staged, seal_key)
                else:
                    shutil.copyfile(copy, staged)
                self._record_restore(staged, backup_key or seal_key, source, report, log_before)
                sqlite_files.replace_database(staged, db_path)
            except OSError as exc:
                staged.unlink(missing_ok=True)
                raise DatabaseError(
                    f"Não foi possível substituir o banco de dados ({exc.strerror or exc}). "
                    "Feche as outras janelas do EmDia (também em outros computadores) e verifique "
                    "o espaço livre; o banco atual não foi alterado."
                ) from exc
            if progress:
                progress(3, total)
            if backup_key is not None:
                restored_keyfile = keyfile or KeyFile.new(backup_key)
                restored_keyfile.save(key_file_path(db_path))
                keystore.store_key(restored_keyfile.db_id, backup_key)
            if seal_key is not None and seal_key is not self.ctx.key:
                new_keyfile = KeyFile.new(seal_key, passphrase or None)
                new_keyfile.save(key_file_path(db_path))
                keystore.store_key(new_keyfile.db_id, seal_key)
                report = replace(report, encrypted=True, recovery_code=seal_key.recovery_code())
        restored_key = backup_key or seal_key  # the key the restored database opens with
        self._restore_documents(source, manifest, restored_key)
        log.info("database %s restored from %s", db_path, source)
        if progress:
            progress(4, total)
        return report

    def _log_before_restore(self) -> dict[str, Any]:
        """How far the audit log of the database being replaced went (it may be damaged: then
        nothing is known)."""
        try:
            with self.uow() as uow:
                lines = uow.audit.search(AuditQuery(), 0, 1)
                return {
                    "log_entries": uow.audit.count(AuditQuery()),
                    "log_last_id": lines[0].id if lines else None,
                }
        except Exception:  # a damaged database is what restores are for: say nothing of it
            log.warning("audit log of the replaced database unreadable", exc_info=True)
            return {"log_entries": None, "log_last_id": None}

    def _record_restore(
        self,
        staged: Path,
        key: DataKey | None,
        source: Path,
        report: BackupReport,
        log_before: dict[str, Any],
    ) -> None:
        """Write the restore into the restored database's own audit log before it takes the
        place of the current one: what was restored, from which backup, by whom, and how far
        the replaced log went — a restore never rolls the log back silently. The copy is
        brought to the current schema first (a backup from an older EmDia)."""
        who = Actor(self.actor.username)  # user ids of the restored database may differ
        after = {"file": source.name, "backup_created_at": report.created_at}
        after["backup_kind"] = report.kind
        at = as_utc(self.wall_clock.now())
        row = audit_row(at, who, "backup.restore", "database", None, log_before, after)
        with Database.open(url_for(str(staged)), key) as database:
            if not database.schema_state().at_head:
                database.upgrade_to_head()
            database.append_audit(row)

    def _key_for_plain(self, copy: Path, passphrase: str | None) -> DataKey | None:
        """The key a plain backup is restored under: ``None`` for the demo clinic (fictitious
        people), the current database's key, or a new one."""
        with sqlite_files.opened(copy, None, readonly=True) as conn:
            row = conn.execute("SELECT is_demo FROM clinic LIMIT 1").fetchone()
        if row is not None and row[0]:
            return None
        if self.ctx.key is not None:
            return self.ctx.key
        unlock.check_new_passphrase(passphrase, None)
        return DataKey.generate()

    def _restore_documents(
        self, source: Path, manifest: dict[str, Any], key: DataKey | None
    ) -> None:
        """Every archived document the backup lists, back in this PC's ``documentos/`` (a
        restore on a new computer brings the archive with the database)."""
        entries = _entries(manifest)
        store = store_folder(source.parent, _stem_of(source))
        failed = restore_documents(entries, store, self.ctx.config.documents_dir, key)
        if failed:
            log.warning("%d archived document(s) not found in %s", len(failed), store)

    def _set_aside(self, db_path: Path) -> None:
        """Raw copy of the current file (and its WAL): works even if the file is damaged."""
        if not db_path.exists():
            return
        folder = self.ctx.config.backup_dir
        folder.mkdir(parents=True, exist_ok=True)
        stamp = self.wall_clock.now().strftime("%Y%m%d-%H%M%S")
        aside = folder / f"{db_path.stem}-antes-de-restaurar-{stamp}{db_path.suffix}"
        shutil.copyfile(db_path, aside)
        wal = Path(str(db_path) + "-wal")
        if wal.exists():
            shutil.copyfile(wal, Path(str(aside) + "-wal"))
        keyfile = key_file_path(db_path)
        if keyfile.exists():
            shutil.copyfile(keyfile, key_file_path(aside))


def _stem_of(backup: Path) -> str:
    """The database name a backup file belongs to (``emdia`` of ``emdia-2026…-manual…``)."""
    match = _NAME.match(backup.name)
    return match["stem"] if match else backup.stem


def _entries(manifest: dict[str, Any]) -> list[ArchivedEntry]:
    """The archived documents a manifest lists (none for backups made before they were)."""
    try:
        return [ArchivedEntry.from_dict(d) for d in manifest.get("documents", [])]
    except (KeyError, TypeError, ValueError):
        return []


def _document_warnings(
    manifest: dict[str, Any], entries: list[ArchivedEntry], backup: Path
) -> list[str]:
    """What a restore of ``backup`` would not bring back of the archive, in pt-BR."""
    warnings = []
    missing = manifest.get("documents_missing") or []
    if missing:
        warnings.append(
            f"{len(missing)} documento(s) arquivado(s) já estava(m) ausente(s) ou alterado(s) "
            "quando o backup foi feito e não está(ão) nele"
        )
    store = store_folder(backup.parent, _stem_of(backup))
    absent = absent_from_store(entries, store)
    if absent:
        warnings.append(
            f"{len(absent)} documento(s) arquivado(s) não está(ão) na pasta {store.name} ao lado "
            "do backup — copie a pasta inteira dos backups, não só o arquivo .emdiabak"
        )
    return warnings


def _extract(path: Path, tmp: Path) -> tuple[dict[str, Any], KeyFile | None, Path]:
    not_backup = (
        f"{path.name} não é um backup do EmDia ou está danificado (não abre como arquivo "
        ".emdiabak). Escolha outro arquivo de backup."
    )
    if not path.is_file():
        raise ValidationError.single("file", f"Backup: o arquivo {path} não existe.")
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = json.loads(zf.read(_MANIFEST_MEMBER))
            if manifest.get("format") != "emdia-backup":
                raise DatabaseError(not_backup)
            keyfile = None
            if _KEY_MEMBER in zf.namelist():
                keyfile = KeyFile.from_json(zf.read(_KEY_MEMBER).decode("utf-8"))
            zf.extract(_DB_MEMBER, tmp)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise DatabaseError(not_backup) from exc
    return manifest, keyfile, tmp / _DB_MEMBER


def _backup_key(keyfile: KeyFile | None, key: DataKey | None, secret: str | None) -> DataKey:
    """The key of an encrypted backup: this database's key if it is the same clinic, the
    frase-senha/recovery code typed, or this computer's keyring."""
    if key is not None and (keyfile is None or keyfile.matches(key)):
        return key
    if secret:
        found = key_from_secret(secret, keyfile)
        if found is not None:
            return found
    if keyfile is not None:
        stored = keystore.load_key(keyfile.db_id)
        if stored is not None and keyfile.matches(stored):
            return stored
    raise KeyRequired(
        "Este backup é criptografado com outra chave. Informe a frase-senha ou a chave de "
        "recuperação da clínica que o gerou (EMDIA_PASSPHRASE na linha de comando)."
    )
