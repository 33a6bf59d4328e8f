"""The services' orchestration without a database (``tests/fakes.py``): who may do what, what goes
to the audit log, what is refused — and that a refusal writes nothing at all.

The rules themselves (fines, allocation, the régua) have their own tests; here the services are
driven through an in-memory unit of work, so each test reads the "database" afterwards."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest

from app.clock import FixedClock
from app.config import load_config
from app.domain.access import Role
from app.domain.audit import AuditQuery
from app.domain.contracts import PaymentForm
from app.domain.patients import PatientForm
from app.errors import (
    STALE_RECORD,
    ConflictError,
    EmDiaError,
    LoginRefused,
    PermissionDenied,
    ValidationError,
)
from app.persistence import models
from app.security.passwords import hash_password, verify_password
from app.services import users as users_module
from app.services.audit import AuditService
from app.services.base import Actor, Context, Service
from app.services.clinic import ClinicService
from app.services.indexes import IndexService
from app.services.patients import PatientService
from app.services.payments import PaymentService
from app.services.users import LOGIN_REFUSED, UserForm, UserService
from tests.fakes import FakeDatabase, FakeUnitOfWork, audit_lines

TODAY = date(2026, 3, 16)
NOW = datetime(2026, 3, 16, 13, 0)  # UTC, as stored
PASSWORD = "senha-forte-1"

ADMIN = Actor.for_user(1, "admin", Role.ADMIN, "Ana Admin")
GESTOR = Actor.for_user(2, "gestor", Role.GESTOR, "Gil Gestor")
RECEPCAO = Actor.for_user(3, "recepcao", Role.RECEPCAO, "Rita Recepção")
NOBODY = Actor.nobody()

_S = TypeVar("_S", bound=Service)


def refused(actor: Actor, what: str) -> str:
    """The exact refusal ``Service.require`` gives ``actor`` for ``what`` (a permission label)."""
    if actor.role is None:
        return (
            f"É preciso entrar com um usuário para {what}. "
            "Na linha de comando, use EMDIA_USER e EMDIA_PASSWORD ou --user."
        )
    return (
        f"O usuário {actor.username} (perfil {actor.role.label}) não pode {what}. "
        "Peça a quem tem essa permissão; nada foi alterado."
    )


@pytest.fixture
def db() -> FakeDatabase:
    return FakeDatabase()


@pytest.fixture
def staff(db: FakeDatabase) -> FakeDatabase:
    """The three users of ``ADMIN``, ``GESTOR`` and ``RECEPCAO`` (ids 1, 2, 3), password
    ``PASSWORD``."""
    for actor in (ADMIN, GESTOR, RECEPCAO):
        assert actor.role is not None
        db.insert(
            models.User(
                username=actor.username,
                full_name=actor.full_name,
                role=actor.role.value,
                password_hash=hash_password(PASSWORD),
                active=True,
                failed_attempts=0,
            )
        )
    return db


@pytest.fixture(autouse=True)
def fixed_utc_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """Login lockouts read the UTC clock: pin it (audit lines read the service's real clock,
    pinned by ``service``)."""
    monkeypatch.setattr(users_module, "utcnow", lambda: NOW)


def real_clock_at(stored: datetime) -> FixedClock:
    """The computer's clock (local time) at the moment stored as ``stored`` (naive UTC)."""
    local = stored.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)
    return FixedClock(local.date(), local.time())


def service(cls: type[_S], db: FakeDatabase, actor: Actor, tmp_path: Path) -> _S:
    ctx = Context(
        config=load_config(str(tmp_path / "never-opened.db")),
        clock=FixedClock(TODAY, time(10, 0)),
        uow_factory=lambda: FakeUnitOfWork(db),
        actor=lambda: actor,
        wall_clock=real_clock_at(NOW),
    )
    return cls(ctx)


def state(db: FakeDatabase) -> tuple[dict[Any, Any], int]:
    """Everything committed, to compare before and after a refusal."""
    return copy.deepcopy(db.rows), db.commits


