"""A new clinic's Primeiros passos on a real database, step by step as the admin does them; and
the backup folder's warning when it is the database's own disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import files
from app.bootstrap import Services
from app.domain.first_steps import Step
from app.domain.patients import PatientForm
from app.services import backup
from app.services.collection.regua_settings import StepForm
from app.services.users import UserForm
from tests.conftest import STAFF_PASSWORD


def done(services: Services) -> set[Step]:
    return {s.step for s in services.clinic.first_steps() if s.done}


def test_each_step_is_done_when_the_admin_does_it(services: Services, tmp_path: Path) -> None:
    services.users.create(UserForm("admin", "Dra. Conceição", "admin", STAFF_PASSWORD))
    services.login("admin", STAFF_PASSWORD)
    assert done(services) == set()
    services.clinic.update({"name": "Clínica Sorriso Ltda", "cnpj": "11.222.333/0001-81"})
    assert done(services) == set()  # every charge also names where the creditor is
    clinic = next(s for s in services.clinic.first_steps() if s.step is Step.CLINIC)
    assert clinic.detail.startswith("Falta endereço, cidade, UF:")
    services.clinic.update({"address": "Av. Brasil, 1500", "city": "Campinas", "state": "SP"})
    assert done(services) == {Step.CLINIC}
    services.clinic.update({"pix_key": "financeiro@sorriso.com.br"})
    assert done(services) == {Step.CLINIC, Step.PIX}
    services.users.create(UserForm("recepcao", "Recepção", "recepcao", STAFF_PASSWORD))
    services.regua.save_step(
        "lembrete", StepForm("-3", "whatsapp", "Olá {responsavel}, lembrete da {clinica}.")
    )
    services.patients.create(PatientForm(name="Maria da Silva", cpf="529.982.247-25"))
    assert done(services) == {Step.CLINIC, Step.PIX, Step.USERS, Step.REGUA, Step.IMPORT}


# The database file's own disk: a SQLite clinic's (a server keeps its files itself).
@pytest.mark.sqlite_only
def test_backups_on_the_databases_own_disk_leave_the_step_to_do(services: Services) -> None:
    same = services.config.sqlite_path
    assert same is not None
    services.backups.set_folder(str(same.parent / "backups"))
    backup = next(s for s in services.clinic.first_steps() if s.step is Step.BACKUP)
    assert not backup.done and "mesmo disco" in backup.detail
    assert services.backups.folder_warning(str(same.parent / "outra")) is not None


@pytest.mark.sqlite_only
def test_a_folder_on_another_disk_raises_no_warning(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pendrive is another device: the database's disk is 1, the pendrive's 2."""
    db = services.config.sqlite_path
    assert db is not None

    def device(path: Path) -> int:
        return 2 if "PENDRIVE" in str(path) else 1

    monkeypatch.setattr(files, "_device", device)
    assert services.backups.folder_warning("/media/PENDRIVE/EmDia-backups") is None
    assert services.backups.folder_warning(str(db.parent / "backups")) == backup.SAME_DISK
    assert services.backups.folder_warning("") is None
