"""Importing a clinic's spreadsheet, once its file was read into a ``Table`` (rows of text,
by ``app.tabular.read_table``): which column is which field, and each line as a record of text.

Columns are matched to fields by header name with the variants people use ("paciente", "celular",
"vencimento", "pago em", …); the user can fix the mapping. Every cell is handed over as the text
a person would have typed, so the rows then go through the SAME validation as the forms
(``validate_patient``, ``validate_contract``, ``validate_payment``). Errors name the spreadsheet
line (the header is line 1, as Excel numbers rows) and the column as the file calls it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from app.domain.text import fold
from app.errors import EmDiaError, FieldError

ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 com BOM",
    "windows-1252": "Windows-1252 (Excel em português)",
    "utf-16": "UTF-16 (Texto Unicode do Excel)",
}
DELIMITER_LABELS = {";": "ponto e vírgula (;)", ",": "vírgula (,)", "\t": "tabulação"}


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
    columns = [(key, index, kinds.get(key, "text")) for key, index in mapping.items()]
    for line, cells in table.rows:
        width = len(cells)
        values = {
            key: clean_cell(cells[index], kind) if index < width else ""
            for key, index, kind in columns
        }
        yield Record(line, values)


_PROTECTED = re.compile(r"^'[=+\-@\t\r]")
_TIME_SUFFIX = re.compile(r"^(\S+)\s+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?$")


def clean_cell(raw: str, kind: str) -> str:
    """Undo what spreadsheets do to typed data, nothing more (the validators judge the rest).

    - the apostrophe an export put before ``=``/``+``/``-``/``@`` to neutralise a formula
      (``app.tabular.safe_text``) is removed, so export → import gives the same text;
    - a date exported with a time (``31/01/2026 00:00:00``) loses the time;
    - a CPF kept in a number-formatted column lost its leading zeros (``1234567890``): they are
      put back (the check digits still decide whether it is a CPF).
    """
    value = raw.strip()
    if not value:
        return value
    if value[0] == "'" and _PROTECTED.match(value):
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
    match = re.fullmatch(r"([0-9]{1,3})(?:\s*(?:/|de)\s*[0-9]{1,3})?", value)
    if match is None:
        return FieldError(
            key, f"Parcela: '{raw}' — use o número da parcela (1, 2, 3 ou 3/10; 0 para a entrada)."
        )
    return int(match.group(1))