def user(db: FakeDatabase, username: str) -> models.User:
    return next(u for u in db.all(models.User) if u.username == username)


# --- who may manage users ---------------------------------------------------------------------


@pytest.mark.parametrize("actor", [RECEPCAO, GESTOR, NOBODY], ids=["recepcao", "gestor", "nobody"])
def test_only_an_admin_manages_users_and_a_refusal_writes_nothing(
    staff: FakeDatabase, actor: Actor, tmp_path: Path
) -> None:
    users = service(UserService, staff, actor, tmp_path)
    before = state(staff)
    attempts = [
        lambda: users.list_users(),
        lambda: users.create(UserForm("nova.pessoa", "Nova Pessoa", "recepcao", PASSWORD)),
        lambda: users.update(3, full_name="Rita", role="admin", active=True),
        lambda: users.reset_password(3, "outra-senha-1"),
        lambda: users.unlock(3),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied) as caught:
            attempt()
        assert caught.value.message == refused(actor, "cadastrar ou alterar usuários")
    assert state(staff) == before


def test_an_admin_creates_a_user_and_the_audit_says_who_and_what(
    staff: FakeDatabase, tmp_path: Path
) -> None:
    users = service(UserService, staff, ADMIN, tmp_path)
    info = users.create(UserForm(" Maria.Souza ", "Maria  Souza", "recepção", "frase longa 1"))
    assert (info.id, info.username, info.full_name, info.role, info.active) == (
        4,
        "maria.souza",
        "Maria Souza",
        Role.RECEPCAO,
        True,
    )
    row = user(staff, "maria.souza")
    assert verify_password(row.password_hash, "frase longa 1")
    assert audit_lines(staff) == [
        (
            "admin",
            "user.create",
            4,
            None,
            {"username": "maria.souza", "full_name": "Maria Souza", "role": "recepcao",
             "active": True},
        )
    ]  # fmt: skip
    assert "frase longa 1" not in repr(audit_lines(staff))  # neither the password nor its hash
    assert row.password_hash not in repr(audit_lines(staff))


def test_in_set_up_mode_the_first_user_must_be_an_admin(db: FakeDatabase, tmp_path: Path) -> None:
    users = service(UserService, db, Actor.setup(), tmp_path)
    with pytest.raises(ValidationError) as caught:
        users.create(UserForm("gil", "Gil", "gestor", PASSWORD))
    assert caught.value.for_field("role") == (
        "Perfil: o primeiro usuário precisa ser administrador (admin), para poder cadastrar os "
        "demais."
    )
    assert (db.rows, db.commits) == ({}, 0)
    users.create(UserForm("ana", "Ana", "admin", PASSWORD))
    assert [(u.username, u.role) for u in db.all(models.User)] == [("ana", "admin")]
    line = db.all(models.AuditLog)[0]
    assert (line.username, line.user_id, line.action) == (
        "configuracao-inicial",
        None,
        "user.create",
    )


def test_a_username_already_taken_is_refused_and_nothing_is_written(
    staff: FakeDatabase, tmp_path: Path
) -> None:
    users = service(UserService, staff, ADMIN, tmp_path)
    before = state(staff)
    with pytest.raises(ValidationError) as caught:
        users.create(UserForm("Recepcao", "Outra Rita", "recepcao", PASSWORD))
    assert caught.value.errors[0].field == "username"
    assert caught.value.message == "Usuário: 'recepcao' já existe; escolha outro nome."
    assert state(staff) == before


def test_a_role_change_is_audited_with_before_and_after(
    staff: FakeDatabase, tmp_path: Path
) -> None:
    users = service(UserService, staff, ADMIN, tmp_path)
    info = users.update(3, full_name="Rita  Souza", role="gestor", active=True)
    assert (info.role, info.full_name) == (Role.GESTOR, "Rita Souza")
    assert user(staff, "recepcao").role == "gestor"
    assert audit_lines(staff) == [
        (
            "admin",
            "user.update",
            3,
            {"username": "recepcao", "full_name": "Rita Recepção", "role": "recepcao",
             "active": True},
            {"username": "recepcao", "full_name": "Rita Souza", "role": "gestor", "active": True},
        )
    ]  # fmt: skip


