"""Folha da chave de recuperação: one page to print and keep in a safe place, away from the
clinic's PC. It opens the encrypted database and every backup of it when the frase-senha is
forgotten or the computer is replaced.

It is a secret: the page is never archived with the clinic's documents; the window prints it (or
saves it where the admin chooses) and keeps no copy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph

from app.documents.layout import build, esc, key_values, para, spacer, styles
from app.documents.model import Letterhead
from app.domain.dates import format_date

TITLE = "Chave de recuperação"
GROUPS_PER_LINE = 4
# Every character the same width, so a group of four reads apart from the next (the key is
# ASCII: the PDF's own Courier needs no embedded font).
CODE_FONT = "Courier-Bold"


@dataclass(frozen=True)
class RecoverySheetFacts:
    code: str  # the recovery key, in groups (``ABCD-EFGH-…``)
    database: str  # which database it opens (file name or server)
    printed_on: date
    printed_by: str


def code_lines(code: str) -> list[str]:
    """The key in lines of four groups: easy to copy by hand and to read back."""
    groups = code.split("-")
    return [
        " - ".join(groups[i : i + GROUPS_PER_LINE]) for i in range(0, len(groups), GROUPS_PER_LINE)
    ]


def code_style() -> ParagraphStyle:
    return ParagraphStyle(
        "code", parent=styles()["center"], fontName=CODE_FONT, fontSize=16, leading=24
    )


def render(
    target: str | Path | BinaryIO, letterhead: Letterhead, facts: RecoverySheetFacts
) -> None:
    story: list[Flowable] = [
        para(TITLE.upper() + " DO EMDIA", "title"),
        para(
            "Guarde esta folha em lugar seguro, fora da clínica (cofre, com o contador).",
            "subtitle",
        ),
        spacer(4),
        *(Paragraph(esc(line), code_style()) for line in code_lines(facts.code)),
        spacer(6),
        key_values(
            [
                ("Banco de dados", esc(facts.database)),
                ("Impressa em", format_date(facts.printed_on)),
                ("Impressa por", esc(facts.printed_by)),
            ]
        ),
        spacer(5),
        para("<b>Para que serve</b>", "h2"),
        para(
            "Os dados dos pacientes ficam criptografados neste computador e nos backups: quem "
            "levar o computador ou um pendrive de backup não consegue lê-los. Esta chave abre o "
            "banco de dados e todos os seus backups quando a frase-senha for esquecida, o "
            "computador for trocado ou o sistema for reinstalado."
        ),
        para("<b>Como usar</b>", "h2"),
        para(
            "Na tela de desbloqueio do EmDia, digite a chave (maiúsculas ou minúsculas, com ou "
            "sem os traços). Depois, cadastre uma nova frase-senha em Configurações → Usuários "
            "e backups."
        ),
        para("<b>Cuidados</b>", "h2"),
        para(
            "Não fotografe, não envie por WhatsApp ou e-mail e não guarde junto do computador. "
            "Quem tiver esta folha e um backup lê os dados da clínica (LGPD, art. 46: segurança "
            "dos dados pessoais). Se ela se perder, um administrador imprime outra em "
            "Configurações → Usuários e backups."
        ),
        spacer(8),
        para("Guardada por: ________________________________   Onde: ____________________"),
    ]
    build(target, letterhead, TITLE, story, subject="Chave de recuperação do banco de dados")
