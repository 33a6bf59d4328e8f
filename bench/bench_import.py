"""Benchmark: a 10,000-row spreadsheet import (pacientes, then contratos with paid history).

    .venv/bin/python -m bench.bench_import                  # 10,000 rows per file
    .venv/bin/python -m bench.bench_import --write-results  # also update bench/RESULTS.md
    .venv/bin/python -m bench.bench_import --smoke          # tiny run (CI): mechanics only
    .venv/bin/python -m bench.bench_import --profile csv    # cProfile one import of each file

A synthetic clinic's spreadsheets are generated deterministically (seeded generators, no
Faker, so the files do not change with a library's version):

- **pacientes** — ``--rows`` people: adults with CPF, masks or not, phones, e-mails, addresses,
  and ~8 % children without CPF under a responsável who is in the same file;
- **contratos** — ``--rows`` lines, one per parcela: 1–3 contracts per patient, 3–24 parcelas,
  an entrada on about a third, signed over the last two years; the parcelas already due carry
  their paid history (``pago em``, ``valor pago`` — exact, blank, partial, or with the late
  fine), as a clinic moving from a spreadsheet hands it over. ~10 % of the contracts belong to
  people not in the pacientes file (registered from ``nome do paciente``), ~4 % to children
  (found by name under ``cpf do responsável``).

Both are written as CSV (``;``, UTF-8 with BOM, as Excel pt-BR's "CSV UTF-8" saves) and XLSX
(real numbers and dates), with ``app.tabular.write_table``, the export's writer.

Measured in one run, each side in its own fresh process (so its peak RSS is its own), on a fresh
migrated SQLite database with a gestor logged in:

- **EmDia** — ``TransferService.read`` + ``suggest`` + ``run`` exactly as the wizard and
  ``emdia import`` call them: for pacientes then contratos, a dry run (everything, rolled back)
  and the real import (committed);
- **floor** — the same file parsed with the stdlib ``csv`` module (XLSX: ``openpyxl`` read-only,
  the same reader EmDia uses), the cells turned into SQL values with bare string slicing, and the
  same rows inserted with ``sqlite3`` ``executemany`` into the same tables (a copy of the same
  migrated schema: same indexes, same PRAGMAs), one commit. No validation, no holidays, no
  allocation rule, no audit: the bare minimum any importer must pay. The counts and the sums
  (patients, contracts, parcelas, payments, centavos) must equal EmDia's, or the run fails.

Then, in this process, **reading** alone: the pacientes CSV ten times over (100,000 lines at
full size) through ``read_table`` (encoding and delimiter sniffed, every cell checked, as the
wizard reads a file) against ``bytes.decode`` + the stdlib ``csv`` reader on the same bytes;
both must see the same number of lines.

No target beyond being measured: the ratio is reported, never judged. This is
where the speed of the import is watched; the test suite checks only what it writes.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.bench_worklist import quiet_home

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION = "## Import"
TODAY = date(2026, 3, 16)
SEED = 1
USER, PASSWORD = "gestor", "bench-senha-1"
KINDS = ("patients", "contracts")
FORMATS = ("csv", "xlsx")

# --- the synthetic spreadsheets --------------------------------------------------------------

FIRST = ("Ana", "Antônio", "Beatriz", "Caio", "Conceição", "Débora", "Edson", "Fátima",
         "Gonçalo", "Helena", "Inês", "João", "Júlia", "Luís", "Márcia", "Otávio", "Sebastião",
         "Thaís", "Raimundo", "Lúcia", "Francisco", "Aparecida", "José", "Maria", "Cláudio",
         "Rosângela", "Vinícius", "Letícia", "Mônica", "Rogério")  # fmt: skip
MIDDLE = ("Aparecida", "Cristina", "Eduardo", "Henrique", "Luiza", "Maria", "Paulo", "Pedro",
          "Regina", "Vitória", "Gabriel", "Rafael", "Sofia", "Heloísa", "Miguel",
          "Cecília")  # fmt: skip
LAST = ("Araújo", "Brandão", "Conceição", "Damásio", "Estêvão", "Falcão", "Gusmão", "Leão",
        "Magalhães", "Nóbrega", "Simões", "Tavares", "Veríssimo", "da Silva", "dos Santos",
        "Oliveira", "Pereira", "Rodrigues", "Gonçalves", "Ribeiro", "Carvalho",
        "Assunção")  # fmt: skip
STREETS = ("Rua São João", "Av. Brasil", "Rua das Acácias", "Rua Barão de Jaguara",
           "Av. Francisco Glicério", "Rua Conceição", "Rua José Paulino",
           "Rua Irmã Serafina")  # fmt: skip
DISTRICTS = ("Centro", "Cambuí", "Taquaral", "Botafogo", "Jardim Chapadão", "Vila Industrial")
CITIES = ("Campinas", "Sumaré", "Paulínia", "Valinhos", "Hortolândia", "Jaguariúna")
DESCRIPTIONS = ("Ortodontia", "Implante unitário", "Clareamento", "Prótese total",
                "Tratamento de canal", "Lentes de contato dental", "Restaurações",
                "Aparelho autoligado", "Limpeza e raspagem", "Facetas")  # fmt: skip
METHODS = ("boleto", "PIX", "Cartão de crédito", "Boleto bancário", "dinheiro", "cheque", "pix")


def cpf(base: int, *, masked: bool = True) -> str:
    """A valid CPF from a 9-digit base (check digits as the Receita Federal computes them)."""
    digits = [int(c) for c in f"{base % 10**9:09d}"]
    if len(set(digits)) == 1:
        digits[-1] = (digits[-1] + 1) % 10
    for weight in (10, 11):
        total = sum(d * (weight - i) for i, d in enumerate(digits))
        rest = (total * 10) % 11
        digits.append(0 if rest == 10 else rest)
    bare = "".join(str(d) for d in digits)
    return f"{bare[:3]}.{bare[3:6]}.{bare[6:9]}-{bare[9:]}" if masked else bare


def phone(rng: random.Random) -> str:
    number = f"9{rng.choice('6789')}{rng.randint(0, 9_999_999):07d}"
    return f"(19) {number[:5]}-{number[5:]}" if rng.random() < 0.7 else f"19{number}"


@dataclass
class Person:
    name: str
    cpf: str  # as written in the file ("" for a child)
    responsible_cpf: str = ""


def patient_rows(n: int, seed: int) -> tuple[list[dict[str, object]], list[Person]]:
    """``n`` people as a clinic's register holds them: ~8 % children under an adult of the file."""
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    people: list[Person] = []
    adults: list[Person] = []
    children_of: dict[str, set[str]] = {}
    for i in range(n):
        if adults and rng.random() < 0.08:
            parent = rng.choice(adults)
            kids = children_of.setdefault(parent.cpf, set())
            name = f"{rng.choice(FIRST)} {rng.choice(MIDDLE)} {parent.name.split(' ', 1)[1]}"
            while name in kids:
                name = f"{rng.choice(FIRST)} {rng.choice(MIDDLE)} {name}"
            kids.add(name)
            person = Person(name, "", parent.cpf)
            birth = date(2012, 1, 1) + timedelta(days=rng.randint(0, 3650))
            rows.append(
                {"name": name, "birth_date": birth, "responsible_cpf": parent.cpf,
                 "city": rng.choice(CITIES), "state": "SP",
                 "notes": "sem CPF; responsável paga" if rng.random() < 0.3 else ""}
            )  # fmt: skip
        else:
            name = f"{rng.choice(FIRST)} {rng.choice(MIDDLE)} {rng.choice(LAST)} {rng.choice(LAST)}"
            person = Person(name, cpf(100_000_000 + i * 7, masked=rng.random() < 0.6))
            adults.append(person)
            birth = date(1945, 1, 1) + timedelta(days=rng.randint(0, 21_000))
            has_phone = rng.random() < 0.95
            rows.append(
                {"name": name, "cpf": person.cpf, "birth_date": birth,
                 "phone": phone(rng) if has_phone else "",
                 "phone_whatsapp": ("sim" if rng.random() < 0.85 else "não") if has_phone else "",
                 "phone_alt": f"(19) 3{rng.randint(0, 9_999_999):07d}" if rng.random() < 0.2
                 else "",
                 "email": f"paciente{i}@exemplo.com.br" if rng.random() < 0.6 else "",
                 "street": rng.choice(STREETS), "number": str(rng.randint(1, 3000)),
                 "complement": f"apto {rng.randint(1, 200)}" if rng.random() < 0.25 else "",
                 "district": rng.choice(DISTRICTS), "city": rng.choice(CITIES), "state": "SP",
                 "zip_code": f"13{rng.randint(0, 999_999):06d}",
                 "opt_out": "sms" if rng.random() < 0.05 else "",
                 "notes": "prefere contato pela manhã" if rng.random() < 0.05 else ""}
            )  # fmt: skip
        people.append(person)
    return rows, people


