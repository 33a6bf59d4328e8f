"""Tables in and out of CSV and XLSX files, the way a Brazilian office writes and opens them.

Out: CSV with ``;`` separator, UTF-8 with BOM (Excel then shows accents right), money
``1.234,56``, dates ``dd/mm/aaaa``; XLSX with real numbers and dates in pt-BR display formats.
Both neutralise cells that a spreadsheet would run as a formula (``=HYPERLINK(...)``, ``+``,
``-``, ``@``): a patient's name must never become code on the owner's PC (CSV/formula injection).

In: what an office hands over — a CSV that Excel saved in pt-BR (``;``, Windows-1252, CRLF), a
"CSV UTF-8" (with a BOM), a ``,``-separated export from another system, Excel's "Texto Unicode"
(UTF-16, tabs) or an ``.xlsx`` (``openpyxl``, loaded when the first workbook is read or
written). ``read_table`` detects which, finds the header row and hands every cell over as the
text a person would have typed, as the domain's ``importing.Table``; mapping columns to fields
and reading the records are the domain's (``app.domain.importing``, ``app.domain.layouts``).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.domain.columns import Column, Kind
from app.domain.dates import format_date
from app.domain.importing import (
    ENCODING_LABELS,
    ImportFileError,
    SourceInfo,
    Table,
    column_letter,
)
from app.domain.limits import strip_forbidden
from app.domain.money import format_brl, format_percent
from app.errors import ValidationError

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Prefix text a spreadsheet would evaluate with an apostrophe (shown as typed); a control
    character saved before input refused them becomes ``�`` (XML, hence XLSX, cannot hold it,
    and one of them must not make the whole export fail)."""
    value = strip_forbidden(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def _csv_cell(value: object, kind: Kind) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str) and kind is not Kind.TEXT:
        return safe_text(value)  # a label in a column of numbers (a totals row)
    if kind is Kind.MONEY:
        return format_brl(int(value), symbol=False)  # type: ignore[call-overload]
    if kind is Kind.DATE:
        return format_date(value) if isinstance(value, date) else str(value)
    if kind is Kind.INT:
        return str(value)
    if kind is Kind.PERCENT:
        return format_percent(int(value)).replace(" ", "")  # type: ignore[call-overload]
    return safe_text(str(value))


def write_table(path: Path, columns: Sequence[Column], rows: Iterable[Sequence[object]]) -> int:
    """Write ``rows`` to ``path`` (.csv or .xlsx). Returns the number of data rows written."""
    return write_sheets(path, [("EmDia", columns, rows)])


Sheet = tuple[str, Sequence[Column], Iterable[Sequence[object]]]  # title, columns, rows


def write_sheets(path: Path, sheets: Sequence[Sheet]) -> int:
    """Several tables: one sheet each in an .xlsx; a .csv (one table by nature) gets the first.
    Returns the number of data rows written."""
    check_suffix(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".csv":
        _title, columns, rows = sheets[0]
        return _write_csv(path, columns, rows)
    return _write_xlsx(path, sheets)


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


def _write_xlsx(path: Path, sheets: Sequence[Sheet]) -> int:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    used: set[str] = set()
    count = sum(_fill_sheet(book, _sheet_title(title, used), c, rows) for title, c, rows in sheets)
    book.save(path)
    return count


def _sheet_title(title: str, used: set[str]) -> str:
    """Excel's rules for a sheet's name: at most 31 characters, none of ``[]:*?/\\``, unique."""
    name = re.sub(r"[\[\]:*?/\\]", "-", title)[:31] or "EmDia"
    base, n = name, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def _fill_sheet(
    book: Any, title: str, columns: Sequence[Column], rows: Iterable[Sequence[object]]
) -> int:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title)
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
                elif column.kind is Kind.PERCENT:
                    cell.number_format = "0.00%"
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
    return count


def _xlsx_value(value: object, kind: Kind) -> object:
    if value is None or value == "":
        return None
    if isinstance(value, str) and kind is not Kind.TEXT:
        return safe_text(value)  # a label in a column of numbers (a totals row)
    if kind is Kind.MONEY:
        return Decimal(int(value)) / 100  # type: ignore[call-overload]
    if kind is Kind.DATE:
        return value if isinstance(value, (date, datetime)) else str(value)
    if kind is Kind.INT:
        return int(value)  # type: ignore[call-overload]
    if kind is Kind.PERCENT:
        return Decimal(int(value)) / 10_000  # type: ignore[call-overload]
    return safe_text(str(value))


