"""Builds the object graph once: config → engine → unit of work → services.

The GUI (``ui.main``) and the CLI (``app.cli``) both start here; tests call it with a temporary
database and a fixed clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from app.clock import Clock, SystemClock
from app.config import SOURCE_SETTING, Config
from app.errors import DatabaseError
from app.persistence.db import make_engine, make_session_factory
from app.persistence.migrate import PrepareReport, prepare_database
from app.persistence.uow import UnitOfWork
from app.services.base import Actor, Context
from app.services.clinic import ClinicService
from app.services.contracts import ContractService
from app.services.database import DatabaseService
from app.services.demo import DemoService
from app.services.indexes import IndexService
from app.services.patients import PatientService
from app.services.payments import PaymentService


@dataclass
class Services:
    config: Config
    clock: Clock
    engine: Engine
    clinic: ClinicService
    patients: PatientService
    contracts: ContractService
    payments: PaymentService
    indexes: IndexService
    demo: DemoService
    database: DatabaseService
    migration: PrepareReport | None = None
    actor: Actor = field(default_factory=Actor)

    def close(self) -> None:
        self.engine.dispose()


def unreachable(config: Config, exc: OperationalError) -> DatabaseError:
    """The database cannot be opened (the clinic's server is off, the network is down…)."""
    from app.services.database import location_of

    reason = (str(exc.orig or exc).strip().splitlines() or [""])[0]
    message = f"Não foi possível abrir o banco de dados em {location_of(config.db_url)}: {reason}."
    if config.db_source == SOURCE_SETTING:
        message += (
            " Confira se o servidor da clínica está ligado e na rede. Para trabalhar só neste "
            "computador enquanto isso: emdia db use local (os lançamentos feitos no servidor "
            "não estarão no arquivo local)."
        )
    return DatabaseError(message)


def bootstrap(config: Config, clock: Clock | None = None, *, migrate: bool = True) -> Services:
    """Open the database (backing it up and migrating it first unless ``migrate=False``)."""
    clock = clock or SystemClock()
    engine = make_engine(config.db_url)
    report = None
    if migrate:
        try:
            report = prepare_database(
                engine,
                sqlite_path=config.sqlite_path,
                backup_dir=config.backup_dir,
                now=clock.now(),
            )
        except OperationalError as exc:
            engine.dispose()
            raise unreachable(config, exc) from exc
        except BaseException:
            engine.dispose()
            raise
    session_factory = make_session_factory(engine)
    services: Services

    def current_actor() -> Actor:
        return services.actor

    ctx = Context(
        config=config,
        clock=clock,
        uow_factory=lambda: UnitOfWork(session_factory),
        actor=current_actor,
    )
    services = Services(
        config=config,
        clock=clock,
        engine=engine,
        clinic=ClinicService(ctx),
        patients=PatientService(ctx),
        contracts=ContractService(ctx),
        payments=PaymentService(ctx),
        indexes=IndexService(ctx),
        demo=DemoService(ctx),
        database=DatabaseService(ctx, engine),
        migration=report,
    )
    return services
