"""The OS keyring (through ``keyring``), when this computer has one.

On a bare Linux box or in CI there is no backend (``keyring`` falls back to its "fail" backend):
then EmDia asks for the frase-senha instead. Tests install an in-memory backend.
"""

from __future__ import annotations

import logging
from types import ModuleType

from app.security.keys import KEY_BYTES, DataKey

log = logging.getLogger(__name__)

SERVICE = "EmDia"


def _entry(db_id: str) -> str:
    return f"banco-{db_id}"


def _keyring() -> ModuleType:
    """``keyring``, imported on first use: it pulls in urllib, ssl and e-mail parsing, which a
    start on a database without a key never needs."""
    import keyring

    return keyring


def _error() -> type[Exception]:
    from keyring.errors import KeyringError

    return KeyringError


def available() -> bool:
    from keyring.backends import fail, null

    backend = _keyring().get_keyring()
    return not isinstance(backend, fail.Keyring | null.Keyring)


def load_key(db_id: str) -> DataKey | None:
    if not available():
        return None
    try:
        text = _keyring().get_password(SERVICE, _entry(db_id))
    except _error() as exc:
        log.warning("keyring read failed: %s", type(exc).__name__)
        return None
    if not text:
        return None
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        return None
    return DataKey(raw) if len(raw) == KEY_BYTES else None


def store_key(db_id: str, key: DataKey) -> bool:
    """Remember the key in the OS keyring; ``False`` when there is none or it refused."""
    if not available():
        return False
    try:
        _keyring().set_password(SERVICE, _entry(db_id), key.raw.hex())
    except _error() as exc:
        log.warning("keyring write failed: %s", type(exc).__name__)
        return False
    return True


def _server_entry(account: str) -> str:
    return f"servidor-{account}"


def store_server_password(account: str, password: str) -> bool:
    """Keep the clinic server's password in the OS keyring (``account``: user@host:port/db)."""
    if not available():
        return False
    try:
        _keyring().set_password(SERVICE, _server_entry(account), password)
    except _error() as exc:
        log.warning("keyring write failed: %s", type(exc).__name__)
        return False
    return True


def load_server_password(account: str) -> str | None:
    if not available():
        return None
    try:
        found: str | None = _keyring().get_password(SERVICE, _server_entry(account))
        return found
    except _error() as exc:
        log.warning("keyring read failed: %s", type(exc).__name__)
        return None