def _add_months(start: date, months: int, day: int) -> date:
    from app.domain.schedule import add_months

    return add_months(start, months, day)


def contract_rows(n: int, seed: int, people: list[Person]) -> list[dict[str, object]]:
    """``n`` parcela lines (the last contract may be cut short: its first parcelas stay)."""
    rng = random.Random(seed + 1)
    adults = [p for p in people if p.cpf]
    children = [p for p in people if not p.cpf]
    rows: list[dict[str, object]] = []
    number = 0
    newcomer = 0
    while len(rows) < n:
        roll = rng.random()
        if roll < 0.10:  # not in the pacientes file: registered from this file's name + phone
            newcomer += 1
            who = Person(
                f"{rng.choice(FIRST)} {rng.choice(MIDDLE)} {rng.choice(LAST)}",
                cpf(700_000_000 + newcomer * 11, masked=rng.random() < 0.6),
            )
            who_phone = phone(rng)
        elif roll < 0.14 and children:
            who, who_phone = rng.choice(children), ""
        else:
            who, who_phone = rng.choice(adults), ""
        for _ in range(rng.choices((1, 2, 3), (50, 35, 15))[0]):
            number += 1
            rows += _one_contract(rng, f"C-{number:05d}", who, who_phone)
    return rows[:n]


