"""Importar / Exportar: the clinic's spreadsheets in, everything out (the wizard and
``emdia import`` / ``emdia export``).

Import is one call, ``run``: every line goes through the real validators and service code inside
ONE transaction, committed only when every line was accepted (all or nothing); a dry run does
exactly the same and rolls it back.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from app.domain.columns import Column
from app.domain.importing import (
    ColumnMap,
    ImportFileError,
    RowError,
    SourceInfo,
    Table,
    mapping_problems,
    records,
    suggest_mapping,
)
from app.domain.law import updated_debt
from app.domain.layouts import (
    INSTALLMENT_EXPORT,
    LAYOUTS,
    PATIENT_EXPORT,
    PAYMENT_EXPORT,
    Layout,
    installment_export_row,
    patient_export_row,
    payment_export_row,
    template_rows,
)
from app.progress import IsCancelled, Progress, stop_if_cancelled
from app.services.base import Context, Permission, Service, gc_paused
from app.services.contracts import ContractService
from app.services.importers import DUPLICATE, IMPORTERS, Skip
from app.services.patients import PatientService
from app.services.ports import UnitOfWorkPort
from app.tabular import check_suffix, read_table, write_table


@dataclass(frozen=True)
class ImportReport:
    """What an import found and did (or, in a dry run, would do)."""

    kind: str
    file: str
    source: SourceInfo
    columns: Mapping[str, str]  # field key → the file's column name
    ignored_columns: tuple[str, ...]
    rows: int
    errors: tuple[RowError, ...]
    skipped: tuple[Skip, ...]
    created: Mapping[str, int]
    notes: Mapping[int, str] = field(default_factory=dict)
    dry_run: bool = True
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_lines(self) -> set[int]:
        return {e.line for e in self.errors}

    @property
    def has_duplicates(self) -> bool:
        """Some lines were refused only as likely repeats (the user may confirm them)."""
        return any(e.field == DUPLICATE for e in self.errors)

    def skipped_lines(self) -> dict[int, str]:
        return {line: s.reason for s in self.skipped for line in s.lines}


Rows = Iterable[Sequence[object]]


@dataclass(frozen=True)
class ExportKind:
    """One export: its columns, and how many rows and which (read in ``uow`` as of a date)."""

    title: str
    columns: tuple[Column, ...]
    rows: Callable[[UnitOfWorkPort, date], tuple[int, Rows]]


def _patient_rows(uow: UnitOfWorkPort, _today: date) -> tuple[int, Rows]:
    rows = (patient_export_row(*item) for item in uow.patients.export_rows())
    return uow.patients.count_all(), rows


def _installment_rows(uow: UnitOfWorkPort, today: date) -> tuple[int, Rows]:
    """Every parcela with its updated debt today — from ``updated_debt``, the one formula."""

    def rows() -> Iterator[list[object]]:
        for batch in uow.contracts.export_batches():
            for head, policy, ledgers in batch:
                for ledger in ledgers:
                    line = updated_debt(ledger.terms, ledger.settlements, today, policy)
                    last = max((s.paid_on for s in ledger.settlements), default=None)
                    yield installment_export_row(head, line, last)

    return uow.contracts.count_installments(), rows()


def _payment_rows(uow: UnitOfWorkPort, _today: date) -> tuple[int, Rows]:
    rows = (payment_export_row(line) for line in uow.payments.export_lines())
    return uow.payments.count_all(), rows


EXPORTS: dict[str, ExportKind] = {
    "patients": ExportKind("Pacientes", PATIENT_EXPORT, _patient_rows),
    "installments": ExportKind("Parcelas", INSTALLMENT_EXPORT, _installment_rows),
    "payments": ExportKind("Pagamentos", PAYMENT_EXPORT, _payment_rows),
}


class TransferService(Service):
    def __init__(self, ctx: Context, patients: PatientService, contracts: ContractService) -> None:
        super().__init__(ctx)
        self.patients = patients
        self.contracts = contracts

    # --- import ------------------------------------------------------------------------------
    @staticmethod
    def layout(kind: str) -> Layout:
        return LAYOUTS[kind]

    @staticmethod
    def read(path: Path, *, encoding: str | None = None, delimiter: str | None = None) -> Table:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise ImportFileError(f"Arquivo '{path}': não encontrado.") from None
        except IsADirectoryError:
            raise ImportFileError(f"'{path}' é uma pasta; escolha um arquivo.") from None
        except OSError as exc:
            raise ImportFileError(f"Arquivo '{path}': não pode ser aberto ({exc}).") from None
        return read_table(data, path.name, encoding=encoding, delimiter=delimiter)

    def suggest(self, kind: str, table: Table) -> ColumnMap:
        return suggest_mapping(self.layout(kind).fields, table.headers)

    def run(
        self,
        kind: str,
        table: Table,
        mapping: ColumnMap,
        *,
        dry_run: bool = False,
        file_name: str = "",
        progress: Progress | None = None,
        cancelled: IsCancelled | None = None,
        confirm_duplicates: bool = False,
    ) -> ImportReport:
        """Check every line and import them all, or nothing: the transaction is committed only
        when every line was accepted and this is not a ``dry_run`` (``written`` says).

        Patients may be imported by the desk; contracts and payments bring money history in
        bulk (charges waived, old payments), which is a gestor's decision."""
        self.require(Permission.PATIENTS if kind == "patients" else Permission.IMPORT_HISTORY)
        layout = self.layout(kind)
        problems = mapping_problems(layout.fields, mapping, table)
        if problems:
            raise ImportFileError("Colunas: " + " ".join(problems))
        columns = {key: table.column_name(index) for key, index in mapping.items()}
        lines = list(records(table, layout.fields, mapping))
        # An import builds tens of thousands of objects that live until its end.
        with gc_paused(), self.uow() as uow:
            importer = IMPORTERS[kind](self, uow, lines, columns, progress, cancelled)
            importer.confirm_duplicates = confirm_duplicates
            outcome = importer.run()
            errors = tuple(sorted(outcome.errors.found, key=lambda e: e.line))
            written = not dry_run and not errors
            if written:
                self.audit(
                    uow,
                    f"import.{kind}",
                    "import",
                    None,
                    None,
                    {
                        "file": file_name,
                        "rows": len(lines),
                        "created": dict(outcome.created),
                        "skipped_lines": sum(len(s.lines) for s in outcome.skipped),
                    },
                )
                uow.commit()
            # Otherwise leaving the unit of work rolls every line back: nothing was written.
        used = set(mapping.values())
        return ImportReport(
            kind=kind,
            file=file_name,
            source=table.source,
            columns=columns,
            ignored_columns=tuple(
                table.column_name(i) for i in range(len(table.headers)) if i not in used
            ),
            rows=len(lines),
            errors=errors,
            skipped=tuple(outcome.skipped),
            created=dict(outcome.created),
            notes=dict(outcome.notes),
            dry_run=dry_run,
            written=written,
        )

    def write_template(self, kind: str, path: Path) -> int:
        """The downloadable model of ``kind`` (examples that import cleanly today)."""
        columns, rows = template_rows(kind, self.clock.today())
        return write_table(path, columns, rows)

    # --- export ------------------------------------------------------------------------------
    def export(
        self,
        kind: str,
        path: Path,
        progress: Progress | None = None,
        cancelled: IsCancelled | None = None,
    ) -> int:
        """Write ``kind`` (patients, installments, payments) to ``path`` (.csv or .xlsx).

        The file appears only when complete (written beside it, then renamed): a cancelled or
        failed export never leaves half a spreadsheet behind.
        """
        # Whole-clinic files of personal and financial data (LGPD): the gestor's reports.
        self.require(Permission.REPORTS)
        spec = EXPORTS[kind]
        check_suffix(path)
        partial = path.with_name(f".{path.stem}.parcial{path.suffix}")
        with self.uow() as uow:
            total, rows = spec.rows(uow, self.clock.today())
            try:
                count = write_table(partial, spec.columns, _watch(rows, total, progress, cancelled))
                os.replace(partial, path)
            finally:
                partial.unlink(missing_ok=True)
        return count


def _watch(
    rows: Iterable[Sequence[object]],
    total: int,
    progress: Progress | None,
    cancelled: IsCancelled | None,
) -> Iterator[Sequence[object]]:
    for done, row in enumerate(rows, start=1):
        if done % 500 == 0:
            stop_if_cancelled(cancelled, "Exportação cancelada: nenhum arquivo foi gravado.")
            if progress is not None:
                progress(done, max(total, done))
        yield row
    if progress is not None:
        progress(total, total)
