"""Carnê: one slip per open installment, three to a page, each with the amount as of the print
date, the due date and a PIX QR code with its copia-e-cola (static BR Code, txid per
installment — a payment carrying it is applied to that installment, CC art. 352). The payer's
stub is a receipt once the creditor signs it (CC art. 320). The QR is drawn as vector squares,
so it stays sharp on any printer."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Paragraph

from app.documents.common import installment_label
from app.documents.layout import (
    BOLD,
    CONTENT_WIDTH,
    FONT,
    INK,
    MUTED,
    RULE,
    brl,
    build,
    esc,
    styles,
)
from app.documents.model import ContractFacts, Letterhead, PixSlip
from app.domain.dates import format_date
from app.domain.identity import format_cpf
from app.domain.money import format_percent

TITLE = "Carnê de pagamento"
SLIP_HEIGHT = 78 * mm
STUB_WIDTH = 46 * mm
QR_SIZE = 36 * mm


def render(
    target: str | Path | BinaryIO,
    letterhead: Letterhead,
    facts: ContractFacts,
    slips: Sequence[PixSlip],
) -> None:
    story: list[Flowable] = [Slip(letterhead, facts, slip) for slip in slips]
    build(target, letterhead, TITLE, story, subject=f"Contrato {facts.id}")


def draw_qr(
    canvas: object, matrix: Sequence[Sequence[bool]], x: float, y: float, size: float
) -> None:
    """Dark modules as filled rectangles, one per horizontal run (fewer PDF operations)."""
    from reportlab.pdfgen.canvas import Canvas

    assert isinstance(canvas, Canvas)
    count = len(matrix)
    module = size / count
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    for r, row in enumerate(matrix):
        c = 0
        while c < count:
            if not row[c]:
                c += 1
                continue
            start = c
            while c < count and row[c]:
                c += 1
            top = y + size - (r + 1) * module
            path.rect(x + start * module, top, (c - start) * module, module)
    canvas.drawPath(path, stroke=0, fill=1)


def fitted(canvas: Any, text: str, x: float, y: float, room: float, size: float) -> None:
    """Draw ``text`` at ``size``, set smaller when it would not fit in ``room``."""
    width = pdfmetrics.stringWidth(text, FONT, size)
    if width > room:
        size = max(5.5, size * room / width)
    canvas.setFont(FONT, size)
    canvas.drawString(x, y, text)


class Slip(Flowable):  # type: ignore[misc]
    def __init__(self, letterhead: Letterhead, facts: ContractFacts, slip: PixSlip) -> None:
        super().__init__()
        self.letterhead = letterhead
        self.facts = facts
        self.slip = slip

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return CONTENT_WIDTH, SLIP_HEIGHT

    def draw(self) -> None:
        canvas = self.canv
        line = self.slip.line
        facts = self.facts
        as_of = self.letterhead.as_of
        height = SLIP_HEIGHT
        label = installment_label(line.number, facts.installments_count)
        overdue = line.days_late > 0
        amount = brl(line.total_cents)
        # cut line at the bottom of each slip
        canvas.setStrokeColor(RULE)
        canvas.setDash(3, 2)
        canvas.line(0, 1.5 * mm, CONTENT_WIDTH, 1.5 * mm)
        canvas.line(STUB_WIDTH, 4 * mm, STUB_WIDTH, height - 3 * mm)
        canvas.setDash()
        canvas.setFont(FONT, 7)
        canvas.setFillColor(MUTED)
        canvas.drawRightString(CONTENT_WIDTH, 2.5 * mm, "✂ recorte aqui")

        # stub: stays with the payer
        x, top = 0, height - 6 * mm
        canvas.setFillColor(INK)
        canvas.setFont(BOLD, 8.5)
        canvas.drawString(x, top, "Recibo do pagador")
        rows = [
            ("Contrato", str(facts.id)),
            ("Parcela", label),
            ("Vencimento", format_date(line.effective_due_date)),
            ("Valor em " + format_date(as_of), amount),
        ]
        y = top - 6 * mm
        for key, value in rows:
            canvas.setFont(FONT, 7)
            canvas.setFillColor(MUTED)
            canvas.drawString(x, y, key)
            canvas.setFont(BOLD, 9)
            canvas.setFillColor(INK)
            canvas.drawString(x, y - 3.8 * mm, value)
            y -= 9.5 * mm
        canvas.setFont(FONT, 7.5)
        canvas.drawString(x, y - 1 * mm, "Pago em ____/____/______")
        canvas.drawString(x, y - 7 * mm, "Valor pago R$ ______________")
        # CC art. 320: the receipt (quitação) carries the creditor's signature.
        canvas.setStrokeColor(INK)
        canvas.line(x, y - 15 * mm, STUB_WIDTH - 4 * mm, y - 15 * mm)
        canvas.setFont(FONT, 6.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(x, y - 18 * mm, "Assinatura do credor (recebido)")

        # main part
        left = STUB_WIDTH + 5 * mm
        right = CONTENT_WIDTH
        canvas.setFont(BOLD, 10)
        canvas.drawString(left, top, f"{TITLE} — parcela {label}")
        canvas.setFillColor(MUTED)
        debtor = facts.debtor
        room = right - left - QR_SIZE - 4 * mm  # text never runs under the QR code
        fitted(canvas, f"Pagador: {debtor.name}", left, top - 4.5 * mm, room, 8)
        details = f"Contrato de prestação de serviços nº {facts.id}"
        if debtor.cpf:
            details = f"CPF {format_cpf(debtor.cpf)} · {details}"
        fitted(canvas, details, left, top - 8.5 * mm, room, 8)

        info_top = top - 16 * mm
        canvas.setFillColor(MUTED)
        canvas.setFont(FONT, 7.5)
        canvas.drawString(left, info_top, "Vencimento")
        value_label = "Valor atualizado em " + format_date(as_of) if overdue else "Valor"
        canvas.drawString(left + 30 * mm, info_top, value_label)
        canvas.setFillColor(INK)
        canvas.setFont(BOLD, 12)
        canvas.drawString(left, info_top - 5.5 * mm, format_date(line.effective_due_date))
        canvas.drawString(left + 30 * mm, info_top - 5.5 * mm, amount)

        text_width = right - left - QR_SIZE - 5 * mm
        note = self._note(overdue)
        paragraph = Paragraph(
            note, ParagraphStyle("note", parent=styles()["small"], fontSize=7.2, leading=9)
        )
        _w, h = paragraph.wrap(text_width, 30 * mm)
        paragraph.drawOn(canvas, left, info_top - 9 * mm - h)

        if self.slip.payload:
            qr_x = right - QR_SIZE
            qr_y = top - 2 * mm - QR_SIZE
            draw_qr(canvas, self.slip.matrix, qr_x, qr_y, QR_SIZE)
            canvas.setFont(FONT, 6.5)
            canvas.setFillColor(MUTED)
            canvas.drawCentredString(
                qr_x + QR_SIZE / 2, qr_y - 2.8 * mm, "Pague com PIX: leia o QR code"
            )
            code_style = ParagraphStyle(
                "code", parent=styles()["small"], fontSize=6.3, leading=7.6, wordWrap="CJK"
            )
            code = Paragraph(f"<b>PIX copia e cola:</b> {esc(self.slip.payload)}", code_style)
            _w, h = code.wrap(right - left, 20 * mm)
            code.drawOn(canvas, left, 5 * mm)
        else:
            canvas.setFont(FONT, 7.5)
            canvas.setFillColor(MUTED)
            canvas.drawString(left, 8 * mm, "Pagamento no balcão da clínica.")

    def _note(self, overdue: bool) -> str:
        facts = self.facts
        line = self.slip.line
        as_of = format_date(self.letterhead.as_of)
        charges = (
            f"multa de {format_percent(facts.fine_bp)} e juros de "
            f"{format_percent(facts.interest_monthly_bp)} ao mês, calculados por dia"
        )
        if overdue:
            return (
                f"Parcela vencida há {line.days_late} dia(s). O valor inclui {charges} até "
                f"{as_of}: vale para pagamento nessa data; em outra data, peça o valor "
                "atualizado à clínica."
            )
        text = f"Pagando até o vencimento, este é o valor. Após o vencimento: {charges}."
        if line.discount_cents:
            text = (
                f"Valor com desconto de pontualidade de {brl(line.discount_cents)}, "
                f"válido até o vencimento. Após o vencimento: {charges}."
            )
        return text
