"""Archived PDFs of an encrypted clinic are stored sealed: AES-256-GCM under a key derived from
the database key, so a stolen disk shows no patient's name or CPF in ``documentos/`` either.

The document key is HKDF-SHA256 of the database's data key (with its own label): whoever can
open the database — keyring, frase-senha, recovery key — can open its documents, and nothing
else is needed or stored. GCM authenticates as it decrypts: a file changed by one bit does not
open. The archive still records (and checks) the SHA-256 of the plain PDF, the exact bytes that
were printed or sent.

A sealed file is ``MAGIC`` + a random 96-bit nonce + the ciphertext with its tag.
"""

from __future__ import annotations

import os

from app.security.keys import DataKey

MAGIC = b"EMDIA-DOC\x01"
SEALED_SUFFIX = ".pdf.emdia"
_NONCE_BYTES = 12
_LABEL = b"emdia-documents-v1"


class Unsealable(Exception):
    """The bytes are not a sealed document of this key (another clinic's, or altered)."""


def _document_key(key: DataKey) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_LABEL).derive(key.raw)


def is_sealed(data: bytes) -> bool:
    return data.startswith(MAGIC)


def seal(plain: bytes, key: DataKey) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(_NONCE_BYTES)
    return MAGIC + nonce + AESGCM(_document_key(key)).encrypt(nonce, plain, MAGIC)


def unseal(data: bytes, key: DataKey | None) -> bytes:
    """The plain bytes of a sealed document (plain bytes are returned as they are)."""
    if not is_sealed(data):
        return data
    if key is None:
        raise Unsealable("sealed document without a key")
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = data[len(MAGIC) : len(MAGIC) + _NONCE_BYTES]
    try:
        return AESGCM(_document_key(key)).decrypt(nonce, data[len(MAGIC) + _NONCE_BYTES :], MAGIC)
    except (InvalidTag, ValueError) as exc:
        raise Unsealable("not sealed with this key, or altered") from exc