def test_the_last_active_admin_keeps_the_role(staff: FakeDatabase, tmp_path: Path) -> None:
    users = service(UserService, staff, ADMIN, tmp_path)
    before = state(staff)
    for change in ({"role": "gestor", "active": True}, {"role": "admin", "active": False}):
        with pytest.raises(ValidationError) as caught:
            users.update(1, full_name="Ana Admin", **change)  # type: ignore[arg-type]
        assert caught.value.message == (
            "Perfil: admin é o único administrador ativo; cadastre ou ative outro "
            "administrador antes de mudar este."
        )
    assert state(staff) == before
    users.create(UserForm("bia", "Bia", "admin", PASSWORD))  # with a second admin it may go
    users.update(1, full_name="Ana Admin", role="gestor", active=True)
    assert user(staff, "admin").role == "gestor"


# --- passwords and the login lockout ----------------------------------------------------------


def test_changing_ones_own_password_needs_the_current_one(
    staff: FakeDatabase, tmp_path: Path
) -> None:
    users = service(UserService, staff, RECEPCAO, tmp_path)
    before = state(staff)
    with pytest.raises(ValidationError) as caught:
        users.change_own_password("senha-errada", "nova-senha-boa", "nova-senha-boa")
    assert caught.value.for_field("current_password") == "Senha atual: não confere."
    with pytest.raises(ValidationError) as caught:
        users.change_own_password(PASSWORD, "nova-senha-boa", "outra-coisa")
    assert caught.value.for_field("password_confirm") == (
        "Confirmação da senha: não confere com a senha."
    )
    assert state(staff) == before
    users.change_own_password(PASSWORD, "nova-senha-boa", "nova-senha-boa")
    row = user(staff, "recepcao")
    assert verify_password(row.password_hash, "nova-senha-boa")
    assert not verify_password(row.password_hash, PASSWORD)
    assert audit_lines(staff) == [("recepcao", "user.change_password", 3, None, None)]


def test_nobody_logged_in_cannot_change_a_password(staff: FakeDatabase, tmp_path: Path) -> None:
    users = service(UserService, staff, NOBODY, tmp_path)
    with pytest.raises(LoginRefused) as caught:
        users.change_own_password(PASSWORD, "nova-senha-boa", None)
    assert caught.value.message == "Entre com seu usuário para trocar a senha."
    assert staff.commits == 0


def test_wrong_passwords_are_counted_and_the_fifth_locks_the_user_audited(
    staff: FakeDatabase, tmp_path: Path
) -> None:
    users = service(UserService, staff, NOBODY, tmp_path)  # nobody is logged in at the login
    for attempt in range(1, 5):
        with pytest.raises(LoginRefused) as caught:
            users.authenticate("recepcao", "senha-errada")
        assert caught.value.message == LOGIN_REFUSED
        # The refusal still writes the counter: closing the window does not reset it.
        assert user(staff, "recepcao").failed_attempts == attempt
    assert audit_lines(staff) == []
    with pytest.raises(LoginRefused) as caught:
        users.authenticate("RECEPCAO ", "senha-errada")
    assert caught.value.message == LOGIN_REFUSED  # locked, and not told whom
    row = user(staff, "recepcao")
    assert (row.failed_attempts, row.locked_until) == (0, NOW + timedelta(minutes=5))
    # Audited as the user who was locked (nobody was logged in to act).
    assert audit_lines(staff) == [("recepcao", "user.locked", 3, None, {"minutes": 5})]
    assert staff.all(models.AuditLog)[0].user_id == 3
    with pytest.raises(LoginRefused) as caught:
        users.authenticate("recepcao", PASSWORD)  # even the right password waits
    assert caught.value.message == LOGIN_REFUSED
    assert user(staff, "recepcao").locked_until == NOW + timedelta(minutes=5)


