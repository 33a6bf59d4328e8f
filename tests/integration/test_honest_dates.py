"""Dates that cannot lie: ``--today`` pins the rules' date, never the time evidence is recorded
at; a payment's date has bounds (not in the future, not before the contract, more than the
clinic's N days back only by a gestor with a reason); documents and contacts are audited."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

import pytest

from app import cli
from app.bootstrap import Services, bootstrap
from app.clock import FixedClock
from app.config import Config, load_config
from app.domain.contracts import ContractForm, PaymentForm
from app.domain.patients import PatientForm
from app.errors import ValidationError
from app.services.audit import AuditQuery
from tests.conftest import STAFF_PASSWORD, ComputerClock
from tests.negativacao_data import seed_debt, send_notice

STAFF = (("admin", "admin"), ("gestor", "gestor"), ("recepcao", "recepcao"))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def as_user(monkeypatch: pytest.MonkeyPatch, user: str) -> None:
    monkeypatch.setenv("EMDIA_USER", user)
    monkeypatch.setenv("EMDIA_PASSWORD", STAFF_PASSWORD)


def add_staff(services: Services) -> None:
    from app.services.users import UserForm

    for username, role in STAFF:
        services.users.create(UserForm(username, username.title(), role, STAFF_PASSWORD))


@pytest.fixture
def real_clinic(tmp_path: Path, template_db: Path) -> Iterator[tuple[str, dict[str, int]]]:
    """A real (not demo) clinic file: Ana owes 600,00 due 10/01/2026, contract archived; staff."""
    path = tmp_path / "clinica.db"
    path.write_bytes(template_db.read_bytes())
    services = bootstrap(load_config(str(path)), FixedClock(date(2026, 11, 10), time(10)))
    ids = seed_debt(services)
    add_staff(services)
    services.close()
    yield str(path), ids


# --- --today cannot back-date evidence --------------------------------------------------------


def test_a_pinned_date_cannot_back_date_the_aviso_on_a_real_clinic(
    real_clinic: tuple[str, dict[str, int]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    computer_clock: ComputerClock,
    tmp_path: Path,
) -> None:
    # The attack: on 01/12 a gestor prints the aviso and logs it "sent" with --today 15/11, then
    # includes the negativação the same day — the 10 days of CDC art. 43 §2 never ran.
    db, ids = real_clinic
    computer_clock.set(date(2026, 12, 1))
    as_user(monkeypatch, "gestor")
    contract, ana = str(ids["contract"]), str(ids["ana"])
    out_dir = str(tmp_path / "cartas")
    code, _, err = run(capsys, "--db", db, "--today", "2026-11-15", "documents",
                       "aviso-negativacao", "--contract", contract, "--out", out_dir)  # fmt: skip
    assert code == 1 and "--today" in err and "registra" in err, err
    code, _, err = run(capsys, "--db", db, "--today", "2026-11-15", "contact", "log",
                       "--patient", ana, "--outcome", "enviado", "--channel", "letter",
                       "--step", "aviso_negativacao", "--contract", contract)  # fmt: skip
    assert code == 1 and "--today" in err, err
    code, _, err = run(capsys, "--db", db, "negativacao", "include", "--contract", contract,
                       "--bureau", "spc", "--date", "2026-12-01")  # fmt: skip
    assert code == 1 and "Comunicação prévia" in err and "registre o envio" in err, err

    # The honest way: the letter and its sending carry the real day, and the 10 days run from it.
    code, _, err = run(capsys, "--db", db, "documents", "aviso-negativacao",
                       "--contract", contract, "--out", out_dir)  # fmt: skip
    assert code == 0, err
    code, _, err = run(capsys, "--db", db, "contact", "log", "--patient", ana, "--outcome",
                       "enviado", "--channel", "letter", "--step", "aviso_negativacao",
                       "--contract", contract)  # fmt: skip
    assert code == 0, err
    code, _, err = run(capsys, "--db", db, "negativacao", "include", "--contract", contract,
                       "--bureau", "spc", "--date", "2026-12-01")  # fmt: skip
    assert code == 1 and "inclusão só a partir de 11/12/2026" in err, err
    # A simulation of the checklist on a later day is allowed: it records nothing.
    code, out, err = run(capsys, "--db", db, "--today", "2026-12-11", "negativacao", "check",
                         "--contract", contract, "--json")  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["ready"] is True
    computer_clock.set(date(2026, 12, 11))
    code, _, err = run(capsys, "--db", db, "negativacao", "include", "--contract", contract,
                       "--bureau", "spc", "--date", "2026-12-11")  # fmt: skip
    assert code == 0, err


def test_evidence_keeps_the_real_time_whatever_the_rules_date(
    backend_config: Config,
) -> None:
    rules = FixedClock(date(2026, 11, 15), time(15, 0))
    real = FixedClock(date(2026, 12, 1), time(9, 30))
    services = bootstrap(backend_config, rules, wall_clock=real)
    try:
        ids = seed_debt(services)
        document_id = send_notice(services, ids)
        [document] = [d for d in services.archive.for_patient(ids["ana"]) if d.id == document_id]
        assert document.generated_at == datetime(2026, 12, 1, 9, 30)
        assert document.as_of == date(2026, 11, 15)  # what the letter computed, on the rules' day
        [contact] = services.contacts.history(ids["ana"])
        assert contact.at == datetime(2026, 12, 1, 9, 30)
        [check] = services.negativacao.check(contract_id=ids["contract"])
        notice = {i.key: i for i in check.readiness.items}["aviso"]
        assert not notice.ok and notice.why.startswith(
            "aviso enviado em 01/12/2026: inclusão só a partir de 11/12/2026"
        )
    finally:
        services.close()


def test_documents_and_contacts_are_audited_like_money(services: Services) -> None:
    ids = seed_debt(services)
    document_id = send_notice(services, ids)
    lines = services.audit.search(AuditQuery(text="document"))
    by_id = {e.entity_id: e for e in lines if e.action == "document.generate"}
    generated = by_id[document_id]
    assert generated.entity == "document" and generated.username == "configuracao-inicial"
    assert generated.after is not None
    assert generated.after["kind"] == "aviso-negativacao"
    assert generated.after["contract_id"] == ids["contract"]
    assert generated.after["as_of"] == "2026-03-16"
    assert len(generated.after["sha256"]) == 64
    [contact] = services.audit.search(AuditQuery(text="contact"))
    assert contact.action == "contact.log" and contact.entity == "contact_log"
    assert contact.after == {
        "patient_id": ids["ana"],
        "contract_id": ids["contract"],
        "channel": "letter",
        "step": "aviso_negativacao",
        "outcome": "sent",
    }


def test_evidence_lines_leave_the_cached_overdue_money_valid(services: Services) -> None:
    ids = seed_debt(services)

    def token() -> tuple[object, ...]:
        with services.overdue.uow() as uow:
            return uow.receivables.money_token()

    before = token()
    send_notice(services, ids)  # a document archived and a contact logged: two audit lines
    assert token() == before
    services.clinic.update({"fine_percent": "1"})  # a money rule changed: computed again
    assert token() != before


def test_the_cli_pins_the_date_of_commands_that_record_only_in_the_demo(
    real_clinic: tuple[str, dict[str, int]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    computer_clock: ComputerClock,
) -> None:
    db, ids = real_clinic
    computer_clock.set(date(2026, 11, 16))
    as_user(monkeypatch, "gestor")
    contract = str(ids["contract"])
    # Reports and simulations on any day: they record nothing.
    code, out, err = run(capsys, "--db", db, "--today", "2026-04-10", "debt", "--contract",
                         contract, "--json")  # fmt: skip
    assert code == 0 and json.loads(out)["as_of"] == "2026-04-10", err
    code, _, err = run(capsys, "--db", db, "--today", "2026-04-10", "report", "overdue")
    assert code == 0, err
    # A command that records, with a date other than the computer's, is refused; nothing written.
    code, _, err = run(capsys, "--db", db, "--today", "2026-04-10", "payment", "add",
                       "--contract", contract, "--amount", "10,00")  # fmt: skip
    assert code == 1 and err.startswith("erro: --today 10/04/2026:"), err
    code, _, err = run(capsys, "--db", db, "--today", "2026-04-10", "gui")
    assert code == 1 and "--demo" in err, err
    code, out, _ = run(capsys, "--db", db, "contract", "show", contract, "--json")
    assert json.loads(out)["payments"] == []
    # The computer's own date is no pin at all.
    code, _, err = run(capsys, "--db", db, "--today", "2026-11-16", "payment", "add",
                       "--contract", contract, "--amount", "10,00")  # fmt: skip
    assert code == 0, err
    # The demo clinic is a simulation: there --today drives everything.
    demo = str(tmp_path / "demo.db")
    assert run(capsys, "--db", demo, "--today", "2026-04-10", "demo", "--patients", "5")[0] == 0
    monkeypatch.setenv("EMDIA_PASSWORD", "demo")
    code, _, err = run(capsys, "--db", demo, "--today", "2026-04-10", "contact", "log",
                       "--patient", "1", "--outcome", "sem_resposta",
                       "--channel", "phone")  # fmt: skip
    assert code == 0, err


# --- a payment's date has bounds ----------------------------------------------------------------


@pytest.fixture
def owing(staff: Services) -> int:
    """Maria's contract signed 02/01/2026: 3 × 400,00 from 10/01/2026; nothing paid (16/03)."""
    staff.login("admin", STAFF_PASSWORD)
    staff.clinic.update({"name": "Clínica Teste Ltda", "state": "SP"})
    maria = staff.patients.create(PatientForm(name="Maria da Silva", cpf="529.982.247-25"))
    form = ContractForm(
        total="1.200,00", installments="3", first_due="2026-01-10", signed_on="2026-01-02"
    )
    return staff.contracts.create(maria.id, form).summary.id


