"""Files shipped with EmDia (stylesheet, fonts, templates); found next to this module."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent


def path(name: str) -> Path:
    return ROOT / name
