"""A realistic demonstration clinic: Brazilian names, valid CPFs, mobile phones, addresses.

Deterministic for a given ``seed`` (same seed, same clinic) and fast enough for 20,000 patients
in well under a minute: rows go in with bulk inserts, in chunks, with progress and cancel for the
UI worker. Refuses a database that already holds data: a demo must never mix with real patients.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app.adapters.business_days import business_calendar
from app.domain.access import Role
from app.domain.law import ChargePolicy
from app.domain.text import fold
from app.errors import EmDiaError
from app.persistence import models
from app.progress import IsCancelled, Progress, stop_if_cancelled
from app.security.passwords import hash_password
from app.services.base import Service
from app.services.demo_collection import CollectionGenerator
from app.services.demo_finance import FinanceGenerator
from app.timeutil import utcnow

CHUNK = 2_000
# Every demo clinic has these users, all with this password (and says so): scripts rely on it.
DEMO_USERS = (
    ("admin", "Administradora Demonstração", Role.ADMIN),
    ("gestor", "Dr. Gestor Demonstração", Role.GESTOR),
    ("recepcao", "Recepcionista Demonstração", Role.RECEPCAO),
)
DEMO_PASSWORD = "demo"

# Campinas metropolitan area (SP): real cities, DDD 19, CEPs 13xxx-xxx.
CITIES: tuple[tuple[str, str], ...] = (
    ("Campinas", "130"),
    ("Campinas", "131"),
    ("Valinhos", "132"),
    ("Vinhedo", "132"),
    ("Sumaré", "131"),
    ("Hortolândia", "131"),
    ("Paulínia", "131"),
    ("Indaiatuba", "133"),
)
EMAIL_DOMAINS = (
    "gmail.com",
    "hotmail.com",
    "outlook.com",
    "yahoo.com.br",
    "uol.com.br",
    "bol.com.br",
)


class DemoRefused(EmDiaError):
    pass


@dataclass(frozen=True)
class DemoReport:
    patients: int
    responsibles: int
    seed: int
    users: tuple[str, ...] = tuple(u[0] for u in DEMO_USERS)
    password: str = DEMO_PASSWORD
    contracts: int = 0
    installments: int = 0
    payments: int = 0


class DemoService(Service):
    def is_empty(self) -> bool:
        with self.uow() as uow:
            clinic = uow.clinic.get()
            return (
                uow.patients.count_all() == 0
                and (clinic is None or not clinic.legal_name)
                and uow.users.count() == 0
            )

    def create(
        self,
        patients: int = 200,
        seed: int = 1,
        progress: Progress | None = None,
        cancelled: IsCancelled | None = None,
        contracts_scale: float = 1.0,
    ) -> DemoReport:
        """``contracts_scale`` multiplies the number of contracts per patient (on average; the
        default 1.0 gives ≈ 12.5 installments per patient). The benchmark uses 1.6 to reach
        ~400,000 installments at 20,000 patients; 1.0 keeps every seed's clinic unchanged."""
        if patients < 1 or patients > 200_000:
            raise DemoRefused("--patients: use um número entre 1 e 200000.")
        if not 0.0 < contracts_scale <= 5.0:
            raise DemoRefused("contracts_scale: use um número entre 0 e 5.")
        if not self.is_empty():
            raise DemoRefused(
                "Este banco já tem dados: a clínica de demonstração só é criada em um banco vazio, "
                "para nunca se misturar com pacientes reais. Use --db com um arquivo novo."
            )
        today = self.clock.today()
        gen = _Generator(seed, today)
        people = gen.people(patients)
        clinic = gen.clinic()
        policy = ChargePolicy(
            fine_bp=clinic.fine_bp, interest_monthly_bp=clinic.interest_monthly_bp
        )
        finance = FinanceGenerator(gen.rng, today, business_calendar(clinic.state), policy)
        collection = CollectionGenerator(seed, today)
        scale_rng = random.Random(seed * 31 + 7)  # its own stream: scale 1.0 changes nothing
        now = utcnow()
        tables: dict[str, list[dict[str, Any]]] = {name: [] for name in _FINANCE_TABLES}
        contracts = 0
        for person in people:
            if person["id"] in gen.parent_ids:
                continue  # parents registered as responsáveis pay, but are not treated here
            profile = finance.profile()
            count = gen.rng.choices((0, 1, 2, 3), weights=(10, 65, 20, 5))[0]
            if contracts_scale != 1.0:
                scaled = count * contracts_scale
                count = int(scaled) + (scale_rng.random() < scaled - int(scaled))
            payer = person["responsible_id"] or person["id"]
            for _ in range(count):
                contract = finance.contract(person["id"], person["responsible_id"], profile)
                for name, rows in finance.rows(contract, now).items():
                    tables[name].extend(rows)
                for name, rows in collection.rows(
                    contract.id, payer, contract.ledgers, profile, now
                ).items():
                    tables[name].extend(rows)
                contracts += 1
        tables["negativacao"].extend(collection.paid_but_negativado(now))
        total = len(people) + sum(len(rows) for rows in tables.values())
        done = 0

        def write(table: type[models.Base], rows: list[dict[str, Any]]) -> None:
            nonlocal done
            for start in range(0, len(rows), CHUNK):
                stop_if_cancelled(cancelled, "Criação da demonstração cancelada; nada foi gravado.")
                chunk = rows[start : start + CHUNK]
                uow.bulk.insert(table, chunk)
                done += len(chunk)
                if progress is not None:
                    progress(done, total)

        with self.uow() as uow:
            uow.clinic.add(clinic)
            for username, full_name, role in DEMO_USERS:
                uow.users.add(
                    models.User(
                        username=username,
                        full_name=full_name,
                        role=role.value,
                        password_hash=hash_password(DEMO_PASSWORD),
                        active=True,
                        failed_attempts=0,
                    ),
                    flush=False,
                )
            uow.flush()
            write(models.Patient, people)
            write(models.Contract, tables["contract"])
            write(models.Installment, tables["installment"])
            # A reversal and its original point at each other: link them after both exist.
            links = [
                {"id": p["id"], "reversed_by_id": p["reversed_by_id"]}
                for p in tables["payment"]
                if p["reversed_by_id"] is not None
            ]
            write(models.Payment, [{**p, "reversed_by_id": None} for p in tables["payment"]])
            if links:
                uow.bulk.update_by_id(models.Payment, links)
            write(models.PaymentAllocation, tables["payment_allocation"])
            write(models.ContactLog, tables["contact_log"])
            write(models.Promise, tables["promise"])
            write(models.Negativacao, tables["negativacao"])
            uow.bulk.after_load()  # ids were given here: PostgreSQL's sequences must follow
            uow.commit()
        return DemoReport(
            patients=len(people) - gen.responsibles,
            responsibles=gen.responsibles,
            seed=seed,
            contracts=contracts,
            installments=len(tables["installment"]),
            payments=len(tables["payment"]),
        )


