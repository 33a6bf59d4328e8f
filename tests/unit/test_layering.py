"""Architecture (DESIGN.md §9): ``app`` never imports Qt; ``ui`` never touches the database."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

QT = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "ui")
DATABASE = ("sqlalchemy", "sqlite3", "psycopg", "alembic", "app.persistence")


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
