"""Getting the key of an encrypted database, in the documented order (docs/CLI.md):
``EMDIA_PASSPHRASE`` (a frase-senha or the recovery key), then the OS keyring entry for that
database, then a prompt (a dialog in the window, the terminal for the CLI). With none of them the
database stays closed and the user is told what to do, in pt-BR.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.errors import FieldError, KeyRequired, ValidationError
from app.persistence.sqlite_files import export_encrypted, is_encrypted, replace_database
from app.security import keystore
from app.security.keys import (
    DataKey,
    KeyFile,
    key_file_path,
    parse_recovery_code,
    validate_passphrase,
)

PASSPHRASE_ENV = "EMDIA_PASSPHRASE"
PROMPT_ATTEMPTS = 3

Prompt = Callable[[str], str | None]


@dataclass(frozen=True)
class Protection:
    """Whether a database file is encrypted, and what sits next to it."""

    path: Path
    encrypted: bool
    keyfile: KeyFile | None

    @classmethod
    def of(cls, path: Path) -> Protection:
        return cls(path, is_encrypted(path), KeyFile.load(key_file_path(path)))


def key_from_secret(secret: str, keyfile: KeyFile | None) -> DataKey | None:
    """A typed frase-senha or recovery code → the key (``None`` when it is not this DB's)."""
    secret = secret.strip()
    if not secret:
        return None
    if keyfile is None:
        # Key file lost: only the recovery code can open it; SQLCipher will tell if it is wrong.
        return parse_recovery_code(secret)
    return keyfile.open_with(secret)


def resolve_key(
    path: Path | None,
    *,
    passphrase: str | None = None,
    prompt: Prompt | None = None,
    use_env: bool = True,
) -> DataKey | None:
    """The key for ``path``, or ``None`` for a database that is not encrypted."""
    if path is None or not is_encrypted(path):
        return None
    keyfile = KeyFile.load(key_file_path(path))
    secret = passphrase
    if secret is None and use_env:
        secret = os.environ.get(PASSPHRASE_ENV)
    if secret:
        key = key_from_secret(secret, keyfile)
        if key is None:
            raise KeyRequired(
                f"{PASSPHRASE_ENV}: não é a frase-senha nem a chave de recuperação do banco "
                f"{path}. Confira o texto (maiúsculas, espaços) e tente de novo."
            )
        return key
    if keyfile is not None:
        key = keystore.load_key(keyfile.db_id)
        if key is not None and keyfile.matches(key):
            return key
    if prompt is not None:
        for attempt in range(PROMPT_ATTEMPTS):
            typed = prompt(
                "Frase-senha ou chave de recuperação do banco: "
                if attempt == 0
                else "Não confere. Tente de novo: "
            )
            if typed is None:
                break
            key = key_from_secret(typed, keyfile)
            if key is not None:
                return key
    if keyfile is None:
        raise KeyRequired(
            f"O arquivo {path} não pode ser lido: ou está danificado, ou é um banco criptografado "
            f"cujo arquivo de chave ({key_file_path(path).name}) não está ao lado dele. Se tiver "
            f"a chave de recuperação, informe-a em {PASSPHRASE_ENV}; senão, restaure o último "
            "backup. O arquivo não foi alterado."
        )
    raise KeyRequired(
        f"O banco de dados {path} é criptografado e a chave não está neste computador. "
        f"Informe a frase-senha ou a chave de recuperação em {PASSPHRASE_ENV} (ou rode em um "
        "terminal para digitá-la)."
    )


def remember(path: Path, key: DataKey) -> bool:
    """Keep the key in this computer's keyring (after a frase-senha or recovery unlock)."""
    keyfile = KeyFile.load(key_file_path(path))
    if keyfile is None:
        keyfile = KeyFile.new(key)
        keyfile.save(key_file_path(path))
    return keystore.store_key(keyfile.db_id, key)


def check_new_passphrase(passphrase: str | None, confirm: str | None) -> None:
    """With no OS keyring the frase-senha is the only everyday way in: then it is required."""
    errors: list[FieldError] = []
    if passphrase:
        errors = validate_passphrase(passphrase, confirm)
    elif not keystore.available():
        errors = [
            FieldError(
                "passphrase",
                "Frase-senha do banco: este computador não tem um chaveiro do sistema para "
                "guardar a chave; crie uma frase-senha (três ou quatro palavras que só você "
                "associa).",
            )
        ]
    if errors:
        raise ValidationError(errors)


def new_protection(path: Path, passphrase: str | None) -> DataKey:
    """Create the key of a new encrypted database at ``path``: key file + keyring entry."""
    key = DataKey.generate()
    keyfile = KeyFile.new(key, passphrase or None)
    keyfile.save(key_file_path(path))
    keystore.store_key(keyfile.db_id, key)
    return key


def set_passphrase(path: Path, key: DataKey, passphrase: str) -> None:
    keyfile = KeyFile.load(key_file_path(path)) or KeyFile.new(key)
    keyfile.with_passphrase(key, passphrase).save(key_file_path(path))


def encrypt_file(path: Path, key: DataKey) -> None:
    """Encrypt a plain database in place (no connection may be open on it)."""
    tmp = path.with_name(path.name + ".cifrando")
    tmp.unlink(missing_ok=True)
    try:
        export_encrypted(path, tmp, key)
        replace_database(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