def test_the_lockout_answers_the_same_for_unknown_users_and_wrong_passwords(
    staff: FakeDatabase, tmp_path: Path
) -> None:
    """Telling them apart would tell an attacker which user names exist (and which one was
    just locked)."""
    users = service(UserService, staff, NOBODY, tmp_path)
    answers = {}
    for name in ("recepcao", "fulano"):
        for _ in range(7):  # before, at and after the fifth wrong try
            with pytest.raises(LoginRefused) as caught:
                users.authenticate(name, "senha-errada")
            answers.setdefault(name, []).append(caught.value.message)
    assert answers["recepcao"] == answers["fulano"] == [LOGIN_REFUSED] * 7


def test_the_right_password_logs_in_and_clears_the_count(
    staff: FakeDatabase, tmp_path: Path
) -> None:
    users = service(UserService, staff, NOBODY, tmp_path)
    for _ in range(2):
        with pytest.raises(LoginRefused):
            users.authenticate("gestor", "senha-errada")
    actor = users.authenticate("gestor", PASSWORD)
    assert (actor.user_id, actor.username, actor.role, actor.full_name) == (
        2,
        "gestor",
        Role.GESTOR,
        "Gil Gestor",
    )
    row = user(staff, "gestor")
    assert (row.failed_attempts, row.locked_until, row.last_login_at) == (0, None, NOW)
    assert audit_lines(staff) == []  # a login is not a change


def test_an_admin_unlocks_and_resets_audited_without_any_password(
    staff: FakeDatabase, tmp_path: Path
) -> None:
    locked = staff.rows[models.User][3]
    locked.update(failed_attempts=3, locked_until=NOW + timedelta(minutes=4))
    users = service(UserService, staff, ADMIN, tmp_path)
    users.unlock(3)
    row = user(staff, "recepcao")
    assert (row.failed_attempts, row.locked_until) == (0, None)
    users.reset_password(3, "senha-nova-123", "senha-nova-123")
    assert verify_password(user(staff, "recepcao").password_hash, "senha-nova-123")
    assert audit_lines(staff) == [
        ("admin", "user.unlock", 3, None, None),
        ("admin", "user.reset_password", 3, None, None),
    ]


# --- clinic settings and correction indexes: money rules ----------------------------------------


def clinic(db: FakeDatabase) -> models.Clinic:
    return db.insert(models.Clinic(legal_name="Clínica Sorriso Ltda", contact_windows={}))


def test_reception_cannot_change_clinic_settings(db: FakeDatabase, tmp_path: Path) -> None:
    clinic(db)
    before = state(db)
    with pytest.raises(PermissionDenied) as caught:
        service(ClinicService, db, RECEPCAO, tmp_path).update({"fine_percent": "1"})
    assert caught.value.message == refused(RECEPCAO, "alterar as configurações da clínica")
    assert state(db) == before


def test_a_fine_change_is_audited_and_a_phone_change_is_not(
    db: FakeDatabase, tmp_path: Path
) -> None:
    row = clinic(db)
    settings = service(ClinicService, db, GESTOR, tmp_path)
    info = settings.update({"fine_percent": "1,5"}, expected_version=1)
    assert (info.fine_bp, info.version) == (150, 2)  # 1,5 % = 150 basis points
    settings.update({"phone": "(11) 3333-4444"})
    assert db.all(models.Clinic)[0].phone == "1133334444"
    assert audit_lines(db) == [("gestor", "clinic.update", row.id, {"fine_bp": 200},
                                {"fine_bp": 150})]  # fmt: skip


