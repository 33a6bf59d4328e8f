"""Rotating log file: where unexpected errors go with their traceback — and never a patient's
data or a secret.

The log is a file support staff ask for and people e-mail around; it is not protected like the
database. So SQL parameters are never formatted into errors (the engines are made with
``hide_parameters``), and every line is scrubbed before it is written: what the database server
adds about a row (``DETAIL: Key (cpf)=(…)``), argon2 hashes, e-mail addresses, CPFs and any long
run of digits (phones, CNPJs) become ``(oculto)``.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

from app.files import make_private_dir, private_umask

LOG_FILE_NAME = "emdia.log"


def configure_logging(log_dir: Path, level: int = logging.INFO) -> Path:
    """Send EmDia's log to ``log_dir/emdia.log`` (1 MB × 5 files). Returns the file path."""
    private_umask()  # the log names the files and folders of a clinic: the user's alone
    make_private_dir(log_dir)
    path = log_dir / LOG_FILE_NAME
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_emdia", False):
            root.removeHandler(handler)
            handler.close()
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=5, encoding="utf-8", delay=True
    )
    handler._emdia = True  # type: ignore[attr-defined]
    handler.setFormatter(
        ScrubbingFormatter("%(asctime)s %(levelname)s %(name)s [%(process)d]: %(message)s")
    )
    root.addHandler(handler)
    root.setLevel(level)
    return path


HIDDEN = "(oculto)"
_SCRUB = (
    # SQLAlchemy's rendering of bound values (if an engine ever logs them) and the server's
    # description of the row that failed (PostgreSQL: "DETAIL: Key (cpf)=(…)", "Failing row").
    (re.compile(r"\[parameters: .*?\](?=\n|$)", re.DOTALL), f"[parameters: {HIDDEN}]"),
    (re.compile(r"^(\s*(?:DETAIL|DETALHE|HINT|DICA)):.*$", re.MULTILINE), rf"\1: {HIDDEN}"),
    (re.compile(r"\$argon2(?:id|i|d)\$\S+"), HIDDEN),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), HIDDEN),
    (re.compile(r"\b\d{3}\.\d{3}\.\d{3}-\d{2}\b"), HIDDEN),
    (re.compile(r"\b\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2}\b"), HIDDEN),
    (re.compile(r"(?<![\d:,.-])\d{10,}(?![\d:,.])"), HIDDEN),  # CPF, phone, CNPJ, card
)


def scrub(text: str) -> str:
    """``text`` without the personal data and secrets a database error can carry."""
    for pattern, replacement in _SCRUB:
        text = pattern.sub(replacement, text)
    return text


class ScrubbingFormatter(logging.Formatter):
    """Formats as usual (traceback included), then scrubs the whole text."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))
