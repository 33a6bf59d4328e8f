"""Pacientes from a spreadsheet: responsáveis before their dependents (a child without CPF is
found by name), each through the desk's validator and ``PatientService.plan_insert`` (the rows
``insert`` would write), then all written at once (``PatientService.write_new``)."""

from __future__ import annotations

from app.adapters.identity_checks import IDENTITY_CHECKS
from app.domain import identity
from app.domain.importing import Record
from app.domain.layouts import PATIENT_FIELDS, patient_form
from app.domain.patients import PatientData, validate_patient
from app.domain.text import fold
from app.errors import ValidationError
from app.persistence import models
from app.services.importers.base import Importer, Outcome, Skip
from app.services.patients import NewPerson

_PATIENT_KEYS = {s.key: s.key for s in PATIENT_FIELDS}


class PatientImporter(Importer):
    fields = PATIENT_FIELDS

    def run(self) -> Outcome:
        valid: list[tuple[Record, PatientData]] = []
        for record in self.records:
            form = patient_form(record, self.errors)
            try:
                data = validate_patient(form, self.today, checks=IDENTITY_CHECKS)
            except ValidationError as exc:
                self.errors.add_all(record, exc.errors, _PATIENT_KEYS)
                continue
            if not self.refused(record):
                valid.append((record, data))
        if len(valid) < len(self.records):
            self.step(len(self.records) - len(valid))
        seen: dict[str, int] = {}
        self.known = self.uow.patients.by_cpfs(
            cpf
            for _, data in valid
            for cpf in (data.cpf, data.responsible.cpf if data.responsible else None)
            if cpf
        )
        # Those without CPF (validate_patient: they have a responsável) in one query, before
        # anything is written: the file's own repeats are caught by ``seen``.
        self.dependents = self.uow.patients.dependents_by_name(
            (fold(data.name), data.responsible.cpf)
            for _, data in valid
            if not data.cpf and data.responsible is not None
        )
        # Who has a CPF, registered or planned by this import: a responsável is linked to them.
        self.registered: dict[str, int | NewPerson] = {
            cpf: row.id for cpf, row in self.known.items()
        }
        self.new: list[NewPerson] = []
        for record, data in _responsaveis_first(valid):
            self.step()
            self._one(record, data, seen)
        # No query runs while the lines are checked, so nothing is flushed line by line: the
        # rows go in here, one executemany per generation (responsáveis, then dependents).
        self.service.patients.write_new(self.uow, self.new)
        return self.outcome

    def _one(self, record: Record, data: PatientData, seen: dict[str, int]) -> None:
        existing: models.Patient | None
        if data.cpf:
            key, shown = data.cpf, f"CPF {identity.format_cpf(data.cpf)}"
            existing = self.known.get(data.cpf)
        else:
            assert data.responsible is not None  # validate_patient: no CPF needs a responsável
            key = f"{fold(data.name)}|{data.responsible.cpf}"
            shown = "nome e responsável"
            existing = self.dependents.get((fold(data.name), data.responsible.cpf))
        if key in seen:
            self.errors.add(
                record,
                "cpf" if data.cpf else "name",
                f"{shown} repetido: a mesma pessoa já está na linha {seen[key]} deste arquivo.",
                keep_label=True,
            )
            return
        seen[key] = record.line
        if existing is not None:
            self.outcome.skipped.append(
                Skip(
                    (record.line,),
                    f"{data.name} — já cadastrado no EmDia como {existing.name} "
                    f"(código {existing.id}); nada foi alterado.",
                )
            )
            return
        responsible = data.responsible
        new_responsible = (
            responsible is not None
            and responsible.cpf not in self.known
            and responsible.cpf not in seen
        )
        try:
            planned = self.service.patients.plan_insert(data, self.registered)
        except ValidationError as exc:
            self.errors.add_all(record, exc.errors, _PATIENT_KEYS)
            return
        self.new.extend(planned)
        for person in planned:
            if person.values["cpf"]:
                self.registered[person.values["cpf"]] = person
        self.outcome.count("patients")
        note = "novo paciente"
        if new_responsible and responsible is not None:
            self.outcome.count("patients")
            seen[responsible.cpf] = record.line
            note += f" e novo responsável ({responsible.name})"
        self.outcome.notes[record.line] = note


def _responsaveis_first(
    rows: list[tuple[Record, PatientData]],
) -> list[tuple[Record, PatientData]]:
    """A person named as someone's responsável is registered before that someone, so the link
    finds them (chains of any depth; a loop is left to the service to refuse)."""
    by_cpf = {data.cpf: data for _, data in rows if data.cpf}
    level: dict[str, int] = {}

    def depth(cpf: str | None, guard: int = 0) -> int:
        if cpf is None or cpf not in by_cpf or guard > 50:
            return 0
        if cpf not in level:
            responsible = by_cpf[cpf].responsible
            level[cpf] = 1 + depth(responsible.cpf if responsible else None, guard + 1)
        return level[cpf]

    def order(item: tuple[Record, PatientData]) -> tuple[int, int]:
        _, data = item
        responsible = data.responsible.cpf if data.responsible else None
        return (depth(responsible), item[0].line)

    return sorted(rows, key=order)
