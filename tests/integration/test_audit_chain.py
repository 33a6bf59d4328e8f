"""An audit log that shows tampering: each line sealed with a hash chained to the one before,
the database refusing UPDATE, DELETE and REPLACE, ``self-check`` and Auditoria saying where the
chain or the protection breaks, and a restore written into the log it brings back."""

from __future__ import annotations

import json
import multiprocessing
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app import cli
from app.bootstrap import Services, bootstrap
from app.domain.audit import local_time
from app.domain.patients import PatientForm
from app.persistence.databases import Database
from app.persistence.db import make_engine
from app.persistence.migrate import upgrade_to_head
from app.services.audit import AuditQuery
from tests.conftest import STAFF_PASSWORD
from tests.integration.payer import log_contacts

REFUSED = "somente inclusão"


def fine_changes(services: Services, count: int) -> None:
    """``count`` audited changes of the clinic's multa (0,1 %, 0,2 %, …)."""
    for step in range(1, count + 1):
        services.clinic.update({"fine_percent": f"0,{step}"})


def attacker_sql(services: Services, *statements: str) -> None:
    """Someone with the database open in another tool (and the key): raw SQL, no EmDia."""
    with services.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


def drop_protection(services: Services) -> None:
    if services.engine.dialect.name == "postgresql":
        attacker_sql(services, "ALTER TABLE audit_log DISABLE TRIGGER USER")
    else:
        attacker_sql(
            services,
            "DROP TRIGGER audit_log_no_update",
            "DROP TRIGGER audit_log_no_delete",
            "DROP TRIGGER audit_log_no_replace",
        )


def test_replace_cannot_overwrite_a_line(services: Services) -> None:
    fine_changes(services, 2)
    # Line 1 again, sealed as it was, but saying someone else did it.
    columns = "(id, at, username, action, entity, prev_hash, hash)"
    copy = "SELECT id, at, 'ninguem', action, entity, prev_hash, hash FROM audit_log WHERE id = 1"
    statements = [
        f"INSERT INTO audit_log {columns} {copy} "
        "ON CONFLICT (id) DO UPDATE SET username = excluded.username"
    ]
    if services.engine.dialect.name == "sqlite":
        statements += [
            f"INSERT OR REPLACE INTO audit_log {columns} {copy}",
            f"REPLACE INTO audit_log {columns} {copy}",
        ]
    for statement in statements:
        with pytest.raises(DBAPIError, match=REFUSED):
            attacker_sql(services, statement)
    usernames = {e.username for e in services.audit.search()}
    assert usernames == {"configuracao-inicial"}
    assert services.audit.verify().ok


def test_a_fresh_log_is_one_unbroken_chain(services: Services) -> None:
    fine_changes(services, 3)
    report = services.audit.verify()
    assert report.ok and report.entries == 3 and report.problems() == []
    assert report.summary() == (
        "Registro de auditoria íntegro: 3 linhas encadeadas, sem alteração, e a proteção do "
        "banco de dados contra alterar ou apagar linhas está ativa."
    )


def test_the_chain_says_where_a_line_was_changed_or_removed(services: Services) -> None:
    fine_changes(services, 5)
    [third] = [e for e in services.audit.search() if e.id == 3]
    drop_protection(services)
    attacker_sql(
        services,
        "UPDATE audit_log SET username = 'gestor' WHERE id = 3",
        "DELETE FROM audit_log WHERE id = 4",
    )
    report = services.audit.verify()
    assert not report.ok
    assert [(b.entry_id, b.kind) for b in report.breaks] == [(3, "changed"), (5, "gap")]
    when = local_time(third.at)[:10]
    problems = report.problems()
    assert any(f"linha nº 3 ({when}" in p and "alterada" in p for p in problems), problems
    assert any("antes da linha nº 5" in p and "apagada" in p for p in problems), problems
    assert any("proteção" in p for p in problems), problems


def test_a_line_added_by_hand_does_not_verify(services: Services) -> None:
    fine_changes(services, 2)
    [last] = services.audit.search()[:1]
    attacker_sql(
        services,
        "INSERT INTO audit_log (at, username, action, entity, prev_hash, hash) "
        f"VALUES ('2026-03-16 11:00:00', 'gestor', 'payment.add', 'payment', "
        f"(SELECT hash FROM audit_log WHERE id = {last.id}), '{'0' * 64}')",
    )
    report = services.audit.verify()
    assert [(b.entry_id, b.kind) for b in report.breaks] == [(3, "changed")]


def test_a_dropped_trigger_is_noticed(services: Services) -> None:
    fine_changes(services, 1)
    if services.engine.dialect.name == "postgresql":
        attacker_sql(services, "DROP TRIGGER audit_log_append_only ON audit_log")
        missing = "audit_log_append_only"
    else:
        attacker_sql(services, "DROP TRIGGER audit_log_no_update")
        missing = "audit_log_no_update"
    report = services.audit.verify()
    assert not report.ok and report.breaks == ()
    [problem] = report.problems()
    assert missing in problem and "proteção" in problem


