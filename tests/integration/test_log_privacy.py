"""The log never holds personal data or secrets: a database error used to write the SQL
parameters of the failed statement — name, CPF, phone, e-mail, the argon2 hash of a password —
into ``emdia.log``, a file people send to support."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from app.logging_setup import scrub
from app.persistence.db import make_engine
from tests.integration.test_cli import run
from tests.pg import PgServer

NAME, CPF, PHONE, EMAIL = "Ana Conceição Lima", "52998224725", "19987654321", "ana@exemplo.com.br"
PASSWORD = "senha-do-admin-1"
PATIENT = ("patient", "add", "--name", NAME, "--cpf", CPF, "--phone", PHONE, "--email", EMAIL)
USER = ("user", "add", "--username", "ana.lima", "--full-name", NAME, "--role", "admin")

_SQLITE_TRAP = """
CREATE TRIGGER falha_forcada_{table} BEFORE INSERT ON {table}
BEGIN SELECT RAISE(ABORT, 'falha forçada'); END
"""
_PG_TRAP = """
CREATE OR REPLACE FUNCTION falha_forcada() RETURNS trigger AS $$
BEGIN
    -- As PostgreSQL's own errors do ("Failing row contains (…)"): the row, hash included.
    RAISE EXCEPTION 'falha forçada' USING DETAIL = 'Failing row contains ' || NEW::text;
END $$ LANGUAGE plpgsql;
"""


def log_text(home: Path) -> str:
    return (home / "logs" / "emdia.log").read_text(encoding="utf-8")


def assert_private(log: str) -> None:
    assert "falha forçada" in log and "Traceback" in log  # the error itself is there…
    for secret in (NAME, CPF, "529.982.247-25", PHONE, EMAIL, PASSWORD, "$argon2"):
        assert secret not in log, secret  # …its data is not


@pytest.fixture
def pg_db(pg_server: PgServer) -> Iterator[str]:
    url = pg_server.fresh_database()
    yield url
    pg_server.drop(url)


def trap_sqlite(db: Path) -> None:
    engine = make_engine("sqlite:///" + db.as_posix())
    with engine.begin() as conn:
        for table in ("patient", "app_user"):
            conn.execute(text(_SQLITE_TRAP.format(table=table)))
    engine.dispose()


def test_a_failed_insert_on_sqlite_logs_the_error_without_its_values(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    emdia_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = tmp_path / "plain.db"
    code, _, err = run(capsys, "--db", str(db), "demo", "--patients", "2")
    assert code == 0, err  # the demo is plain: the test can add a trigger to it
    trap_sqlite(db)
    monkeypatch.setenv("EMDIA_USER", "admin")
    monkeypatch.setenv("EMDIA_PASSWORD", "demo")
    monkeypatch.setenv("EMDIA_NEW_PASSWORD", PASSWORD)
    for command in (PATIENT, USER):
        code, _, err = run(capsys, "--db", str(db), *command)
        assert code == 3, err
        assert NAME not in err and CPF not in err
    assert_private(log_text(emdia_home))


@pytest.mark.postgres
def test_a_postgresql_error_logs_no_name_cpf_phone_email_or_hash(
    capsys: pytest.CaptureFixture[str],
    pg_db: str,
    emdia_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = make_engine(pg_db)
    with engine.begin() as conn:
        conn.execute(text(_PG_TRAP))
        for table in ("patient", "app_user"):
            conn.execute(
                text(
                    f"CREATE TRIGGER falha_forcada BEFORE INSERT ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION falha_forcada()"
                )
            )
    engine.dispose()
    monkeypatch.setenv("EMDIA_NEW_PASSWORD", PASSWORD)
    for command in (USER, PATIENT):  # no user yet: set-up mode, then still none
        code, _, err = run(capsys, "--db", pg_db, *command)
        assert code == 3, err
    assert_private(log_text(emdia_home))


def test_scrub_hides_what_a_driver_message_can_carry() -> None:
    message = (
        "(psycopg.errors.UniqueViolation) duplicate key value violates unique constraint\n"
        "DETAIL:  Key (cpf)=(52998224725) already exists.\n"
        "[SQL: INSERT INTO patient (name, cpf) VALUES (%(name)s, %(cpf)s)]\n"
        "[parameters: {'name': 'Ana Lima', 'cpf': '52998224725', 'phone': '5519987654321', "
        "'email': 'ana@exemplo.com.br', "
        "'password_hash': '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA'}]\n"
        "2026-03-16 10:00:00,123 INFO emdia [4242]: backup of 529.982.247-25 "
        "CNPJ 11.222.333/0001-81"
    )
    assert scrub(message) == (
        "(psycopg.errors.UniqueViolation) duplicate key value violates unique constraint\n"
        "DETAIL: (oculto)\n"
        "[SQL: INSERT INTO patient (name, cpf) VALUES (%(name)s, %(cpf)s)]\n"
        "[parameters: (oculto)]\n"
        "2026-03-16 10:00:00,123 INFO emdia [4242]: backup of (oculto) CNPJ (oculto)"
    )
