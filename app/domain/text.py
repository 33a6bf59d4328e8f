"""Text helpers for search: accent- and case-insensitive matching of names."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """``'  João  DA Silva '`` → ``'joao da silva'`` (what ``patient.name_search`` stores)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.lower().split())


def clean_name(text: str) -> str:
    """Collapse internal white space of a person's or company's name."""
    return " ".join((text or "").split())
