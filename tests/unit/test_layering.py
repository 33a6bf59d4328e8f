"""Architecture: ``app`` never imports Qt; ``ui`` never touches the database; services reach
storage only through the ports of ``app.services.ports`` (no SQLAlchemy, no session); the domain
imports only the standard library, ``app.errors`` and itself; and no two modules of ``app`` and
``ui`` import each other, directly or in a ring."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

QT = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "ui")
DATABASE = ("sqlalchemy", "sqlite3", "psycopg", "alembic", "app.persistence")
# What only app/persistence may use: the services see storage through app.services.ports.
DRIVERS = ("sqlalchemy", "sqlite3", "sqlcipher3", "psycopg")


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def offenders(package: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for name in imported_modules(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


def test_app_never_imports_qt_or_ui() -> None:
    assert offenders("app", QT) == []


def test_ui_never_imports_database_modules() -> None:
    assert offenders("ui", DATABASE) == []


def test_ui_has_no_sql_strings() -> None:
    sql_words = ("SELECT ", "INSERT INTO", "UPDATE ", "DELETE FROM")
    found = []
    for path in (ROOT / "ui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
            if is_text and any(word in node.value.upper() for word in sql_words):
                found.append(f"{path.relative_to(ROOT)}: {node.value[:40]!r}")
    assert found == []


def test_the_checker_itself_catches_a_qt_import(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text(
        "from PySide6.QtWidgets import QWidget\nimport sqlalchemy\n", encoding="utf-8"
    )
    assert imported_modules(sample) == ["PySide6.QtWidgets", "sqlalchemy"]


# --- services never hold SQLAlchemy or a session ------------------------------------------------


def test_services_never_import_sqlalchemy_or_a_driver() -> None:
    assert offenders("app/services", DRIVERS) == []


def session_uses(path: Path) -> list[int]:
    """The lines of every ``<something>.session`` in the module (a unit of work's or anyone's)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "session"
    ]


def test_services_never_touch_a_session() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted((ROOT / "app/services").rglob("*.py"))
        for line in session_uses(path)
    ]
    assert found == []


def test_the_session_checker_catches_one(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text("def f(uow):\n    uow.session.add(1)\n", encoding="utf-8")
    assert session_uses(sample) == [2]


# --- the domain is pure ---------------------------------------------------------------------

# Besides the standard library: what app/domain may import (libraries go through app.adapters).
DOMAIN_MAY_IMPORT = ("app.domain", "app.errors")


def absolute_imports(path: Path, package: str) -> list[tuple[int, str]]:
    """(line, module) of every import in the file, wherever it is (top level, in a function,
    under ``TYPE_CHECKING``), relative ones resolved against ``package``, the file's package.
    ``from pkg import name`` gives ``pkg.name`` when ``pkg`` is only the parent of what the
    domain may import (``from app import errors`` imports ``app.errors``), else ``pkg``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([node.module] if node.module else [])])
            if any(allowed.startswith(base + ".") for allowed in DOMAIN_MAY_IMPORT):
                found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names)
            else:
                found.append((node.lineno, base))
    return found


def impure_imports(folder: Path, package: str, root: Path = ROOT) -> list[str]:
    """Imports under ``folder`` (the package ``package``) of anything but the standard library
    and ``DOMAIN_MAY_IMPORT``."""
    found = []
    for path in sorted(folder.rglob("*.py")):
        here = ".".join([package, *path.relative_to(folder).parent.parts])
        for line, name in absolute_imports(path, here):
            if name.split(".")[0] in sys.stdlib_module_names:
                continue
            if any(name == a or name.startswith(a + ".") for a in DOMAIN_MAY_IMPORT):
                continue
            found.append(f"{path.relative_to(root)}:{line} imports {name}")
    return found


def test_the_domain_imports_only_the_standard_library_errors_and_itself() -> None:
    assert impure_imports(ROOT / "app" / "domain", "app.domain") == []


def test_the_purity_checker_catches_a_library_imported_inside_a_function(tmp_path: Path) -> None:
    domain = tmp_path / "app" / "domain"
    domain.mkdir(parents=True)
    (domain / "rules.py").write_text(
        "from __future__ import annotations\n"
        "import re\n"
        "from zipfile import BadZipFile\n"
        "from app.errors import FieldError\n"
        "from app.domain.money import parse_brl\n"
        "from . import law\n"
        "from app import errors\n"
        "def words(cents):\n"
        "    from num2words import num2words\n"
        "    return num2words(cents)\n"
        "def table():\n"
        "    from app.tabular import Column\n"
        "    from .. import config\n",
        encoding="utf-8",
    )
    assert impure_imports(domain, "app.domain", tmp_path) == [
        "app/domain/rules.py:9 imports num2words",
        "app/domain/rules.py:12 imports app.tabular",
        "app/domain/rules.py:13 imports app.config",
    ]


# --- no import cycles -------------------------------------------------------------------------


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(root: Path, packages: Iterable[str]) -> dict[str, set[str]]:
    """Module → the modules of ``packages`` it imports, wherever the import is (top level, in a
    function, under ``TYPE_CHECKING``); ``from pkg import sub`` counts as importing ``pkg.sub``."""
    files = {
        module_name(path, root): path
        for package in packages
        for path in sorted((root / package).rglob("*.py"))
    }
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from the package, one level up per extra dot
                    parent = here[: len(here) - node.level + 1]
                    base = ".".join([*parent, *([node.module] if node.module else [])])
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    found.add(sub if sub in files else base)
        graph[name] = {m for m in found if m in files and m != name}
    return graph


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(graph) + 100))
    try:
        for node in sorted(graph):
            if node not in index:
                visit(node)
    finally:
        sys.setrecursionlimit(limit)
    return sorted(found)


def test_no_import_cycle_between_app_and_ui_modules() -> None:
    assert cycles(import_graph(ROOT, ("app", "ui"))) == []


def test_the_cycle_finder_finds_a_ring_and_nothing_in_a_tree() -> None:
    ring = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert cycles(ring) == [["a", "b", "c"]]
    assert cycles({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []
    assert cycles({"x": {"y"}, "y": {"x"}, "p": {"q"}, "q": {"p"}}) == [["p", "q"], ["x", "y"]]


def test_the_import_graph_sees_imports_inside_functions_and_relative_ones(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "a.py").write_text("def f():\n    from pkg import b\n", encoding="utf-8")
    (pkg / "b.py").write_text("from . import a\nimport os\n", encoding="utf-8")
    graph = import_graph(tmp_path, ("pkg",))
    assert graph == {"pkg": set(), "pkg.a": {"pkg.b"}, "pkg.b": {"pkg.a"}}
    assert cycles(graph) == [["pkg.a", "pkg.b"]]
