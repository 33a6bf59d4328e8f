"""Text helpers for search: accent- and case-insensitive matching of names."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")


@lru_cache(maxsize=4096)  # an import folds each name several times (search key, duplicates)
def fold(text: str) -> str:
    """``'  João  DA Silva '`` → ``'joao da silva'`` (what ``patient.name_search`` stores)."""
    if not text:
        return ""
    if text.isascii():  # nothing to decompose
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.lower().split())


def clean_name(text: str) -> str:
    """Collapse internal white space of a person's or company's name."""
    return " ".join((text or "").split())


def parse_int(text: str) -> int | None:
    """A whole number as typed (``12``, ``-3``, ``+5``), or ``None``: only ASCII digits, at
    most 18 of them (``int()`` alone would take ``١٢`` as 12 and numbers no column holds)."""
    value = (text or "").strip().replace("−", "-")  # the typographic minus
    return int(value) if _INTEGER.fullmatch(value) else None
