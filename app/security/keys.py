"""The database key and the ways to get it back.

One random 256-bit *data key* encrypts the SQLite file (SQLCipher raw key: no slow key
derivation on every connection). Nobody types it; it is kept:

- in the OS keyring (Windows Credential Manager, macOS Keychain, Secret Service), so the owner
  of the Windows/macOS/Linux session opens EmDia without typing anything;
- wrapped by the admin's *frase-senha* in the key file next to the database
  (``emdia.db.chave.json``): argon2id(frase-senha, salt) is XOR-ed with the key, so the file
  holds no key in plain text and a wrong phrase is told apart by an HMAC check value;
- as the *recovery key* shown once at set-up: the data key itself, in base32 groups with a
  checksum, to be printed and kept in a safe. It opens the database and every backup even if the
  key file, the keyring and every password are lost.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw

from app.errors import FieldError

KEY_BYTES = 32
KEY_FILE_SUFFIX = ".chave.json"
MIN_PASSPHRASE_LENGTH = 10
# argon2id with argon2-cffi's "RFC 9106 low memory" profile: ~0.1 s per try on a clinic PC.
KDF = {"time_cost": 3, "memory_cost": 65536, "parallelism": 4}
_CHECK_LABEL = b"emdia-data-key-check-v1"
_CHECKSUM_BYTES = 3
# Letters people confuse with digits outside the base32 alphabet (which has no 0, 1, 8, 9).
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B", "9": "G"})


@dataclass(frozen=True)
class DataKey:
    raw: bytes

    def __post_init__(self) -> None:
        if len(self.raw) != KEY_BYTES:
            raise ValueError("a data key has 32 bytes")

    def __repr__(self) -> str:  # never print the key by accident (logs, tracebacks)
        return "DataKey(<oculta>)"

    @classmethod
    def generate(cls) -> DataKey:
        return cls(secrets.token_bytes(KEY_BYTES))

    @property
    def pragma(self) -> str:
        """The statement that unlocks a SQLCipher connection with this raw key."""
        return f"PRAGMA key = \"x'{self.raw.hex()}'\""

    @property
    def check(self) -> str:
        """An HMAC of a fixed label: tells a right key from a wrong one, reveals nothing."""
        return hmac.new(self.raw, _CHECK_LABEL, hashlib.sha256).hexdigest()

    def recovery_code(self) -> str:
        """``ABCD-EFGH-…`` (14 groups of 4): the key plus a checksum against typos."""
        digest = hashlib.sha256(self.raw).digest()[:_CHECKSUM_BYTES]
        text = base64.b32encode(self.raw + digest).decode().rstrip("=")
        return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def parse_recovery_code(text: str) -> DataKey | None:
    """The key from a recovery code as typed (any case, spaces/dashes, O↔0); ``None`` if not."""
    compact = "".join(ch for ch in text.upper() if ch.isalnum()).translate(_LOOKALIKES)
    if len(compact) != 56:
        return None
    try:
        data = base64.b32decode(compact + "=" * (-len(compact) % 8))
    except ValueError:
        return None
    raw, checksum = data[:KEY_BYTES], data[KEY_BYTES:]
    if len(raw) != KEY_BYTES or hashlib.sha256(raw).digest()[:_CHECKSUM_BYTES] != checksum:
        return None
    return DataKey(raw)


def validate_passphrase(passphrase: str, confirm: str | None) -> list[FieldError]:
    errors = []
    weakness = passphrase_weakness(passphrase)
    if weakness is not None:
        errors.append(FieldError("passphrase", f"Frase-senha do banco: {weakness}"))
    if confirm is not None and confirm != passphrase:
        errors.append(FieldError("passphrase_confirm", "Confirmação da frase-senha: não confere."))
    return errors


# What people type when asked for a password; with digits and symbols around, still guessed
# first by anyone who copies the key file.
_COMMON_WORDS = (
    "senha", "password", "emdia", "clinica", "clínica", "consultorio", "consultório",
    "dentista", "odonto", "admin", "qwerty", "abc", "brasil", "amor", "deus", "teste",
)  # fmt: skip
_SEQUENCES = ("abcdefghijklmnopqrstuvwxyz", "0123456789", "qwertyuiopasdfghjklçzxcvbnm")
_EXAMPLE = "por exemplo, três ou quatro palavras que só você associa (cavalo azul na janela)."


def passphrase_weakness(passphrase: str) -> str | None:
    """Why a frase-senha is easy to guess (pt-BR, after the field's label), or ``None``.

    Its length alone does not make it strong: ``1234567890``, ``aaaaaaaaaa`` or
    ``Senha2026!`` have ten characters and fall to the first guesses of anyone holding a copy
    of the key file (the frase-senha is what protects it)."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        return f"use pelo menos {MIN_PASSPHRASE_LENGTH} caracteres — {_EXAMPLE}"
    compact = "".join(passphrase.lower().split())
    if compact.isdigit():
        return f"só números (uma data, um telefone) é fácil de adivinhar — {_EXAMPLE}"
    if len(set(compact)) < 6 or _is_sequence(compact):
        return f"uma sequência ou repetição de caracteres é fácil de adivinhar — {_EXAMPLE}"
    letters = compact
    for word in _COMMON_WORDS:
        letters = letters.replace(word, "")
    if sum(1 for char in letters if char.isalpha()) < 6:
        return f"uma senha comum com números ou símbolos é fácil de adivinhar — {_EXAMPLE}"
    return None


def _is_sequence(text: str) -> bool:
    """``abcdefghij``, ``0987654321``, ``qwertyuiop``, ``abcabcabca``…"""
    for size in range(1, len(text) // 2 + 1):
        if (text[:size] * (len(text) // size + 1))[: len(text)] == text:
            return True
    return any(text in source or text in source[::-1] for source in _SEQUENCES)


def _derive(passphrase: str, salt: bytes, params: dict[str, int]) -> bytes:
    return hash_secret_raw(
        passphrase.encode("utf-8"),
        salt,
        time_cost=params["time_cost"],
        memory_cost=params["memory_cost"],
        parallelism=params["parallelism"],
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


def key_file_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + KEY_FILE_SUFFIX)


@dataclass(frozen=True)
class KeyFile:
    """What sits next to an encrypted database: its id, the key's check value and, optionally,
    the key wrapped by the frase-senha. Safe to copy: it opens nothing without a secret."""

    db_id: str
    check: str
    passphrase_slot: dict[str, Any] | None = None

    @classmethod
    def new(cls, key: DataKey, passphrase: str | None = None) -> KeyFile:
        keyfile = cls(db_id=uuid.uuid4().hex, check=key.check)
        return keyfile.with_passphrase(key, passphrase) if passphrase else keyfile

    def with_passphrase(self, key: DataKey, passphrase: str) -> KeyFile:
        salt = secrets.token_bytes(16)
        wrapped = _xor(key.raw, _derive(passphrase, salt, KDF))
        slot = {"kdf": "argon2id", **KDF, "salt": salt.hex(), "wrapped": wrapped.hex()}
        return KeyFile(self.db_id, self.check, slot)

    def matches(self, key: DataKey) -> bool:
        return hmac.compare_digest(self.check, key.check)

    def unlock(self, passphrase: str) -> DataKey | None:
        slot = self.passphrase_slot
        if not slot:
            return None
        pad = _derive(passphrase, bytes.fromhex(slot["salt"]), slot)
        key = DataKey(_xor(bytes.fromhex(slot["wrapped"]), pad))
        return key if self.matches(key) else None

    def open_with(self, secret: str) -> DataKey | None:
        """A frase-senha or a recovery code → the key, if it is this database's."""
        key = parse_recovery_code(secret)
        if key is not None and self.matches(key):
            return key
        return self.unlock(secret)

    # --- file -----------------------------------------------------------------------------
    def to_json(self) -> str:
        payload: dict[str, Any] = {"format": "emdia-chave", "version": 1}
        payload |= {"db_id": self.db_id, "check": self.check}
        payload["passphrase_slot"] = self.passphrase_slot
        return json.dumps(payload, indent=2)

    @classmethod
    def from_json(cls, text: str) -> KeyFile:
        data = json.loads(text)
        if data.get("format") != "emdia-chave":
            raise ValueError("not an EmDia key file")
        return cls(str(data["db_id"]), str(data["check"]), data.get("passphrase_slot"))

    @classmethod
    def load(cls, path: Path) -> KeyFile | None:
        try:
            return cls.from_json(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError, json.JSONDecodeError):
            return None

    def save(self, path: Path) -> None:
        """Atomic write: a crash leaves the old file or the new one, never half of one."""
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(self.to_json())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