# What no clinic's spreadsheet reaches; beyond it the file is a wrong one (or an attack), and it
# is refused whole, in pt-BR — never read in part. A file's own declarations (an XLSX's
# ``<dimension>``, the sizes in its ZIP) only ever make a refusal earlier, never a read longer.
MAX_BYTES = 100 * 1024 * 1024  # the file as it is on disk
MAX_UNPACKED = 512 * 1024 * 1024  # an XLSX's parts once unzipped (streamed, never all in memory)
MAX_ROWS = 200_000  # data lines
MAX_COLUMNS = 200
MAX_CELL = 10_000  # characters in one cell
DELIMITERS = (";", ",", "\t")

_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 / OLE2
_MOJIBAKE = re.compile(r"Ã[\x80-\xbf¡-¿]|Â[\xa0¡-¿]")


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
        for line, record in enumerate(reader, start=1):
            records.append(_bounded(record, line, name))
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
    from xml.etree.ElementTree import ParseError
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    _check_package(data, name)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError, ParseError) as exc:
        raise _unreadable(exc, name, "não é uma planilha .xlsx válida") from None
    try:
        sheet = book.active if book.active is not None else book.worksheets[0]
        title = str(sheet.title)
        records = _xlsx_records(sheet, name)
    except (KeyError, ValueError, ParseError) as exc:
        raise _unreadable(exc, name, "a planilha está danificada") from None
    finally:
        book.close()
    return _table(SourceInfo("xlsx", sheet=title), records, name)


def _unreadable(exc: BaseException, name: str, what: str) -> ImportFileError:
    """Why ``openpyxl`` could not read the file, in pt-BR (entities get their own words)."""
    if _is_entity_refusal(exc):
        return ImportFileError(_ENTITIES.format(name=name))
    return ImportFileError(
        f"Arquivo '{name}': {what} ({type(exc).__name__}). Abra no Excel e salve de novo, ou "
        "exporte como CSV."
    )


_ENTITIES = (
    "Arquivo '{name}': tem declarações de entidades XML (<!DOCTYPE>/<!ENTITY>), que o Excel "
    "nunca grava — pode ser um arquivo malicioso. Nada foi importado. Abra a planilha no Excel "
    "e salve de novo como .xlsx, ou exporte como CSV."
)
_DTD = (b"<!DOCTYPE", b"<!ENTITY")


def _check_package(data: bytes, name: str) -> None:
    """Refuse, before ``openpyxl`` reads a byte of XML, what no spreadsheet program writes: parts
    that unzip to more than ``MAX_UNPACKED`` (a ZIP bomb) and DTDs, where entity bombs and
    external entities live. The ZIP's declared sizes are enforced while unzipping (Python stops
    a member at its declared size), so a lie there only truncates, and truncated XML is refused.
    ``defusedxml`` (which ``openpyxl`` uses when it is installed) refuses entities again, also
    in encodings this byte scan does not see."""
    from zipfile import BadZipFile, ZipFile

    try:
        archive = ZipFile(io.BytesIO(data))
    except BadZipFile:
        return  # openpyxl says it is not a workbook, in the message the user already knows
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if sum(m.file_size for m in members) > MAX_UNPACKED:
            raise ImportFileError(
                f"Arquivo '{name}': descompactado, teria mais de {MAX_UNPACKED // (1024 * 1024)} "
                "MB — não parece uma planilha de pacientes ou parcelas. Confira se escolheu o "
                "arquivo certo."
            )
        for member in members:
            if member.filename.lower().endswith((".xml", ".rels")) and _declares_dtd(
                archive, member.filename
            ):
                raise ImportFileError(_ENTITIES.format(name=name))


def _declares_dtd(archive: zipfile.ZipFile, member: str) -> bool:
    tail = b""
    try:
        with archive.open(member) as part:
            for chunk in iter(lambda: part.read(1 << 20), b""):
                window = tail + chunk
                if any(marker in window for marker in _DTD):
                    return True
                tail = window[-16:]
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        return False  # unreadable: openpyxl refuses it with the usual message
    return False


