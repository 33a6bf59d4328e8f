"""The audit log shows tampering: every line sealed with a hash chained to the line before it,
and REPLACE refused too.

- ``audit_log.prev_hash`` and ``audit_log.hash`` (``app.domain.audit``): the lines already there
  are sealed here, oldest first, exactly as EmDia seals new ones;
- SQLite: ``INSERT OR REPLACE``/``REPLACE`` would delete a line and write another in its place
  without firing the DELETE trigger, so a BEFORE INSERT trigger refuses an id that exists. Making
  the columns NOT NULL recreates the table on SQLite, which drops the triggers of migration 0003:
  they are created again. PostgreSQL has no REPLACE; ``INSERT … ON CONFLICT DO UPDATE`` fires the
  UPDATE trigger of 0003, which refuses it.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.domain.audit import GENESIS, canonical, seal

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = "audit_log é somente inclusão: registros de auditoria não podem ser alterados"

_SQLITE_TRIGGERS = {
    "audit_log_no_update": "BEFORE UPDATE ON audit_log",
    "audit_log_no_delete": "BEFORE DELETE ON audit_log",
    "audit_log_no_replace": (
        "BEFORE INSERT ON audit_log "
        "WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)"
    ),
}

_LOG = sa.table(
    "audit_log",
    sa.column("id", sa.Integer),
    sa.column("at", sa.DateTime),
    sa.column("user_id", sa.Integer),
    sa.column("username", sa.String),
    sa.column("action", sa.String),
    sa.column("entity", sa.String),
    sa.column("entity_id", sa.Integer),
    sa.column("before", sa.JSON),
    sa.column("after", sa.JSON),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)


def _sqlite_triggers(names: Sequence[str]) -> None:
    for name in names:
        op.execute(
            f"CREATE TRIGGER {name} {_SQLITE_TRIGGERS[name]} "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
        )


def _seal_existing_lines() -> None:
    bind = op.get_bind()
    columns = [c for c in _LOG.c if c.name not in ("prev_hash", "hash")]
    rows = bind.execute(sa.select(*columns).order_by(_LOG.c.id)).all()
    previous = GENESIS
    sealed = []
    for row in rows:
        line_hash = seal(previous, canonical(*row[1:]))
        sealed.append({"line_id": row[0], "prev_hash": previous, "hash": line_hash})
        previous = line_hash
    if sealed:
        bind.execute(
            _LOG.update()
            .where(_LOG.c.id == sa.bindparam("line_id"))
            .values(prev_hash=sa.bindparam("prev_hash"), hash=sa.bindparam("hash")),
            sealed,
        )


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    # The lines are sealed once, here, by the migration: the append-only trigger steps aside
    # for it and is back before anything else can write.
    if postgres:
        op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    _seal_existing_lines()
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
    if postgres:
        op.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
    else:
        _sqlite_triggers(list(_SQLITE_TRIGGERS))


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if not postgres:
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
    if not postgres:
        _sqlite_triggers(["audit_log_no_update", "audit_log_no_delete"])
