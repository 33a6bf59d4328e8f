"""The repository explains itself: every relative link in the documentation reaches a file (and a
heading, when it names one) inside the repository, and no page points to documents or trackers
the repository does not carry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# [text](target) and ![alt](target); the target ends at the first space or ")".
_INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
# [label]: target (reference-style definitions)
_REFERENCE = re.compile(r"^\s*\[[^\]]+\]:\s*(\S+)", re.MULTILINE)
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.MULTILINE)

# What a reader of the repository does not have: a design folder beside it, its documents, and
# the numbers of an issue tracker.
FORBIDDEN = (
    (re.compile(r"\.\./shared"), "a folder outside the repository"),
    (re.compile(r"DESIGN\.md|\bDESIGN §", re.IGNORECASE), "a design document outside it"),
    (re.compile(r"non-negotiable", re.IGNORECASE), "a list outside it"),
    (re.compile(r"\bissues?\s*#?\s*\d+", re.IGNORECASE), "an issue number"),
    (re.compile(r"(?<![\w&/])#\d+\b"), "an issue number"),
    (re.compile(r"\bseeds?\s+0\d\d\b", re.IGNORECASE), "source articles outside it"),
)
# In code, "#12" is often not an issue (a colour, a list position): code is checked for the rest.
FORBIDDEN_IN_CODE = tuple(f for f in FORBIDDEN if f[0].pattern != r"(?<![\w&/])#\d+\b")
CODE_FOLDERS = ("app", "ui", "tests", "bench", "tools", "migrations", "installer")


def documentation() -> list[Path]:
    pages = [ROOT / name for name in ("README.md", "CONTRIBUTING.md", "CHANGELOG.md")]
    pages += sorted((ROOT / "docs").rglob("*.md"))
    pages += [ROOT / "installer" / "README.md", ROOT / "bench" / "RESULTS.md"]
    return [p for p in pages if p.exists()]


def code_files() -> list[Path]:
    """Every source file whose comments and docstrings a contributor reads (not this test: it
    spells the forbidden mentions out to look for them)."""
    files = [p for folder in CODE_FOLDERS for p in sorted((ROOT / folder).rglob("*.py"))]
    files += sorted((ROOT / "installer").glob("*.spec"))
    files += sorted((ROOT / "installer").glob("*.iss"))
    files += [ROOT / "Makefile", ROOT / "pyproject.toml", ROOT / ".ci" / "run"]
    return [p for p in files if p.exists() and p.resolve() != Path(__file__).resolve()]


def without_code(text: str) -> str:
    """The prose of a page: fenced blocks and inline code hold commands, not links."""
    return _INLINE_CODE.sub("", _FENCE.sub("", text))


def anchor(heading: str) -> str:
    """GitHub's id for a heading: lower case, punctuation dropped, spaces → hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link keeps its text
    text = text.replace("`", "").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    found: set[str] = set()
    seen: dict[str, int] = {}
    for heading in _HEADING.findall(_FENCE.sub("", page.read_text(encoding="utf-8"))):
        base = anchor(heading)
        count = seen.get(base, 0)
        found.add(base if count == 0 else f"{base}-{count}")
        seen[base] = count + 1
    return found


def links(page: Path) -> list[str]:
    prose = without_code(page.read_text(encoding="utf-8"))
    return _INLINE_LINK.findall(prose) + _REFERENCE.findall(prose)


def broken_links(page: Path) -> list[str]:
    problems = []
    for target in links(page):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
            continue  # https:, mailto:… — outside the repository by design
        path_part, _, fragment = target.partition("#")
        path_part = path_part.split("?", 1)[0]
        destination = (page.parent / path_part).resolve() if path_part else page
        where = f"{page.relative_to(ROOT)}: ({target})"
        if not destination.exists():
            problems.append(f"{where} — no such file")
        elif ROOT not in destination.parents and destination != ROOT:
            problems.append(f"{where} — outside the repository")
        elif fragment and destination.suffix == ".md" and fragment not in anchors(destination):
            problems.append(f"{where} — no heading #{fragment}")
    return problems


def forbidden_mentions(
    page: Path, forbidden: tuple[tuple[re.Pattern[str], str], ...] = FORBIDDEN
) -> list[str]:
    text = page.read_text(encoding="utf-8")
    return [
        f"{page.relative_to(ROOT)}: {match.group(0)!r} points to {what}"
        for pattern, what in forbidden
        for match in pattern.finditer(text)
    ]


def test_the_documentation_is_there() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in documentation()}
    expected = {
        "README.md",
        "CONTRIBUTING.md",
        "CHANGELOG.md",
        "docs/ARCHITECTURE.md",
        "docs/DOMAIN.md",
        "docs/GUIDE.md",
        "docs/CLI.md",
        "docs/adr/README.md",
    }
    assert expected <= names


@pytest.mark.parametrize("page", documentation(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(page: Path) -> None:
    assert broken_links(page) == []


@pytest.mark.parametrize("page", documentation(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_page_points_outside_the_repository(page: Path) -> None:
    assert forbidden_mentions(page) == []


def test_no_code_comment_points_outside_the_repository() -> None:
    found = [m for path in code_files() for m in forbidden_mentions(path, FORBIDDEN_IN_CODE)]
    assert found == []


def test_the_readme_keeps_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme
    assert "make test" in readme


def test_the_checkers_catch_what_they_look_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path.resolve())
    tmp_path = tmp_path.resolve()
    (tmp_path / "there.md").write_text("# Um título\n\n## Cobrança → Inadimplentes\n", "utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "[ok](there.md) [ok](there.md#um-título) [ok](there.md#cobrança--inadimplentes)\n"
        "[gone](missing.md) [no heading](there.md#nada) [web](https://example.org/x)\n"
        "`[in code](missing-too.md)`\n"
        "See ../shared/DESIGN.md and issue 12, or #7, as seed 002 says.\n",
        "utf-8",
    )
    assert broken_links(page) == [
        "page.md: (missing.md) — no such file",
        "page.md: (there.md#nada) — no heading #nada",
    ]
    assert [m.split(": ", 1)[1] for m in forbidden_mentions(page)] == [
        "'../shared' points to a folder outside the repository",
        "'DESIGN.md' points to a design document outside it",
        "'issue 12' points to an issue number",
        "'#7' points to an issue number",
        "'seed 002' points to source articles outside it",
    ]
    assert [m.split(": ", 1)[1] for m in forbidden_mentions(page, FORBIDDEN_IN_CODE)] == [
        "'../shared' points to a folder outside the repository",
        "'DESIGN.md' points to a design document outside it",
        "'issue 12' points to an issue number",
        "'seed 002' points to source articles outside it",
    ]
