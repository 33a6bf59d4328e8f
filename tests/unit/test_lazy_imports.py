"""What the window's start does not load: the document layouts (ReportLab) wait for the first
document, the other sections, services and repositories for their first use, so the login and
the first screen appear sooner. And what is built late is built right: each service once, of
its declared class, sharing the services it depends on, from any thread."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from app.bootstrap import Services
from app.launch import command_word, opens_window
from app.lazy import Built


def test_reportlab_waits_for_the_first_document() -> None:
    code = (
        "import sys, ui.main, app.bootstrap, app.cli\n"
        "assert 'reportlab' not in sys.modules, 'loaded at start'\n"
        "from app.services.documents import single, batch\n"
        "import app.services.dossie\n"
        "assert 'reportlab' not in sys.modules, 'loaded with the services'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# Loaded by the first use of what needs them, never by opening the window.
NOT_AT_START = (
    "app.cli.bank",  # the other command groups
    "app.cli.documents",
    "app.services.bank",  # services of other screens
    "app.services.reports",
    "app.services.agreements",
    "app.persistence.queries.reports",  # repositories of other screens
    "app.persistence.repositories.bank",
    "ui.views.reports.section",  # other sections
    "ui.views.dashboard_view",
    "ui.views.patient.page",  # the patient page, with the first patient
    "ui.dialogs.setup",  # first run only
    "keyring",  # an unencrypted database needs no key
    "alembic",  # the schema is at head
    "sqlalchemy.dialects.postgresql",  # a SQLite clinic (the models name no PostgreSQL keyword)
    "PySide6.QtPrintSupport",  # printing, with the first document printed
    "app.services.documents.archive",  # the archive, with the first document opened
    "app.domain.documents",  # the documents' rules (negativação, régua), with the first one
    "app.domain.negativacao",
    "app.documents.model",
    "app.services.backup",  # the start backup, built on its worker after the first paint
)


def test_opening_the_window_imports_only_its_first_screen() -> None:
    code = (
        "import sys\n"
        "from app.cli import build_parser\n"
        "from app.launch import opens_window\n"
        "argv = ['--db', 'x.db', 'gui']\n"
        "build_parser(window_only=opens_window(argv)).parse_args(argv)\n"
        "import ui.main, ui.main_window\n"
        f"loaded = [m for m in {NOT_AT_START!r} if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    ("argv", "word", "window"),
    [
        ([], None, True),
        (["--db", "gui.db"], None, True),  # a value, not the command
        (["--today", "2026-03-16", "--db", "x.db", "gui", "--demo"], "gui", True),
        (["--db", "x.db", "report", "overdue"], "report", False),
        (["--user", "gui", "patient", "list"], "patient", False),
        (["gui", "--help"], "gui", False),
    ],
)
def test_the_command_word_skips_global_values(
    argv: list[str], word: str | None, window: bool
) -> None:
    assert command_word(argv) == word
    assert opens_window(argv) is window


def built_names() -> list[str]:
    return [name for name, value in vars(Services).items() if isinstance(value, Built)]


def test_every_service_is_built_once_of_its_declared_class(services: Services) -> None:
    names = built_names()
    assert len(names) == 29
    # Nothing is built before it is asked for (opening asks whether there are users).
    assert set(names) & set(vars(services)) == {"users"}
    for name in names:
        service = getattr(services, name)
        assert type(service).__name__ == Services.__annotations__[name], name
        assert getattr(services, name) is service
    # Those built from others share them with the window (one overdue money, one régua).
    assert services.dashboard.overdue is services.overdue
    assert services.reports.overdue is services.overdue
    assert services.drafts.regua is services.regua
    assert services.contacts.drafts is services.drafts


def test_two_threads_asking_first_get_the_same_service(services: Services) -> None:
    seen: list[object] = []
    start = threading.Barrier(4)

    def ask() -> None:
        start.wait()
        seen.append(services.dashboard)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 4 and all(s is seen[0] for s in seen)
    assert seen[0].overdue is services.overdue  # type: ignore[attr-defined]


def test_a_unit_of_work_builds_its_repositories_on_its_own_session(services: Services) -> None:
    uow = services.ctx.uow_factory()
    with uow:
        first = uow.patients
        assert first is uow.patients and first.session is uow.session  # type: ignore[attr-defined]
    with uow:  # entered again: a new session, new repositories on it
        assert uow.patients is not first
        assert uow.patients.session is uow.session  # type: ignore[attr-defined]


def test_a_postgresql_engine_gives_the_partial_indexes_their_predicate() -> None:
    """Kept out of the models so that a SQLite start does not import the PostgreSQL dialect
    (above), the predicate is still there for PostgreSQL, the same as SQLite's, and the open
    installments' index includes their id there (SQLite's indexes hold it already)."""
    code = (
        "import sys\n"
        "from sqlalchemy.schema import CreateIndex\n"
        "from app.persistence import models\n"
        "from app.persistence.db import make_engine\n"
        "assert 'sqlalchemy.dialects.postgresql' not in sys.modules\n"
        "engines = [make_engine('postgresql+psycopg://u@localhost/x') for _ in range(2)]\n"
        "found = {}\n"
        "tables = (models.Installment.__table__, models.PaymentAllocation.__table__)\n"
        "for ix in (ix for table in tables for ix in table.indexes):\n"
        "    pg = str(CreateIndex(ix).compile(dialect=engines[0].dialect))\n"
        "    lite = str(CreateIndex(ix).compile(dialect=make_engine('sqlite://').dialect))\n"
        "    include = ' INCLUDE (id)' if ix.name in models.POSTGRESQL_INCLUDE else ''\n"
        "    assert pg == lite.replace(' WHERE ', include + ' WHERE ', 1), (pg, lite)\n"
        "    found[ix.name] = pg.partition(' WHERE ')[2]\n"
        "assert found == {**dict.fromkeys(found, ''), **models.PARTIAL_INDEXES}, found\n"
        "assert all(found[name] for name in models.PARTIAL_INDEXES), found\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
