"""Reading clinics' spreadsheets: encodings, separators, headers, cells, malformed files."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.domain.importing import (
    ImportFileError,
    Record,
    RowErrors,
    Table,
    clean_cell,
    mapping_from_names,
    mapping_problems,
    parse_flag,
    parse_installment_number,
    records,
    strip_label,
    suggest_mapping,
)
from app.domain.layouts import (
    CONTRACT_FIELDS,
    PATIENT_FIELDS,
    PAYMENT_FIELDS,
    normalize_method,
    parse_opt_out,
    read_installment,
)
from app.errors import FieldError
from app.tabular import detect_delimiter, read_table, xlsx_cell_text
from tests.sheets import EXCEL_PATIENT_HEADER, cpf, excel_csv, excel_patients

TEXT = "nome;cpf;cidade\r\nJoão da Conceição;529.982.247-25;São Paulo\r\n"


def headers_of(table: Table) -> list[str]:
    return list(table.headers)


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("windows-1252"), "windows-1252"),
        (TEXT.encode("utf-16"), "utf-16"),
    ],
)
def test_every_encoding_a_clinic_uses_reads_the_same(data: bytes, encoding: str) -> None:
    table = read_table(data, "x.csv")
    assert table.source.encoding == encoding
    assert headers_of(table) == ["nome", "cpf", "cidade"]
    assert table.rows == ((2, ("João da Conceição", "529.982.247-25", "São Paulo")),)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nome;valor\nAna;1.234,56\n", ";"),
        ('nome,valor\nAna,"1.234,56"\nBia,"10,00"\n', ","),
        ("nome\tvalor\nAna\t10,00\n", "\t"),
        ("nome;descrição\nAna;canal, coroa, limpeza\n", ";"),
    ],
)
def test_separator_is_detected(text: str, expected: str) -> None:
    assert detect_delimiter(text) == expected
    table = read_table(text.encode(), "x.csv")
    assert len(table.headers) == 2 and len(table.rows[0][1]) == 2


def test_a_title_above_the_headers_and_blank_lines_keep_excel_line_numbers() -> None:
    text = (
        "Relatório de pacientes;;\r\n;;\r\nnome;cpf;cidade\r\nAna Lima;;Campinas\r\n;;\r\n"
        "Bia Reis;;\r\n"
    )
    table = read_table(text.encode(), "x.csv")
    # The title has one filled cell only: the header is line 3; the blank line 5 is skipped.
    assert table.header_line == 3
    assert [line for line, _ in table.rows] == [4, 6]


def test_short_rows_are_padded_and_cells_trimmed() -> None:
    table = read_table(b"nome;cpf;cidade\n  Ana Lima  ;\n", "x.csv")
    assert table.rows[0][1] == ("Ana Lima", "", "")


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Paciente", "name"),
        ("Nome Completo", "name"),
        ("NOME DO PACIENTE", "name"),
        ("CPF", "cpf"),
        ("Data de Nascimento", "birth_date"),
        ("Dt. Nascimento", "birth_date"),
        ("Celular", "phone"),
        ("WhatsApp", "phone"),
        ("Telefone", "phone"),
        ("E-mail", "email"),
        ("Email", "email"),
        ("Endereço", "street"),
        ("Nº", "number"),
        ("Município", "city"),
        ("Estado", "state"),
        ("Observações:", "notes"),
        ("CPF do Responsável", "responsible_cpf"),
    ],
)
def test_patient_header_variants_map_to_their_field(header: str, field: str) -> None:
    assert suggest_mapping(PATIENT_FIELDS, ["Código", header]) == {field: 1}


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Vencimento", "due_date"),
        ("Data de Vencimento", "due_date"),
        ("Venc.", "due_date"),
        ("Pago em", "paid_on"),
        ("Data do Pagamento", "paid_on"),
        ("Data Pagto", "paid_on"),
        ("Valor (R$)", "amount"),
        ("Valor da Parcela", "amount"),
        ("Valor Pago", "paid_amount"),
        ("Nº Parcela", "number"),
        ("Nº Contrato", "contract"),
        ("Tratamento", "description"),
        ("Situação", "status"),
        ("Forma de Pagamento", "method"),
    ],
)
def test_contract_header_variants_map_to_their_field(header: str, field: str) -> None:
    assert suggest_mapping(CONTRACT_FIELDS, [header])[field] == 0


def test_a_column_serves_one_field_and_the_first_name_wins() -> None:
    mapping = suggest_mapping(CONTRACT_FIELDS, ["Nome", "CPF", "Celular", "Vencimento", "Valor"])
    assert mapping == {
        "patient_cpf": 1,
        "patient_name": 0,
        "patient_phone": 2,
        "due_date": 3,
        "amount": 4,
    }
    payments = suggest_mapping(PAYMENT_FIELDS, ["CPF", "Pago em", "Valor Pago"])
    assert payments == {"patient_cpf": 0, "paid_on": 1, "amount": 2}


def test_missing_required_and_doubled_columns_are_explained() -> None:
    table = read_table(b"Paciente;Celular\nAna Lima;19999999999\n", "x.csv")
    problems = mapping_problems(CONTRACT_FIELDS, {"patient_cpf": 0, "amount": 0}, table)
    assert "Vencimento: escolha a coluna da planilha (obrigatória)." in problems
    assert any("'Paciente' foi escolhida para mais de um campo" in p for p in problems)


def test_the_user_fixes_the_mapping_by_header_or_letter() -> None:
    table = read_table(b"Cliente;Doc;Fone;Extra\nAna Lima;1;2;3\n", "x.csv")
    mapping = mapping_from_names(
        PATIENT_FIELDS, table, {"cpf": "doc", "telefone": "C", "nome": "Cliente"}
    )
    assert mapping == {"name": 0, "cpf": 1, "phone": 2}
    assert mapping_from_names(PATIENT_FIELDS, table, {"nome": ""}) == {"phone": 2}
    with pytest.raises(ImportFileError, match="campo 'idade' não existe"):
        mapping_from_names(PATIENT_FIELDS, table, {"idade": "Extra"})
    with pytest.raises(ImportFileError, match="não tem a coluna 'Sexo'"):
        mapping_from_names(PATIENT_FIELDS, table, {"nome": "Sexo"})


def test_cells_lose_what_spreadsheets_add_and_nothing_more() -> None:
    assert clean_cell('\'=HYPERLINK("x")', "text") == '=HYPERLINK("x")'  # our export's guard
    assert clean_cell("'-12", "text") == "-12"
    assert clean_cell("D'Ávila", "text") == "D'Ávila"
    assert clean_cell("31/01/2026 00:00:00", "date") == "31/01/2026"
    assert clean_cell("1234567890", "cpf") == "01234567890"  # Excel dropped the zero
    assert clean_cell("123", "cpf") == "123"
    assert clean_cell("529.982.247-25", "cpf") == "529.982.247-25"


def test_typed_excel_cells_become_what_a_person_types() -> None:
    assert xlsx_cell_text(1234.56) == "1234,56"
    assert xlsx_cell_text(0.1 + 0.2) == "0,30000000000000004"  # refused later as money
    assert xlsx_cell_text(150.0) == "150"
    assert xlsx_cell_text(52998224725) == "52998224725"
    assert xlsx_cell_text(datetime(2026, 3, 1, 0, 0)) == "01/03/2026"
    assert xlsx_cell_text(date(2026, 3, 1)) == "01/03/2026"
    assert xlsx_cell_text(True) == "sim"
    assert xlsx_cell_text(None) == ""


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Pacientes"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_real_types_is_read_like_the_csv() -> None:
    data = xlsx_bytes(
        [
            ["Paciente", "CPF", "Vencimento", "Valor"],
            ["Ana Lima", 1234567890, datetime(2026, 3, 10), 1234.5],
            [None, None, None, None],
            ["Bia Reis", "529.982.247-25", "10/04/2026", "R$ 1.234,56"],
        ]
    )
    table = read_table(data, "planilha.xlsx")
    assert table.source.format == "xlsx" and table.source.sheet == "Pacientes"
    assert table.rows == (
        (2, ("Ana Lima", "1234567890", "10/03/2026", "1234,5")),
        (4, ("Bia Reis", "529.982.247-25", "10/04/2026", "R$ 1.234,56")),
    )
    [first, _] = records(table, CONTRACT_FIELDS, suggest_mapping(CONTRACT_FIELDS, table.headers))
    assert first.get("patient_cpf") == "01234567890"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "x.csv", "está vazio"),
        (b"\r\n\r\n  ", "x.csv", "está vazio"),
        (b"nome;cpf\r\n", "x.csv", "não há nenhuma linha de dados"),
        (b"so um titulo\nAna\n", "x.csv", "linha de títulos"),
        (b"\x00\x01\x02garbage\x00" * 10, "x.csv", "arquivo binário"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "foto.png", "arquivo binário"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, "antigo.xls", "Salvar como"),
        (b"PK\x03\x04 not really a zip", "x.xlsx", "não é uma planilha .xlsx válida"),
        (b"nome;cpf\r\nJo\x81o;1\r\n", "x.csv", "codificação do texto não foi reconhecida"),
        (b'nome;cpf\r\n"Ana;1\r\n', "x.csv", "a linha 2 tem aspas"),
    ],
)
def test_malformed_files_are_refused_in_pt_br(data: bytes, name: str, message: str) -> None:
    with pytest.raises(ImportFileError, match=message):
        read_table(data, name)


def test_a_huge_cell_is_refused() -> None:
    with pytest.raises(ImportFileError, match="linha 2, coluna B tem mais de"):
        read_table(b"nome;obs\nAna Lima;" + b"x" * 20_000 + b"\n", "x.csv")


def test_wrong_encoding_chosen_by_hand_is_explained() -> None:
    with pytest.raises(ImportFileError, match="não pode ser lido como UTF-8"):
        read_table("nome\nJoão\n".encode("windows-1252"), "x.csv", encoding="utf-8")


def test_text_converted_twice_gets_a_warning() -> None:
    twice = "nome;cidade\nJoão;São Paulo\n".encode().decode("windows-1252")
    table = read_table(twice.encode("utf-8"), "x.csv")
    assert table.rows[0][1][0] == "JoÃ£o"
    assert "acentos parecem corrompidos" in table.source.warnings[0]


def test_a_hundred_thousand_rows_are_all_read_with_their_line_numbers() -> None:
    """How fast is measured by ``bench/bench_import.py`` (against the stdlib csv reader)."""
    rows = excel_patients(1_000, seed=5)
    data = excel_csv(EXCEL_PATIENT_HEADER, rows * 100)
    table = read_table(data, "grande.csv")
    # Line 1 holds the titles, so the 100,000 people are on lines 2 … 100,001.
    assert [line for line, _ in table.rows] == list(range(2, 100_002))
    assert table.rows[-1][1] == table.rows[999][1] == tuple(rows[-1])


def test_the_excel_fixture_is_windows_1252_with_valid_cpfs() -> None:
    from app.adapters.identity_checks import IDENTITY_CHECKS
    from app.domain.identity import normalize_cpf

    data = excel_csv(EXCEL_PATIENT_HEADER, excel_patients(50))
    table = read_table(data, "x.csv")
    assert table.source.encoding == "windows-1252" and table.source.delimiter == ";"
    assert all(
        isinstance(normalize_cpf(cells[1], checks=IDENTITY_CHECKS), str) for _, cells in table.rows
    )
    assert cpf(1, masked=False) == "00000000191"


# --- cells of the contracts file ----------------------------------------------------------

COLUMNS = {s.key: s.header for s in CONTRACT_FIELDS}


def installment(**values: str) -> tuple[object, RowErrors]:
    errors = RowErrors(COLUMNS)
    return read_installment(Record(14, values), errors), errors


def test_an_impossible_due_date_is_explained_with_line_and_column() -> None:
    _line, errors = installment(due_date="31/02/2026", amount="150,00")
    assert [str(e) for e in errors.found] == [
        "linha 14, coluna vencimento: '31/02/2026' não é uma data válida."
    ]


@pytest.mark.parametrize(
    ("text", "cents"), [("R$ 1.234,56", 123456), ("1234,56", 123456), ("R$\xa0150", 15000)]
)
def test_money_as_excel_writes_it(text: str, cents: int) -> None:
    line, errors = installment(due_date="10/03/2026", amount=text)
    assert errors.found == [] and line.amount == cents  # type: ignore[attr-defined]


def test_a_zero_or_dotted_amount_is_refused() -> None:
    _line, errors = installment(due_date="10/03/2026", amount="0,00", paid_amount="12.5")
    assert [str(e) for e in errors.found] == [
        "linha 14, coluna valor: o valor precisa ser maior que zero.",
        "linha 14, coluna valor pago: '12.5' não é um valor válido — use vírgula para os "
        "centavos, por exemplo 12,50.",
        "linha 14, coluna pago em: informe a data em que o valor pago foi recebido.",
    ]


def test_paid_without_a_date_and_renegotiated_lines_are_refused() -> None:
    _line, errors = installment(due_date="10/03/2026", amount="10,00", status="Pago")
    assert "informe a data do pagamento" in errors.found[0].message
    _line, errors = installment(due_date="10/03/2026", amount="10,00", status="Renegociada")
    assert "renegociadas não são importadas" in errors.found[0].message


@pytest.mark.parametrize(
    ("text", "number"),
    [("3", 3), ("03", 3), ("3/10", 3), ("3 de 10", 3), ("Entrada", 0), ("", None)],
)
def test_installment_numbers(text: str, number: int | None) -> None:
    assert parse_installment_number(text) == number


def test_a_strange_installment_number_is_refused() -> None:
    assert parse_installment_number("terceira") == FieldError(
        "number",
        "Parcela: 'terceira' — use o número da parcela (1, 2, 3 ou 3/10; 0 para a entrada).",
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [("Sim", True), ("X", True), ("não", False), ("N", False), ("", False), ("talvez", None)],
)
def test_yes_no_cells(text: str, value: bool | None) -> None:
    result = parse_flag(text, "phone_whatsapp", "WhatsApp")
    assert result == value if value is not None else isinstance(result, FieldError)


def test_opt_out_channels_and_payment_methods_by_their_pt_br_names() -> None:
    assert parse_opt_out("WhatsApp, SMS e E-mail") == {"whatsapp", "sms", "email"}
    assert parse_opt_out("ligação") == {"phone"}
    assert isinstance(parse_opt_out("fax"), FieldError)
    assert normalize_method("Cartão de crédito") == "cartao"
    assert normalize_method("BOLETO BANCÁRIO") == "boleto"
    assert normalize_method("PIX") == "pix"
    assert normalize_method("permuta") == "permuta"  # the validator refuses it, in pt-BR


def test_validator_labels_give_way_to_the_column() -> None:
    assert strip_label("Primeiro vencimento: '31/02/2026' não é uma data válida.") == (
        "'31/02/2026' não é uma data válida."
    )
    assert strip_label("'x' sem rótulo: fica") == "'x' sem rótulo: fica"


def test_templates_exist_for_every_kind(tmp_path: Path) -> None:
    from app.domain.layouts import LAYOUTS, template_rows

    for kind, layout in LAYOUTS.items():
        columns, rows = template_rows(kind, date(2026, 3, 16))
        assert [c.header for c in columns] == [s.header for s in layout.fields]
        assert rows and all(len(r) == len(columns) for r in rows)
