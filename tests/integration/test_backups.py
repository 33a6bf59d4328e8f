"""Forget to back up and still have last night's verified copy."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.bootstrap import Services, bootstrap
from app.clock import FixedClock
from app.config import Config, load_config
from app.domain.patients import PatientForm
from app.errors import DatabaseError, KeyRequired, ValidationError
from app.security import unlock
from app.services.backup import BackupResult, BackupService, list_backups
from tests.memory_keyring import MemoryKeyring

# SQLite files, pages and keys; a PostgreSQL server does these itself (tested on SQLite).
pytestmark = pytest.mark.sqlite_only

MARIA = PatientForm(name="Maria da Silva", cpf="529.982.247-25")
PEDRO = PatientForm(name="Pedro Souza", cpf="111.444.777-35")


@pytest.fixture
def encrypted(tmp_path: Path, clock: FixedClock) -> Services:
    db = tmp_path / "clinica" / "emdia.db"
    db.parent.mkdir()
    key = unlock.new_protection(db, "frase secreta da clínica")
    services = bootstrap(load_config(str(db)), clock, key=key)
    services.patients.create(MARIA)
    return services


def test_backup_is_verified_encrypted_and_previews_its_content(
    encrypted: Services, tmp_path: Path
) -> None:
    result = encrypted.backups.create(tmp_path / "pendrive")
    assert result.file.path.name.startswith("emdia-20260316-100000-manual")
    assert result.report.ok and result.report.encrypted
    assert result.report.counts["patient"] == 1
    with zipfile.ZipFile(result.file.path) as zf:
        assert set(zf.namelist()) == {"manifest.json", "emdia.db", "chave.json"}
        db_bytes = zf.read("emdia.db")
    assert not db_bytes.startswith(b"SQLite format 3") and b"Maria da Silva" not in db_bytes
    preview = encrypted.backups.verify(result.file.path)
    assert preview.ok and preview.counts["patient"] == 1


def test_restore_round_trip_brings_back_the_old_data(
    encrypted: Services, tmp_path: Path, clock: FixedClock
) -> None:
    backup = encrypted.backups.create(tmp_path / "bk").file.path
    encrypted.patients.create(PEDRO)
    assert encrypted.patients.count() == 2
    report = encrypted.backups.restore(backup)
    assert report.counts["patient"] == 1
    config = encrypted.config
    path = config.sqlite_path
    assert path is not None
    reopened = bootstrap(config, clock, key=unlock.resolve_key(path, use_env=False))
    assert [p.name for p in reopened.patients.search("")] == ["Maria da Silva"]
    reopened.close()
    aside = list(config.backup_dir.glob("emdia-antes-de-restaurar-*.db"))
    assert len(aside) == 1  # the replaced database was kept


def test_restore_on_a_new_computer_with_the_recovery_key(
    encrypted: Services,
    tmp_path: Path,
    clock: FixedClock,
    memory_keyring: MemoryKeyring,
) -> None:
    path = encrypted.config.sqlite_path
    assert path is not None
    code = encrypted.key.recovery_code() if encrypted.key else ""
    backup = encrypted.backups.create(tmp_path / "bk").file.path
    encrypted.close()
    memory_keyring.entries.clear()  # another PC: no keyring entry, no key file

    new_db = tmp_path / "novo-pc" / "emdia.db"
    new_db.parent.mkdir()
    fresh = bootstrap(load_config(str(new_db)), clock)  # a new, empty (set-up mode) database
    with pytest.raises(KeyRequired, match="outra chave"):
        fresh.backups.verify(backup)
    fresh.backups.restore(backup, code)
    reopened = bootstrap(fresh.config, clock, key=unlock.resolve_key(new_db, use_env=False))
    assert reopened.patients.count() == 1  # the keyring remembered the restored key
    reopened.close()


def test_a_damaged_backup_is_refused_and_the_database_untouched(
    encrypted: Services, tmp_path: Path
) -> None:
    backup = encrypted.backups.create(tmp_path / "bk").file.path
    data = bytearray(backup.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(64)
    backup.write_bytes(bytes(data))
    with pytest.raises(DatabaseError, match="danificado"):
        encrypted.backups.verify(backup)
    with pytest.raises(DatabaseError, match="danificado"):
        encrypted.backups.restore(backup)
    assert encrypted.patients.count() == 1


def test_not_a_backup_file_is_refused_in_portuguese(services: Services, tmp_path: Path) -> None:
    bogus = tmp_path / "foto.emdiabak"
    bogus.write_bytes(b"JPEG...")
    with pytest.raises(DatabaseError, match="não é um backup do EmDia"):
        services.backups.verify(bogus)
    with pytest.raises(ValidationError, match="não existe"):
        services.backups.verify(tmp_path / "sumiu.emdiabak")


def test_automatic_backups_rotate_but_manual_ones_stay(services: Services, tmp_path: Path) -> None:
    folder = tmp_path / "bk"
    services.backups.set_folder(str(folder))
    stem = "emdia-test"
    start = datetime(2026, 3, 16, 8, 0)
    for day in range(30):  # a month of old daily backups (empty placeholders are fine)
        stamp = start - timedelta(days=day + 1)
        (folder / f"{stem}-{stamp:%Y%m%d-%H%M%S}-diario.emdiabak").write_bytes(b"old")
    (folder / f"{stem}-20250101-120000-manual.emdiabak").write_bytes(b"manual")
    result = services.backups.create_automatic("inicio")
    assert result.report.ok
    # Newest first: today's new backup (Monday 16/03, ISO week 12) and 15/03…10/03 are the
    # 7 days; 08/03 and 01/03 (Sundays) the newest of ISO weeks 10 and 9, weeks 12 and 11
    # being kept already; 28/02 the newest of February, March being kept already. The other
    # 21 daily files (09/03…02/03 and 27/02…14/02) go; the manual backup is never rotated.
    kept = list_backups(folder, stem)
    assert [(b.created_at.strftime("%d/%m/%Y"), b.kind) for b in kept] == [
        ("16/03/2026", "inicio"),
        *((f"{d:02d}/03/2026", "diario") for d in (15, 14, 13, 12, 11, 10, 8, 1)),
        ("28/02/2026", "diario"),
        ("01/01/2025", "manual"),
    ]
    assert len(result.removed) == 21
    assert not (set(result.removed) & {b.path for b in kept})


def test_unavailable_backup_folder_falls_back_to_the_data_folder(
    services: Services, tmp_path: Path
) -> None:
    usb = tmp_path / "pendrive"
    services.backups.set_folder(str(usb))
    usb.rmdir()
    usb.write_text("not a folder any more")  # the drive letter now points elsewhere
    result = services.backups.create_automatic("fechamento")
    assert result.fallback_reason and "Pasta de backup" in result.fallback_reason
    assert result.file.path.parent == services.config.backup_dir


def test_daily_backup_is_due_once_a_day(services: Services) -> None:
    assert services.backups.due_today()
    services.backups.create_automatic("diario")
    assert not services.backups.due_today()


def test_disk_full_while_writing_a_backup_keeps_the_old_ones(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "bk"
    first = services.backups.create(folder).file.path

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "write", full)
    with pytest.raises(DatabaseError, match="espaço livre"):
        services.backups.create(folder)
    assert [p.name for p in folder.iterdir()] == [first.name]  # no partial file left


class SettableClock:
    """The computer's clock, moved by the test."""

    def __init__(self, now: datetime) -> None:
        self.moment = now

    def today(self) -> date:
        return self.moment.date()

    def now(self) -> datetime:
        return self.moment


