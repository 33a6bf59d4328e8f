"""Spreadsheets that lie, bomb or hide: the reader trusts none of what a file declares, reads
the rows that exist, refuses what no clinic writes (entities, absurd sizes) in pt-BR, and never
drops a line without saying so."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app import tabular
from app.domain.importing import ImportFileError
from app.tabular import MAX_CELL, MAX_COLUMNS, MAX_ROWS, read_table
from tests.hostile_xlsx import (
    BILLION_LAUGHS,
    EXTERNAL_ENTITY,
    PATIENT_HEADER,
    column,
    row,
    sheet,
    xlsx,
    xlsx_parts,
)

# The reader runs in a child process with its address space capped: a regression that trusts
# the declared size again fails this test instead of taking the CI machine down.
_JAIL = """
import json, resource, sys
limit = int(sys.argv[2]) * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from app.domain.importing import ImportFileError
from app.tabular import read_table
data = open(sys.argv[1], "rb").read()
try:
    table = read_table(data, "hostil.xlsx")
except ImportFileError as exc:
    print(json.dumps({"refused": exc.message}))
else:
    print(json.dumps({"headers": list(table.headers), "lines": [n for n, _ in table.rows]}))
"""


def read_in_jail(path: Path, megabytes: int = 1024) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _JAIL, str(path), str(megabytes)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_a_dimension_declaring_the_whole_sheet_reads_only_the_rows_that_exist(
    tmp_path: Path,
) -> None:
    data = xlsx(
        sheet(
            [row(1, PATIENT_HEADER), row(2, ("Ana Lima", "529.982.247-25"))],
            dimension="A1:XFD1048576",
        )
    )
    assert len(data) < 2_000  # a tiny file: the size is all in the lie
    path = tmp_path / "hostil.xlsx"
    path.write_bytes(data)
    assert read_in_jail(path) == {"headers": ["nome", "cpf"], "lines": [2]}


def test_a_dimension_smaller_than_the_data_does_not_hide_rows() -> None:
    rows = [row(1, PATIENT_HEADER)] + [row(n, (f"Pessoa {n} Lima", "")) for n in range(2, 7)]
    table = read_table(xlsx(sheet(rows, dimension="A1:B2")), "curta.xlsx")
    assert [line for line, _ in table.rows] == [2, 3, 4, 5, 6]


def test_a_far_away_empty_row_costs_nothing_and_a_far_away_filled_one_is_refused(
    tmp_path: Path,
) -> None:
    far_empty = xlsx(sheet([row(1, PATIENT_HEADER), row(2, ("Ana Lima", "")), row(1048576, ())]))
    path = tmp_path / "hostil.xlsx"
    path.write_bytes(far_empty)
    assert read_in_jail(path) == {"headers": ["nome", "cpf"], "lines": [2]}

    far_filled = xlsx(sheet([row(1, PATIENT_HEADER), row(1048576, ("Ana Lima", ""))]))
    with pytest.raises(ImportFileError, match=f"mais de {MAX_ROWS:,} linhas".replace(",", ".")):
        read_table(far_filled, "longe.xlsx")


def test_a_cell_in_column_xfd_is_refused_as_too_many_columns(tmp_path: Path) -> None:
    data = xlsx(sheet([row(1, PATIENT_HEADER), row(2, ("x",), first_column=16383)]))
    path = tmp_path / "hostil.xlsx"
    path.write_bytes(data)
    result = read_in_jail(path)
    assert result == {
        "refused": f"Arquivo 'hostil.xlsx': a linha 2 tem dados na coluna {column(16383)}; "
        f"a planilha pode ter no máximo {MAX_COLUMNS} colunas (até a coluna "
        f"{column(MAX_COLUMNS - 1)}). Apague as colunas que sobram ou copie só a tabela para "
        "uma planilha nova."
    }


def test_a_huge_xlsx_cell_is_refused_with_its_place() -> None:
    data = xlsx(sheet([row(1, PATIENT_HEADER), row(2, ("Ana Lima", "9" * (MAX_CELL + 1)))]))
    with pytest.raises(ImportFileError, match="linha 2, coluna B tem mais de"):
        read_table(data, "x.xlsx")


def test_a_zip_bomb_is_refused_before_it_is_unpacked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kilobytes that unpack to more than any clinic's sheet (the limit is lowered here so the
    test builds megabytes, not gigabytes)."""
    monkeypatch.setattr(tabular, "MAX_UNPACKED", 8 * 1024 * 1024)
    padding = " " * (9 * 1024 * 1024)
    data = xlsx(sheet([row(1, PATIENT_HEADER), padding]))
    assert len(data) < 100_000
    with pytest.raises(ImportFileError) as refused:
        read_table(data, "bomba.xlsx")
    assert refused.value.message == (
        "Arquivo 'bomba.xlsx': descompactado, teria mais de 8 MB — não parece uma planilha de "
        "pacientes ou parcelas. Confira se escolheu o arquivo certo."
    )


@pytest.mark.parametrize(
    "prolog", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"]
)
def test_entities_are_refused_in_pt_br(prolog: str) -> None:
    entity = "&lol9;" if "lol9" in prolog else "&xxe;"
    data = xlsx(sheet([row(1, PATIENT_HEADER), row(2, (entity, "1"))], prolog=prolog))
    with pytest.raises(ImportFileError) as refused:
        read_table(data, "entidades.xlsx")
    assert refused.value.message == (
        "Arquivo 'entidades.xlsx': tem declarações de entidades XML (<!DOCTYPE>/<!ENTITY>), que "
        "o Excel nunca grava — pode ser um arquivo malicioso. Nada foi importado. Abra a "
        "planilha no Excel e salve de novo como .xlsx, ou exporte como CSV."
    )


def test_entities_in_shared_strings_are_refused_too() -> None:
    strings = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        + EXTERNAL_ENTITY.replace("worksheet", "sst")
        + '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        'uniqueCount="1"><si><t>&xxe;</t></si></sst>'
    )
    data = xlsx(sheet([row(1, PATIENT_HEADER)]), extra={"xl/sharedStrings.xml": strings})
    with pytest.raises(ImportFileError, match="entidades XML"):
        read_table(data, "entidades.xlsx")


def test_too_many_csv_rows_are_refused_not_truncated() -> None:
    text = "nome;cpf\n" + "Ana Lima;\n" * (MAX_ROWS + 1)
    with pytest.raises(ImportFileError, match="mais de"):
        read_table(text.encode(), "longa.csv")


def test_data_beyond_the_titled_columns_is_told_not_dropped() -> None:
    table = read_table(b"nome;cpf\nAna Lima;;sobrou aqui\nBia Reis;\n", "x.csv")
    assert [line for line, _ in table.rows] == [2, 3]
    assert table.source.warnings == (
        "Linha 2: há dados na coluna C, que não tem título — esses dados não serão importados. "
        "Dê um título à coluna (e escolha o campo dela) se eles forem necessários.",
    )


def test_entities_hidden_in_utf16_are_refused_by_the_xml_parser() -> None:
    """A byte scan does not see ``<!ENTITY`` in UTF-16; the parser's own guard must."""
    xml = sheet([row(1, PATIENT_HEADER), row(2, ("&lol9;", "1"))], prolog=BILLION_LAUGHS)
    xml = xml.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    data = xlsx_parts(xml.encode("utf-16"))
    with pytest.raises(ImportFileError, match="entidades XML"):
        read_table(data, "entidades.xlsx")