def _one_contract(
    rng: random.Random, key: str, who: Person, who_phone: str
) -> list[dict[str, object]]:
    signed = TODAY - timedelta(days=rng.randint(20, 700))
    count = rng.choice((3, 4, 5, 6, 6, 8, 10, 10, 12, 12, 18, 24))
    total = rng.randint(30, 1500) * 1000  # R$ 300,00 … R$ 15.000,00
    down = (total * rng.choice((10, 20, 30)) // 100) if rng.random() < 0.35 else 0
    base, rest = divmod(total - down, count)
    due_day = rng.choice((5, 10, 15, 20, 25))
    style = rng.choices(("n", "n/t", ""), (50, 40, 10))[0]
    profile = rng.choices(("pontual", "atrasa", "parou"), (60, 25, 15))[0]
    stops_after = rng.randint(1, count)
    common = {
        "contract": key,
        "patient_cpf": who.cpf,
        "patient_name": who.name,
        "responsible_cpf": who.responsible_cpf,
        "patient_phone": who_phone,
        "description": rng.choice(DESCRIPTIONS),
        "method": rng.choice(METHODS),
        "signed_on": signed,
    }
    lines: list[dict[str, object]] = []
    if down:
        # Without parcela numbers (style "") the lines are numbered by due date: the entrada,
        # due at signing, is then simply parcela 1 — as EmDia reads such a sheet.
        lines.append(
            {**common, "number": {"n": "entrada", "n/t": "0", "": ""}[style],
             "due_date": signed, "amount": down, "paid_on": signed, "status": "pago"}
        )  # fmt: skip
    for k in range(1, count + 1):
        due = _add_months(signed, k, due_day)
        amount = base + (1 if k <= rest else 0)
        line: dict[str, object] = {
            **common,
            "number": {"n": str(k), "n/t": f"{k}/{count}", "": ""}[style],
            "due_date": due,
            "amount": amount,
        }
        if due < TODAY and not (profile == "parou" and k > stops_after):
            late = rng.randint(-5, 2) if profile == "pontual" else rng.randint(-2, 45)
            paid_on = min(due + timedelta(days=late), TODAY)
            line["paid_on"] = paid_on
            kind = rng.random()
            # Some paid the late fine too (charges first, CC art. 354); some paid half.
            if (paid_on - due).days >= 10 and kind < 0.5:
                line["paid_amount"] = amount + amount * 2 // 100
            elif kind < 0.05:
                line["paid_amount"] = amount // 2
            elif kind < 0.25:
                line["paid_amount"] = amount
            if "paid_amount" not in line or line["paid_amount"] != amount // 2:
                line["status"] = "pago" if rng.random() < 0.5 else ""
        lines.append(line)
    return lines


def write_files(rows: int, seed: int, out: Path) -> dict[str, int]:
    """The two spreadsheets, each as CSV and XLSX. Returns the lines of each."""
    from app.domain.columns import Column, Kind
    from app.domain.layouts import CONTRACT_FIELDS, PATIENT_FIELDS
    from app.tabular import write_table

    def columns(fields: Sequence[Any]) -> list[Column]:
        kinds = {"date": Kind.DATE, "money": Kind.MONEY}
        return [Column(s.header, kinds.get(s.kind, Kind.TEXT)) for s in fields]

    if out.name != "warm":  # a small, self-consistent set for each side's untimed warm-up
        write_files(min(rows, 60), seed + 1000, out / "warm")
    patients, people = patient_rows(rows, seed)
    contracts = contract_rows(rows, seed, people)
    for kind, fields, data in (
        ("patients", PATIENT_FIELDS, patients),
        ("contracts", CONTRACT_FIELDS, contracts),
    ):
        table = [[row.get(s.key, "") for s in fields] for row in data]
        for fmt in FORMATS:
            write_table(out / f"{kind}.{fmt}", columns(fields), table)
    return {"patients": len(patients), "contracts": len(contracts)}


# --- the fresh database ----------------------------------------------------------------------


def template_database(path: Path) -> None:
    """A freshly migrated clinic with one gestor (who may import patients and history)."""
    from app.bootstrap import bootstrap
    from app.clock import FixedClock
    from app.config import load_config
    from app.services.users import UserForm

    services = bootstrap(load_config(str(path)), FixedClock(TODAY))
    for username, role in (("admin", "admin"), (USER, "gestor")):  # the first must be an admin
        services.users.create(UserForm(username, username.title(), role, PASSWORD))
    with services.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    services.close()


def counts(db_path: Path) -> dict[str, int]:
    with sqlite3.connect(db_path) as db:
        one = lambda sql: int(db.execute(sql).fetchone()[0] or 0)  # noqa: E731
        return {
            "patients": one("SELECT count(*) FROM patient"),
            "contracts": one("SELECT count(*) FROM contract"),
            "installments": one("SELECT count(*) FROM installment"),
            "payments": one("SELECT count(*) FROM payment"),
            "installment_cents": one("SELECT sum(amount_cents) FROM installment"),
            "payment_cents": one("SELECT sum(amount_cents) FROM payment"),
        }


# --- the EmDia side (in its own process) -----------------------------------------------------


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> dict[str, float]:
    return {"wall": time.perf_counter() - start[0], "cpu": time.process_time() - start[1]}


def emdia_side(files: Path, fmt: str, db_path: Path) -> dict[str, Any]:
    """Dry run then real import of pacientes, then of contratos, through the service — after an
    untimed warm-up on a throwaway copy (Python's lazy imports of the validators, holidays and
    openpyxl are a process's one-time cost, not the import's)."""
    warm = db_path.with_name(f"{db_path.stem}-warm.db")
    shutil.copyfile(db_path, warm)
    _emdia_imports(files / "warm", fmt, warm)
    found = _emdia_imports(files, fmt, db_path)
    found["counts"] = counts(db_path)
    return found


def _emdia_imports(files: Path, fmt: str, db_path: Path) -> dict[str, Any]:
    from app.bootstrap import bootstrap
    from app.clock import FixedClock
    from app.config import load_config

    services = bootstrap(load_config(str(db_path)), FixedClock(TODAY), migrate=False)
    services.login(USER, PASSWORD)
    transfer = services.transfer
    found: dict[str, Any] = {}
    try:
        for kind in KINDS:
            path = files / f"{kind}.{fmt}"
            for dry in (True, False):
                started = _clock()
                table = transfer.read(path)
                report = transfer.run(
                    kind, table, transfer.suggest(kind, table), dry_run=dry, file_name=path.name
                )
                found[f"{kind}.{'dry' if dry else 'import'}"] = _since(started)
                if not report.ok or (not dry and not report.written):
                    problems = "\n".join(str(e) for e in report.errors[:10])
                    refused = f"{path.name} recusado ({len(report.errors)})"
                    raise SystemExit(f"FALHA: {refused}:\n{problems}")
                found[f"{kind}.rows"] = report.rows
                found[f"{kind}.created"] = dict(report.created)
    finally:
        services.close()
    return found


# --- the floor: csv / openpyxl + sqlite3 executemany (in its own process) --------------------


def _rows_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


def _rows_xlsx(path: Path) -> list[list[Any]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = [list(r) for r in book.active.iter_rows(values_only=True)]  # type: ignore[union-attr]
    finally:
        book.close()
    width = len(rows[0]) if rows else 0  # a sheet without dimensions gives short rows
    return [r + [None] * (width - len(r)) for r in rows]


def _iso(value: Any) -> str | None:
    """dd/mm/aaaa text or an Excel date → ISO text (what SQLite stores)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return f"{value[6:10]}-{value[3:5]}-{value[0:2]}"


def _cents(value: Any) -> int:
    if value is None or value == "":
        return 0
    if isinstance(value, (int, float)):
        return round(value * 100)
    if not isinstance(value, str):  # Decimal
        return int(value * 100)
    return int(value.replace("R$", "").replace(".", "").replace(",", "").strip())


def _digits(value: Any) -> str:
    return "".join(c for c in str(value or "") if c.isdigit())


def _text(value: Any) -> str:
    return "" if value is None else str(value)


class Inserter:
    """``INSERT`` statements for the real tables: the columns given, and for every other NOT NULL
    column without a default a neutral value (0, '', now) — what an ORM default would write."""

    def __init__(self, db: sqlite3.Connection, now: str) -> None:
        self.db, self.now = db, now

    def insert(self, table: str, names: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        info = self.db.execute(f"PRAGMA table_info({table})").fetchall()
        extra: dict[str, Any] = {}
        for _cid, name, kind, notnull, default, pk in info:
            if name in names or pk or not notnull or default is not None:
                continue
            kind = kind.upper()
            if "DATETIME" in kind or "TIMESTAMP" in kind:
                extra[name] = self.now
            elif "DATE" in kind:
                extra[name] = self.now[:10]
            elif "INT" in kind or "BOOL" in kind or "NUMERIC" in kind:
                extra[name] = 1 if name == "version" else 0
            else:
                extra[name] = ""
        columns = [*names, *extra]
        marks = ", ".join("?" * len(columns))
        tail = tuple(extra.values())
        self.db.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
            [(*row, *tail) for row in rows],
        )


# The floor finds its columns by the template's titles (what write_files wrote), by hand.
PATIENT_KEYS = {"nome": "name", "cpf": "cpf", "data de nascimento": "birth_date",
                "telefone": "phone", "telefone tem whatsapp": "phone_whatsapp",
                "outro telefone": "phone_alt", "e-mail": "email", "rua": "street",
                "número": "number", "complemento": "complement", "bairro": "district",
                "cidade": "city", "uf": "state", "cep": "zip_code",
                "cpf do responsável": "responsible_cpf", "observações": "notes"}  # fmt: skip
CONTRACT_KEYS = {"contrato": "contract", "cpf do paciente": "patient_cpf",
                 "nome do paciente": "patient_name", "cpf do responsável": "responsible_cpf",
                 "telefone": "patient_phone", "descrição": "description",
                 "forma de pagamento": "method", "data do contrato": "signed_on",
                 "parcela": "number", "vencimento": "due_date", "valor": "amount",
                 "pago em": "paid_on", "valor pago": "paid_amount"}  # fmt: skip

# app/persistence/db.py's connection settings (the commit costs the same on both sides)
APP_PRAGMAS = ("busy_timeout = 10000", "foreign_keys = ON", "journal_mode = WAL",
               "synchronous = FULL")  # fmt: skip
PATIENT_COLUMNS = ("id", "name", "name_search", "cpf", "birth_date", "phone", "phone_whatsapp",
                   "phone_alt", "email", "street", "number", "complement", "district", "city",
                   "state", "zip_code", "responsible_id", "notes")  # fmt: skip

CONTRACT_COLUMNS = ("id", "patient_id", "description", "total_cents", "down_payment_cents",
                    "installments_count", "first_due_date", "due_day", "payment_method",
                    "status", "fine_bp", "interest_monthly_bp", "signed_at",
                    "external_ref")  # fmt: skip
INSTALLMENT_COLUMNS = ("id", "contract_id", "number", "due_date", "effective_due_date",
                       "amount_cents", "paid_cents", "settled_on")  # fmt: skip


def floor_side(files: Path, fmt: str, db_path: Path) -> dict[str, Any]:
    """The floor after the same untimed warm-up on a throwaway copy (no EmDia module loaded)."""
    import openpyxl  # noqa: F401  (its import is a process's one-time cost, as for EmDia)

    warm = db_path.with_name(f"{db_path.stem}-warm.db")
    shutil.copyfile(db_path, warm)
    _floor_imports(files / "warm", fmt, warm)
    found = _floor_imports(files, fmt, db_path)
    found["counts"] = counts(db_path)
    return found


def _floor_imports(files: Path, fmt: str, db_path: Path) -> dict[str, Any]:
    """Parse with csv/openpyxl, convert by slicing, insert with executemany, one commit each."""
    found: dict[str, Any] = {}
    read = _rows_csv if fmt == "csv" else _rows_xlsx
    now = datetime.combine(TODAY, datetime.min.time()).isoformat(sep=" ")
    db = sqlite3.connect(db_path)
    for pragma in APP_PRAGMAS:
        db.execute(f"PRAGMA {pragma}")
    ins = Inserter(db, now)

    # pacientes: adults first (their ids are known), then the children pointing at them.
    started = _clock()
    header, *rows = read(files / f"patients.{fmt}")
    pcol = {PATIENT_KEYS.get(str(name), ""): i for i, name in enumerate(header)}
    by_cpf: dict[str, int] = {}
    adults, children = [], []
    next_id = 1
    for r in rows:
        get = lambda key: _text(r[pcol[key]])  # noqa: B023, E731
        person = [next_id, get("name"), get("name").lower(), _digits(get("cpf")) or None,
                  _iso(r[pcol["birth_date"]]), _digits(get("phone")),
                  get("phone_whatsapp") == "sim", _digits(get("phone_alt")), get("email"),
                  get("street"), get("number"), get("complement"), get("district"), get("city"),
                  get("state"), _digits(get("zip_code")), _digits(get("responsible_cpf")),
                  get("notes")]  # fmt: skip
        next_id += 1
        if person[3]:
            by_cpf[person[3]] = person[0]
            adults.append(person)
        else:
            children.append(person)
    for person in adults + children:
        person[16] = by_cpf.get(person[16]) if person[16] else None
    ins.insert("patient", PATIENT_COLUMNS, [tuple(p) for p in adults + children])
    db.commit()
    found["patients.floor"] = _since(started)
    found["patients.rows"] = len(rows)

    # contratos: group the lines, find (or register) the patient, write contract, parcelas,
    # and one payment + allocation per paid line.
    started = _clock()
    header, *rows = read(files / f"contracts.{fmt}")
    ccol = {CONTRACT_KEYS.get(str(name), ""): i for i, name in enumerate(header)}
    known = dict(db.execute("SELECT cpf, id FROM patient WHERE cpf IS NOT NULL"))
    dependents = {
        (name_search, resp_cpf): pid
        for pid, name_search, resp_cpf in db.execute(
            "SELECT p.id, p.name_search, r.cpf FROM patient p JOIN patient r"
            " ON r.id = p.responsible_id WHERE p.cpf IS NULL"
        )
    }
    next_id = int(db.execute("SELECT coalesce(max(id), 0) FROM patient").fetchone()[0]) + 1
    groups: dict[tuple[str, str], list[list[Any]]] = {}
    for r in rows:
        who = _digits(r[ccol["patient_cpf"]]) or (
            f"{_text(r[ccol['patient_name']]).lower()}|{_digits(r[ccol['responsible_cpf']])}"
        )
        groups.setdefault((who, _text(r[ccol["contract"]])), []).append(r)
    new_patients, contracts, installments, payments, allocations = [], [], [], [], []
    inst_id = pay_id = 1
    for contract_id, ((who, key), lines) in enumerate(groups.items(), start=1):
        first = lines[0]
        if "|" in who:
            name, resp = who.split("|")
            patient_id = dependents[(name, resp)]
        elif who in known:
            patient_id = known[who]
        else:
            patient_id = known[who] = next_id
            next_id += 1
            name = _text(first[ccol["patient_name"]])
            new_patients.append((patient_id, name, name.lower(), who, None,
                                 _digits(first[ccol["patient_phone"]]), True, "", "", "", "",
                                 "", "", "", "", "", None, ""))  # fmt: skip
        parcels = []
        for n, r in enumerate(lines):
            label = _text(r[ccol["number"]]).split("/")[0]
            number = 0 if label in ("0", "entrada") else int(label) if label else n + 1
            parcels.append((number, r))
        down = sum(_cents(r[ccol["amount"]]) for number, r in parcels if number == 0)
        total = sum(_cents(r[ccol["amount"]]) for _, r in parcels)
        dues = [_iso(r[ccol["due_date"]]) for number, r in parcels if number >= 1]
        first_due = min(dues) if dues else _iso(first[ccol["due_date"]])
        method = _text(first[ccol["method"]]).lower()[:6].replace("cartão", "cartao")
        contracts.append((contract_id, patient_id, _text(first[ccol["description"]]), total,
                          down, len(dues), first_due, int(first_due[8:10]), method, "active",
                          200, 100, _iso(first[ccol["signed_on"]]), key))  # fmt: skip
        for number, r in parcels:
            amount, due = _cents(r[ccol["amount"]]), _iso(r[ccol["due_date"]])
            paid_on = _iso(r[ccol["paid_on"]])
            paid = _cents(r[ccol["paid_amount"]]) or (amount if paid_on else 0)
            principal = min(paid, amount)
            settled = paid_on if paid_on and principal >= amount else None
            installments.append((inst_id, contract_id, number, due, due, amount, principal,
                                 settled))  # fmt: skip
            if paid_on:
                payments.append((pay_id, contract_id, paid_on, paid, method, "importado"))
                allocations.append((pay_id, inst_id, principal, paid - principal))
                pay_id += 1
            inst_id += 1
    ins.insert("patient", PATIENT_COLUMNS, new_patients)
    ins.insert("contract", CONTRACT_COLUMNS, contracts)
    ins.insert("installment", INSTALLMENT_COLUMNS, installments)
    ins.insert("payment", ("id", "contract_id", "paid_on", "amount_cents", "method", "reference"),
               payments)  # fmt: skip
    ins.insert("payment_allocation", ("payment_id", "installment_id", "principal_cents",
                                      "fine_cents"), allocations)  # fmt: skip
    db.commit()
    found["contracts.floor"] = _since(started)
    found["contracts.rows"] = len(rows)
    db.close()
    return found


def peak_rss_mb() -> float:
    """This process's peak RSS. ``VmHWM`` (Linux) starts again at ``exec``; ``ru_maxrss`` would
    still hold the parent's resident pages copied at ``fork``."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- reading a large file (in this process, no database) -------------------------------------

READ_COPIES = 10  # the pacientes CSV this many times over: 100,000 lines at full size


def big_csv(files: Path) -> bytes:
    """The pacientes CSV (UTF-8 with BOM, ``;``) with its lines repeated ``READ_COPIES`` times."""
    data = (files / "patients.csv").read_bytes()
    header_end = data.index(b"\n") + 1
    body = data[header_end:]
    if not body.endswith(b"\n"):
        body += b"\r\n"
    return data[:header_end] + body * READ_COPIES


def read_measure(files: Path, runs: int) -> dict[str, Any]:
    """``read_table`` against the floor (``decode`` + ``csv.reader``), alternating, best of
    ``runs``; an untimed warm-up first (the lazy imports are not the read's cost)."""
    from app.tabular import read_table

    data = big_csv(files)
    read_table(big_csv(files / "warm"), "aquecimento.csv")

    def floor() -> int:
        return len(list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))) - 1

    def emdia() -> int:
        return len(read_table(data, "pacientes.csv").rows)

    times: dict[str, list[dict[str, float]]] = {"floor": [], "emdia": []}
    lines: dict[str, int] = {}
    for _ in range(runs):
        for side, work in (("floor", floor), ("emdia", emdia)):
            started = _clock()
            lines[side] = work()
            times[side].append(_since(started))
    if lines["emdia"] != lines["floor"]:
        raise SystemExit(f"FALHA (leitura): EmDia leu {lines['emdia']} linhas, o piso {lines}")
    fastest = {side: min(t, key=lambda x: x["wall"]) for side, t in times.items()}
    return {"lines": lines["emdia"], "bytes": len(data), **fastest}


