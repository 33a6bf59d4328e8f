"""The audit log's chain: what a seal covers, and how a break is found and told."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import datetime

from app.domain.audit import (
    GENESIS,
    AuditIntegrity,
    AuditLink,
    canonical,
    link_seal,
    seal,
    verify_chain,
)

AT = datetime(2026, 3, 16, 13, 0, 0, 123456)


def chain(count: int) -> list[AuditLink]:
    """``count`` lines, each sealed to the one before, as EmDia writes them."""
    links: list[AuditLink] = []
    previous = GENESIS
    for n in range(1, count + 1):
        draft = AuditLink(n, AT, 1, "gestor", "clinic.update", "clinic", 1, None,
                          {"fine_bp": n}, previous, None)  # fmt: skip
        sealed = dataclasses.replace(draft, hash=link_seal(draft))
        links.append(sealed)
        previous = sealed.hash or ""
    return links


def test_the_canonical_form_is_sorted_compact_json_with_microseconds() -> None:
    content = canonical(AT, None, "recepção", "payment.add", "payment", 7, None,
                        {"b": (1, 2), "a": "ç"})  # fmt: skip
    assert (
        content
        == (
            '["emdia-audit-1","2026-03-16T13:00:00.123456",null,"recepção","payment.add",'
            '"payment",7,null,{"a":"ç","b":[1,2]}]'
        ).encode()
    )
    # SHA-256 of the previous seal, a newline, and the content.
    expected = hashlib.sha256(GENESIS.encode() + b"\n" + content).hexdigest()
    assert seal(GENESIS, content) == expected


def test_a_value_reads_back_as_it_was_sealed() -> None:
    # Tuples come back as lists and integer keys as strings: the seal must not care.
    written = canonical(AT, 1, "a", "x.y", "e", 1, {1: (2,)}, None)
    read = canonical(AT, 1, "a", "x.y", "e", 1, {"1": [2]}, None)
    assert written == read


def test_an_intact_chain_verifies() -> None:
    report = AuditIntegrity(verify_chain(chain(4)))
    assert report.ok and report.entries == 4 and report.problems() == []


def test_a_changed_line_and_a_removed_one_are_told_apart() -> None:
    links = chain(5)
    links[1] = dataclasses.replace(links[1], username="admin")  # line 2 changed
    del links[3]  # line 4 removed
    check = verify_chain(links)
    assert [(b.entry_id, b.kind) for b in check.breaks] == [(2, "changed"), (5, "gap")]
    assert check.entries == 4


def test_removing_the_first_lines_shows_at_the_new_first() -> None:
    check = verify_chain(chain(3)[1:])
    assert [(b.entry_id, b.kind) for b in check.breaks] == [(2, "gap")]


def test_a_rewritten_log_is_not_listed_line_by_line() -> None:
    links = [dataclasses.replace(link, username="x") for link in chain(30)]
    report = AuditIntegrity(verify_chain(links))
    assert len(report.breaks) == 20 and report.chain.more_breaks == 10
    assert report.problems()[-1] == "Auditoria: e mais 10 quebra(s) depois dessas."


def test_a_missing_protection_alone_makes_the_log_not_ok() -> None:
    report = AuditIntegrity(verify_chain(chain(1)), ("Auditoria: a proteção …",))
    assert not report.ok and report.problems() == ["Auditoria: a proteção …"]
    assert report.summary().startswith("Registro de auditoria com problemas: ")
