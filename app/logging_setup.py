"""Rotating log file: where unexpected errors go with their traceback."""

from __future__ import annotations

import logging
import logging.handlers
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
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(process)d]: %(message)s")
    )
    root.addHandler(handler)
    root.setLevel(level)
    return path
