"""What EmDia is made of: the version and the licence of every bundled component (the "Sobre"
dialog and the installer's list of package metadata to ship).

Read from the installed packages' metadata, following EmDia's own requirements (with the
PostgreSQL driver), so the list never drifts from what is really bundled. Qt itself, Python,
SQLite and libpq are not PyPI packages of their own: they are listed by hand.
"""

from __future__ import annotations

import platform
import re
import sqlite3
from dataclasses import dataclass
from importlib.metadata import PackageMetadata, PackageNotFoundError, metadata, requires

import app

ROOT_DISTRIBUTION = "emdia"
ROOT_EXTRAS = frozenset({"postgres"})  # the driver a multi-PC clinic needs ships too


# Native libraries inside the wheels, with licences of their own.
def _native() -> list[Component]:
    try:
        qt = metadata("PySide6-Essentials")["Version"]
    except PackageNotFoundError:  # pragma: no cover
        qt = ""
    return [
        Component(
            "Qt 6 (bibliotecas do PySide6)",
            str(qt),
            "LGPL-3.0-only",
            "https://www.qt.io/licensing/",
        ),
        Component(
            "Python", platform.python_version(), "PSF-2.0", "https://docs.python.org/3/license.html"
        ),
        Component(
            "SQLite", sqlite3.sqlite_version, "Domínio público", "https://sqlite.org/copyright.html"
        ),
        Component(
            "libpq (PostgreSQL, dentro do psycopg-binary)",
            "",
            "PostgreSQL",
            "https://www.postgresql.org/about/licence/",
        ),
    ]


_CLASSIFIER_LICENCES = {
    "BSD License": "BSD",
    "MIT License": "MIT",
    "Apache Software License": "Apache-2.0",
    "The Unlicense (Unlicense)": "Unlicense",
    "GNU Library or Lesser General Public License (LGPL)": "LGPL",
    "Python Software Foundation License": "PSF-2.0",
    "ISC License (ISCL)": "ISC",
    "Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
}


@dataclass(frozen=True)
class Component:
    name: str
    version: str
    licence: str
    homepage: str = ""


def _field(meta: PackageMetadata, key: str) -> str:
    values = meta.get_all(key)
    return str(values[0]) if values else ""


def licence_of(meta: PackageMetadata) -> str:
    """SPDX expression when the package declares one, else its OSI classifiers, else the
    first line of its free-text licence field."""
    expression = _field(meta, "License-Expression")
    if expression:
        return expression
    classifiers = [
        c.rsplit(" :: ", 1)[-1]
        for c in (meta.get_all("Classifier") or [])
        if c.startswith("License :: OSI Approved ::")
    ]
    if classifiers:
        return " / ".join(_CLASSIFIER_LICENCES.get(c, c) for c in classifiers)
    text = _field(meta, "License").strip().splitlines()
    return text[0][:60] if text else "ver a documentação do pacote"


def _homepage(meta: PackageMetadata) -> str:
    if _field(meta, "Home-page"):
        return _field(meta, "Home-page")
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = str(entry).partition(",")
        if label.strip().lower() in {"homepage", "home", "source", "repository", "documentation"}:
            return url.strip()
    return ""


_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?")
_EXTRA = re.compile(r"""extra\s*==\s*["']([^"']+)["']""")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def distribution_names(
    root: str = ROOT_DISTRIBUTION, extras: frozenset[str] = ROOT_EXTRAS
) -> list[str]:
    """``root`` and every installed distribution it requires, recursively (with ``extras``)."""
    seen: dict[str, str] = {}
    pending: list[tuple[str, frozenset[str]]] = [(root, extras)]
    while pending:
        name, wanted = pending.pop()
        try:
            meta = metadata(name)
        except PackageNotFoundError:
            continue  # an optional dependency for another platform
        key = _normal(meta["Name"])
        if key in seen and not wanted:
            continue
        seen[key] = str(meta["Name"])
        for line in requires(name) or []:
            spec, _, marker = line.partition(";")
            extra = _EXTRA.search(marker)
            if extra and extra.group(1) not in wanted:
                continue
            match = _REQUIREMENT.match(spec)
            if match is None:  # pragma: no cover - malformed metadata
                continue
            sub_extras = frozenset(
                e.strip() for e in (match.group(2) or "").split(",") if e.strip()
            )
            if _normal(match.group(1)) not in seen or sub_extras:
                pending.append((match.group(1), sub_extras))
    return sorted(seen.values(), key=str.lower)


def components() -> list[Component]:
    """Every bundled component with its licence: EmDia, then the native libraries (Qt…), then
    the Python packages by name."""
    found: list[Component] = []
    for name in distribution_names():
        meta = metadata(name)
        found.append(
            Component(str(meta["Name"]), str(meta["Version"]), licence_of(meta), _homepage(meta))
        )
    emdia = [c for c in found if _normal(c.name) == ROOT_DISTRIBUTION]
    others = [c for c in found if _normal(c.name) != ROOT_DISTRIBUTION]
    if not emdia:  # a source tree that was never installed
        emdia = [Component("EmDia", app.__version__, "Proprietário")]
    return [*emdia, *_native(), *others]
