"""Shared layout of every EmDia document (ReportLab, A4).

- The clinic's identification heads every page — name, CNPJ/CPF, address, contacts and the logo
  when set — because every charge document must show them (CDC art. 42-A).
- The footer carries the document's reference and "Página X de Y".
- Text is set in DejaVu Sans, shipped in ``resources/fonts`` and embedded in each PDF, so accents,
  "R$" and "º" print the same on every machine.
- Margins leave room for hole punching and for printers that cannot print to the edge.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
)

import resources
from app.documents.model import Letterhead, Party
from app.domain.catalog import label
from app.domain.clinic import ClinicInfo
from app.domain.dates import format_date, format_date_long
from app.domain.identity import format_cep, format_cnpj, format_cpf, format_phone
from app.domain.money import format_brl

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_LEFT = 22 * mm  # room for a hole punch
MARGIN_RIGHT = 18 * mm
MARGIN_TOP = 14 * mm
MARGIN_BOTTOM = 16 * mm
HEADER_HEIGHT = 26 * mm
CONTENT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT

FONT = "EmDiaSans"
BOLD = "EmDiaSans-Bold"
ITALIC = "EmDiaSans-Oblique"
INK = colors.HexColor("#1f1f1f")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#9a9a9a")
SHADE = colors.HexColor("#eeeeee")


@lru_cache(maxsize=1)
def register_fonts() -> None:
    """Register DejaVu Sans once per process (ReportLab keeps fonts globally)."""
    from reportlab.lib.fonts import addMapping

    for name, file in ((FONT, "DejaVuSans.ttf"), (BOLD, "DejaVuSans-Bold.ttf"),
                       (ITALIC, "DejaVuSans-Oblique.ttf")):  # fmt: skip
        pdfmetrics.registerFont(TTFont(name, str(resources.path("fonts") / file)))
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, BOLD)
    addMapping(FONT, 0, 1, ITALIC)
    addMapping(FONT, 1, 1, BOLD)


@lru_cache(maxsize=1)
def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13.2, textColor=INK)
    return {
        "body": body,
        "justify": ParagraphStyle("justify", parent=body, alignment=TA_JUSTIFY),
        "small": ParagraphStyle("small", parent=body, fontSize=7.8, leading=10, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.3, leading=10.2),
        "title": ParagraphStyle(
            "title", parent=body, fontName=BOLD, fontSize=13.5, leading=17, alignment=TA_CENTER,
            spaceAfter=2 * mm,
        ),
        "subtitle": ParagraphStyle(
            "subtitle", parent=body, fontSize=8.8, leading=11, alignment=TA_CENTER,
            textColor=MUTED, spaceAfter=4 * mm,
        ),
        "h2": ParagraphStyle(
            "h2", parent=body, fontName=BOLD, fontSize=10, leading=13, spaceBefore=3.5 * mm,
            spaceAfter=1.5 * mm, keepWithNext=1,
        ),
        "right": ParagraphStyle("right", parent=body, alignment=TA_RIGHT),
        "center": ParagraphStyle("center", parent=body, alignment=TA_CENTER),
    }  # fmt: skip


# --- text helpers ---------------------------------------------------------------------------


def esc(text: str) -> str:
    """Data goes into ReportLab's mini-markup escaped (a name with "&" must print as is)."""
    return escape(text or "")


def brl(cents: int) -> str:
    """Money as printed: ``R$ 1.234,56`` with a no-break space, so "R$" never ends a line."""
    return format_brl(cents).replace(" ", "\u00a0")


class _Layout:
    """What a paragraph's text always gives: its parsed fragments, and its line breaks per
    width."""

    def __init__(self, frags: list[Any]) -> None:
        self.frags = frags
        self.breaks: dict[float, tuple[float, Any, list[float]]] = {}


class _MemoParagraph(Paragraph):  # type: ignore[misc]
    """A fresh Paragraph each time (platypus marks flowables while placing them), built from
    remembered fragments and line breaks."""

    def __init__(self, text: str | None, style: ParagraphStyle, *args: Any, **kw: Any) -> None:
        # Same signature as Paragraph: ``split`` builds the continuation with ``__class__``.
        layout: _Layout | None = kw.pop("layout", None)
        self._layout = layout
        if layout is not None:
            kw["frags"] = layout.frags
        super().__init__(text, style, *args, **kw)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        layout = self._layout
        if layout is not None:
            known = layout.breaks.get(avail_width)
            if known is not None:
                self.width = avail_width
                self.height, self.blPara, self._wrapWidths = known
                return avail_width, self.height
        width, height = super().wrap(avail_width, avail_height)
        if layout is not None:
            layout.breaks[avail_width] = (height, self.blPara, self._wrapWidths)
        return width, height