@pytest.mark.sqlite_only
def test_self_check_verifies_the_chain_and_the_triggers(
    services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    fine_changes(services, 2)
    db = str(services.config.sqlite_path)
    assert cli.main(["--db", db, "self-check"]) == 0
    out = capsys.readouterr().out
    assert "Auditoria: íntegra (2 linhas encadeadas)" in out and "Tudo certo." in out
    attacker_sql(services, "DROP TRIGGER audit_log_no_update")
    assert cli.main(["--db", db, "self-check", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["healthy"] is False and report["audit_ok"] is False
    assert any("audit_log_no_update" in p for p in report["problems"])
    attacker_sql(services, "UPDATE audit_log SET username = 'x' WHERE id = 1")
    assert cli.main(["--db", db, "self-check"]) == 1
    err = capsys.readouterr().err
    assert "linha nº 1" in err and "alterada" in err


def test_only_who_sees_the_audit_verifies_it(staff: Services) -> None:
    from app.errors import PermissionDenied

    staff.login("recepcao", STAFF_PASSWORD)
    with pytest.raises(PermissionDenied):
        staff.audit.verify()
    staff.login("gestor", STAFF_PASSWORD)
    assert staff.audit.verify().ok


def test_two_pcs_writing_at_once_never_fork_the_chain(services: Services) -> None:
    services.clinic.update({"name": "Clínica Teste Ltda", "state": "SP"})
    patients = [
        services.patients.create(PatientForm(name=name, cpf=cpf)).id
        for name, cpf in (("Maria da Silva", "529.982.247-25"), ("Pedro Souza", "111.444.777-35"))
    ]
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Event(), ctx.Queue()
    url = services.config.db_url
    pcs = [
        ctx.Process(target=log_contacts, args=(url, patient, 15, start, results))
        for patient in patients
    ]
    for pc in pcs:
        pc.start()
    start.set()
    logged = [results.get(timeout=120) for _ in pcs]
    for pc in pcs:
        pc.join(30)
        assert pc.exitcode == 0
    assert logged == [15, 15]
    report = services.audit.verify()
    assert report.ok, report.problems()
    assert report.entries == 1 + 30  # the clinic's name, then every contact
    with services.engine.connect() as conn:
        links = conn.execute(text("SELECT count(DISTINCT prev_hash) FROM audit_log")).scalar()
    assert links == report.entries  # no two lines chained to the same one


@pytest.mark.sqlite_only
def test_a_restore_records_itself_in_the_restored_log(staff: Services, tmp_path: Path) -> None:
    staff.login("admin", STAFF_PASSWORD)
    backup = staff.backups.create(tmp_path / "pendrive").file
    staff.clinic.update({"fine_percent": "1"})  # after the backup: the restore rolls it back
    entries_before = staff.audit.verify().entries
    staff.backups.restore(backup.path)
    reopened = bootstrap(staff.config, staff.clock)
    try:
        reopened.login("admin", STAFF_PASSWORD)
        [restore] = reopened.audit.search(AuditQuery(text="backup.restore"))
        assert restore.username == "admin" and restore.entity == "database"
        assert restore.after is not None and restore.before is not None
        assert restore.after["file"] == backup.path.name
        assert restore.after["backup_created_at"] == "2026-03-16T10:00:00"
        assert restore.before["log_entries"] == entries_before
        assert reopened.audit.search(AuditQuery(text="clinic.update")) == []
        report = reopened.audit.verify()
        assert report.ok, report.problems()
    finally:
        reopened.close()


def _old_log(engine_url: str) -> None:
    """A database at the revision before the chain, with lines written by an older EmDia."""
    from alembic import command

    from app.persistence import migrate

    engine = make_engine(engine_url)
    cfg = migrate.alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
        command.upgrade(cfg, "0004")
        for n in range(3):
            conn.execute(
                text(
                    "INSERT INTO audit_log (at, username, action, entity, entity_id, after) "
                    "VALUES (:at, 'gestor', 'clinic.update', 'clinic', 1, :after)"
                ),
                {"at": datetime(2026, 1, 10 + n, 9, 0), "after": json.dumps({"fine_bp": n})},
            )
    engine.dispose()


def _migrated_log_verifies(url: str) -> None:
    _old_log(url)
    engine = make_engine(url)
    upgrade_to_head(engine)
    engine.dispose()
    with Database.open(url) as database:
        report = database.audit_integrity()
    assert report.ok, report.problems()
    assert report.entries == 3


def test_existing_lines_are_chained_by_the_migration(tmp_path: Path) -> None:
    _migrated_log_verifies("sqlite:///" + (tmp_path / "old.db").as_posix())


@pytest.mark.postgres
def test_existing_lines_are_chained_by_the_migration_on_postgresql(pg_empty_url: str) -> None:
    _migrated_log_verifies(pg_empty_url)
