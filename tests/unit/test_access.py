from __future__ import annotations

from app.domain.access import ROLE_PERMISSIONS, Permission, Role, parse_role
from app.services.base import Actor


def test_each_role_includes_the_one_below() -> None:
    assert ROLE_PERMISSIONS[Role.RECEPCAO] < ROLE_PERMISSIONS[Role.GESTOR]
    assert ROLE_PERMISSIONS[Role.GESTOR] < ROLE_PERMISSIONS[Role.ADMIN]
    assert ROLE_PERMISSIONS[Role.ADMIN] == frozenset(Permission)


def test_reception_works_the_desk_but_not_the_rules() -> None:
    recepcao = Actor.for_user(1, "ana", Role.RECEPCAO)
    for allowed in ("PATIENTS", "PAYMENTS", "MESSAGES", "DOCUMENTS"):
        assert recepcao.can(Permission[allowed])
    for refused in ("SETTINGS", "NEGATIVACAO", "DISCOUNT_ABOVE_LIMIT", "USERS", "BACKUPS"):
        assert not recepcao.can(Permission[refused])


def test_gestor_decides_but_does_not_manage_users_or_backups() -> None:
    gestor = Actor.for_user(2, "dr", Role.GESTOR)
    assert gestor.can(Permission.APPROVE_RENEGOTIATION) and gestor.can(Permission.AUDIT)
    assert not gestor.can(Permission.USERS) and not gestor.can(Permission.BACKUPS)


def test_nobody_can_do_nothing_and_setup_everything() -> None:
    assert not any(Actor.nobody().can(p) for p in Permission)
    assert all(Actor.setup().can(p) for p in Permission)


def test_role_names_as_typed() -> None:
    assert parse_role("Recepção") is Role.RECEPCAO
    assert parse_role("ADMIN") is Role.ADMIN
    assert parse_role("dentista") is Role.GESTOR
    assert parse_role("chefe") is None