def test_a_stale_settings_screen_is_refused(db: FakeDatabase, tmp_path: Path) -> None:
    clinic(db)
    settings = service(ClinicService, db, GESTOR, tmp_path)
    settings.update({"fine_percent": "1"})  # someone else saved: version 2
    before = state(db)
    with pytest.raises(ConflictError) as caught:
        settings.update({"fine_percent": "2"}, expected_version=1)
    assert caught.value.message == (
        "Outra pessoa alterou os dados da clínica depois que você abriu esta tela. Reabra "
        "Configurações para ver a versão atual; nada foi salvo."
    )
    assert state(db) == before


def test_reception_cannot_type_correction_indexes(db: FakeDatabase, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied) as caught:
        service(IndexService, db, RECEPCAO, tmp_path).set_values("ipca", {"2026-01": "0,44"})
    assert caught.value.message == refused(RECEPCAO, "alterar as configurações da clínica")
    assert (db.rows, db.commits) == ({}, 0)


def test_index_months_are_replaced_and_audited_with_the_values_they_had(
    db: FakeDatabase, tmp_path: Path
) -> None:
    db.insert(
        models.CorrectionIndexValue(index_name="ipca", month=date(2026, 1, 1), variation_bp=44)
    )
    indexes = service(IndexService, db, GESTOR, tmp_path)
    written = indexes.set_values("ipca", {"01/2026": "0,50", "2026-02": "-0,21"})
    assert written == 2
    assert indexes.values("ipca") == [(date(2026, 1, 1), 50), (date(2026, 2, 1), -21)]
    assert audit_lines(db) == [
        (
            "gestor",
            "index.set",
            None,
            {"index": "ipca", "2026-01-01": 44},
            {"index": "ipca", "2026-01-01": 50, "2026-02-01": -21},
        )
    ]


