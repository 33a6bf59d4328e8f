"""Errors the user can understand.

Every error raised on purpose by EmDia is an :class:`EmDiaError` carrying a pt-BR message that
names what is wrong and how to fix it. The CLI prints it and exits 1; the UI shows it in one
place (``ui/errors.py``). Anything else is a bug: it is logged with its traceback and the user
sees a polite message with the log file's path.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class EmDiaError(Exception):
    """Base of every error that carries a message for the user (pt-BR)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field: ``field`` is the form/CLI key, ``message`` is pt-BR."""

    field: str
    message: str


class ValidationError(EmDiaError):
    """Input refused; nothing was written. Holds one message per offending field."""

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors: tuple[FieldError, ...] = tuple(errors)
        if not self.errors:
            raise ValueError("ValidationError needs at least one FieldError")
        super().__init__("\n".join(e.message for e in self.errors))

    @classmethod
    def single(cls, field: str, message: str) -> ValidationError:
        return cls([FieldError(field, message)])

    def for_field(self, field: str) -> str | None:
        messages = [e.message for e in self.errors if e.field == field]
        return "\n".join(messages) if messages else None


class NotFoundError(EmDiaError):
    """The record asked for does not exist (any more)."""


class ConflictError(EmDiaError):
    """Someone else changed the record since it was opened (optimistic locking)."""


# Two PCs editing the same record: the second save is refused, never a silent overwrite.
STALE_RECORD = (
    "Outro usuário alterou este registro depois que você o abriu. Suas alterações não foram "
    "salvas: recarregue para ver a versão atual."
)


class DuplicateError(EmDiaError):
    """Another PC wrote the same unique value (a CPF, a régua step) between our check and our
    commit; the use case says which field in its own words."""


class DatabaseError(EmDiaError):
    """The database cannot be used as it is (newer version, corrupted, unreachable)."""


class PermissionDenied(EmDiaError):
    """The acting user's role does not allow this (roles are enforced in the services)."""


class LoginRefused(EmDiaError):
    """Wrong user or password, inactive user, or a user locked after too many tries."""


class KeyRequired(EmDiaError):
    """The database is encrypted and no key (passphrase, keyring, recovery key) was given."""
