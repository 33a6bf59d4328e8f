"""A bank statement file (OFX) read into ``app.domain.bank.Statement``, with ``ofxparse``.

``ofxparse`` (MIT) reads OFX 1.x SGML and OFX 2 XML, and amounts with a decimal comma. Brazilian
banks' exports break it in a few more ways; each is mended here before the library sees the text,
and each has a fixture in ``tests/fixtures/ofx/`` shaped like the bank that writes it:

- **charset**: ``CHARSET:1252`` declared and UTF-8 given, or the reverse; ``ENCODING`` values the
  library does not know (``ISO-8859-1``). The bytes are read as UTF-8 when they are valid UTF-8,
  else as Windows-1252 (which also reads Latin-1), and handed over as UTF-8 under a clean header;
- **unclosed elements**: SGML leaves may or may not be closed, even within one file; every leaf is
  closed here (the library guesses per tag name, and a file mixing both confuses it);
- **dates**: the bank's calendar day as printed. Time-zone suffixes (``[-3:BRT]``, ``[-03:EST]``,
  ``[-3]``) are dropped, because the library converts to UTC and would move a credit posted at
  22:00 in Brasília to the next day;
- **empty elements** (``<NAME></NAME>``, a bare ``<MEMO>``): removed (the library refuses an empty
  name);
- **missing FITID** (some exports leave it empty): a stable identifier made from the line's own
  content, so importing the same file again still recognises the line; a **repeated FITID**
  (two lines of one day under the same identifier) gets ``#2``, ``#3``… in file order.

A file that still cannot be read raises ``StatementError`` saying, in pt-BR, what is wrong with
it; nothing is imported from it.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from app.domain.bank import BankAccountRef, Statement, StatementError, StatementLine

CLEAN_HEADER = (
    "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:UTF-8\nCHARSET:NONE\n"
    "COMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n"
)
MAX_BYTES = 50 * 1024 * 1024  # a year of a busy account is a few MB

_TAG = re.compile(r"<([A-Za-z0-9_.]+)>")
_ZONE = re.compile(r"(<DT[A-Za-z]+>\s*[0-9.]+)\s*\[[^\]<]*\]")
_EMPTY_CLOSED = re.compile(r"<([A-Za-z0-9_.]+)>\s*</\1>")
_EMPTY_LEAF = re.compile(r"<(NAME|MEMO|FITID|CHECKNUM|REFNUM|PAYEEID|SIC)>\s*(?=<)", re.I)
_BLOCK = re.compile(r"(<STMTTRN>)(.*?)(</STMTTRN>)", re.I | re.S)
_FITID = re.compile(r"<FITID>\s*[^<\s]", re.I)


def read_statement(path: Path) -> Statement:
    """The statement in the file at ``path`` (``StatementError`` when it cannot be read)."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise StatementError(
                f"{path.name}: arquivo grande demais para um extrato ({size:,} bytes)."
            )
        data = path.read_bytes()
    except OSError as exc:
        raise StatementError(
            f"{path.name}: não foi possível ler o arquivo ({exc.strerror})."
        ) from exc
    return parse_statement(data, path.name)


def parse_statement(data: bytes, name: str = "extrato") -> Statement:
    """The statement in ``data`` (the file's bytes); ``name`` is used in the messages."""
    text = decode(data, name)
    body = normalise(text, name)
    ofx = _parse(body, name)
    return _statement(ofx, name)


def render_statement(account: BankAccountRef, lines: Sequence[StatementLine]) -> str:
    """A statement as most Brazilian banks write it (OFX 1.02 SGML, leaves not closed, dates
    with the Brasília zone): the demonstration clinic's sample, the tests' and the benchmark's."""
    transactions = "".join(
        f"<STMTTRN>\n<TRNTYPE>{line.kind or ('CREDIT' if line.is_credit else 'DEBIT')}\n"
        f"<DTPOSTED>{line.posted_on:%Y%m%d}100000[-3:BRT]\n<TRNAMT>{_amount(line.amount_cents)}\n"
        f"<FITID>{line.fitid}\n" + (f"<NAME>{line.name}\n" if line.name else "") +
        f"<MEMO>{line.memo}\n</STMTTRN>\n"
        for line in lines
    )  # fmt: skip
    days = [line.posted_on for line in lines]
    period = f"<DTSTART>{min(days):%Y%m%d}\n<DTEND>{max(days):%Y%m%d}\n" if days else ""
    return (
        CLEAN_HEADER + "<OFX>\n<BANKMSGSRSV1>\n<STMTTRNRS>\n<STMTRS>\n<CURDEF>BRL\n"
        f"<BANKACCTFROM>\n<BANKID>{account.bank_id}\n<BRANCHID>{account.branch_id}\n"
        f"<ACCTID>{account.account_id}\n<ACCTTYPE>CHECKING\n</BANKACCTFROM>\n<BANKTRANLIST>\n"
        f"{period}{transactions}</BANKTRANLIST>\n</STMTRS>\n</STMTTRNRS>\n</BANKMSGSRSV1>\n</OFX>\n"
    )