def pay(services: Services, contract_id: int, paid_on: str, reason: str = "") -> int:
    form = PaymentForm(contract_id, "400,00", paid_on, reason=reason)
    return services.payments.add(form).payment_id


def test_a_payment_dated_year_one_by_the_desk_is_refused_and_keeps_the_juros(
    staff: Services,
    owing: int,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The attack: recepção types --date 0001-01-01, the payment counts as made before anything
    # fell due, and the multa and juros of the late parcelas disappear.
    before = staff.contracts.get(owing)
    staff.close()
    as_user(monkeypatch, "recepcao")
    db = str(staff.config.sqlite_path or staff.config.db_url)
    code, _, err = run(capsys, "--db", db, "payment", "add", "--contract", str(owing),
                       "--amount", "400,00", "--date", "0001-01-01")  # fmt: skip
    assert code == 1 and "[--date]" in err, err
    assert "confira o ano (use um ano de 1900 a 2199)" in err
    # A year within the bounds is still before the contract: refused too.
    code, _, err = run(capsys, "--db", db, "payment", "add", "--contract", str(owing),
                       "--amount", "400,00", "--date", "2001-01-01")  # fmt: skip
    assert code == 1 and "[--date]" in err, err
    assert "anterior ao contrato (02/01/2026)" in err
    after = bootstrap(staff.config, staff.clock)
    try:
        after.login("admin", STAFF_PASSWORD)
        view = after.contracts.get(owing)
        assert view.payments == () and view.total_due_cents == before.total_due_cents
        assert view.overdue_cents > 120_000  # the juros are still there
    finally:
        after.close()


def test_payment_date_bounds(staff: Services, owing: int) -> None:
    staff.login("recepcao", STAFF_PASSWORD)
    with pytest.raises(ValidationError, match="não pode ser no futuro"):
        pay(staff, owing, "2026-03-17")
    with pytest.raises(ValidationError, match="anterior ao contrato"):
        pay(staff, owing, "2026-01-01")
    # More than the clinic's 30 days back: the desk may not, the gestor may with a reason.
    with pytest.raises(ValidationError) as refused:
        pay(staff, owing, "2026-02-13")  # 31 days before 16/03
    assert refused.value.errors[0].field == "paid_on"
    assert "só um gestor" in refused.value.message and "31 dias" in refused.value.message
    assert pay(staff, owing, "2026-02-14") > 0  # 30 days: the desk's own window
    staff.login("gestor", STAFF_PASSWORD)
    with pytest.raises(ValidationError) as no_reason:
        pay(staff, owing, "2026-01-20")
    assert no_reason.value.errors[0].field == "reason"
    payment_id = pay(staff, owing, "2026-01-20", reason="comprovante achado na gaveta")
    [line] = [
        e for e in staff.audit.search(AuditQuery(text="payment.add")) if e.entity_id == payment_id
    ]
    assert line.username == "gestor" and line.after is not None
    assert line.after["paid_on"] == "2026-01-20"
    assert line.after["days_back"] == 55
    assert line.after["reason"] == "comprovante achado na gaveta"


def test_a_pinned_future_date_does_not_move_the_payment_bound(backend_config: Config) -> None:
    services = bootstrap(
        backend_config,
        FixedClock(date(2026, 12, 31), time(10)),
        wall_clock=FixedClock(date(2026, 3, 16), time(10)),
    )
    try:
        services.clinic.update({"name": "Clínica Teste Ltda", "state": "SP"})
        maria = services.patients.create(PatientForm(name="Maria da Silva", cpf="529.982.247-25"))
        form = ContractForm(total="1.200,00", installments="3", first_due="2026-01-10")
        contract_id = services.contracts.create(maria.id, form).summary.id
        with pytest.raises(ValidationError, match="não pode ser no futuro"):
            pay(services, contract_id, "2026-06-01")
    finally:
        services.close()


def test_the_desk_window_is_a_clinic_setting(staff: Services, owing: int) -> None:
    staff.login("gestor", STAFF_PASSWORD)
    info = staff.clinic.update({"payment_backdate_days": "60"})
    assert info.payment_backdate_days == 60
    [change] = staff.audit.search(AuditQuery(text="clinic.update"))[:1]
    assert change.before == {"payment_backdate_days": 30}
    assert change.after == {"payment_backdate_days": 60}
    with pytest.raises(ValidationError, match="dias"):
        staff.clinic.update({"payment_backdate_days": ""})
    staff.login("recepcao", STAFF_PASSWORD)
    assert pay(staff, owing, "2026-01-20") > 0  # 55 days back, within the clinic's 60


def test_every_simulation_is_a_command_and_every_recording_command_is_refused() -> None:
    import argparse

    from app.cli import build_parser
    from app.cli.common import SIMULATIONS

    def names(parser: argparse.ArgumentParser, prefix: str = "") -> set[str]:
        found: set[str] = set()
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    inner = names(sub, f"{prefix}{name} ")
                    found |= inner or {f"{prefix}{name}"}
        return found

    commands = names(build_parser())
    assert commands >= SIMULATIONS  # no typo lets a name through
    recording = commands - SIMULATIONS
    assert {"payment add", "payment reverse", "contact log", "documents", "negativacao include",
            "negativacao remove", "contract add", "patient add", "import", "agreement accept",
            "credit-check add", "backup restore", "gui"} <= recording  # fmt: skip
