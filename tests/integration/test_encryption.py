"""Steal the PC and read nothing: the SQLite file is SQLCipher-encrypted; the key comes from the
OS keyring, the frase-senha, or the recovery key — never from a plain-text file."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from app.bootstrap import Services, bootstrap
from app.clock import FixedClock
from app.config import load_config
from app.domain.patients import PatientForm
from app.errors import EmDiaError, KeyRequired, PermissionDenied, ValidationError
from app.security import unlock
from app.security.keys import key_file_path
from app.services.users import UserForm
from tests.conftest import STAFF_PASSWORD
from tests.memory_keyring import MemoryKeyring

# SQLite files, pages and keys; a PostgreSQL server does these itself (tested on SQLite).
pytestmark = pytest.mark.sqlite_only

NAME = "Joana Encriptada Teixeira"


def _new_encrypted(path: Path, clock: FixedClock, passphrase: str | None) -> str:
    key = unlock.new_protection(path, passphrase)
    services = bootstrap(load_config(str(path)), clock, key=key)
    services.patients.create(PatientForm(name=NAME, cpf="529.982.247-25"))
    services.close()
    return key.recovery_code()


def test_the_file_holds_no_readable_patient_data(
    tmp_path: Path, clock: FixedClock, memory_keyring: MemoryKeyring
) -> None:
    db = tmp_path / "emdia.db"
    _new_encrypted(db, clock, None)
    raw = b"".join(f.read_bytes() for f in (db, Path(f"{db}-wal")) if f.exists())
    assert not db.read_bytes().startswith(b"SQLite format 3")
    assert NAME.encode() not in raw and b"52998224725" not in raw
    memory_keyring.entries.clear()  # the thief's computer
    with pytest.raises(KeyRequired, match="criptografado"):
        bootstrap(load_config(str(db)), clock)


def test_the_keyring_opens_it_without_typing(
    tmp_path: Path, clock: FixedClock, memory_keyring: MemoryKeyring
) -> None:
    db = tmp_path / "emdia.db"
    _new_encrypted(db, clock, None)
    assert len(memory_keyring.entries) == 1
    key = unlock.resolve_key(db, use_env=False)
    services = bootstrap(load_config(str(db)), clock, key=key)
    assert [p.name for p in services.patients.search("")] == [NAME]
    services.close()


def test_without_a_keyring_the_passphrase_is_required_and_opens_it(
    tmp_path: Path, clock: FixedClock, no_keyring: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ValidationError, match="chaveiro do sistema"):
        unlock.check_new_passphrase(None, None)
    db = tmp_path / "emdia.db"
    _new_encrypted(db, clock, "minha frase secreta")
    with pytest.raises(KeyRequired, match="EMDIA_PASSPHRASE"):
        unlock.resolve_key(db, use_env=False)
    monkeypatch.setenv("EMDIA_PASSPHRASE", "frase errada de novo")
    with pytest.raises(KeyRequired, match="não é a frase-senha"):
        unlock.resolve_key(db)
    monkeypatch.setenv("EMDIA_PASSPHRASE", "minha frase secreta")
    key = unlock.resolve_key(db)
    services = bootstrap(load_config(str(db)), clock, key=key)
    assert services.patients.count() == 1
    services.close()


def test_prompt_gets_three_tries(tmp_path: Path, clock: FixedClock, no_keyring: None) -> None:
    db = tmp_path / "emdia.db"
    code = _new_encrypted(db, clock, "minha frase secreta")
    answers = iter(["errada", "errada 2", "minha frase secreta"])
    labels: list[str] = []

    def prompt(label: str) -> str:
        labels.append(label)
        return next(answers)

    key = unlock.resolve_key(db, prompt=prompt, use_env=False)
    assert key is not None and key.recovery_code() == code
    assert labels == [
        "Frase-senha ou chave de recuperação do banco: ",
        "Não confere. Tente de novo: ",
        "Não confere. Tente de novo: ",
    ]
    with pytest.raises(KeyRequired):  # three wrong answers: it gives up, the file stays shut
        unlock.resolve_key(db, prompt=lambda _label: "errada", use_env=False)


def test_recovery_key_opens_it_when_key_file_and_keyring_are_lost(
    tmp_path: Path, clock: FixedClock, memory_keyring: MemoryKeyring
) -> None:
    db = tmp_path / "emdia.db"
    code = _new_encrypted(db, clock, "minha frase secreta")
    key_file_path(db).unlink()
    memory_keyring.entries.clear()
    key = unlock.resolve_key(db, passphrase=code.lower())
    services = bootstrap(load_config(str(db)), clock, key=key)
    assert services.patients.count() == 1
    services.close()


def test_encrypting_an_existing_plain_database_keeps_its_data(
    services: Services, clock: FixedClock
) -> None:
    services.patients.create(PatientForm(name=NAME, cpf="529.982.247-25"))
    path = services.config.sqlite_path
    assert path is not None
    protected = services.security.encrypt(None)
    assert not path.read_bytes().startswith(b"SQLite format 3")
    reopened = bootstrap(services.config, clock, key=unlock.resolve_key(path, use_env=False))
    assert reopened.patients.search("joana")[0].name == NAME
    assert reopened.security.status().encrypted
    reopened.close()
    again = bootstrap(
        services.config, clock, key=unlock.resolve_key(path, passphrase=protected.recovery_code)
    )
    assert again.patients.count() == 1
    again.close()


def test_the_admin_sets_then_changes_the_passphrase_and_only_the_new_one_opens(
    tmp_path: Path, clock: FixedClock, memory_keyring: MemoryKeyring
) -> None:
    db = tmp_path / "emdia.db"
    key = unlock.new_protection(db, None)  # keyring only, no frase-senha yet
    services = bootstrap(load_config(str(db)), clock, key=key)
    for username, role in (("admin", "admin"), ("recepcao", "recepcao")):
        services.users.create(UserForm(username, username.title(), role, STAFF_PASSWORD))
    services.login("recepcao", STAFF_PASSWORD)
    with pytest.raises(PermissionDenied):
        services.security.set_passphrase("minha frase secreta", "minha frase secreta")
    services.login("admin", STAFF_PASSWORD)
    assert services.security.status().has_passphrase is False
    with pytest.raises(ValidationError) as refused:
        services.security.set_passphrase("curta", "outra")
    assert [e.field for e in refused.value.errors] == ["passphrase", "passphrase_confirm"]
    assert services.security.status().has_passphrase is False

    services.security.set_passphrase("minha frase secreta", "minha frase secreta")
    assert services.security.status().has_passphrase is True
    services.security.set_passphrase("outra frase, mais nova", None)
    actions = [e.action for e in services.audit.search()]
    assert actions.count("security.passphrase") == 2
    services.close()

    memory_keyring.entries.clear()  # another computer: only what is typed opens it
    assert unlock.resolve_key(db, passphrase="outra frase, mais nova", use_env=False) == key
    with pytest.raises(KeyRequired, match="não é a frase-senha"):
        unlock.resolve_key(db, passphrase="minha frase secreta", use_env=False)


def test_a_plain_database_has_no_passphrase_to_set(services: Services) -> None:
    with pytest.raises(EmDiaError, match="não é criptografado"):
        services.security.set_passphrase("minha frase secreta", "minha frase secreta")
    assert services.security.status().has_passphrase is False


def test_an_admin_prints_the_recovery_key_again_on_one_page_and_it_is_audited(
    tmp_path: Path, clock: FixedClock, memory_keyring: MemoryKeyring
) -> None:
    db = tmp_path / "emdia.db"
    key = unlock.new_protection(db, None)
    services = bootstrap(load_config(str(db)), clock, key=key)
    for username, role in (("admin", "admin"), ("recepcao", "recepcao")):
        services.users.create(UserForm(username, username.title(), role, STAFF_PASSWORD))
    services.login("recepcao", STAFF_PASSWORD)
    with pytest.raises(PermissionDenied):
        services.security.recovery_sheet()
    services.login("admin", STAFF_PASSWORD)
    assert services.security.recovery_key() == key.recovery_code()
    sheet = tmp_path / "chave.pdf"
    sheet.write_bytes(services.security.recovery_sheet())
    pages = subprocess.run(
        ["pdfinfo", str(sheet)], check=True, capture_output=True, text=True
    ).stdout
    assert re.search(r"^Pages:\s+1$", pages, re.MULTILINE)  # one page
    text = " ".join(
        subprocess.run(
            ["pdftotext", str(sheet), "-"], check=True, capture_output=True, text=True
        ).stdout.split()
    )
    groups = key.recovery_code().split("-")
    assert " - ".join(groups[:4]) in text and " - ".join(groups[-2:]) in text
    # The whole path of the database it opens (a long one wraps: compare without the breaks).
    assert str(db) in text.replace(" ", "") and "Admin" in text
    actions = [e.action for e in services.audit.search()]
    assert actions.count("security.recovery_key") == 1
    assert actions.count("security.recovery_sheet") == 1
    # The sheet is a secret: it never goes to the clinic's document archive.
    assert services.archive.count() == 0
    services.close()


def test_a_plain_database_has_no_recovery_key(services: Services) -> None:
    with pytest.raises(EmDiaError, match="não é criptografado"):
        services.security.recovery_sheet()
