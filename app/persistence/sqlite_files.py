"""Whole-file operations on SQLite databases, plain or SQLCipher-encrypted.

Used by the backup before a migration, the backups, their verification and restore, and by
"encrypt this database". Everything that replaces a file writes a temporary file next to it,
fsyncs it and renames it over the old one, so a crash leaves the old file or the new one.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlcipher3 import dbapi2 as sqlcipher

from app.security.keys import DataKey

SQLITE_HEADER = b"SQLite format 3\x00"
# Tables whose row counts a backup manifest records and its verification compares.
COUNTED_TABLES = (
    "patient",
    "contract",
    "installment",
    "payment",
    "payment_allocation",
    "contact_log",
    "agreement",
    "negativacao",
    "document",
    "app_user",
    "audit_log",
)

_quiet = False


def _silence_sqlcipher(conn: Any) -> None:
    """SQLCipher prints decryption failures (a wrong key) to stderr; we report them ourselves."""
    global _quiet
    if not _quiet:
        conn.execute("PRAGMA cipher_log_level = NONE")
        _quiet = True


def is_plain_sqlite(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(16) == SQLITE_HEADER


def is_encrypted(path: Path) -> bool:
    """An existing, non-empty file without the SQLite header: SQLCipher (or damaged)."""
    try:
        if path.stat().st_size == 0:
            return False
    except FileNotFoundError:
        return False
    return not is_plain_sqlite(path)


def connect(path: Path, key: DataKey | None, *, readonly: bool = False) -> Any:
    """A DB-API connection: stdlib sqlite3 for a plain file, sqlcipher3 with the key otherwise."""
    if key is None:
        uri = f"file:{path.as_posix()}{'?mode=ro' if readonly else ''}"
        return sqlite3.connect(uri, uri=True)
    conn = sqlcipher.connect(str(path))
    _silence_sqlcipher(conn)
    conn.execute(key.pragma)
    if readonly:
        conn.execute("PRAGMA query_only = ON")
    return conn


@contextlib.contextmanager
def opened(path: Path, key: DataKey | None, *, readonly: bool = False) -> Iterator[Any]:
    conn = connect(path, key, readonly=readonly)
    try:
        yield conn
    finally:
        conn.close()


def fsync_file(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


def fsync_dir(path: Path) -> None:
    if os.name == "nt":  # Windows has no directory fsync; NTFS journals the rename
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def copy_database(source: Path, target: Path, key: DataKey | None) -> None:
    """Consistent copy of a live database (online backup API: one read snapshot, WAL-safe);
    the copy is encrypted with the same key as the source."""
    with opened(source, key, readonly=key is None) as src, opened(target, key) as dst:
        src.backup(dst)
    fsync_file(target)


def export_encrypted(source: Path, target: Path, key: DataKey) -> None:
    """Copy a plain database into a new SQLCipher file (``sqlcipher_export``)."""
    conn = sqlcipher.connect(str(source))
    try:
        _silence_sqlcipher(conn)
        conn.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(target), f"x'{key.raw.hex()}'"))
        conn.execute("SELECT sqlcipher_export('encrypted')")
        conn.execute("DETACH DATABASE encrypted")
    finally:
        conn.close()
    fsync_file(target)


def integrity_check(path: Path, key: DataKey | None) -> str:
    """``'ok'`` or SQLite's description of what is wrong."""
    with opened(path, key, readonly=True) as conn:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    return "; ".join(str(r[0]) for r in rows[:5])


def row_counts(conn: Any) -> dict[str, int]:
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return {
        table: int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
        for table in COUNTED_TABLES
        if table in names
    }


def schema_revision(conn: Any) -> str | None:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except (sqlite3.DatabaseError, sqlcipher.DatabaseError):
        return None
    return str(row[0]) if row else None


def remove_sidecars(path: Path) -> None:
    """The -wal/-shm files of a database that was just replaced belong to the old file."""
    for suffix in ("-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def replace_database(new_file: Path, path: Path) -> None:
    """Put ``new_file`` in place of ``path`` atomically (no connection may be open on it)."""
    fsync_file(new_file)
    remove_sidecars(path)
    os.replace(new_file, path)
    fsync_dir(path.parent)
