from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from app import cli
from app.bootstrap import Services, bootstrap
from app.clock import FixedClock
from app.config import load_config
from app.domain.catalog import ContractStatus
from app.domain.contracts import ContractForm, PaymentForm
from app.domain.law import Status
from app.domain.patients import PatientForm, ResponsibleForm
from app.errors import EmDiaError, NotFoundError, ValidationError
from app.persistence import models
from tests.conftest import ComputerClock


@pytest.fixture
def patient_id(services: Services) -> int:
    services.clinic.update({"name": "Clínica Teste Ltda", "state": "SP"})
    return services.patients.create(
        PatientForm(name="Maria da Silva", cpf="529.982.247-25", birth_date="01/01/1980")
    ).id


def twelve_times(services: Services, patient_id: int, **extra: str) -> int:
    form = ContractForm(total="1.200,00", installments="12", first_due="2026-04-01", **extra)
    return services.contracts.create(patient_id, form).summary.id


def pay(services: Services, contract_id: int, amount: str, on: str, **extra: object) -> int:
    form = PaymentForm(contract_id=contract_id, amount=amount, paid_on=on, **extra)  # type: ignore[arg-type]
    return services.payments.add(form).payment_id


def test_receptionist_registers_12x_receives_partial_and_reverses(
    services: Services, patient_id: int
) -> None:
    contract_id = twelve_times(services, patient_id)
    view = services.contracts.get(contract_id)
    assert len(view.lines) == 12 and sum(line.principal_cents for line in view.lines) == 120_000
    assert view.summary.status is ContractStatus.ACTIVE

    before = services.contracts.get(contract_id, date(2026, 5, 20))
    payment_id = pay(services, contract_id, "60,00", "2026-03-16")
    after = services.contracts.get(contract_id)
    assert after.lines[0].status is Status.PARCIAL and after.lines[0].paid_cents == 6_000

    services.payments.reverse(payment_id, "Lançamento em duplicidade", "erro_lancamento")
    restored = services.contracts.get(contract_id, date(2026, 5, 20))
    assert restored.lines == before.lines
    assert [p.is_effective for p in restored.payments] == [False, False]  # entry + counter-entry


def test_a_cancelled_contract_takes_no_payments(services: Services, patient_id: int) -> None:
    contract_id = twelve_times(services, patient_id)
    contracts = models.Contract.__table__
    with services.engine.begin() as conn:
        conn.execute(
            update(contracts).where(contracts.c.id == contract_id).values(status="cancelled")
        )
    with pytest.raises(EmDiaError, match=f"^Contrato {contract_id} está cancelado: não recebe"):
        pay(services, contract_id, "100,00", "2026-03-16")
    view = services.contracts.get(contract_id)
    assert view.summary.status is ContractStatus.CANCELLED and view.payments == ()
    assert [line.paid_cents for line in view.lines] == [0] * 12
    with services.engine.connect() as conn:
        actions = list(conn.scalars(select(models.AuditLog.action)))
    assert "payment.add" not in actions


def test_minor_without_responsible_cannot_sign(services: Services) -> None:
    child = services.patients.create(
        PatientForm(name="Pedro Souza", cpf="111.444.777-35", birth_date="10/05/2015")
    )
    with pytest.raises(ValidationError, match="menor de idade"):
        twelve_times(services, child.id)
    with_parent = services.patients.create(
        PatientForm(
            name="Ana Souza",
            birth_date="10/05/2016",
            responsible=ResponsibleForm(cpf="529.982.247-25", name="Joana Souza"),
        )
    )
    contract_id = twelve_times(services, with_parent.id)
    assert services.contracts.get(contract_id).summary.responsible_name == "Joana Souza"


def test_invalid_contract_writes_nothing(services: Services, patient_id: int) -> None:
    with pytest.raises(ValidationError) as info:
        services.contracts.create(
            patient_id, ContractForm(total="1.000,00", down_payment="1.000,00", installments="0")
        )
    assert {e.field for e in info.value.errors} == {"down_payment", "installments", "first_due"}
    assert services.contracts.count() == 0


def test_entrada_paid_at_the_desk(services: Services, patient_id: int) -> None:
    form = ContractForm(
        total="1.000,00",
        down_payment="200,00",
        installments="4",
        first_due="2026-04-10",
        down_paid_now=True,
        method="dinheiro",
    )
    view = services.contracts.create(patient_id, form)
    assert view.lines[0].number == 0 and view.lines[0].status is Status.PAGO
    assert [line.principal_cents for line in view.lines[1:]] == [20_000] * 4
    assert view.payments[0].method == "dinheiro"


def test_contract_keeps_its_own_rates_when_the_clinic_changes(
    services: Services, patient_id: int
) -> None:
    contract_id = twelve_times(services, patient_id)
    services.clinic.update({"fine_percent": "1", "interest_monthly_percent": "0,5"})
    view = services.contracts.get(contract_id, date(2026, 5, 16))
    assert (view.fine_bp, view.interest_monthly_bp) == (200, 100)
    assert view.lines[0].fine_cents == 200


