"""Tables out to CSV and XLSX the way a Brazilian office opens them.

CSV: ``;`` separator, UTF-8 with BOM (Excel then shows accents right), money ``1.234,56``, dates
``dd/mm/aaaa``. XLSX: real numbers and dates with pt-BR display formats. Both neutralise cells
that a spreadsheet would run as a formula (``=HYPERLINK(...)``, ``+``, ``-``, ``@``): a patient's
name must never become code on the owner's PC (CSV/formula injection).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

from app.domain.dates import format_date
from app.domain.money import format_brl
from app.errors import ValidationError

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class Kind(StrEnum):
    TEXT = "text"
    MONEY = "money"  # integer centavos
    DATE = "date"
    INT = "int"


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = Kind.TEXT


def safe_text(value: str) -> str:
    """Prefix text a spreadsheet would evaluate with an apostrophe (shown as typed)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _csv_cell(value: object, kind: Kind) -> str:
    if value is None or value == "":
        return ""
    if kind is Kind.MONEY:
        return format_brl(int(value), symbol=False)  # type: ignore[call-overload]
    if kind is Kind.DATE:
        return format_date(value) if isinstance(value, date) else str(value)
    if kind is Kind.INT:
        return str(value)
    return safe_text(str(value))


def write_table(path: Path, columns: Sequence[Column], rows: Iterable[Sequence[object]]) -> int:
    """Write ``rows`` to ``path`` (.csv or .xlsx). Returns the number of data rows written."""
    check_suffix(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".csv":
        return _write_csv(path, columns, rows)
    return _write_xlsx(path, columns, rows)


def check_suffix(path: Path) -> None:
    """Refuse a file name that is neither .csv nor .xlsx (before any work is done)."""
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise ValidationError.single(
            "file", f"Arquivo: '{path.name}' deve terminar em .csv ou .xlsx."
        )


def _write_csv(path: Path, columns: Sequence[Column], rows: Iterable[Sequence[object]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", quoting=csv.QUOTE_MINIMAL)
        writer.writerow([c.header for c in columns])
        for row in rows:
            writer.writerow([_csv_cell(v, c.kind) for v, c in zip(row, columns, strict=True)])
            count += 1
    return count


def _write_xlsx(path: Path, columns: Sequence[Column], rows: Iterable[Sequence[object]]) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet("EmDia")
    for i, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(12, len(column.header) + 2)
    header = []
    for c in columns:
        cell = WriteOnlyCell(sheet, value=c.header)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    count = 0
    try:
        for row in rows:
            cells = []
            for value, column in zip(row, columns, strict=True):
                cell = WriteOnlyCell(sheet, value=_xlsx_value(value, column.kind))
                if column.kind is Kind.MONEY:
                    cell.number_format = "#,##0.00"
                elif column.kind is Kind.DATE:
                    cell.number_format = "DD/MM/YYYY"
                elif column.kind is Kind.TEXT and cell.value is not None:
                    cell.data_type = "s"  # never a formula
                cells.append(cell)
            sheet.append(cells)
            count += 1
    except BaseException:
        # Rows can stop half-way (an export cancelled): finish openpyxl's temporary sheet now,
        # or its writer fails later, at garbage collection, on a closed file.
        sheet.close()
        raise
    book.save(path)
    return count


def _xlsx_value(value: object, kind: Kind) -> object:
    if value is None or value == "":
        return None
    if kind is Kind.MONEY:
        return Decimal(int(value)) / 100  # type: ignore[call-overload]
    if kind is Kind.DATE:
        return value if isinstance(value, (date, datetime)) else str(value)
    if kind is Kind.INT:
        return int(value)  # type: ignore[call-overload]
    return safe_text(str(value))