def test_an_unknown_index_is_refused_naming_the_choices(db: FakeDatabase, tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        service(IndexService, db, GESTOR, tmp_path).set_values("igpm", {"2026-01": "0,44"})
    assert caught.value.for_field("index") == "Índice: 'igpm' não existe; use ipca."
    assert db.commits == 0


# --- patients --------------------------------------------------------------------------------


def test_reception_registers_patients_and_nobody_cannot(db: FakeDatabase, tmp_path: Path) -> None:
    form = PatientForm(name="Maria da Silva", cpf="529.982.247-25", phone="(11) 98888-7777")
    with pytest.raises(PermissionDenied) as caught:
        service(PatientService, db, NOBODY, tmp_path).create(form)
    assert caught.value.message == refused(NOBODY, "consultar ou alterar pacientes")
    assert db.commits == 0
    patient = service(PatientService, db, RECEPCAO, tmp_path).create(form)
    assert (patient.id, patient.data.name, patient.data.cpf, patient.version) == (
        1,
        "Maria da Silva",
        "52998224725",
        1,
    )
    assert patient.data_confirmed_on == TODAY  # typed at the desk just now
    assert [p.cpf for p in db.all(models.Patient)] == ["52998224725"]


def test_a_cpf_saved_on_another_pc_meanwhile_is_refused_naming_the_field(
    db: FakeDatabase, tmp_path: Path
) -> None:
    other_pc = models.Patient(name="Maria (outro PC)", name_search="maria (outro pc)",
                              cpf="52998224725")  # fmt: skip
    db.on_next_commit(lambda: db.insert(other_pc))  # between our check and our commit
    with pytest.raises(ValidationError) as caught:
        service(PatientService, db, RECEPCAO, tmp_path).create(
            PatientForm(name="Maria da Silva", cpf="529.982.247-25")
        )
    assert caught.value.for_field("cpf") == (
        "CPF: acabou de ser cadastrado em outro computador; busque-o na lista."
    )
    assert [p.name for p in db.all(models.Patient)] == ["Maria (outro PC)"]
    assert db.commits == 0


def test_a_patient_saved_on_another_pc_first_is_a_conflict(
    db: FakeDatabase, tmp_path: Path
) -> None:
    patients = service(PatientService, db, RECEPCAO, tmp_path)
    opened = patients.create(PatientForm(name="Maria da Silva", cpf="529.982.247-25"))
    form = PatientForm(name="Maria Silva", cpf="529.982.247-25")

    def other_pc_saves() -> None:
        stored = db.rows[models.Patient][opened.id]
        stored.update(notes="do outro PC", version=stored["version"] + 1)

    db.on_next_commit(other_pc_saves)
    with pytest.raises(ConflictError) as caught:
        patients.update(opened.id, replace(form, notes="daqui"), opened.version)
    assert caught.value.message == STALE_RECORD
    saved = db.all(models.Patient)[0]
    assert (saved.name, saved.notes, saved.version) == ("Maria da Silva", "do outro PC", 2)
    with pytest.raises(ConflictError) as caught:  # the form still shows version 1
        patients.update(opened.id, form, opened.version)
    assert caught.value.message == STALE_RECORD


# --- money at the desk ---------------------------------------------------------------------


def cancelled_contract(db: FakeDatabase) -> models.Contract:
    patient = db.insert(models.Patient(name="Maria da Silva", name_search="maria da silva"))
    return db.insert(
        models.Contract(
            patient_id=patient.id,
            total_cents=120_000,
            installments_count=12,
            first_due_date=date(2026, 1, 10),
            due_day=10,
            payment_method="pix",
            status="cancelled",
            fine_bp=200,
            interest_monthly_bp=100,
        )
    )


def test_a_cancelled_contract_takes_no_payment_and_nothing_is_written(
    db: FakeDatabase, tmp_path: Path
) -> None:
    contract = cancelled_contract(db)
    before = state(db)
    form = PaymentForm(contract_id=contract.id, amount="100,00", paid_on="16/03/2026")
    with pytest.raises(EmDiaError) as caught:
        service(PaymentService, db, RECEPCAO, tmp_path).add(form)
    assert caught.value.message == f"Contrato {contract.id} está cancelado: não recebe pagamentos."
    # Decided under the contract's lock (two PCs never both decide on the same contract).
    assert db.locked_contracts == [contract.id]
    assert state(db) == before


def test_a_cancelled_contract_has_no_payment_preview_either(
    db: FakeDatabase, tmp_path: Path
) -> None:
    contract = cancelled_contract(db)
    form = PaymentForm(contract_id=contract.id, amount="100,00", paid_on="16/03/2026")
    with pytest.raises(EmDiaError) as caught:
        service(PaymentService, db, RECEPCAO, tmp_path).preview(form)
    assert caught.value.message == f"Contrato {contract.id} está cancelado: não recebe pagamentos."


def test_payments_need_someone_logged_in(db: FakeDatabase, tmp_path: Path) -> None:
    contract = cancelled_contract(db)
    form = PaymentForm(contract_id=contract.id, amount="100,00", paid_on="16/03/2026")
    with pytest.raises(PermissionDenied) as caught:
        service(PaymentService, db, NOBODY, tmp_path).add(form)
    assert caught.value.message == refused(NOBODY, "registrar ou estornar pagamentos")
    assert db.locked_contracts == []  # refused before touching anything


# --- reading the audit log -------------------------------------------------------------------


def test_the_audit_log_is_read_by_gestor_and_admin_only(
    staff: FakeDatabase, tmp_path: Path
) -> None:
    service(UserService, staff, ADMIN, tmp_path).unlock(3)
    service(IndexService, staff, GESTOR, tmp_path).set_values("ipca", {"2026-01": "0,44"})
    with pytest.raises(PermissionDenied) as caught:
        service(AuditService, staff, RECEPCAO, tmp_path).search()
    assert caught.value.message == refused(RECEPCAO, "ver o registro de auditoria")
    audit = service(AuditService, staff, GESTOR, tmp_path)
    assert [(e.username, e.action) for e in audit.search(AuditQuery(username="admin"))] == [
        ("admin", "user.unlock")
    ]
    assert audit.count(AuditQuery(text="INDEX")) == 1
    assert audit.usernames() == ["admin", "gestor"]