def test_overpayment_is_refused_or_kept_as_credit(services: Services, patient_id: int) -> None:
    contract_id = twelve_times(services, patient_id)
    with pytest.raises(ValidationError, match="crédito"):
        pay(services, contract_id, "1.500,00", "2026-03-16")
    assert services.payments.for_contract(contract_id) == []
    pay(services, contract_id, "1.500,00", "2026-03-16", keep_credit=True)
    view = services.contracts.get(contract_id)
    assert view.summary.status is ContractStatus.SETTLED
    assert view.credit_cents == 30_000


def test_bounced_cheque_is_a_coded_reversal(services: Services, patient_id: int) -> None:
    contract_id = twelve_times(services, patient_id)
    payment_id = pay(services, contract_id, "100,00", "2026-03-16", method="cheque")
    result = services.payments.reverse(payment_id, "Cheque devolvido pelo banco")
    assert result.code == "cheque_devolvido"
    with pytest.raises(ValidationError, match="já foi estornado"):
        services.payments.reverse(payment_id, "de novo, por engano")
    with pytest.raises(ValidationError, match="não se estorna um estorno"):
        services.payments.reverse(result.reversal_id, "estorno do estorno")


def test_reversing_the_payment_that_settled_a_contract_reopens_it(
    services: Services, patient_id: int
) -> None:
    form = ContractForm(total="100,00", installments="1", first_due="2026-04-01")
    contract_id = services.contracts.create(patient_id, form).summary.id
    payment_id = pay(services, contract_id, "100,00", "2026-03-16")
    assert services.contracts.get(contract_id).summary.status == "settled"
    services.payments.reverse(payment_id, "", "erro_lancamento")
    view = services.contracts.get(contract_id)
    assert view.summary.status == "active"
    assert (view.lines[0].paid_cents, view.lines[0].settled_on) == (0, None)
    assert view.lines[0].status is Status.A_VENCER


def test_a_refused_estorno_writes_nothing(services: Services, patient_id: int) -> None:
    contract_id = twelve_times(services, patient_id)
    payment_id = pay(services, contract_id, "100,00", "2026-03-16")
    with pytest.raises(ValidationError, match="'engano' não existe"):
        services.payments.reverse(payment_id, "", "engano")
    with pytest.raises(NotFoundError, match="Pagamento 999 não encontrado"):
        services.payments.reverse(999, "cheque devolvido")
    assert [p.is_effective for p in services.contracts.get(contract_id).payments] == [True]


def test_money_changes_are_audited(services: Services, patient_id: int) -> None:
    contract_id = twelve_times(services, patient_id)
    payment_id = pay(services, contract_id, "100,00", "2026-03-16")
    services.payments.reverse(payment_id, "cheque devolvido")
    with services.engine.connect() as conn:
        actions = conn.execute(
            select(models.AuditLog.action).order_by(models.AuditLog.id)
        ).scalars()
        assert [a for a in actions if a != "clinic.update"] == [
            "contract.create",
            "payment.add",
            "payment.reverse",
        ]


def test_nothing_money_related_is_deleted(services: Services, patient_id: int) -> None:
    contract_id = twelve_times(services, patient_id)
    payment_id = pay(services, contract_id, "100,00", "2026-03-16")
    services.payments.reverse(payment_id, "cheque devolvido")
    with services.engine.connect() as conn:
        amounts = conn.execute(
            select(models.Payment.amount_cents).order_by(models.Payment.id)
        ).scalars()
        assert list(amounts) == [10_000, -10_000]
        allocations = conn.execute(select(models.PaymentAllocation.principal_cents)).scalars()
        assert sorted(allocations) == [-10_000, 10_000]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    payments=st.lists(
        st.tuples(st.integers(1, 60_000), st.integers(0, 120), st.booleans()),
        min_size=1,
        max_size=5,
    ),
    check_day=st.integers(0, 400),
)
def test_reversing_payments_restores_the_debt_exactly(
    tmp_path_factory: pytest.TempPathFactory,
    template_db: Path,
    payments: list[tuple[int, int, bool]],
    check_day: int,
) -> None:
    path = tmp_path_factory.mktemp("prop") / "p.db"
    path.write_bytes(template_db.read_bytes())
    today = date(2026, 9, 30)
    svc = bootstrap(load_config(str(path)), FixedClock(today))
    try:
        pid = svc.patients.create(PatientForm(name="Maria da Silva", cpf="52998224725")).id
        cid = twelve_times(svc, pid, signed_on="2026-02-20")  # signed before the first payment
        as_of = date(2026, 3, 1).fromordinal(date(2026, 3, 1).toordinal() + check_day)
        baseline = svc.contracts.get(cid, as_of).lines
        kept: list[int] = []
        for cents, day, reverse in payments:
            paid_on = date.fromordinal(date(2026, 3, 1).toordinal() + day)
            form = PaymentForm(
                cid,
                f"{cents // 100},{cents % 100:02d}",
                paid_on.isoformat(),
                keep_credit=True,
                reason="comprovante antigo",  # months before the test's today
            )
            result = svc.payments.add(form)
            (
                svc.payments.reverse(result.payment_id, "cheque devolvido")
                if reverse
                else kept.append(result.payment_id)
            )
        for payment_id in kept:
            svc.payments.reverse(payment_id, "lançamento errado na recepção")
        assert svc.contracts.get(cid, as_of).lines == baseline
    finally:
        svc.close()