_FINANCE_TABLES = (
    "contract",
    "installment",
    "payment",
    "payment_allocation",
    "contact_log",
    "promise",
    "negativacao",
)


class _Generator:
    """Builds plain dict rows; ids are assigned here so responsáveis can be linked in bulk."""

    def __init__(self, seed: int, today: date) -> None:
        self.rng = random.Random(seed)
        from faker import Faker  # only when a demo is made: keeps the app's start-up fast

        self.fake = Faker("pt_BR")
        self.fake.seed_instance(seed)
        self.today = today
        self.cpfs: set[str] = set()
        self.responsibles = 0
        self.parent_ids: set[int] = set()
        self.now = utcnow()

    def clinic(self) -> models.Clinic:
        return models.Clinic(
            legal_name="Clínica Odontológica Sorriso Demonstração Ltda",
            trade_name="Sorriso Demonstração",
            cnpj=_digits(self.fake.cnpj()),
            cro="CRO-SP 12345",
            address="Av. Francisco Glicério, 1000, sala 42, Centro",
            city="Campinas",
            state="SP",
            zip_code="13012100",
            phone="1932345678",
            email="contato@sorrisodemo.com.br",
            pix_key=str(self.fake.uuid4()),
            pix_merchant_name="SORRISO DEMONSTRACAO",
            pix_merchant_city="CAMPINAS",
            fine_bp=200,
            interest_monthly_bp=100,
            contact_windows={},
            is_demo=True,
        )

    def _cpf(self) -> str:
        while True:
            cpf = _digits(self.fake.cpf())
            if cpf not in self.cpfs:
                self.cpfs.add(cpf)
                return cpf

    def _phone(self) -> str:
        return "19" + "9" + self.rng.choice("6789") + "".join(self.rng.choices("0123456789", k=7))

    def _email(self, first: str, last: str) -> str:
        user = f"{_ascii(first)}.{_ascii(last)}{self.rng.randint(1, 99)}"
        return f"{user}@{self.rng.choice(EMAIL_DOMAINS)}"

    def _birth(self, min_age: int, max_age: int) -> date:
        days = self.rng.randint(min_age * 365 + 1, max_age * 365 - 1)
        return self.today - timedelta(days=days)

    def _person(self, pid: int, first: str, last: str, birth: date) -> dict[str, Any]:
        rng = self.rng
        city, cep_prefix = rng.choice(CITIES)
        name = f"{first} {last}"
        has_phone = rng.random() < 0.97
        phone = self._phone() if has_phone else ""
        return {
            "id": pid,
            "name": name,
            "name_search": fold(name),
            "cpf": self._cpf(),
            "birth_date": birth,
            "phone": phone,
            "phone_whatsapp": has_phone and rng.random() < 0.9,
            "phone_alt": "",
            "phone_alt_whatsapp": False,
            "email": self._email(first, last.split()[-1]) if rng.random() < 0.7 else "",
            "street": self.fake.street_name(),
            "number": str(rng.randint(1, 3000)),
            "complement": rng.choice(["", "", "", "apto 12", "casa 2", "bloco B apto 304"]),
            "district": self.fake.bairro(),
            "city": city,
            "state": "SP",
            "zip_code": cep_prefix + "".join(rng.choices("0123456789", k=5)),
            "responsible_id": None,
            "opt_out_whatsapp": rng.random() < 0.03,
            "opt_out_sms": rng.random() < 0.05,
            "opt_out_email": rng.random() < 0.05,
            "opt_out_phone": rng.random() < 0.02,
            # Most confirmed in the last year; some stale, to exercise "dados desatualizados".
            "data_confirmed_on": self.today - timedelta(days=int(rng.expovariate(1 / 240))),
            "notes": "",
            "suspend_new_treatments": False,
            "version": 1,
            "created_at": self.now,
            "updated_at": self.now,
        }

    def people(self, patients: int) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        next_id = 1
        for _ in range(patients):
            last = f"{self.fake.last_name()} {self.fake.last_name()}"
            female = self.rng.random() < 0.55
            first = self.fake.first_name_female() if female else self.fake.first_name_male()
            if self.rng.random() < 0.15:
                # A child: the parent (same family name) is the responsável financeiro.
                mother = self.rng.random() < 0.7
                parent_first = (
                    self.fake.first_name_female() if mother else self.fake.first_name_male()
                )
                parent = self._person(next_id, parent_first, last, self._birth(28, 55))
                self.responsibles += 1
                self.parent_ids.add(parent["id"])
                rows.append(parent)
                child = self._person(next_id + 1, first, last, self._birth(4, 17))
                child["responsible_id"] = parent["id"]
                child["phone"], child["phone_whatsapp"], child["email"] = "", False, ""
                child["street"], child["number"] = parent["street"], parent["number"]
                child["complement"], child["district"] = parent["complement"], parent["district"]
                child["city"], child["zip_code"] = parent["city"], parent["zip_code"]
                if self.rng.random() < 0.5:
                    child["cpf"] = None  # many families do not know the child's CPF
                rows.append(child)
                next_id += 2
            else:
                rows.append(self._person(next_id, first, last, self._birth(18, 85)))
                next_id += 1
        return rows


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _ascii(text: str) -> str:
    bare = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in bare.lower() if c.isalnum())