_PARAGRAPHS = threading.local()
_PARAGRAPH_CACHE_SIZE = 512


def para(text: str, style: str = "justify") -> Paragraph:
    """A paragraph of *markup* (callers escape data with ``esc``).

    Text that repeats — the legal wording, the clinic's contacts — is parsed and broken into
    lines once per thread: a batch of notifications lays out only what differs between
    letters."""
    cache: OrderedDict[tuple[str, str], _Layout] | None = getattr(_PARAGRAPHS, "cache", None)
    if cache is None:
        cache = _PARAGRAPHS.cache = OrderedDict()
    key = (text, style)
    layout = cache.get(key)
    if layout is not None:
        cache.move_to_end(key)
        return _MemoParagraph(text, styles()[style], layout=layout)
    made = _MemoParagraph(text, styles()[style])
    cache[key] = made._layout = _Layout(made.frags)
    if len(cache) > _PARAGRAPH_CACHE_SIZE:
        cache.popitem(last=False)
    return made


def clinic_id(clinic: ClinicInfo) -> str:
    if clinic.cnpj:
        return f"CNPJ {format_cnpj(clinic.cnpj)}"
    if clinic.cpf:
        return f"CPF {format_cpf(clinic.cpf)}"
    return ""


def clinic_address(clinic: ClinicInfo) -> str:
    place = " – ".join(p for p in (clinic.city, clinic.state) if p)
    parts = [clinic.address, place, f"CEP {format_cep(clinic.zip_code)}" if clinic.zip_code else ""]
    return ", ".join(p for p in parts if p)


def clinic_contacts(clinic: ClinicInfo) -> str:
    parts = [f"Tel. {format_phone(clinic.phone)}" if clinic.phone else "", clinic.email]
    return " · ".join(p for p in parts if p)


def name_and_cpf(party: Party) -> str:
    """``<b>Nome</b>, CPF 000.000.000-00`` (markup), without the address."""
    return f"<b>{esc(party.name)}</b>" + (f", CPF {format_cpf(party.cpf)}" if party.cpf else "")


def person_line(party: Party) -> str:
    """``<b>Nome</b>, CPF 000.000.000-00, residente em …`` (markup)."""
    text = f"<b>{esc(party.name)}</b>"
    if party.cpf:
        text += f", CPF {format_cpf(party.cpf)}"
    if party.address:
        text += f", com endereço em {esc(party.address)}"
    return text


def method_label(method: str) -> str:
    return label(method)


def clinic_party(clinic: ClinicInfo) -> str:
    """The clinic as a party to a letter or contract (markup)."""
    parts = [f"<b>{esc(clinic.legal_name or clinic.trade_name)}</b>", clinic_id(clinic)]
    address = clinic_address(clinic)
    if address:
        parts.append(f"com endereço em {esc(address)}")
    return ", ".join(p for p in parts if p)


def clinic_signer(clinic: ClinicInfo, role: str) -> Signer:
    return Signer(role=role, name=clinic.legal_name or clinic.trade_name, ident=clinic_id(clinic))


def place_and_date(letterhead: Letterhead, day: date | None = None) -> str:
    """``Campinas, 16 de março de 2026.`` (the clinic's city; the letter's date by default)."""
    city = letterhead.clinic.city
    when = format_date_long(day or letterhead.as_of)
    return f"{esc(city)}, {when}." if city else f"{when}."


def place_and_blank_date(letterhead: Letterhead) -> str:
    """``Campinas, ____ de ______________ de ______.``: a paper signed by hand on a day no one
    recorded yet gets its date by hand too (never the day it was printed)."""
    blank = "____ de ______________ de ______"
    city = letterhead.clinic.city
    return f"{esc(city)}, {blank}." if city else f"{blank}."


# --- tables ---------------------------------------------------------------------------------