# --- the CLI contract ----------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_debt_json_matches_a_hand_computation(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, computer_clock: ComputerClock
) -> None:
    db = str(tmp_path / "cli.db")
    computer_clock.set(date(2026, 1, 10))  # the contract is registered on 10/01
    run(capsys, "--db", db, "clinic", "set", "name=Clínica Teste Ltda", "state=SP")
    run(capsys, "--db", db, "patient", "add", "--name", "Maria da Silva", "--cpf", "52998224725")
    code, out, err = run(
        capsys,
        "--db",
        db,
        "contract",
        "add",
        "--patient-cpf",
        "529.982.247-25",
        "--total",
        "1.200,00",
        "--installments",
        "12",
        "--first-due",
        "2026-02-02",
        "--json",
    )
    assert code == 0, err
    contract_id = json.loads(out)["contract_id"]
    code, out, _ = run(
        capsys,
        "--db",
        db,
        "--today",
        "2026-03-19",
        "debt",
        "--contract",
        str(contract_id),
        "--json",
    )
    debt = json.loads(out)
    first = debt["installments"][0]
    assert set(first) >= {
        "number",
        "due_date",
        "effective_due_date",
        "principal_cents",
        "paid_cents",
        "days_late",
        "fine_cents",
        "interest_cents",
        "correction_cents",
        "total_cents",
        "status",
    }
    assert debt["as_of"] == "2026-03-19" and debt["contract_id"] == contract_id
    # 100,00 due 02/02, 45 days late: 2 % fine = 2,00 + 1 % a.m. × 45/30 = 1,50.
    assert (
        first["days_late"],
        first["fine_cents"],
        first["interest_cents"],
        first["total_cents"],
    ) == (
        45,
        200,
        150,
        10_350,
    )
    assert first["status"] == "vencido"


def test_cli_payment_add_and_reverse(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, computer_clock: ComputerClock
) -> None:
    db = str(tmp_path / "cli.db")
    computer_clock.set(date(2026, 11, 25))  # paid early, on the day it is recorded
    run(capsys, "--db", db, "patient", "add", "--name", "Maria da Silva", "--cpf", "52998224725")
    run(
        capsys,
        "--db",
        db,
        "contract",
        "add",
        "--patient-cpf",
        "52998224725",
        "--total",
        "300,00",
        "--installments",
        "3",
        "--first-due",
        "2026-12-10",
    )
    code, out, err = run(
        capsys,
        "--db",
        db,
        "payment",
        "add",
        "--contract",
        "1",
        "--amount",
        "150,00",
        "--date",
        "2026-11-25",
        "--method",
        "pix",
        "--json",
    )
    assert code == 0, err
    paid = json.loads(out)
    assert [a["number"] for a in paid["allocations"]] == [1, 2]
    code, out, err = run(
        capsys,
        "--db",
        db,
        "payment",
        "reverse",
        "--payment",
        str(paid["payment_id"]),
        "--reason",
        "cheque devolvido",
    )
    assert code == 0 and "Cheque devolvido" in out


def test_cli_refuses_a_fine_above_two_percent_and_bad_amounts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = str(tmp_path / "cli.db")
    code, _, err = run(capsys, "--db", db, "clinic", "set", "fine_percent=2,5")
    assert code == 1 and "art. 52" in err
    run(capsys, "--db", db, "patient", "add", "--name", "Maria da Silva", "--cpf", "52998224725")
    code, _, err = run(
        capsys,
        "--db",
        db,
        "contract",
        "add",
        "--patient-cpf",
        "52998224725",
        "--total",
        "12.5",
        "--installments",
        "3",
        "--first-due",
        "2026-12-10",
    )
    assert code == 1 and "[--total]" in err and "vírgula" in err
    code, _, err = run(
        capsys,
        "--db",
        db,
        "contract",
        "add",
        "--patient-cpf",
        "11144477735",
        "--total",
        "100,00",
        "--installments",
        "3",
        "--first-due",
        "2026-12-10",
    )
    assert code == 1 and "não está cadastrado" in err


def test_cli_index_set_and_show(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    code, _, err = run(capsys, "--db", db, "index", "set", "ipca", "2026-01=0,44", "02/2026=-0,21")
    assert code == 0, err
    _, out, _ = run(capsys, "--db", db, "index", "show", "ipca", "--json")
    assert json.loads(out) == [
        {"month": "2026-01", "variation_bp": 44},
        {"month": "2026-02", "variation_bp": -21},
    ]
    code, _, err = run(capsys, "--db", db, "index", "set", "ipca", "2026-13=0,1")
    assert code == 1 and "Mês" in err