def _is_entity_refusal(exc: BaseException | None) -> bool:
    """``defusedxml``'s refusal (EntitiesForbidden, DTDForbidden…) or expat's own guard,
    also when ``openpyxl`` wrapped it in a ValueError of its own."""
    seen = 0
    while exc is not None and seen < 10:
        module = type(exc).__module__ or ""
        if module.startswith("defusedxml") or "entit" in str(exc).lower():
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _xlsx_records(sheet: Any, name: str) -> list[list[str]]:
    """The rows that exist in the sheet's XML, whatever its ``<dimension>`` declares: that
    element is the writer's claim, and trusting it both padded a 2 KB file to a million rows of
    16,384 cells and cut a sheet declared ``A1:B2`` to its first line."""
    sheet.reset_dimensions()
    records: list[list[str]] = []
    for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = list(values)
        while cells and cells[-1] in (None, ""):
            cells.pop()  # styled empty cells far to the right are not data
        if not cells:
            records.append([])
            continue
        records.append(_bounded([xlsx_cell_text(v) for v in cells], line, name))
    return records


def _bounded(cells: list[str], line: int, name: str) -> list[str]:
    """One line as read, or the refusal of a file larger than any clinic's."""
    if line > MAX_ROWS + 20 and any(c.strip() for c in cells):
        raise ImportFileError(
            f"Arquivo '{name}': tem mais de {MAX_ROWS:,} linhas (há dados na linha "
            f"{line:,}). Divida a planilha em arquivos menores e importe um de cada "
            "vez.".replace(",", ".")
        )
    last = len(cells)
    while last and not cells[last - 1].strip():
        last -= 1
    if last > MAX_COLUMNS:
        raise ImportFileError(
            f"Arquivo '{name}': a linha {line} tem dados na coluna {column_letter(last - 1)}; a "
            f"planilha pode ter no máximo {MAX_COLUMNS} colunas (até a coluna "
            f"{column_letter(MAX_COLUMNS - 1)}). Apague as colunas que sobram ou copie só a "
            "tabela para uma planilha nova."
        )
    return cells


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
    untitled: list[tuple[int, int]] = []  # (line, column) of data right of the last title
    for offset, record in enumerate(records[header_index + 1 :], start=header_index + 2):
        cells = tuple(map(str.strip, record))
        if not any(cells):
            continue
        if max(map(len, cells)) > MAX_CELL:
            i = next(i for i, cell in enumerate(cells) if len(cell) > MAX_CELL)
            raise ImportFileError(
                f"Arquivo '{name}': linha {offset}, coluna {column_letter(i)} tem mais de "
                f"{MAX_CELL} caracteres — não parece um dado de cadastro."
            )
        if len(cells) < width:
            cells = cells + ("",) * (width - len(cells))
        beyond = next((i for i in range(width, len(cells)) if cells[i]), None)
        if beyond is not None:
            untitled.append((offset, beyond))
        rows.append((offset, cells))
        if len(rows) > MAX_ROWS:
            raise ImportFileError(
                f"Arquivo '{name}': tem mais de {MAX_ROWS:,} linhas de dados. Divida a planilha "
                "em arquivos menores e importe um de cada vez.".replace(",", ".")
            )
    if not rows:
        raise ImportFileError(
            f"Arquivo '{name}': só tem a linha de títulos; não há nenhuma linha de dados."
        )
    if untitled:
        source = replace(source, warnings=(*source.warnings, _untitled_warning(untitled)))
    return Table(source, headers, header_index + 1, tuple(rows))


def _untitled_warning(found: list[tuple[int, int]]) -> str:
    """Cells right of the last title belong to no column the import can map: they are said,
    never silently left behind."""
    line, index = found[0]
    more = f" (e em mais {len(found) - 1} linha(s))" if len(found) > 1 else ""
    return (
        f"Linha {line}{more}: há dados na coluna {column_letter(index)}, que não tem título — "
        "esses dados não serão importados. Dê um título à coluna (e escolha o campo dela) se "
        "eles forem necessários."
    )
