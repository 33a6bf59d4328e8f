"""Reading a clinic's spreadsheet: pure functions from the file's bytes to rows of text.

What a Brazilian office hands over: a CSV that Excel saved in pt-BR (``;``, Windows-1252, CRLF),
a "CSV UTF-8" (with a BOM), a ``,``-separated export from another system, Excel's "Texto
Unicode" (UTF-16, tabs) or an ``.xlsx``. The reader detects which, finds the header row, and
hands every cell over as the text a person would have typed, so the rows then go through the SAME
validation as the forms (``validate_patient``, ``validate_contract``, ``validate_payment``).

Columns are matched to fields by header name with the variants people use ("paciente", "celular",
"vencimento", "pago em", …); the user can fix the mapping. Errors name the spreadsheet line (the
header is line 1, as Excel numbers rows) and the column as the file calls it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from app.domain.dates import format_date
from app.domain.text import fold
from app.errors import EmDiaError, FieldError

MAX_BYTES = 100 * 1024 * 1024  # a clinic's spreadsheet is a few MB; this is a wrong file
MAX_CELL = 10_000
DELIMITERS = (";", ",", "\t")
ENCODINGS = ("utf-8", "windows-1252", "utf-16")
ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 com BOM",
    "windows-1252": "Windows-1252 (Excel em português)",
    "utf-16": "UTF-16 (Texto Unicode do Excel)",
}
DELIMITER_LABELS = {";": "ponto e vírgula (;)", ",": "vírgula (,)", "\t": "tabulação"}

_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 / OLE2
_MOJIBAKE = re.compile(r"Ã[\x80-\xbf¡-¿]|Â[\xa0¡-¿]")


class ImportFileError(EmDiaError):
    """The file cannot be read as a spreadsheet (nothing was imported)."""


@dataclass(frozen=True)
class SourceInfo:
    """What the reader found out about the file (shown in the wizard, and by the CLI)."""

    format: str  # csv | xlsx
    encoding: str = ""  # csv only: utf-8, utf-8-sig, windows-1252, utf-16
    delimiter: str = ""  # csv only
    sheet: str = ""  # xlsx only
    warnings: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.format == "xlsx":
            return f"planilha Excel (.xlsx), aba '{self.sheet}'"
        return (
            f"CSV, codificação {ENCODING_LABELS.get(self.encoding, self.encoding)}, "
            f"separador {DELIMITER_LABELS.get(self.delimiter, self.delimiter)}"
        )


@dataclass(frozen=True)
class Table:
    source: SourceInfo
    headers: tuple[str, ...]
    header_line: int
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (spreadsheet line, cells)

    def column_name(self, index: int) -> str:
        """The header as the file spells it, or the column letter when the header is blank."""
        name = self.headers[index].strip() if index < len(self.headers) else ""
        return name or f"coluna {column_letter(index)}"


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- reading ----------------------------------------------------------------------------------


def read_table(
    data: bytes, filename: str, *, encoding: str | None = None, delimiter: str | None = None
) -> Table:
    """Parse ``data`` (the file's bytes) into a Table, or raise ImportFileError in pt-BR.

    ``encoding``/``delimiter`` override the detection (the wizard lets the user choose).
    """
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            f"Arquivo '{name}': tem mais de {MAX_BYTES // (1024 * 1024)} MB — não parece uma "
            "planilha de pacientes ou parcelas. Confira se escolheu o arquivo certo."
        )
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ImportFileError(f"Arquivo '{name}': está vazio.")
    lower = name.lower()
    if data.startswith(_XLSX_MAGIC) or lower.endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data, name)
    if data.startswith(_XLS_MAGIC) or lower.endswith((".xls", ".ods")):
        raise ImportFileError(
            f"Arquivo '{name}': este formato de planilha não é lido. No Excel ou LibreOffice, use "
            "'Salvar como' e escolha 'Pasta de Trabalho do Excel (.xlsx)' ou 'CSV'."
        )
    text, used = decode(data, name, encoding)
    return _read_csv(text, used, name, delimiter)


def decode(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str]:
    """Text and the encoding used: BOMs first, then UTF-8, then Windows-1252 (Excel pt-BR)."""
    if encoding:
        try:
            return data.decode("utf-8-sig" if encoding == "utf-8" else encoding), encoding
        except (UnicodeDecodeError, LookupError):
            raise ImportFileError(
                f"Arquivo '{name}': não pode ser lido como "
                f"{ENCODING_LABELS.get(encoding, encoding)}; deixe a codificação em automática."
            ) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data[:8192]:
        raise ImportFileError(
            f"Arquivo '{name}': não é uma planilha nem um texto CSV (parece um arquivo binário)."
        )
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("windows-1252"), "windows-1252"
    except UnicodeDecodeError:
        raise ImportFileError(
            f"Arquivo '{name}': a codificação do texto não foi reconhecida (nem UTF-8 nem "
            "Windows-1252). No Excel, use 'Salvar como' → 'CSV UTF-8 (separado por vírgulas)'."
        ) from None


def detect_delimiter(text: str) -> str:
    """The separator that splits the first lines into the same, largest number of columns.

    ``;`` wins ties: Excel in pt-BR uses it because the comma is the decimal separator.
    """
    sample = "\n".join(text.splitlines()[:30])
    best, best_score = ";", (0, 0)
    for candidate in DELIMITERS:
        try:
            rows = [r for r in csv.reader(io.StringIO(sample), delimiter=candidate) if any(r)]
        except csv.Error:
            continue
        if not rows:
            continue
        widths = [len(r) for r in rows]
        first = widths[0]
        consistent = sum(1 for w in widths if w == first)
        score = (consistent if first > 1 else 0, first)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _read_csv(text: str, encoding: str, name: str, delimiter: str | None) -> Table:
    sep = delimiter or detect_delimiter(text)
    csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL * 10))
    records: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    try:
        for record in reader:
            records.append(record)
    except csv.Error:
        raise ImportFileError(
            f"Arquivo '{name}': a linha {reader.line_num} tem aspas (\") sem fechar ou fora do "
            "lugar. Abra o arquivo no Excel e salve de novo como CSV."
        ) from None
    warnings: list[str] = []
    if _MOJIBAKE.search(text[:200_000]):
        sample = _MOJIBAKE.search(text[:200_000])
        assert sample is not None
        snippet = text[max(0, sample.start() - 12) : sample.end() + 12].strip()
        warnings.append(
            f"Alguns acentos parecem corrompidos (por exemplo '{snippet}'): o arquivo pode ter "
            "sido convertido duas vezes. Confira os nomes na prévia antes de importar."
        )
    source = SourceInfo("csv", encoding=encoding, delimiter=sep, warnings=tuple(warnings))
    return _table(source, records, name)


def _read_xlsx(data: bytes, name: str) -> Table:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(
            f"Arquivo '{name}': não é uma planilha .xlsx válida ({type(exc).__name__}). Abra no "
            "Excel e salve de novo, ou exporte como CSV."
        ) from None
    try:
        sheet = book.active if book.active is not None else book.worksheets[0]
        records = [[xlsx_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        title = str(sheet.title)
    finally:
        book.close()
    return _table(SourceInfo("xlsx", sheet=title), records, name)


def xlsx_cell_text(value: object) -> str:
    """A typed Excel cell as the text a person would type in the form (pt-BR)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "sim" if value else "não"
    if isinstance(value, datetime):
        return format_date(value.date())
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        # repr is the shortest text that gives back the same double: 1234.56, not 1234.5599…
        return format(Decimal(repr(value)), "f").replace(".", ",")
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    return str(value)


def _table(source: SourceInfo, records: list[list[str]], name: str) -> Table:
    """Find the header (the first line with two or more filled cells: a title above it is
    skipped) and keep every non-blank line below it with its spreadsheet line number."""
    header_index = next(
        (i for i, r in enumerate(records[:20]) if sum(1 for c in r if c.strip()) >= 2), None
    )
    if header_index is None:
        raise ImportFileError(
            f"Arquivo '{name}': não encontrei a linha de títulos das colunas (como nome; cpf; "
            "telefone). A primeira linha da planilha deve ter os títulos."
        )
    headers = tuple(c.strip().lstrip("\ufeff") for c in records[header_index])
    width = len(headers)
    rows: list[tuple[int, tuple[str, ...]]] = []
    for offset, record in enumerate(records[header_index + 1 :], start=header_index + 2):
        cells = tuple(c.strip() for c in record)
        if not any(cells):
            continue
        for i, cell in enumerate(cells):
            if len(cell) > MAX_CELL:
                raise ImportFileError(
                    f"Arquivo '{name}': linha {offset}, coluna {column_letter(i)} tem mais de "
                    f"{MAX_CELL} caracteres — não parece um dado de cadastro."
                )
        if len(cells) < width:
            cells = cells + ("",) * (width - len(cells))
        rows.append((offset, cells))
    if not rows:
        raise ImportFileError(
            f"Arquivo '{name}': só tem a linha de títulos; não há nenhuma linha de dados."
        )
    return Table(source, headers, header_index + 1, tuple(rows))


# --- mapping columns to fields ------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    """One thing an import understands: its key, the template's header, the header variants
    people use (compared accent- and case-insensitively) and how its cells are read."""

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    kind: str = "text"  # text | cpf | date | money | flag
    hint: str = ""

    @property
    def title(self) -> str:
        """The header as a label: ``cpf do responsável`` → ``CPF do responsável``."""
        words = {"cpf": "CPF", "uf": "UF", "cep": "CEP", "whatsapp": "WhatsApp"}
        text = " ".join(words.get(w, w) for w in self.header.split())
        return text[:1].upper() + text[1:]

    def names(self) -> tuple[str, ...]:
        return (normalize_header(self.header), *(normalize_header(a) for a in self.aliases))


ColumnMap = dict[str, int]  # field key → column index


def normalize_header(text: str) -> str:
    """``'Data de Nascimento:'`` → ``'data de nascimento'``; ``'E-mail'`` → ``'e mail'``."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(text)).split())


def suggest_mapping(specs: Sequence[FieldSpec], headers: Sequence[str]) -> ColumnMap:
    """Each field gets the first column whose header is one of its names; a column serves one
    field only (so 'cpf' goes to the patient's CPF before the responsável's)."""
    normalized = [normalize_header(h) for h in headers]
    taken: set[int] = set()
    mapping: ColumnMap = {}
    for spec in specs:
        names = spec.names()
        for rank_name in names:
            index = next(
                (i for i, h in enumerate(normalized) if h == rank_name and i not in taken), None
            )
            if index is not None:
                mapping[spec.key] = index
                taken.add(index)
                break
    return mapping


def mapping_problems(
    specs: Sequence[FieldSpec], mapping: Mapping[str, int], table: Table
) -> list[str]:
    """What must be fixed before the rows can be checked (pt-BR, one line each)."""
    problems = [
        f"{spec.title}: escolha a coluna da planilha (obrigatória)."
        for spec in specs
        if spec.required and spec.key not in mapping
    ]
    by_column: dict[int, list[str]] = {}
    for spec in specs:
        if spec.key in mapping:
            by_column.setdefault(mapping[spec.key], []).append(spec.title)
    for column, fields in by_column.items():
        if column >= len(table.headers):
            problems.append(f"{fields[0]}: a coluna escolhida não existe na planilha.")
        elif len(fields) > 1:
            problems.append(
                f"A coluna '{table.column_name(column)}' foi escolhida para mais de um campo "
                f"({', '.join(fields)}); escolha uma coluna para cada."
            )
    return problems


def mapping_from_names(
    specs: Sequence[FieldSpec], table: Table, pairs: Mapping[str, str]
) -> ColumnMap:
    """Apply the user's corrections (``campo=Coluna``, e.g. from ``--map``) over the suggestion.

    A field is named by its key or its template header; the column by its header or its letter.
    An empty column unmaps the field.
    """
    mapping = suggest_mapping(specs, table.headers)
    by_name = {normalize_header(s.header): s for s in specs} | {s.key: s for s in specs}
    headers = [normalize_header(h) for h in table.headers]
    for raw_field, raw_column in pairs.items():
        spec = by_name.get(raw_field.strip()) or by_name.get(normalize_header(raw_field))
        if spec is None:
            known = ", ".join(s.key for s in specs)
            raise ImportFileError(f"Mapeamento: campo '{raw_field}' não existe; use {known}.")
        wanted = raw_column.strip()
        if not wanted:
            mapping.pop(spec.key, None)
            continue
        if normalize_header(wanted) in headers:
            mapping[spec.key] = headers.index(normalize_header(wanted))
        elif re.fullmatch(r"[A-Za-z]{1,3}", wanted) and _letter_index(wanted) < len(headers):
            mapping[spec.key] = _letter_index(wanted)
        else:
            raise ImportFileError(
                f"Mapeamento: a planilha não tem a coluna '{wanted}' (para {spec.header}). "
                f"Colunas: {', '.join(table.column_name(i) for i in range(len(table.headers)))}."
            )
    return mapping


def _letter_index(letters: str) -> int:
    index = 0
    for char in letters.upper():
        index = index * 26 + (ord(char) - 64)
    return index - 1


# --- records ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """One spreadsheet line with its cells by field key (text, as a person would type it)."""

    line: int
    values: Mapping[str, str]

    def get(self, key: str) -> str:
        return self.values.get(key, "")


def records(
    table: Table, specs: Sequence[FieldSpec], mapping: Mapping[str, int]
) -> Iterator[Record]:
    kinds = {s.key: s.kind for s in specs}
    for line, cells in table.rows:
        values = {
            key: clean_cell(cells[index] if index < len(cells) else "", kinds.get(key, "text"))
            for key, index in mapping.items()
        }
        yield Record(line, values)


_PROTECTED = re.compile(r"^'[=+\-@\t\r]")
_TIME_SUFFIX = re.compile(r"^(\S+)\s+\d{1,2}:\d{2}(?::\d{2})?$")


def clean_cell(raw: str, kind: str) -> str:
    """Undo what spreadsheets do to typed data, nothing more (the validators judge the rest).

    - the apostrophe an export put before ``=``/``+``/``-``/``@`` to neutralise a formula
      (``app.tabular.safe_text``) is removed, so export → import gives the same text;
    - a date exported with a time (``31/01/2026 00:00:00``) loses the time;
    - a CPF kept in a number-formatted column lost its leading zeros (``1234567890``): they are
      put back (the check digits still decide whether it is a CPF).
    """
    value = raw.strip()
    if _PROTECTED.match(value):
        value = value[1:]
    if kind == "date" and (match := _TIME_SUFFIX.match(value)):
        value = match.group(1)
    if kind == "cpf" and value.isdigit() and 8 <= len(value) < 11:
        value = value.zfill(11)
    return value


# --- errors -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """``linha 14, coluna vencimento: '31/02/2026' não é uma data válida.``"""

    line: int
    column: str  # as the file calls it; "" when the problem is the line as a whole
    field: str
    value: str
    message: str

    def __str__(self) -> str:
        where = f"linha {self.line}, coluna {self.column}" if self.column else f"linha {self.line}"
        return f"{where}: {self.message}"


_LABEL_PREFIX = re.compile(r"^([^:'\"]{1,45}): (?=\S)")


def strip_label(message: str) -> str:
    """Validators start messages with the form's label (``Primeiro vencimento: …``); in a file
    the column says where, so the label goes: ``'31/02/2026' não é uma data válida.``"""
    return _LABEL_PREFIX.sub("", message, count=1)


@dataclass
class RowErrors:
    """Collects errors per line and column once each (two rules may refuse the same cell)."""

    columns: Mapping[str, str]  # field key → the file's column name
    found: list[RowError] = field(default_factory=list)
    _seen: set[tuple[int, str]] = field(default_factory=set)
    _lines: set[int] = field(default_factory=set)

    def add(self, record: Record, key: str, message: str, *, keep_label: bool = False) -> None:
        column = self.columns.get(key, "")
        if (record.line, column or message) in self._seen:
            return
        self._seen.add((record.line, column or message))
        self._lines.add(record.line)
        text = message if keep_label or not column else strip_label(message)
        self.found.append(RowError(record.line, column, key, record.get(key), text))

    def add_all(
        self, record: Record, errors: Sequence[FieldError], fields: Mapping[str, str]
    ) -> None:
        """Map a validator's field keys to this import's fields (their columns)."""
        for error in errors:
            key = fields.get(error.field, error.field)
            self.add(record, key, error.message, keep_label=key not in self.columns)

    def refused(self, line: int) -> bool:
        return line in self._lines


# --- small cell readers (what a check box or a choice is in a file) -----------------------

_TRUE = {"sim", "s", "x", "1", "true", "verdadeiro", "v", "yes", "y", "ok"}
_FALSE = {"nao", "n", "0", "false", "falso", "f", "no", ""}


def parse_flag(raw: str, key: str, label: str) -> bool | FieldError:
    value = fold(raw)
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return FieldError(key, f"{label}: '{raw}' — use sim ou não.")


def parse_installment_number(raw: str, key: str = "number") -> int | FieldError | None:
    """``3``, ``03``, ``3/10`` (the third of ten) or ``entrada`` (0); empty is ``None``."""
    value = fold(raw)
    if not value:
        return None
    if value in ("entrada", "sinal", "e"):
        return 0
    match = re.fullmatch(r"(\d{1,3})(?:\s*(?:/|de)\s*\d{1,3})?", value)
    if match is None:
        return FieldError(
            key, f"Parcela: '{raw}' — use o número da parcela (1, 2, 3 ou 3/10; 0 para a entrada)."
        )
    return int(match.group(1))