def _amount(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


# --- the mending ------------------------------------------------------------------------------


def decode(data: bytes, name: str) -> str:
    """The file's text whatever its header claims: UTF-8 if the bytes are valid UTF-8 (the
    header is often wrong), else Windows-1252."""
    if not data.strip():
        raise StatementError(f"{name}: o arquivo está vazio.")
    if data.startswith(b"%PDF"):
        raise StatementError(
            f"{name}: é um PDF, não um arquivo OFX. No site ou aplicativo do banco, exporte o "
            "extrato no formato OFX (às vezes chamado Money ou Quicken)."
        )
    if data.startswith(b"PK"):
        raise StatementError(
            f"{name}: é uma planilha ou um arquivo compactado, não um arquivo OFX. Exporte o "
            "extrato no formato OFX (Money/Quicken)."
        )
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def normalise(text: str, name: str) -> str:
    """The OFX body as well-formed, closed markup under a clean header (see the module's list)."""
    start = text.upper().find("<OFX>")
    if start < 0:
        raise StatementError(
            f"{name}: não é um arquivo OFX (falta a marca <OFX>). Exporte o extrato no formato "
            "OFX (Money/Quicken) no site ou aplicativo do banco."
        )
    body = text[start:]
    if not re.search(r"</OFX>\s*$", body, re.I):
        raise StatementError(
            f"{name}: o arquivo está incompleto (termina antes de </OFX>); o download foi "
            "interrompido? Baixe o extrato de novo."
        )
    body = _ZONE.sub(r"\1", body)
    body = _EMPTY_CLOSED.sub("", body)
    body = _EMPTY_LEAF.sub("", body)
    body = close_leaves(body)
    body = _BLOCK.sub(_with_fitid, body)
    return CLEAN_HEADER + body


def close_leaves(body: str) -> str:
    """Close every element that holds a value (``<TRNAMT>-12,80`` → ``…</TRNAMT>``); aggregates
    hold no text of their own and are closed in every OFX version."""
    out: list[str] = []
    position = 0
    for tag in _TAG.finditer(body):
        if tag.start() < position:
            continue
        end = body.find("<", tag.end())
        end = len(body) if end < 0 else end
        value = body[tag.end() : end]
        out.append(body[position : tag.end()])
        position = tag.end()
        if value.strip():
            closing = f"</{tag.group(1)}>"
            out.append(value.rstrip())
            position = end
            if body[end : end + len(closing)].upper() != closing.upper():
                out.append(closing)
            out.append(value[len(value.rstrip()) :])
    out.append(body[position:])
    return "".join(out)


def _with_fitid(block: re.Match[str]) -> str:
    """A line without a FITID gets one from its own content: the same line in the same (or an
    overlapping) file gets the same identifier."""
    opening, inside, closing = block.groups()
    if _FITID.search(inside):
        return block.group(0)
    digest = hashlib.sha256(re.sub(r"\s+", " ", inside).strip().encode()).hexdigest()[:20]
    return f"{opening}<FITID>SEMID{digest}</FITID>{inside}{closing}"


# --- the library -------------------------------------------------------------------------------


def _parse(body: str, name: str) -> Any:
    from ofxparse import OfxParser  # imported on first use: only the bank screen needs it

    try:
        with warnings.catch_warnings():
            # ofxparse still calls BeautifulSoup's old names (findAll); that is the library's
            # business, not a problem of the file or of EmDia.
            warnings.simplefilter("ignore", DeprecationWarning)
            return OfxParser.parse(io.BytesIO(body.encode("utf-8")), fail_fast=False)
    except Exception as exc:  # the library raises bare ValueError/IndexError/… on bad files
        raise StatementError(
            f"{name}: o arquivo OFX está danificado e não pôde ser lido ({exc}). Baixe o "
            "extrato de novo; se repetir, exporte um período menor."
        ) from exc


def _statement(ofx: Any, name: str) -> Statement:
    accounts = list(getattr(ofx, "accounts", []))
    banks = [a for a in accounts if a.type == 1]  # ofxparse's AccountType.Bank
    if not banks:
        if accounts:
            raise StatementError(
                f"{name}: é uma fatura de cartão de crédito ou de investimentos, não o extrato "
                "da conta corrente. Exporte o extrato da conta."
            )
        raise StatementError(f"{name}: o arquivo não traz extrato de conta (<STMTRS>).")
    if len(banks) > 1:
        raise StatementError(
            f"{name}: o arquivo traz {len(banks)} contas; exporte uma conta por arquivo."
        )
    account = banks[0]
    statement = account.statement
    problems = [_problem(entry) for entry in statement.discarded_entries]
    if problems:
        raise StatementError(
            f"{name}: {len(problems)} lançamento(s) ilegível(is) — "
            + "; ".join(problems[:5])
            + ". Nada foi importado; baixe o extrato de novo."
        )
    lines = _distinct_fitids([_line(t, name) for t in statement.transactions])
    return Statement(
        account=_account(ofx, account),
        start=_day(statement.start_date),
        end=_day(statement.end_date),
        lines=lines,
    )


def _distinct_fitids(lines: list[StatementLine]) -> tuple[StatementLine, ...]:
    """Some exports repeat a FITID for different lines of the same day (or list two identical
    PIX under one): each repeat gets ``#2``, ``#3``… in file order — never dropped, and the same
    on every re-import of the file."""
    seen: dict[str, int] = {}
    distinct = []
    for line in lines:
        seen[line.fitid] = seen.get(line.fitid, 0) + 1
        if seen[line.fitid] > 1:
            line = replace(line, fitid=f"{line.fitid}#{seen[line.fitid]}")
        distinct.append(line)
    return tuple(distinct)


def _account(ofx: Any, account: Any) -> BankAccountRef:
    institution = getattr(account, "institution", None)
    organisation = (getattr(institution, "organization", "") or "").strip()
    fid = (getattr(institution, "fid", "") or "").strip()
    return BankAccountRef(
        bank_id=(account.routing_number or fid or "").strip(),
        branch_id=(account.branch_id or "").strip(),
        account_id=(account.account_id or "").strip(),
        bank_name=organisation,
    )


def _line(t: Any, name: str) -> StatementLine:
    posted = _day(t.date)
    if posted is None:
        raise StatementError(f"{name}: o lançamento {t.id} não tem data (DTPOSTED).")
    return StatementLine(
        fitid=str(t.id).strip(),
        posted_on=posted,
        amount_cents=_cents(t.amount, t.id, name),
        kind=(t.type or "").upper(),
        memo=(t.memo or "").strip(),
        name=(t.payee or "").strip(),
        reference=(t.checknum or "").strip(),
    )


def _cents(amount: Any, fitid: str, name: str) -> int:
    try:
        value = Decimal(amount) * 100
    except (InvalidOperation, TypeError) as exc:
        raise StatementError(f"{name}: o lançamento {fitid} tem valor ilegível.") from exc
    if value != value.to_integral_value():
        raise StatementError(
            f"{name}: o lançamento {fitid} tem valor com mais de dois decimais ({amount})."
        )
    return int(value)


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


_PROBLEMS = (
    ("amount", "valor ilegível"),
    ("date", "data ilegível"),
    ("fit id", "sem identificador (FITID)"),
    ("transaction type", "sem tipo (TRNTYPE)"),
)


def _problem(entry: dict[str, Any]) -> str:
    """One line the library left out, in pt-BR: which (date, FITID, memo) and why."""
    error = str(entry.get("error", "")).lower()
    why = next((pt for en, pt in _PROBLEMS if en in error), "ilegível")
    content = entry.get("content")
    where = ""
    if content is not None:
        fields = {t: content.find(t) for t in ("fitid", "dtposted", "trnamt", "memo")}
        known = [
            f"{label} {_readable(label, tag.get_text(strip=True))}"
            for label, tag in (
                ("FITID", fields["fitid"]),
                ("data", fields["dtposted"]),
                ("valor", fields["trnamt"]),
                ("histórico", fields["memo"]),
            )
            if tag is not None and tag.get_text(strip=True)
        ]
        where = " (" + ", ".join(known) + ")" if known else ""
    return f"lançamento{where}: {why}"


def _readable(label: str, value: str) -> str:
    """A date as people read it (``20260305223000`` → ``05/03/2026``); anything else as is."""
    if label == "data" and len(value) >= 8 and value[:8].isdigit():
        return f"{value[6:8]}/{value[4:6]}/{value[:4]}"
    return value
