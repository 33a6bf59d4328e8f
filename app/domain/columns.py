"""A column of a table EmDia writes: its header and the kind of value under it.

Pure definitions, so the spreadsheet layouts (``layouts``) and the reports can say what their
columns are without knowing any file format; how each kind is written — ``1.234,56`` in a CSV, a
real number with a pt-BR display format in an XLSX — is ``app.tabular``'s job.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    TEXT = "text"
    MONEY = "money"  # integer centavos
    DATE = "date"
    INT = "int"
    PERCENT = "percent"  # integer basis points (1 % = 100)


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = Kind.TEXT
