"""Builds the object graph once: config → engine → unit of work → services.

The GUI (``ui.main``) and the CLI (``app.cli``) both start here; tests call it with a temporary
database and a fixed clock. An encrypted database needs its key (``app.security.unlock``
resolves it first). Who acts starts as *set-up mode* on a database with no users, and as
*nobody* once users exist, until someone logs in (``Services.login``).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from app.clock import Clock, SystemClock
from app.config import SOURCE_SETTING, Config
from app.errors import DatabaseError, EmDiaError
from app.files import private_umask, tighten_tree
from app.lazy import Built, imported
from app.persistence.databases import Database, location_of
from app.persistence.db import explain, make_engine, make_session_factory
from app.persistence.migrate import PrepareReport, prepare_database
from app.persistence.sqlite_files import is_encrypted
from app.persistence.uow import UnitOfWork
from app.security.keys import DataKey
from app.security.unlock import resolve_key
from app.services.base import Actor, Context
from app.services.ports import UnitOfWorkPort

if TYPE_CHECKING:  # each service's module is imported when the service is first asked for
    from app.services.agreements import AgreementService
    from app.services.audit import AuditService
    from app.services.backup import BackupService
    from app.services.bank import BankService
    from app.services.clinic import ClinicService
    from app.services.collection.contact_log import ContactLogService
    from app.services.collection.drafts import DraftService
    from app.services.collection.regua_settings import ReguaSettingsService
    from app.services.contracts import ContractService
    from app.services.dashboard import DashboardService
    from app.services.database import DatabaseService
    from app.services.demo import DemoService
    from app.services.desk import DeskService
    from app.services.documents.archive import DocumentArchiveService
    from app.services.documents.batch import DocumentBatchService
    from app.services.documents.single import DocumentService
    from app.services.dossie import DossieService
    from app.services.indexes import IndexService
    from app.services.lgpd import LgpdService
    from app.services.negativacao import NegativacaoService
    from app.services.overdue import OverdueService
    from app.services.patients import PatientService
    from app.services.payments import PaymentService
    from app.services.reports import ReportService
    from app.services.security import SecurityService
    from app.services.signatures import SignatureService
    from app.services.transfer import TransferService
    from app.services.trust import TrustService
    from app.services.users import UserService

log = logging.getLogger(__name__)


def _service(module: str, name: str, *needs: str) -> Callable[[Services], Any]:
    """Build ``app.services.<module>.<name>(ctx, *the services named in needs)``."""

    def build(services: Services) -> Any:
        kind = imported(f"app.services.{module}", name)
        return kind(services.ctx, *(getattr(services, need) for need in needs))

    return build


def _built(module: str, name: str, *needs: str) -> Any:
    """A service of ``Services``, built (and its module imported) the first time it is asked
    for, once, from whichever thread asks first."""
    return Built(_service(module, name, *needs), lock=lambda services: services.building)


class Services:
    """Everything the window and the command line use, over one database and one ``Context``."""

    config: Config
    clock: Clock
    engine: Engine
    ctx: Context
    key: DataKey | None
    migration: PrepareReport | None
    actor: Actor

    clinic: ClinicService = _built("clinic", "ClinicService")
    patients: PatientService = _built("patients", "PatientService")
    contracts: ContractService = _built("contracts", "ContractService")
    payments: PaymentService = _built("payments", "PaymentService")
    bank: BankService = _built("bank", "BankService")
    indexes: IndexService = _built("indexes", "IndexService")
    demo: DemoService = _built("demo", "DemoService")
    documents: DocumentService = _built("documents.single", "DocumentService")
    document_batch: DocumentBatchService = _built("documents.batch", "DocumentBatchService")
    archive: DocumentArchiveService = _built("documents.archive", "DocumentArchiveService")
    overdue: OverdueService = _built("overdue", "OverdueService")
    dashboard: DashboardService = _built("dashboard", "DashboardService", "overdue")
    desk: DeskService = _built("desk", "DeskService", "drafts", "overdue")
    reports: ReportService = _built("reports", "ReportService", "overdue")
    transfer: TransferService = _built("transfer", "TransferService", "patients", "contracts")
    users: UserService = _built("users", "UserService")
    audit: AuditService = _built("audit", "AuditService")
    backups: BackupService = _built("backup", "BackupService")
    lgpd: LgpdService = _built("lgpd", "LgpdService")
    security: SecurityService = _built("security", "SecurityService")
    regua: ReguaSettingsService = _built("collection.regua_settings", "ReguaSettingsService")
    drafts: DraftService = _built("collection.drafts", "DraftService", "regua")
    contacts: ContactLogService = _built("collection.contact_log", "ContactLogService", "drafts")
    database: DatabaseService = _built("database", "DatabaseService", "_database")
    agreements: AgreementService = _built("agreements", "AgreementService", "contracts")
    negativacao: NegativacaoService = _built("negativacao", "NegativacaoService")
    dossie: DossieService = _built("dossie", "DossieService", "contacts")
    signatures: SignatureService = _built("signatures", "SignatureService", "documents", "archive")
    trust: TrustService = _built("trust", "TrustService")

    def __init__(
        self,
        config: Config,
        clock: Clock,
        engine: Engine,
        ctx: Context,
        *,
        key: DataKey | None = None,
        migration: PrepareReport | None = None,
    ) -> None:
        self.config = config
        self.clock = clock
        self.engine = engine
        self.ctx = ctx
        self.key = key
        self.migration = migration
        self.actor = Actor()
        self.building = threading.RLock()  # re-entrant: a service built from another's needs

    @property
    def _database(self) -> Database:
        """The database the ``database`` service moves, copies and checks."""
        return Database(self.engine, self.config.db_url)

    def login(self, username: str, password: str) -> Actor:
        """Authenticate and act as that user from now on (refusals raise ``LoginRefused``)."""
        self.actor = self.users.authenticate(username, password)
        return self.actor

    def close(self) -> None:
        self.engine.dispose()


def unreachable(config: Config, exc: OperationalError) -> DatabaseError:
    """The database cannot be opened (the clinic's server is off, the network is down…)."""
    reason = (str(exc.orig or exc).strip().splitlines() or [""])[0]
    message = f"Não foi possível abrir o banco de dados em {location_of(config.db_url)}: {reason}."
    if config.db_source == SOURCE_SETTING:
        message += (
            " Confira se o servidor da clínica está ligado e na rede. Para trabalhar só neste "
            "computador enquanto isso: emdia db use local (os lançamentos feitos no servidor "
            "não estarão no arquivo local)."
        )
    return DatabaseError(message)


def check_location(config: Config) -> None:
    """A database in a folder that does not exist is a disconnected drive, not a new clinic:
    refuse instead of creating an empty database there (only the data folder is created)."""
    path = config.sqlite_path
    if path is None or path.parent.exists() or path.parent == config.data_dir:
        return
    raise DatabaseError(
        f"A pasta do banco de dados não existe: {path.parent}. Se o banco fica em um pendrive "
        "ou unidade de rede, conecte-a e abra o EmDia de novo; nada foi criado."
    )


def bootstrap(
    config: Config,
    clock: Clock | None = None,
    *,
    wall_clock: Clock | None = None,
    migrate: bool = True,
    key: DataKey | None = None,
) -> Services:
    """Open the database (backing it up and migrating it first unless ``migrate=False``).

    ``clock`` gives the rules' date; ``wall_clock`` the real time records are written at
    (``app/clock.py``). The CLI and the window pass the computer's clock as ``wall_clock``
    whatever ``--today`` says; a caller that gives only ``clock`` (a test, a benchmark) pins
    both to it."""
    clock = clock or SystemClock()
    wall_clock = wall_clock or clock
    path = config.sqlite_path
    check_location(config)
    private_umask()  # the database, its WAL, backups, logs, documents: the user's alone
    tighten_tree(config.data_dir)
    if key is None and path is not None and is_encrypted(path):
        key = resolve_key(path, use_env=False)  # the keyring, or says what is missing
    engine = make_engine(config.db_url, key)
    report = None
    try:
        if migrate:
            report = prepare_database(
                engine,
                sqlite_path=path,
                backup_dir=config.backup_dir,
                now=wall_clock.now(),
                key=key,
            )
    except OperationalError as exc:
        engine.dispose()
        explained = explain(exc, path or config.db_url)
        raise (explained or unreachable(config, exc)) from exc
    except DBAPIError as exc:
        engine.dispose()
        raise (explain(exc, path or config.db_url) or exc) from exc
    except BaseException:
        engine.dispose()
        raise
    session_factory = make_session_factory(engine)
    services: Services

    def current_actor() -> Actor:
        return services.actor

    def unit_of_work() -> UnitOfWorkPort:
        # Annotated with the port: mypy checks here that the real unit of work satisfies it.
        return UnitOfWork(session_factory)

    ctx = Context(
        config=config,
        clock=clock,
        uow_factory=unit_of_work,
        actor=current_actor,
        key=key,
        release=engine.dispose,
        wall_clock=wall_clock,
        archive_key=None if key is not None else this_pcs_file_key(config),
    )
    services = Services(config, clock, engine, ctx, key=key, migration=report)
    try:
        has_users = services.users.has_users()
    except (DatabaseError, DBAPIError):
        if migrate:
            engine.dispose()
            raise
        has_users = True  # an unmigrated database opened for inspection: nobody acts
    services.actor = Actor.nobody() if has_users else Actor.setup()
    if key is not None and migrate:
        seal_archive(services)
    return services


def this_pcs_file_key(config: Config) -> DataKey | None:
    """For a clinic on the server: the key of this PC's own database file when it is encrypted
    and its key is in this PC's keyring (never asked for). The clinic was moved from that file
    with its archive sealed under that key; the documents this PC archives from now on are
    sealed with it too, so the PC's disk still shows no patient's name or CPF."""
    if config.is_sqlite:
        return None
    local = replace(config, db_url=config.local_db_url).sqlite_path
    if local is None or not local.is_file():
        return None
    with contextlib.suppress(EmDiaError, OSError):
        return resolve_key(local, use_env=False)
    return None


def seal_archive(services: Services) -> None:
    """An encrypted clinic's archived documents are sealed: those filed before it was encrypted
    (or brought back by an old backup) are sealed on the first start that has the key. A
    failure (a full disk) leaves them as they were and is logged; the clinic still opens."""
    try:
        services.archive.seal_unsealed()
    except (OSError, DatabaseError):
        log.exception("could not seal the archived documents now; will try at the next start")
