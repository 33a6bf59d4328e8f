"""Users, roles and login (Configurações → Usuários, the login dialog, ``emdia user``).

Login: 5 wrong passwords in a row lock the user for 5 minutes (the lock is stored in the
database, so closing the window or using the CLI does not reset it). Every change to a user and
every lockout goes to the audit log; password hashes never do.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from app.domain import limits
from app.domain.access import Role, parse_role
from app.errors import FieldError, LoginRefused, NotFoundError, ValidationError
from app.persistence import models
from app.security.passwords import hash_password, needs_rehash, verify_password
from app.services.base import Actor, Permission, Service
from app.services.ports import UnitOfWorkPort
from app.timeutil import utcnow

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=5)
LOGIN_REFUSED = (
    f"Usuário ou senha incorretos. Depois de {MAX_FAILED_ATTEMPTS} tentativas erradas "
    f"seguidas, o usuário fica bloqueado por {LOCKOUT.seconds // 60} minutos (o administrador "
    "pode desbloquear antes)."
)


@cache
def _decoy_hash() -> str:
    """A hash no user has, checked for an unknown user name: the refusal takes as long as a
    real wrong password."""
    return hash_password(secrets.token_hex(16))


MIN_PASSWORD_LENGTH = 8
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,29}$")


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    full_name: str
    role: Role
    active: bool
    last_login_at: datetime | None
    locked_until: datetime | None

    @property
    def role_label(self) -> str:
        return self.role.label


@dataclass(frozen=True)
class UserForm:
    """What the user dialog and ``emdia user add`` send (text as typed)."""

    username: str
    full_name: str
    role: str
    password: str
    password_confirm: str | None = None  # None: no confirmation field (CLI)


def validate_password(password: str, confirm: str | None, username: str) -> list[FieldError]:
    errors = []
    if len(password) < MIN_PASSWORD_LENGTH:
        errors.append(
            FieldError(
                "password",
                f"Senha: use pelo menos {MIN_PASSWORD_LENGTH} caracteres "
                "(uma frase curta é fácil de lembrar e difícil de adivinhar).",
            )
        )
    elif password.strip().lower() == username.strip().lower():
        errors.append(FieldError("password", "Senha: não pode ser igual ao nome de usuário."))
    if confirm is not None and confirm != password:
        errors.append(
            FieldError("password_confirm", "Confirmação da senha: não confere com a senha.")
        )
    return errors


def check_user_form(form: UserForm) -> tuple[str, str, Role | None, list[FieldError]]:
    """Clean the typed values; the errors that need no database (the set-up dialog shows them
    together with the frase-senha's before anything is written)."""
    username = form.username.strip().lower()
    full_name = " ".join(form.full_name.split())
    role = parse_role(form.role)
    errors: list[FieldError] = []
    if not _USERNAME.match(username):
        errors.append(
            FieldError(
                "username",
                "Usuário: use de 3 a 30 letras minúsculas sem acento, números, ponto, hífen "
                "ou sublinhado, começando por letra ou número (ex.: maria.souza).",
            )
        )
    if role is None:
        errors.append(FieldError("role", "Perfil: escolha recepcao, gestor ou admin."))
    errors += limits.text_errors(
        [("full_name", form.full_name)],
        {"full_name": "Nome completo"},
        {"full_name": limits.COLUMNS["app_user.full_name"]},
    )
    errors += validate_password(form.password, form.password_confirm, username)
    return username, full_name, role, errors


def _info(row: models.User) -> UserInfo:
    return UserInfo(
        id=row.id,
        username=row.username,
        full_name=row.full_name,
        role=Role(row.role),
        active=row.active,
        last_login_at=row.last_login_at,
        locked_until=row.locked_until,
    )


def _actor(row: models.User) -> Actor:
    return Actor.for_user(row.id, row.username, Role(row.role), row.full_name)


class UserService(Service):
    # --- login ----------------------------------------------------------------------------
    def has_users(self) -> bool:
        with self.uow() as uow:
            return uow.users.count() > 0

    def authenticate(self, username: str, password: str) -> Actor:
        """Check the password; count failures and lock after 5. Returns the user's Actor.

        Every refusal reads the same — an unknown user, a wrong password, the fifth wrong one,
        a locked or inactive user — and costs the same argon2 check, so the login screen does
        not tell anyone which user names exist or which one was just locked."""
        name = username.strip().lower()
        with self.uow() as uow:
            row = uow.users.by_username(name)
            if row is None or not row.active:
                verify_password(_decoy_hash(), password)  # the same time as a real check
                raise LoginRefused(LOGIN_REFUSED)
            now = utcnow()
            if row.locked_until is not None and row.locked_until > now:
                verify_password(row.password_hash, password)
                raise LoginRefused(LOGIN_REFUSED)
            if not verify_password(row.password_hash, password):
                row.failed_attempts += 1
                if row.failed_attempts >= MAX_FAILED_ATTEMPTS:
                    row.failed_attempts = 0
                    row.locked_until = now + LOCKOUT
                    self.audit(
                        uow,
                        "user.locked",
                        "app_user",
                        row.id,
                        None,
                        {"minutes": LOCKOUT.seconds // 60},
                        actor=_actor(row),
                    )
                uow.commit()
                raise LoginRefused(LOGIN_REFUSED)
            row.failed_attempts = 0
            row.locked_until = None
            row.last_login_at = now
            if needs_rehash(row.password_hash):
                row.password_hash = hash_password(password)
            uow.commit()
            return _actor(row)

    # --- administration -------------------------------------------------------------------
    def list_users(self) -> list[UserInfo]:
        self.require(Permission.USERS)
        with self.uow() as uow:
            return [_info(r) for r in uow.users.all()]

    def create(self, form: UserForm) -> UserInfo:
        """Add a user. In set-up mode (no users yet) the first one must be an admin."""
        self.require(Permission.USERS)
        username, full_name, role, errors = check_user_form(form)
        with self.uow() as uow:
            if uow.users.count() == 0 and role is not None and role is not Role.ADMIN:
                errors.append(
                    FieldError(
                        "role",
                        "Perfil: o primeiro usuário precisa ser administrador (admin), para "
                        "poder cadastrar os demais.",
                    )
                )
            if username and uow.users.by_username(username) is not None:
                errors.append(
                    FieldError("username", f"Usuário: '{username}' já existe; escolha outro nome.")
                )
            if errors:
                raise ValidationError(errors)
            assert role is not None
            row = models.User(
                username=username,
                full_name=full_name,
                role=role.value,
                password_hash=hash_password(form.password),
                active=True,
                failed_attempts=0,
            )
            uow.users.add(row)
            self.audit(uow, "user.create", "app_user", row.id, None, _public(row))
            uow.commit()
            return _info(row)

    def update(self, user_id: int, *, full_name: str, role: str, active: bool) -> UserInfo:
        self.require(Permission.USERS)
        new_role = parse_role(role)
        if new_role is None:
            raise ValidationError.single("role", "Perfil: escolha recepcao, gestor ou admin.")
        with self.uow() as uow:
            row = self._get(uow, user_id)
            before = _public(row)
            losing_admin = row.role == Role.ADMIN and (new_role is not Role.ADMIN or not active)
            admins = uow.users.count_active_with_role
            if losing_admin and row.active and admins(Role.ADMIN.value) <= 1:
                raise ValidationError.single(
                    "role",
                    f"Perfil: {row.username} é o único administrador ativo; cadastre ou ative "
                    "outro administrador antes de mudar este.",
                )
            row.full_name = " ".join(full_name.split())
            row.role = new_role.value
            row.active = active
            self.audit(uow, "user.update", "app_user", row.id, before, _public(row))
            uow.commit()
            return _info(row)

    def reset_password(self, user_id: int, password: str, confirm: str | None = None) -> None:
        """An admin sets a new password (and lifts a lockout)."""
        self.require(Permission.USERS)
        with self.uow() as uow:
            row = self._get(uow, user_id)
            errors = validate_password(password, confirm, row.username)
            if errors:
                raise ValidationError(errors)
            row.password_hash = hash_password(password)
            row.failed_attempts = 0
            row.locked_until = None
            self.audit(uow, "user.reset_password", "app_user", row.id, None, None)
            uow.commit()

    def change_own_password(self, current: str, password: str, confirm: str | None) -> None:
        actor = self.actor
        if actor.user_id is None:
            raise LoginRefused("Entre com seu usuário para trocar a senha.")
        with self.uow() as uow:
            row = self._get(uow, actor.user_id)
            if not verify_password(row.password_hash, current):
                raise ValidationError.single("current_password", "Senha atual: não confere.")
            errors = validate_password(password, confirm, row.username)
            if errors:
                raise ValidationError(errors)
            row.password_hash = hash_password(password)
            self.audit(uow, "user.change_password", "app_user", row.id, None, None)
            uow.commit()

    def unlock(self, user_id: int) -> None:
        self.require(Permission.USERS)
        with self.uow() as uow:
            row = self._get(uow, user_id)
            row.failed_attempts = 0
            row.locked_until = None
            self.audit(uow, "user.unlock", "app_user", row.id, None, None)
            uow.commit()

    # --- helpers --------------------------------------------------------------------------
    @staticmethod
    def _get(uow: UnitOfWorkPort, user_id: int) -> models.User:
        row = uow.users.get(user_id)
        if row is None:
            raise NotFoundError(f"Usuário {user_id} não encontrado.")
        return row


def _public(row: models.User) -> dict[str, object]:
    return {
        "username": row.username,
        "full_name": row.full_name,
        "role": row.role,
        "active": row.active,
    }
