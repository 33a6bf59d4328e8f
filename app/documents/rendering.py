"""Rendering one document to PDF bytes, the same way in the window's process and in a batch's
worker processes (``app.services.documents.pool``).

A worker process imports this module and the layout it is asked for — ReportLab and EmDia's
layouts, nothing of the database, the services or Qt. Its input is plain data (the frozen
dataclasses of ``app.documents.model``), its output PDF bytes, so a worker never touches the
database or the archive: the parent process hashes, files and records every PDF.
"""

from __future__ import annotations

import importlib
import traceback
from dataclasses import dataclass
from io import BytesIO

from app.errors import EmDiaError

# The layouts a batch renders (modules of ``app.documents`` with a ``render(target, ...)``).
LAYOUTS = frozenset({"notification", "statement"})


@dataclass(frozen=True)
class Failure:
    """Why a document was not rendered: a refusal (an ``EmDiaError``'s pt-BR message) or a bug
    (``error``: the exception in one line; ``trace``: its traceback, for the log)."""

    refusal: str | None
    error: str = ""
    trace: str = ""


def render_pdf(layout: str, *args: object) -> bytes:
    """The PDF bytes of ``app.documents.<layout>.render(buffer, *args)``."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}")
    module = importlib.import_module(f"app.documents.{layout}")
    buffer = BytesIO()
    module.render(buffer, *args)
    return buffer.getvalue()


def render_outcome(layout: str, args: tuple[object, ...]) -> bytes | Failure:
    """``render_pdf``, never raising: what a worker sends back is always plain, picklable data
    (an exception of any class might not be)."""
    try:
        return render_pdf(layout, *args)
    except EmDiaError as exc:
        return Failure(refusal=exc.message)
    except Exception as exc:
        return Failure(
            refusal=None, error=f"{type(exc).__name__}: {exc}", trace=traceback.format_exc()
        )
