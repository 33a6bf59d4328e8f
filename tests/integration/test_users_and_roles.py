"""Users, login lockout and roles enforced in the services (not only hidden buttons)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from app.bootstrap import Services, bootstrap
from app.domain.access import Role
from app.domain.patients import PatientForm
from app.errors import LoginRefused, PermissionDenied, ValidationError
from app.services import users as users_module
from app.services.base import Actor
from app.services.users import LOGIN_REFUSED, UserForm
from app.timeutil import utcnow
from tests.conftest import STAFF_PASSWORD


def test_a_database_without_users_runs_in_setup_mode(services: Services) -> None:
    assert services.actor.is_setup
    assert services.users.has_users() is False


def test_the_first_user_must_be_an_admin(services: Services) -> None:
    with pytest.raises(ValidationError) as info:
        services.users.create(UserForm("ana", "Ana", "recepcao", STAFF_PASSWORD))
    assert "primeiro usuário" in (info.value.for_field("role") or "")
    assert services.users.has_users() is False


def test_reopening_a_database_with_users_acts_as_nobody(staff: Services) -> None:
    again = bootstrap(staff.config, staff.clock)
    try:
        assert not again.actor.is_user
        with pytest.raises(PermissionDenied, match="entrar com um usuário"):
            again.patients.search("")
        again.login("recepcao", STAFF_PASSWORD)
        assert again.patients.search("") == []
    finally:
        again.close()


def test_reception_cannot_change_clinic_settings_nor_users(staff: Services) -> None:
    staff.login("recepcao", STAFF_PASSWORD)
    with pytest.raises(PermissionDenied, match=r"recepcao.*configurações da clínica"):
        staff.clinic.update({"fine_percent": "1"})
    with pytest.raises(PermissionDenied):
        staff.users.list_users()
    with pytest.raises(PermissionDenied):
        staff.backups.create()
    with pytest.raises(PermissionDenied):
        staff.audit.search()
    assert staff.clinic.get().fine_bp == 200  # nothing written


def test_gestor_changes_settings_and_reads_the_audit_but_not_users(staff: Services) -> None:
    staff.login("gestor", STAFF_PASSWORD)
    staff.clinic.update({"fine_percent": "1,5"})
    entries = staff.audit.search()
    assert entries[0].action == "clinic.update" and entries[0].username == "gestor"
    assert entries[0].before == {"fine_bp": 200} and entries[0].after == {"fine_bp": 150}
    with pytest.raises(PermissionDenied):
        staff.users.create(UserForm("x.y", "X", "recepcao", STAFF_PASSWORD))


def test_reception_registers_patients(staff: Services) -> None:
    staff.login("recepcao", STAFF_PASSWORD)
    patient = staff.patients.create(PatientForm(name="Maria da Silva", cpf="529.982.247-25"))
    stored = staff.patients.get(patient.id)
    assert (stored.name, stored.data.cpf, stored.data_confirmed_on) == (
        "Maria da Silva",
        "52998224725",
        staff.clock.today(),  # typed at the desk today: the contact data is confirmed
    )
    assert [p.id for p in staff.patients.search("")] == [patient.id]


def test_usernames_and_passwords_are_validated(staff: Services) -> None:
    with pytest.raises(ValidationError) as info:
        staff.users.create(UserForm("Ma", "", "recepcao", "curta", "outra"))
    fields = {e.field for e in info.value.errors}
    assert fields == {"username", "password", "password_confirm"}
    with pytest.raises(ValidationError, match="já existe"):
        staff.users.create(UserForm("gestor", "", "gestor", STAFF_PASSWORD))


def test_password_is_stored_as_argon2_hash(staff: Services) -> None:
    with staff.engine.connect() as conn:
        hashes = conn.execute(text("SELECT password_hash FROM app_user")).scalars().all()
    assert len(hashes) == 3  # admin, gestor and recepção share one password…
    assert all(h.startswith("$argon2id$") and STAFF_PASSWORD not in h for h in hashes)
    assert len(set(hashes)) == 3  # …and still get three different hashes (a salt each)


def test_five_wrong_passwords_lock_the_user_for_five_minutes(
    staff: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = utcnow()
    monkeypatch.setattr(users_module, "utcnow", lambda: now)
    for _ in range(5):
        with pytest.raises(LoginRefused) as refused:
            staff.login("recepcao", "errada")
        assert refused.value.message == LOGIN_REFUSED
    with pytest.raises(LoginRefused) as refused:
        staff.login("recepcao", STAFF_PASSWORD)  # even the right password waits
    assert refused.value.message == LOGIN_REFUSED

    monkeypatch.setattr(users_module, "utcnow", lambda: now + timedelta(minutes=5, seconds=1))
    assert staff.login("recepcao", STAFF_PASSWORD).username == "recepcao"
    staff.actor = Actor()
    assert any(e.action == "user.locked" for e in staff.audit.search())


def test_an_unknown_user_is_answered_like_a_wrong_password_and_a_locked_one(
    staff: Services,
) -> None:
    """The login screen must not tell anyone which user names exist or which one is locked."""
    answers = []
    for username in ("fulano", "recepcao"):
        with pytest.raises(LoginRefused) as refused:
            staff.login(username, "errada")
        answers.append(refused.value.message)
    lock_out(staff, "gestor")
    with pytest.raises(LoginRefused) as refused:
        staff.login("gestor", "errada")
    answers.append(refused.value.message)
    assert answers == [LOGIN_REFUSED] * 3


def test_admin_unlocks_and_resets_a_password(staff: Services) -> None:
    for _ in range(5):
        with pytest.raises(LoginRefused):
            staff.login("gestor", "errada")
    staff.login("admin", STAFF_PASSWORD)
    gestor = next(u for u in staff.users.list_users() if u.username == "gestor")
    assert gestor.locked_until is not None
    staff.users.reset_password(gestor.id, "nova-senha-123")
    gestor = next(u for u in staff.users.list_users() if u.username == "gestor")
    assert gestor.locked_until is None  # the reset lifts the lockout at once
    assert staff.login("gestor", "nova-senha-123") == Actor.for_user(
        gestor.id, "gestor", Role.GESTOR, "Gestor"
    )
    with pytest.raises(LoginRefused, match="incorretos"):
        staff.login("gestor", STAFF_PASSWORD)  # the old password no longer opens


def test_the_last_active_admin_cannot_be_demoted(staff: Services) -> None:
    staff.login("admin", STAFF_PASSWORD)
    admin = next(u for u in staff.users.list_users() if u.username == "admin")
    with pytest.raises(ValidationError, match="único administrador"):
        staff.users.update(admin.id, full_name="Admin", role="gestor", active=True)


def test_inactive_user_cannot_log_in(staff: Services) -> None:
    staff.login("admin", STAFF_PASSWORD)
    recep = next(u for u in staff.users.list_users() if u.username == "recepcao")
    staff.users.update(recep.id, full_name="R", role="recepcao", active=False)
    with pytest.raises(LoginRefused, match="incorretos"):
        staff.login("recepcao", STAFF_PASSWORD)


def test_demo_creates_the_three_documented_users(demo_services: Services) -> None:
    for username in ("admin", "gestor", "recepcao"):
        assert demo_services.login(username, "demo").username == username


def lock_out(services: Services, username: str) -> None:
    """Five wrong passwords in a row: the user is locked for five minutes."""
    for _ in range(5):
        with pytest.raises(LoginRefused):
            services.login(username, "errada")


def user_id(services: Services, username: str) -> int:
    return next(u.id for u in services.users.list_users() if u.username == username)


def test_admin_unlocks_a_locked_user_who_keeps_the_same_password(staff: Services) -> None:
    lock_out(staff, "gestor")
    with pytest.raises(LoginRefused, match="bloqueado"):
        staff.login("gestor", STAFF_PASSWORD)
    staff.login("admin", STAFF_PASSWORD)
    gestor = user_id(staff, "gestor")
    staff.login("recepcao", STAFF_PASSWORD)
    with pytest.raises(PermissionDenied):
        staff.users.unlock(gestor)
    staff.login("admin", STAFF_PASSWORD)
    staff.users.unlock(gestor)
    [info] = [u for u in staff.users.list_users() if u.id == gestor]
    assert info.locked_until is None
    unlocked = [e for e in staff.audit.search() if e.action == "user.unlock"]
    assert [(e.username, e.entity_id) for e in unlocked] == [("admin", gestor)]
    assert staff.login("gestor", STAFF_PASSWORD).username == "gestor"  # no five-minute wait


def test_unlock_also_restarts_the_count_of_wrong_passwords(staff: Services) -> None:
    for _ in range(4):  # one short of the lockout
        with pytest.raises(LoginRefused):
            staff.login("gestor", "errada")
    staff.login("admin", STAFF_PASSWORD)
    staff.users.unlock(user_id(staff, "gestor"))
    for _ in range(4):  # 5 − 1 more are allowed, not 5 − 5
        with pytest.raises(LoginRefused):
            staff.login("gestor", "errada")
    assert [u.locked_until for u in staff.users.list_users() if u.username == "gestor"] == [None]
    with pytest.raises(LoginRefused):
        staff.login("gestor", "errada")
    [gestor] = [u for u in staff.users.list_users() if u.username == "gestor"]
    assert gestor.locked_until is not None


def test_a_user_changes_their_own_password(staff: Services) -> None:
    staff.login("recepcao", STAFF_PASSWORD)
    users = staff.users
    with pytest.raises(ValidationError) as wrong:
        users.change_own_password("não é esta", "nova senha boa", "nova senha boa")
    assert [(e.field, e.message) for e in wrong.value.errors] == [
        ("current_password", "Senha atual: não confere.")
    ]
    with pytest.raises(ValidationError) as weak:
        users.change_own_password(STAFF_PASSWORD, "curta", "outra")
    assert [e.field for e in weak.value.errors] == ["password", "password_confirm"]
    with pytest.raises(ValidationError, match="igual ao nome de usuário"):
        users.change_own_password(STAFF_PASSWORD, "Recepcao", "Recepcao")

    users.change_own_password(STAFF_PASSWORD, "nova senha boa", "nova senha boa")
    with pytest.raises(LoginRefused, match="incorretos"):
        staff.login("recepcao", STAFF_PASSWORD)
    assert staff.login("recepcao", "nova senha boa").username == "recepcao"
    staff.login("admin", STAFF_PASSWORD)
    changed = [e for e in staff.audit.search() if e.action == "user.change_password"]
    assert [(e.username, e.entity_id) for e in changed] == [
        ("recepcao", user_id(staff, "recepcao"))
    ]
    assert changed[0].before is None and changed[0].after is None  # no hash in the audit


def test_nobody_logged_in_cannot_change_a_password(staff: Services) -> None:
    assert not staff.actor.is_user
    with pytest.raises(LoginRefused, match="Entre com seu usuário"):
        staff.users.change_own_password(STAFF_PASSWORD, "nova senha boa", "nova senha boa")
