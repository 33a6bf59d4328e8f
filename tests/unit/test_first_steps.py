"""Primeiros passos: which steps of a new clinic's set-up are done, and what each one says."""

from __future__ import annotations

from dataclasses import replace

from app.domain.first_steps import SetupFacts, Step, first_steps

NEW = SetupFacts(
    clinic_gaps=("razão social", "CNPJ ou CPF", "endereço", "cidade", "UF"),
    staff=0,
    regua_reviewed=False,
    pix_ready=False,
    backup_dir="",
    backup_same_disk=False,
    patients=0,
)


def test_a_new_clinic_has_every_step_to_do_in_the_order_they_are_done() -> None:
    steps = first_steps(NEW)
    assert [s.step for s in steps] == [
        Step.CLINIC,
        Step.USERS,
        Step.REGUA,
        Step.PIX,
        Step.BACKUP,
        Step.IMPORT,
    ]
    assert not any(s.done for s in steps)
    assert "CDC art. 42-A" in steps[0].detail


def test_a_clinic_without_its_address_is_not_identified_and_the_step_says_what_is_missing() -> None:
    """A charge names the creditor with its address (CDC art. 42-A): name and CNPJ are not
    enough."""
    named = replace(NEW, clinic_gaps=("endereço", "cidade", "UF"))
    clinic = first_steps(named)[0]
    assert not clinic.done
    assert clinic.detail.startswith("Falta endereço, cidade, UF:")


def test_a_set_up_clinic_has_them_all_done() -> None:
    ready = SetupFacts((), 2, True, True, "E:/EmDia-backups", False, 340)
    steps = first_steps(ready)
    assert all(s.done for s in steps)
    assert steps[1].detail == "2 usuário(s) além do administrador."
    assert steps[5].detail == "340 paciente(s) cadastrado(s)."


def test_backups_on_the_databases_own_disk_are_not_done() -> None:
    chosen = replace(NEW, backup_dir="C:/EmDia/backups", backup_same_disk=True)
    backup = next(s for s in first_steps(chosen) if s.step is Step.BACKUP)
    assert not backup.done and "mesmo disco" in backup.detail