# --- one side in a fresh process -------------------------------------------------------------


def child(side: str, files: Path, fmt: str, template: Path, scratch: Path) -> dict[str, Any]:
    """Run ``side`` on a fresh copy of the template in a new process; add its peak RSS."""
    db_path = scratch / f"{side}-{fmt}-{time.monotonic_ns()}.db"
    shutil.copyfile(template, db_path)
    command = [sys.executable, "-m", "bench.bench_import", "--side", side, str(files), fmt]
    command.append(str(db_path))
    proc = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    out, err = proc.communicate()  # the child reports its own peak RSS (see ``main``)
    if proc.returncode != 0:
        raise SystemExit(f"{side} ({fmt}) falhou (rc {proc.returncode}):\n{err}{out}")
    result = dict(json.loads(out.strip().splitlines()[-1]))
    for suffix in ("", "-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    return result


def best(runs: list[dict[str, Any]], key: str) -> dict[str, float]:
    """The run with the least wall time for ``key`` (CPU from the same run)."""
    return dict(min((r[key] for r in runs), key=lambda t: t["wall"]))


def run(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {"rows": args.rows, "runs": args.runs, "formats": {}}
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        files = scratch / "files"
        started = time.perf_counter()
        results["lines"] = write_files(args.rows, args.seed, files)
        results["generate_seconds"] = time.perf_counter() - started
        results["bytes"] = {p.name: p.stat().st_size for p in sorted(files.iterdir())}
        template = scratch / "template.db"
        template_database(template)
        for fmt in FORMATS:
            emdia_runs, floor_runs = [], []
            for _ in range(args.runs):  # alternate, so both sides see the same machine load
                floor_runs.append(child("floor", files, fmt, template, scratch))
                emdia_runs.append(child("emdia", files, fmt, template, scratch))
            emdia, floor = emdia_runs[-1], floor_runs[-1]
            if emdia["counts"] != floor["counts"]:
                raise SystemExit(
                    f"FALHA ({fmt}): o piso não gravou o mesmo que o EmDia:\n"
                    f"EmDia {emdia['counts']}\npiso  {floor['counts']}"
                )
            results["formats"][fmt] = {
                "counts": emdia["counts"],
                "created": {k: emdia[f"{k}.created"] for k in KINDS},
                **{
                    f"{k}.{what}": best(emdia_runs, f"{k}.{what}")
                    for k in KINDS
                    for what in ("dry", "import")
                },
                **{f"{k}.floor": best(floor_runs, f"{k}.floor") for k in KINDS},
                "emdia_rss_mb": max(r["rss_mb"] for r in emdia_runs),
                "floor_rss_mb": max(r["rss_mb"] for r in floor_runs),
            }
        results["read"] = read_measure(files, args.runs)
    return results


# --- report ----------------------------------------------------------------------------------

KIND_LABEL = {"patients": "pacientes", "contracts": "contratos"}


def render(r: dict[str, Any], smoke: bool = False) -> str:
    lines = ["(tamanho de smoke: mecânica apenas, as razões não significam nada)"] if smoke else []
    lines.append(
        f"arquivos: pacientes {r['lines']['patients']:,} linhas, contratos "
        f"{r['lines']['contracts']:,} linhas (gerados em {r['generate_seconds']:.1f} s); "
        f"melhor de {r['runs']} run(s)"
    )
    for fmt, f in r["formats"].items():
        c = f["counts"]
        lines.append("")
        lines.append(
            f"{fmt.upper()}: gravados {c['patients']:,} pacientes, {c['contracts']:,} contratos, "
            f"{c['installments']:,} parcelas, {c['payments']:,} pagamentos "
            "(piso: os mesmos números e somas)"
        )
        lines.append(
            f"  {'':22}{'parede':>9}{'CPU':>9}{'linhas/s':>10}{'× piso':>9}{'× piso CPU':>12}"
        )
        for kind in KINDS:
            rows = r["lines"][kind]
            floor = f[f"{kind}.floor"]
            for what, label in (("floor", "piso"), ("dry", "simulação"), ("import", "importação")):
                t = f[f"{kind}.{what}"]
                ratio = "" if what == "floor" else f"{t['wall'] / floor['wall']:8.1f}×"
                cpu_ratio = "" if what == "floor" else f"{t['cpu'] / floor['cpu']:11.1f}×"
                lines.append(
                    f"  {KIND_LABEL[kind] + ' ' + label:22}{t['wall']:8.2f}s{t['cpu']:8.2f}s"
                    f"{rows / t['wall']:10,.0f}{ratio:>9}{cpu_ratio:>12}"
                )
        lines.append(
            f"  pico de memória (RSS): EmDia {f['emdia_rss_mb']:.0f} MB (processo com as "
            f"quatro etapas), piso {f['floor_rss_mb']:.0f} MB"
        )
    read = r["read"]
    lines.append("")
    lines.append(
        f"LEITURA: {read['lines']:,} linhas de CSV ({read['bytes'] / 2**20:.1f} MB), sem banco"
    )
    for side, label in (("floor", "piso (decode + csv)"), ("emdia", "read_table")):
        t = read[side]
        ratio = "" if side == "floor" else f"{t['wall'] / read['floor']['wall']:8.1f}×"
        cpu_ratio = "" if side == "floor" else f"{t['cpu'] / read['floor']['cpu']:11.1f}×"
        lines.append(
            f"  {label:22}{t['wall']:8.2f}s{t['cpu']:8.2f}s"
            f"{read['lines'] / t['wall']:10,.0f}{ratio:>9}{cpu_ratio:>12}"
        )
    return "\n".join(line.rstrip() for line in lines)


NOTES = """\
How to read it: *simulação* is the dry run (`emdia import … --dry-run`; the wizard's check
before it imports: every line validated and written, then rolled back), *importação* the real
one (committed); each includes reading the file. The floor is the bare minimum any importer
pays: the stdlib `csv` module (for XLSX, `openpyxl` read-only, the reader EmDia uses too),
cells turned into SQL values by slicing, and `sqlite3` `executemany` into the same migrated
tables with the app's PRAGMAs, one commit per file — no validation, no CPF check digits, no
holidays, no allocation rule, no audit log, no duplicate detection. Both sides run in fresh
processes on fresh copies of the same migrated database, after an untimed warm-up on a
throwaway copy (lazy imports); the counts and sums they write must be equal or the run fails.
Peak RSS is each process's `VmHWM` (EmDia's: one process doing all four steps of a format).

**Targets: CSV ≤ 8× its floor, XLSX ≤ 2× (CPU).** The XLSX ratio is smaller because the floor
itself is ≈ 10× slower on XLSX: `openpyxl` takes ≈ 1.5 s to read 10,000 × 21 cells, on both
sides. EmDia reads the workbook as the floor does (`openpyxl` read-only, `values_only`), plus
≈ 0.1–0.2 s to turn the cells into text and find the header; in one process the same table
imports equally fast from either format, so an XLSX run is the CSV run plus the reading. (An
earlier note found XLSX runs 1–2.5 s slower than that, unexplained: those runs were made under a
load average of 4–18 on 2 cores, and the gap is gone in today's runs.) Of `openpyxl`'s reading,
≈ 0.4 s is `load_workbook` parsing the whole sheet to find its size when the file has no
`<dimension>` element (this benchmark's files and EmDia's own exports; Excel writes one), a
size EmDia then ignores (`reset_dimensions`); skipping that would need `openpyxl`'s internals.

Where the time goes (`python -m bench.bench_import --profile csv`, one real import of each
10,000-line file under cProfile, which roughly doubles the times):

- **pacientes** (3.3 s profiled, 9.0 s before these changes): validation is 60 %
  (`validate_patient`: e-mail syntax by `email-validator` 19 %, phones by `phonenumbers` 10 %,
  CPF check digits 8 %, text bounds); writing the rows 12 % (one `executemany` per generation);
  reading and mapping the cells ≈ 10 %. No query and no flush per line any more.
- **contratos** (3.5 s profiled, 5.1 s before): the paid history (`_history`: `validate_payment`,
  `updated_debt`, `allocate` for 6,902 payments) ≈ 25 %; SQLAlchemy's processing of the
  `executemany` parameters ≈ 15 %; sealing ≈ 2,000 audit lines into the hash chain at the
  commit ≈ 11 %; the contracts' ORM flush ≈ 9 %; reading ≈ 8 %.

What changed: the pacientes are no longer ORM objects — each line is planned
(`PatientService.plan_insert`: the row values and refusals of the desk's `insert`) against the
people already in the database or planned by earlier lines, then written one `executemany` per
generation (responsáveis first); a contract file's "already imported?" looks among the patients'
contracts read once per 500 people, not one query per contract; on SQLite,
`BulkLoader.insert_returning_ids` gives the ids SQLite would give, under the write lock, and
writes with one `executemany` (a RETURNING in parameter order made SQLAlchemy send 10,000
parcelas one INSERT each); the cyclic garbage collector is paused during an import; the usual
clean or empty cell skips the text checks' message building, `fold`'s decomposition and the
cell cleaning; a plain DDD + number goes to `phonenumbers`' validity check without `parse` (the
same `PhoneNumber`, built directly; a test compares both answers). A pagamentos file (not timed
here) also writes its payments and allocations with `executemany` now.
"""


def write_results(text: str, r: dict[str, Any], notes: str) -> None:
    body = (
        f"{SECTION}\n\n"
        f"`bench/bench_import.py` on {datetime.now():%Y-%m-%d}, `--rows {r['rows']}`, "
        f"`--today {TODAY.isoformat()}`, {os.cpu_count()} cores, Python "
        f"{sys.version.split()[0]}; synthetic spreadsheets (seed {SEED}), each format on a fresh "
        "migrated SQLite database, logged in as a gestor."
        f"\n\n```\n{text}\n```\n\n{notes}"
    )
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmarks\n"
    if SECTION + "\n" in old:
        head, _, rest = old.partition(SECTION + "\n")
        tail = rest[rest.find("\n## ") + 1 :] if "\n## " in rest else ""
        new = head + body + ("\n" + tail if tail else "")
    else:
        new = old.rstrip("\n") + "\n\n" + body
    RESULTS.write_text(new.rstrip("\n") + "\n", encoding="utf-8")


# --- profile ---------------------------------------------------------------------------------


def profile(args: argparse.Namespace) -> None:
    """cProfile one real import of each CSV (pacientes, then contratos) on a fresh database."""
    import cProfile
    import pstats

    from app.bootstrap import bootstrap
    from app.clock import FixedClock
    from app.config import load_config

    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        write_files(args.rows, args.seed, scratch)
        db_path = scratch / "profile.db"
        template_database(db_path)
        services = bootstrap(load_config(str(db_path)), FixedClock(TODAY), migrate=False)
        services.login(USER, PASSWORD)
        t = services.transfer
        for kind in KINDS:
            profiler = cProfile.Profile()
            profiler.enable()
            table = t.read(scratch / f"{kind}.{args.profile}")
            report = t.run(kind, table, t.suggest(kind, table))
            profiler.disable()
            assert report.ok, report.errors[:5]
            print(f"\n===== {kind}.{args.profile} =====")
            stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
            stats.sort_stats("cumulative").print_stats(40)
            stats.sort_stats("tottime").print_stats(25)
        services.close()


# --- main ------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rows", type=int, default=None, help="lines per file (10,000)")
    parser.add_argument("--runs", type=int, default=None, help="runs per side (best is kept)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--smoke", action="store_true", help="tiny run for CI (300 rows)")
    parser.add_argument("--write-results", action="store_true")
    parser.add_argument("--profile", choices=FORMATS, help="cProfile one import of each file")
    parser.add_argument("--side", nargs=4, metavar=("SIDE", "FILES", "FMT", "DB"),
                        help=argparse.SUPPRESS)  # fmt: skip
    args, _unknown = parser.parse_known_args(argv)  # `make bench ARGS=…` passes every script's
    args.rows = args.rows or (300 if args.smoke else 10_000)
    args.runs = args.runs or (1 if args.smoke else 3)
    if args.side:
        side, files, fmt, db = args.side
        with quiet_home():
            work = emdia_side if side == "emdia" else floor_side
            found = work(Path(files), fmt, Path(db))
        found["rss_mb"] = peak_rss_mb()
        print(json.dumps(found))
        return 0
    with quiet_home():
        if args.profile:
            profile(args)
            return 0
        results = run(args)
    text = render(results, args.smoke)
    print(text)
    if args.write_results and not args.smoke:
        write_results(text, results, NOTES)
        print(f"\nresultados gravados em {RESULTS.relative_to(ROOT)}")
    return 0  # a measurement, not a gate: nothing here fails on a ratio


if __name__ == "__main__":
    sys.exit(main())