def table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    *,
    right: Sequence[int] = (),
    total: Sequence[str] | None = None,
    font_size: float = 8.3,
    width: float = CONTENT_WIDTH,
) -> Flowable:
    """The money table: bold shaded header repeated on each page, thin rules, amounts right-
    aligned, an optional bold total row. ``widths`` are proportions of ``width``."""
    scale = width / sum(widths)
    return MoneyTable(
        list(header),
        [list(r) for r in rows],
        [w * scale for w in widths],
        frozenset(right),
        list(total) if total is not None else None,
        font_size,
    )


class MoneyTable(Flowable):  # type: ignore[misc]
    """A one-line-per-cell table drawn straight on the canvas.

    Much cheaper than ``platypus.Table`` (a batch prints thousands of these) and enough for
    money: every cell is a short string. Splits across pages, repeating the header; the total
    row stays with the last rows. Text wider than its column is set smaller, never clipped.
    """

    PAD = 3.0

    def __init__(
        self,
        header: list[str],
        rows: list[list[str]],
        widths: list[float],
        right: frozenset[int],
        total: list[str] | None,
        font_size: float,
    ) -> None:
        super().__init__()
        self.header = header
        self.rows = rows
        self.widths = widths
        self.right = right
        self.total = total
        self.font_size = font_size
        self.row_height = font_size * 1.6
        self.hAlign = "LEFT"

    def _lines(self) -> int:
        return 1 + len(self.rows) + (1 if self.total is not None else 0)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return sum(self.widths), self.row_height * self._lines()

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        fit = int(avail_height // self.row_height) - 1  # rows that fit under the header
        if fit >= len(self.rows) + (1 if self.total is not None else 0):
            return [self]
        keep = min(fit, len(self.rows) - 1) if self.total is not None else fit
        if keep < 2 or keep >= len(self.rows):
            return []
        first = MoneyTable(
            self.header, self.rows[:keep], self.widths, self.right, None, self.font_size
        )
        rest = MoneyTable(
            self.header, self.rows[keep:], self.widths, self.right, self.total, self.font_size
        )
        return [first, rest]

    def draw(self) -> None:
        canvas = self.canv
        width = sum(self.widths)
        height = self.row_height * self._lines()
        row_h = self.row_height
        canvas.setFillColor(SHADE)
        canvas.rect(0, height - row_h, width, row_h, stroke=0, fill=1)
        if self.total is not None:
            canvas.rect(0, 0, width, row_h, stroke=0, fill=1)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.25)
        for index in range(1, self._lines()):
            y = height - index * row_h
            canvas.line(0, y, width, y)
        canvas.setLineWidth(0.6)
        canvas.line(0, height - row_h, width, height - row_h)
        if self.total is not None:
            canvas.setStrokeColor(INK)
            canvas.setLineWidth(0.8)
            canvas.line(0, row_h, width, row_h)
        text = canvas.beginText()
        text.setFillColor(INK)
        lines: list[tuple[list[str], str]] = [(self.header, BOLD)]
        lines += [(row, FONT) for row in self.rows]
        if self.total is not None:
            lines.append((self.total, BOLD))
        baseline = row_h * 0.5 - self.font_size * 0.35
        for index, (cells, font) in enumerate(lines):
            y = height - (index + 1) * row_h + baseline
            x = 0.0
            for column, cell in enumerate(cells):
                room = self.widths[column] - 2 * self.PAD
                if column not in self.right:  # like a spreadsheet: spill into empty neighbours
                    after = column + 1
                    while after < len(cells) and not cells[after] and after not in self.right:
                        room += self.widths[after]
                        after += 1
                size = self.font_size
                if cell:
                    measured = pdfmetrics.stringWidth(cell, font, size)
                    if measured > room:
                        size = max(5.0, size * room / measured)
                        measured = pdfmetrics.stringWidth(cell, font, size)
                    text.setFont(font, size)
                    if column in self.right:
                        start = x + self.widths[column] - self.PAD - measured
                    else:
                        start = x + self.PAD
                    text.setTextOrigin(start, y)
                    text.textOut(cell)
                x += self.widths[column]
        canvas.drawText(text)


def key_values(pairs: Sequence[tuple[str, str]], label_width: float = 38 * mm) -> Flowable:
    """Label: value rows (markup in values), e.g. the parties of a letter."""
    return _LabelledRows(
        [(para(f"<b>{esc(k)}</b>", "body"), para(v, "body")) for k, v in pairs], label_width
    )


