"""Schema changes only through Alembic; the models and the migrations never drift apart."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from app.errors import DatabaseError
from app.persistence import migrate
from app.persistence.db import make_engine
from app.persistence.models import Base

NOW = datetime(2026, 3, 16, 10, 0)


def test_fresh_database_is_created_at_head(tmp_path: Path) -> None:
    db = tmp_path / "sub" / "new.db"
    engine = make_engine("sqlite:///" + db.as_posix())
    report = migrate.prepare_database(engine, sqlite_path=db, backup_dir=tmp_path / "bk", now=NOW)
    assert report.previous is None and report.migrated
    assert report.backup is None  # nothing to lose yet
    assert migrate.schema_state(engine).at_head
    engine.dispose()


def test_models_match_the_migrations(db_path: Path) -> None:
    engine = make_engine("sqlite:///" + db_path.as_posix())
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    engine.dispose()
    assert diff == [], f"models.py changed without a migration: {diff}"


def test_prepare_is_idempotent_at_head(db_path: Path, tmp_path: Path) -> None:
    engine = make_engine("sqlite:///" + db_path.as_posix())
    report = migrate.prepare_database(
        engine, sqlite_path=db_path, backup_dir=tmp_path / "bk", now=NOW
    )
    assert not report.migrated and report.backup is None
    engine.dispose()


def test_pending_migration_backs_the_file_up_first(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine("sqlite:///" + db_path.as_posix())
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO clinic (legal_name, trade_name, cro, address, city, state, zip_code, "
                "phone, email, pix_key, pix_merchant_name, pix_merchant_city, logo_path, fine_bp, "
                "interest_monthly_bp, correction_index, punctuality_discount_bp, "
                "discount_approval_limit_bp, contact_windows, min_days_between_contacts, "
                "credit_check_above_cents, is_demo, version, created_at, updated_at) VALUES "
                "('Clínica Antes', '', '', '', '', '', '', '', '', '', '', '', '', 200, 100, "
                "'none', 0, 1000, '{}', 2, 0, 0, 1, '2026-01-01', '2026-01-01')"
            )
        )
    calls: list[str] = []
    monkeypatch.setattr(
        migrate, "schema_state", lambda _e: migrate.SchemaState(current="0001", head="0002")
    )
    monkeypatch.setattr(migrate, "_known_revisions", lambda: {"0001", "0002"})
    monkeypatch.setattr(migrate, "upgrade_to_head", lambda _e: calls.append("upgrade"))
    report = migrate.prepare_database(
        engine, sqlite_path=db_path, backup_dir=tmp_path / "bk", now=NOW
    )
    engine.dispose()
    assert calls == ["upgrade"]
    assert report.backup is not None and report.backup.exists()
    assert report.backup.name == "emdia-test-antes-de-0002-20260316-100000.db"
    with sqlite3.connect(report.backup) as copy:
        assert copy.execute("SELECT legal_name FROM clinic").fetchone() == ("Clínica Antes",)


def test_database_from_a_newer_emdia_is_refused_untouched(db_path: Path, tmp_path: Path) -> None:
    engine = make_engine("sqlite:///" + db_path.as_posix())
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    with pytest.raises(DatabaseError, match="versão mais nova"):
        migrate.prepare_database(engine, sqlite_path=db_path, backup_dir=tmp_path / "bk", now=NOW)
    with engine.connect() as conn:
        assert (
            conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999_future"
        )
    engine.dispose()


def test_sqlite_pragmas_are_set(db_path: Path) -> None:
    engine = make_engine("sqlite:///" + db_path.as_posix())
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        # 64 MiB of decoded pages per connection (SQLite's default keeps 2 MiB).
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -65_536
    engine.dispose()


def test_downgrade_to_base_and_back(tmp_path: Path) -> None:
    from alembic import command

    db = tmp_path / "roundtrip.db"
    engine = make_engine("sqlite:///" + db.as_posix())
    migrate.upgrade_to_head(engine)
    cfg = migrate.alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert migrate.current_revision(engine) is None
    migrate.upgrade_to_head(engine)
    assert migrate.schema_state(engine).at_head
    engine.dispose()


@pytest.mark.postgres
def test_same_migrations_run_on_postgresql(pg_empty_url: str) -> None:
    from alembic import command

    engine = make_engine(pg_empty_url)
    cfg = migrate.alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    migrate.upgrade_to_head(engine)
    assert migrate.schema_state(engine).at_head
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    assert diff == []
    _audit_log_is_append_only(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    engine.dispose()


def test_head_from_the_scripts_is_alembics_head() -> None:
    # Start-up reads the head without Alembic (fast); it must be Alembic's answer.
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert migrate.head_revision() == script.get_current_head()


def test_file_names_number_the_migrations_in_the_order_they_run() -> None:
    # Revision ids are kept as released (databases store them), so the order must come from the
    # file names: sorted by their number they follow the down_revision chain from the first one.
    # (0004_… and 0005_… hold the revisions '0006' and '0004'; the next file is 0007_…, whose
    # revision id is its number again.)
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config())
    chain = [Path(rev.path).name for rev in reversed(list(script.walk_revisions()))]
    files = sorted(path.name for path in migrate.VERSIONS_DIR.glob("[0-9]*.py"))
    assert chain == files
    numbers = [name[:4] for name in files]
    assert all(n.isdigit() and name[4] == "_" for n, name in zip(numbers, files, strict=True))
    assert len(set(numbers)) == len(numbers)


def test_opening_a_database_at_head_does_not_load_alembic(db_path: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys; from datetime import datetime; from pathlib import Path;"
        "from app.persistence.db import make_engine; from app.persistence import migrate;"
        "e = make_engine('sqlite:///' + sys.argv[1]);"
        "r = migrate.prepare_database(e, sqlite_path=Path(sys.argv[1]),"
        " backup_dir=Path(sys.argv[2]), now=datetime(2026, 3, 16));"
        "assert not r.migrated; print('alembic' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(db_path), str(tmp_path / "bk")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "False"


def _audit_log_is_append_only(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_log (at, username, action, entity, prev_hash, hash) "
                "VALUES ('2026-03-16 10:00', 'gestor', 'clinic.update', 'clinic', '', '')"
            )
        )
    for statement in (
        "UPDATE audit_log SET username = 'outro'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ):
        with pytest.raises(DBAPIError, match="somente inclusão"), engine.begin() as conn:
            conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT username FROM audit_log")).scalar() == "gestor"
