"""Pull the plug, fill the disk, lose the drive, damage the file: a clear pt-BR message, and
nothing that was saved is lost."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest
from sqlalchemy import event

from app.bootstrap import Services, bootstrap
from app.clock import FixedClock
from app.config import load_config
from app.domain.limits import NOTE
from app.domain.patients import PatientForm
from app.errors import ConflictError, DatabaseError, KeyRequired
from app.security import unlock

# SQLite files, pages and keys; a PostgreSQL server does these itself (tested on SQLite).
pytestmark = pytest.mark.sqlite_only

CPFS = ["529.982.247-25", "111.444.777-35", "390.533.447-05", "453.178.287-91"]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_missing_folder_is_refused_not_created(tmp_path: Path, clock: FixedClock) -> None:
    db = tmp_path / "pendrive-desconectado" / "emdia.db"
    with pytest.raises(DatabaseError, match="pasta do banco de dados não existe"):
        bootstrap(load_config(str(db)), clock)
    assert not db.parent.exists()


def test_read_only_database_says_so_and_keeps_the_data(
    db_path: Path, clock: FixedClock, services: Services
) -> None:
    services.patients.create(PatientForm(name="Maria da Silva", cpf=CPFS[0]))
    services.close()
    with services.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    services.close()
    read_only = load_config(f"sqlite:///file:{db_path.as_posix()}?mode=ro&uri=true")
    ro = bootstrap(read_only, clock)
    try:
        assert ro.patients.count() == 1  # reading still works
        with pytest.raises(DatabaseError, match="somente para leitura"):
            ro.patients.create(PatientForm(name="Pedro Souza", cpf=CPFS[1]))
    finally:
        ro.close()


def test_disk_full_refuses_the_write_and_keeps_what_was_saved(
    services: Services, clock: FixedClock
) -> None:
    services.patients.create(PatientForm(name="Maria da Silva", cpf=CPFS[0]))
    # A full disk: no room to grow the file, and none left inside it either (a migration that
    # rebuilt a table leaves free pages a write would reuse).
    with services.engine.connect() as conn:
        conn.exec_driver_sql("VACUUM")
    services.engine.dispose()

    @event.listens_for(services.engine, "connect")
    def tiny_disk(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    with pytest.raises(DatabaseError, match=r"disco .* está cheio"):
        # The longest notes a patient may have need more pages than the disk has left.
        services.patients.create(PatientForm(name="Pedro Souza", cpf=CPFS[1], notes="x" * NOTE))
    event.remove(services.engine, "connect", tiny_disk)
    services.engine.dispose()
    assert [p.name for p in services.patients.search("")] == ["Maria da Silva"]


def _fill_and_damage(services: Services, db: Path, start: int, garbage: bytes) -> str:
    for i, cpf in enumerate(CPFS):
        services.patients.create(PatientForm(name=f"Paciente {i}", cpf=cpf, notes="n" * 3000))
    with services.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    services.close()
    data = bytearray(db.read_bytes())
    data[start : start + len(garbage)] = garbage
    db.write_bytes(bytes(data))
    return _digest(db)


def _open_and_read(db: Path, clock: FixedClock, key: object = None) -> None:
    services = bootstrap(load_config(str(db)), clock, key=key)  # type: ignore[arg-type]
    try:
        services.patients.search("")
    finally:
        services.close()


def test_damaged_plain_file_gives_a_clear_message_and_stays_untouched(
    services: Services, db_path: Path, clock: FixedClock
) -> None:
    before = _fill_and_damage(services, db_path, 4096, b"\xff" * 4096 * 8)
    with pytest.raises(DatabaseError, match="danificado"):
        _open_and_read(db_path, clock)
    assert _digest(db_path) == before


def test_damaged_header_is_not_mistaken_for_a_new_clinic(db_path: Path, clock: FixedClock) -> None:
    data = bytearray(db_path.read_bytes())
    data[0:16] = b"garbage-garbage!"
    db_path.write_bytes(bytes(data))
    before = _digest(db_path)
    with pytest.raises(KeyRequired, match="danificado"):
        bootstrap(load_config(str(db_path)), clock)
    assert _digest(db_path) == before


def test_damaged_encrypted_file_with_the_right_key(tmp_path: Path, clock: FixedClock) -> None:
    db = tmp_path / "emdia.db"
    key = unlock.new_protection(db, None)
    services = bootstrap(load_config(str(db)), clock, key=key)
    before = _fill_and_damage(services, db, 4096 * 4, b"\x00" * 100)
    with pytest.raises(DatabaseError, match="danificado"):
        _open_and_read(db, clock, key)
    assert _digest(db) == before


def test_database_from_a_newer_emdia_is_refused(db_path: Path, clock: FixedClock) -> None:
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    with pytest.raises(DatabaseError, match="versão mais nova"):
        bootstrap(load_config(str(db_path)), clock)


def test_two_instances_on_one_file_work_safely(tmp_path: Path, clock: FixedClock) -> None:
    """WAL + busy_timeout: both windows write; optimistic locking refuses a stale form."""
    db = tmp_path / "emdia.db"
    key = unlock.new_protection(db, None)
    first = bootstrap(load_config(str(db)), clock, key=key)
    second = bootstrap(load_config(str(db)), clock, key=key)
    errors: list[BaseException] = []

    def register(services: Services, names: list[tuple[str, str]]) -> None:
        try:
            for name, cpf in names:
                services.patients.create(PatientForm(name=name, cpf=cpf))
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=register, args=(first, [("Ana A", CPFS[0]), ("Bia B", CPFS[1])])),
        threading.Thread(
            target=register, args=(second, [("Caio C", CPFS[2]), ("Davi D", CPFS[3])])
        ),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert first.patients.count() == second.patients.count() == 4

    ana = first.patients.search("ana")[0]
    opened_here = first.patients.get(ana.id)
    opened_there = second.patients.get(ana.id)
    second.patients.update(
        ana.id, PatientForm(name="Ana Alterada", cpf=CPFS[0]), opened_there.version
    )
    with pytest.raises(ConflictError, match="alterou este registro"):
        first.patients.update(
            ana.id, PatientForm(name="Ana Velha", cpf=CPFS[0]), opened_here.version
        )
    assert first.patients.get(ana.id).name == "Ana Alterada"
    first.close()
    second.close()