class _LabelledRows(Flowable):  # type: ignore[misc]
    """Label and value paragraphs side by side, top-aligned (lighter than a platypus Table)."""

    GAP = 2.0

    def __init__(self, rows: list[tuple[Paragraph, Paragraph]], label_width: float) -> None:
        super().__init__()
        self.rows = rows
        self.label_width = label_width
        self.heights: list[float] = []

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.heights = []
        value_width = avail_width - self.label_width
        for label_para, value_para in self.rows:
            _w, label_h = label_para.wrap(self.label_width - 4, avail_height)
            _w, value_h = value_para.wrap(value_width, avail_height)
            self.heights.append(max(label_h, value_h) + self.GAP)
        self.width = avail_width
        return avail_width, sum(self.heights)

    def draw(self) -> None:
        top = sum(self.heights)
        for (label_para, value_para), height in zip(self.rows, self.heights, strict=True):
            top -= height
            label_para.drawOn(self.canv, 0, top + height - self.GAP - label_para.height)
            value_para.drawOn(
                self.canv, self.label_width, top + height - self.GAP - value_para.height
            )


@dataclass(frozen=True)
class Signer:
    role: str  # e.g. "CONTRATANTE", "Testemunha 1"
    name: str = ""  # blank: a line to fill in by hand
    cpf: str | None = None
    ident: str = ""  # replaces the CPF line (a company's CNPJ)


def signatures(signers: Sequence[Signer], columns: int = 2) -> Flowable:
    """Signature lines with name, CPF and role under each, ``columns`` per row, kept together on
    one page (a signature alone on a last page invites doubt about what was signed)."""
    s = styles()
    cells: list[Paragraph | None] = []
    for signer in signers:
        lines = [f"<b>{esc(signer.name)}</b>" if signer.name else "Nome:"]
        if signer.ident:
            lines.append(esc(signer.ident))
        else:
            lines.append(f"CPF {format_cpf(signer.cpf)}" if signer.cpf else "CPF:")
        lines.append(esc(signer.role))
        cells.append(Paragraph("<br/>".join(lines), s["small"]))
    while len(cells) % columns:
        cells.append(None)
    rows = [cells[i : i + columns] for i in range(0, len(cells), columns)]
    return KeepTogether([_SignatureRows(rows, CONTENT_WIDTH / columns)])


class _SignatureRows(Flowable):  # type: ignore[misc]
    """Rows of: blank space to sign, the line, then name/CPF/role right under it."""

    ROW_HEIGHT = 25 * mm

    def __init__(self, rows: list[list[Paragraph | None]], cell_width: float) -> None:
        super().__init__()
        self.rows = rows
        self.cell_width = cell_width

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return CONTENT_WIDTH, self.ROW_HEIGHT * len(self.rows)

    def draw(self) -> None:
        canvas = self.canv
        pad = 5 * mm
        for r, row in enumerate(self.rows):
            line_y = self.ROW_HEIGHT * (len(self.rows) - r) - 13 * mm
            for c, text in enumerate(row):
                if text is None:
                    continue
                x = c * self.cell_width + pad
                canvas.setStrokeColor(INK)
                canvas.setLineWidth(0.6)
                canvas.line(x, line_y, x + self.cell_width - 2 * pad, line_y)
                _w, h = text.wrap(self.cell_width - 2 * pad, self.ROW_HEIGHT)
                text.drawOn(canvas, x, line_y - 1.2 * mm - h)


# --- pages ----------------------------------------------------------------------------------