def test_the_closing_backup_made_while_the_start_backup_finishes_removes_neither_under_it(
    config: Config, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window closed a few seconds after it opened: the closing backup is written, checked
    and rotated while the start backup is still checking its own file. The rotation keeps one
    automatic backup a day, and the closing one is the newer: it must not take the start
    backup's file away while that backup is being made (which reported a file that was gone as
    an unexpected error at every such close)."""
    wall = SettableClock(datetime(2026, 3, 16, 10, 0, 0))
    services = bootstrap(config, clock, wall_clock=wall)
    try:
        services.backups.set_folder(str(tmp_path / "bk"))
        verify = BackupService._verify
        closing: list[BackupResult] = []
        checks: list[Path] = []

        def start_backup_checking(self: BackupService, path: Path, *args: Any) -> Any:
            checks.append(path)
            if len(checks) == 1:  # the start backup's check: meanwhile the window closes
                wall.moment += timedelta(seconds=5)
                closing.append(services.backups.create_automatic("fechamento"))
            return verify(self, path, *args)

        monkeypatch.setattr(BackupService, "_verify", start_backup_checking)
        start = services.backups.create_automatic("inicio")
        monkeypatch.undo()

        for result in (start, closing[0]):
            assert result.report.ok and result.file.path.is_file()
            assert result.file.size == result.file.path.stat().st_size
        # The day's older automatic backup goes at the next rotation, when nothing is being made.
        wall.moment += timedelta(minutes=1)
        later = services.backups.create_automatic("diario")
        stem = later.file.path.name.split("-2026")[0]
        assert [b.kind for b in list_backups(tmp_path / "bk", stem)] == ["diario"]
    finally:
        services.close()
