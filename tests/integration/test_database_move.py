"""Moving a clinic to the clinic's PostgreSQL server (Configurações → Banco de dados, `emdia db`)
and back to a file: every row, the same ids, sequences right, and the same money on both sides."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from sqlalchemy import select

from app import cli
from app.bootstrap import Services, bootstrap
from app.config import load_config
from app.domain.patients import PatientForm
from app.errors import EmDiaError, ValidationError
from app.persistence import models
from app.progress import Cancelled
from app.security import keystore
from app.services.database import CopyRefused, server_url
from tests.memory_keyring import MemoryKeyring
from tests.pg import PgServer


@pytest.fixture
def other_side(db_backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """An empty database on the other kind of engine: a server for a SQLite clinic, a new
    local file for a clinic on the server (the way back)."""
    if db_backend == "postgresql":
        return "sqlite:///" + (tmp_path / "de-volta.db").as_posix()
    server: PgServer = request.getfixturevalue("pg_server")
    url = server.empty_database()
    request.addfinalizer(lambda: server.drop(url))
    return url


def test_the_whole_clinic_moves_with_its_ids_and_money(
    demo_services: Services, other_side: str
) -> None:
    source = demo_services
    seen: list[tuple[int, int]] = []
    report = source.database.copy_to(other_side, progress=lambda d, t: seen.append((d, t)))
    assert report.counts["patient"] == source.patients.count()
    assert seen[-1][0] == seen[-1][1] == report.rows
    moved = bootstrap(load_config(other_side), source.clock)
    moved.login("admin", "demo")  # the demo's users moved too
    try:
        assert moved.database.info().tables == report.counts
        for summary in source.contracts.search("", 0, 40):
            assert moved.contracts.get(summary.id) == source.contracts.get(summary.id)
        assert moved.patients.search("", 0, 50) == source.patients.search("", 0, 50)
        # The demo has estornos: each link survives in both directions (the original points at
        # its counter-entry and the counter-entry back at it), exactly as in the source.
        assert links(moved) == links(source) and links(source)
        assert all(back == original for original, _, back in links(moved))
        before = max(p.id for p in moved.patients.search("", 0, 10_000))
        new = moved.patients.create(PatientForm(name="Paciente Depois", cpf="529.982.247-25"))
        assert new.id == before + 1
    finally:
        moved.close()


def test_the_longest_text_every_field_accepts_moves_between_engines(
    services: Services, other_side: str
) -> None:
    """SQLite keeps any length; PostgreSQL refuses what does not fit its varchar. Inputs are
    bounded by the columns, so whatever one engine accepted the other holds too."""
    from app.domain import limits
    from app.domain.patients import TEXT_LENGTHS

    services.clinic.update(
        {
            "name": "C" * limits.COLUMNS["clinic.legal_name"],
            "address": "R" * limits.COLUMNS["clinic.address"],
            "city": "x" * limits.COLUMNS["clinic.city"],
            "cro": "9" * limits.COLUMNS["clinic.cro"],
        }
    )
    longest = PatientForm(
        name="Ana " + "L" * (TEXT_LENGTHS["name"] - 4),
        cpf="529.982.247-25",
        street="R" * TEXT_LENGTHS["street"],
        number="1" * TEXT_LENGTHS["number"],
        complement="c" * TEXT_LENGTHS["complement"],
        district="d" * TEXT_LENGTHS["district"],
        city="x" * TEXT_LENGTHS["city"],
        notes="n" * TEXT_LENGTHS["notes"],
    )
    services.patients.create(longest)
    report = services.database.copy_to(other_side)
    assert report.counts["patient"] == 1 and report.counts["clinic"] == 1


def links(services: Services) -> list[tuple[int, int, int | None]]:
    """(payment, its estorno, what the estorno says it reverses) for every reversed payment."""
    payment = models.Payment.__table__
    estorno = payment.alias("estorno")
    query = (
        select(payment.c.id, estorno.c.id, estorno.c.reverses_payment_id)
        .join(estorno, estorno.c.id == payment.c.reversed_by_id)
        .order_by(payment.c.id)
    )
    with services.engine.connect() as conn:
        return [(a, b, c) for a, b, c in conn.execute(query)]


def test_copy_goes_only_into_an_empty_database(demo_services: Services, other_side: str) -> None:
    demo_services.database.copy_to(other_side)
    with pytest.raises(CopyRefused, match="já tem dados"):
        demo_services.database.copy_to(other_side)


def test_a_cancelled_copy_leaves_the_target_empty(demo_services: Services, other_side: str) -> None:
    seen: list[int] = []
    with pytest.raises(Cancelled) as caught:
        demo_services.database.copy_to(
            other_side,
            progress=lambda done, _total: seen.append(done),
            cancelled=lambda: bool(seen),
        )
    assert caught.value.message == "Cópia cancelada; nada foi gravado no destino."
    assert len(seen) == 1  # stopped after the first chunk
    report = demo_services.database.copy_to(other_side)  # still empty: accepted
    assert report.counts["patient"] == demo_services.patients.count()


def test_copy_into_the_open_database_is_refused(services: Services) -> None:
    with pytest.raises(CopyRefused, match="mesmo banco"):
        services.database.copy_to(services.config.db_url)


def test_server_fields_are_checked_in_portuguese() -> None:
    with pytest.raises(ValidationError) as caught:
        server_url("", "99999", "", "", "")
    assert {e.field for e in caught.value.errors} == {"host", "port", "database", "user"}
    url = server_url("servidor-clinica", "", "emdia", "recepcao", "s3nh@")
    assert url == "postgresql+psycopg://recepcao:s3nh%40@servidor-clinica:5432/emdia"


def test_unreachable_server_is_explained(services: Services) -> None:
    with socket.socket() as s:  # a port where nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(EmDiaError, match="Não foi possível conectar"):
        services.database.check(f"postgresql+psycopg://emdia@127.0.0.1:{port}/emdia")


def test_this_pc_remembers_the_server_and_can_go_back(services: Services) -> None:
    server = "postgresql+psycopg://emdia@servidor-clinica:5432/emdia"
    services.database.use(server)
    config = load_config()
    assert config.db_url == server and config.db_source == "banco.json"
    services.database.use(None)
    assert load_config().db_url == load_config().local_db_url


def test_the_server_password_is_kept_in_the_keyring_not_in_the_data_folder(
    services: Services, memory_keyring: MemoryKeyring
) -> None:
    server = "postgresql+psycopg://recepcao:s3nh%40@servidor-clinica:5432/emdia"
    path = services.database.use(server)
    assert "s3nh" not in path.read_text(encoding="utf-8")
    assert load_config().db_url == server  # the password comes back from the keyring
    memory_keyring.entries.clear()  # another Windows account: no keyring entry
    assert load_config().db_url == "postgresql+psycopg://recepcao@servidor-clinica:5432/emdia"


def test_without_a_keyring_the_password_stays_in_a_private_file(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keystore, "available", lambda: False)
    server = "postgresql+psycopg://recepcao:s3nh%40@servidor-clinica:5432/emdia"
    path = services.database.use(server)
    assert load_config().db_url == server
    if os.name == "posix":
        assert path.stat().st_mode & 0o077 == 0


def test_cli_db_show_and_copy_back_to_a_file(
    capsys: pytest.CaptureFixture[str],
    demo_services: Services,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = demo_services.config.db_url
    monkeypatch.setenv("EMDIA_USER", "admin")
    monkeypatch.setenv("EMDIA_PASSWORD", "demo")
    assert cli.main(["--db", db, "db", "show", "--json"]) == 0
    shown = capsys.readouterr().out
    assert '"patients"' in shown and "senha" not in shown
    target = tmp_path / "copia.db"
    assert cli.main(["--db", db, "db", "copy", "--to", str(target), "--json"]) == 0
    assert '"rows"' in capsys.readouterr().out
    assert cli.main(["--db", str(target), "db", "show"]) == 0
    assert f"Pacientes: {demo_services.patients.count()}" in capsys.readouterr().out
    assert cli.main(["--db", db, "db", "copy", "--to", str(target)]) == 1
    assert "já tem dados" in capsys.readouterr().err


def test_a_server_that_is_off_is_explained_at_start(services: Services) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    services.database.use(f"postgresql+psycopg://emdia@127.0.0.1:{port}/emdia")
    with pytest.raises(EmDiaError, match="emdia db use local"):
        bootstrap(load_config(), services.clock)


def test_the_demo_clinic_never_changes_which_database_this_pc_opens(services: Services) -> None:
    demo = bootstrap(load_config(demo=True), services.clock)
    try:
        with pytest.raises(CopyRefused, match="demonstração"):
            demo.database.use("postgresql+psycopg://emdia@servidor/emdia")
    finally:
        demo.close()
    assert load_config().db_source == ""