class _NumberedCanvas(Canvas):  # type: ignore[misc]
    """Holds pages until the end so each footer can say "Página X de Y"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(FONT, 7.5)
            self.setFillColor(MUTED)
            self.drawRightString(
                PAGE_WIDTH - MARGIN_RIGHT,
                MARGIN_BOTTOM - 7 * mm,
                f"Página {self._pageNumber} de {total}",
            )
            super().showPage()
        super().save()


@lru_cache(maxsize=8)
def _logo(path: str, mtime: float) -> ImageReader | None:
    try:
        return ImageReader(path)
    except Exception:  # a missing or unreadable logo must not stop a document
        return None


def logo_reader(clinic: ClinicInfo) -> ImageReader | None:
    if not clinic.logo_path:
        return None
    file = Path(clinic.logo_path)
    if not file.is_file():
        return None
    return _logo(str(file), file.stat().st_mtime)


def _draw_header_and_footer(canvas: Canvas, letterhead: Letterhead, title: str) -> None:
    clinic = letterhead.clinic
    top = PAGE_HEIGHT - MARGIN_TOP
    x = MARGIN_LEFT
    logo = logo_reader(clinic)
    if logo is not None:
        width, height = logo.getSize()
        box_h = HEADER_HEIGHT - 6 * mm
        scale = min(box_h / height, 40 * mm / width)
        canvas.drawImage(logo, x, top - height * scale, width * scale, height * scale, mask="auto")
        x += width * scale + 5 * mm
    canvas.setFillColor(INK)
    canvas.setFont(BOLD, 11)
    name = clinic.legal_name or clinic.trade_name or "Clínica (configure em Configurações)"
    canvas.drawString(x, top - 4 * mm, name)
    canvas.setFont(FONT, 8)
    canvas.setFillColor(MUTED)
    lines = []
    ident = clinic_id(clinic)
    if clinic.trade_name and clinic.trade_name != clinic.legal_name:
        lines.append(" · ".join(p for p in (clinic.trade_name, ident) if p))
    elif ident:
        lines.append(ident + (f" · {clinic.cro}" if clinic.cro else ""))
    if clinic.trade_name and clinic.cro and clinic.trade_name != clinic.legal_name:
        lines.append(clinic.cro)
    for text in (clinic_address(clinic), clinic_contacts(clinic)):
        if text:
            lines.append(text)
    y = top - 8.5 * mm
    for text in lines[:4]:
        canvas.drawString(x, y, text)
        y -= 3.6 * mm
    rule_y = PAGE_HEIGHT - MARGIN_TOP - HEADER_HEIGHT + 2 * mm
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(MARGIN_LEFT, rule_y, PAGE_WIDTH - MARGIN_RIGHT, rule_y)
    canvas.line(
        MARGIN_LEFT, MARGIN_BOTTOM - 3 * mm, PAGE_WIDTH - MARGIN_RIGHT, MARGIN_BOTTOM - 3 * mm
    )
    canvas.setFont(FONT, 7.5)
    canvas.setFillColor(MUTED)
    canvas.drawString(
        MARGIN_LEFT,
        MARGIN_BOTTOM - 7 * mm,
        f"{title} · {letterhead.reference} · emitido em {format_date(letterhead.as_of)}",
    )


def build(
    target: str | Path | BinaryIO,
    letterhead: Letterhead,
    title: str,
    story: list[Flowable],
    *,
    subject: str = "",
) -> None:
    """Lay ``story`` out on A4 pages under the clinic's header and write the PDF to ``target``.

    Output is byte-for-byte reproducible for the same input (no random ID, fixed dates), so a
    re-print on the same day of the same data has the same SHA-256.
    """
    register_fonts()
    frame = Frame(
        MARGIN_LEFT,
        MARGIN_BOTTOM,
        CONTENT_WIDTH,
        PAGE_HEIGHT - MARGIN_TOP - HEADER_HEIGHT - MARGIN_BOTTOM,
        leftPadding=0,
        rightPadding=0,
        topPadding=2 * mm,
        bottomPadding=0,
        id="body",
    )

    def on_page(canvas: Canvas, _doc: Any) -> None:
        canvas.saveState()
        _draw_header_and_footer(canvas, letterhead, title)
        canvas.restoreState()

    doc = BaseDocTemplate(
        target if isinstance(target, str) or not isinstance(target, Path) else str(target),
        pagesize=A4,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP + HEADER_HEIGHT,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        author=letterhead.clinic.legal_name or letterhead.clinic.trade_name,
        subject=subject or title,
        creator="EmDia",
        producer="EmDia (ReportLab)",
        invariant=1,
        lang="pt-BR",
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=on_page)])
    doc.build(story, canvasmaker=_NumberedCanvas)


def spacer(height_mm: float) -> Spacer:
    return Spacer(1, height_mm * mm)


class Clauses:
    """Numbers a contract's clauses in order (so adding one never leaves a gap)."""

    def __init__(self) -> None:
        self.count = 0

    def n(self) -> str:
        self.count += 1
        return f"<b>Cláusula {self.count}ª</b>"

    @staticmethod
    def heading(text: str) -> Flowable:
        return para(text.upper(), "h2")
