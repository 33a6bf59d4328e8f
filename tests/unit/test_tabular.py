from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.domain.columns import Column, Kind
from app.errors import ValidationError
from app.tabular import safe_text, write_table

COLUMNS = (Column("Paciente"), Column("Valor", Kind.MONEY), Column("Vencimento", Kind.DATE),
           Column("Dias", Kind.INT))  # fmt: skip
ROWS = [
    ("João da Conceição", 123456, date(2026, 3, 1), 45),
    ('=HYPERLINK("http://x","clique")', 5, None, 0),
]


def test_csv_is_semicolon_utf8_bom_pt_br(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    assert write_table(path, COLUMNS, ROWS) == 2
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "Paciente;Valor;Vencimento;Dias"
    assert lines[1] == "João da Conceição;1.234,56;01/03/2026;45"


def test_formula_cells_are_neutralised(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    write_table(path, COLUMNS, ROWS)
    assert "'=HYPERLINK" in path.read_text(encoding="utf-8-sig")
    assert safe_text("-1+1") == "'-1+1" and safe_text("Maria") == "Maria"


def test_xlsx_has_real_types_and_no_formulas(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    write_table(path, COLUMNS, ROWS)
    sheet = load_workbook(path).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == ["Paciente", "Valor", "Vencimento", "Dias"]
    _name, money, due, days = sheet[2]
    assert money.value == pytest.approx(1234.56) and money.number_format == "#,##0.00"
    assert due.value.date() == date(2026, 3, 1) and due.number_format == "DD/MM/YYYY"
    assert days.value == 45
    assert sheet[3][0].data_type == "s" and sheet[3][0].value.startswith("'=")


def test_unknown_extension_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=r"\.csv ou \.xlsx"):
        write_table(tmp_path / "x.ods", COLUMNS, ROWS)
