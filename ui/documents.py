"""Opening and printing archived documents (both the patient page and Documentos use this).

The archived file is checked against its SHA-256 first, so what opens or prints is exactly what
was sent. An encrypted clinic's documents are sealed on disk: printing paints the PDF from
memory, and the viewer gets a plain copy in a private folder that EmDia removes when it closes.
The system viewer (``QDesktopServices``) and the print dialog are attributes that tests
replace: a test never pops a dialog or launches a viewer.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRectF, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QPainter
from PySide6.QtWidgets import QDialog, QLabel, QWidget

from app.errors import EmDiaError
from ui import ops

if TYPE_CHECKING:  # the archive and Qt's printing load with the first document opened
    from PySide6.QtPrintSupport import QPrinter

    from app.services.documents.archive import DocumentArchiveService

MAX_PRINT_DPI = 300


def ask_printer(parent: QWidget | None) -> QPrinter | None:
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Imprimir documento")
    return printer if dialog.exec() == QDialog.DialogCode.Accepted else None


def print_pdf(pdf: bytes | Path, printer: QPrinter) -> int:
    """Paint every page of the PDF on ``printer`` (rendered by PDFium at the printer's
    resolution, at most 300 dpi), fitted to the printable area. Returns the page count."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf if isinstance(pdf, bytes) else str(pdf))
    painter = QPainter()
    if not painter.begin(printer):
        document.close()
        raise EmDiaError("Não foi possível iniciar a impressão: confira a impressora escolhida.")
    try:
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        area = printer.pageLayout().paintRectPixels(printer.resolution())
        for index in range(len(document)):
            if index:
                printer.newPage()
            bitmap = document[index].render(scale=dpi / 72, rev_byteorder=True)
            image = bitmap.to_pil().convert("RGB")
            data = image.tobytes("raw", "RGB")
            qimage = QImage(
                data, image.width, image.height, 3 * image.width, QImage.Format.Format_RGB888
            ).copy()
            scale = min(area.width() / qimage.width(), area.height() / qimage.height())
            target = QRectF(0, 0, qimage.width() * scale, qimage.height() * scale)
            painter.drawImage(target, qimage)
        return len(document)
    finally:
        painter.end()
        document.close()


def print_pdf_bytes(
    data: bytes,
    name: str,
    parent: QWidget | None,
    choose: Callable[[QWidget | None], QPrinter | None] = ask_printer,
) -> int:
    """Print a PDF that must not stay on the disk (the recovery key): a temporary file, gone
    once printed. 0 when the user cancelled."""
    printer = choose(parent)
    if printer is None:
        return 0
    printer.setDocName(name)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        return print_pdf(path, printer)


class DocumentDesk(QObject):
    """Open and print archived documents. ``archive`` gives the archive's service when a
    document is first opened (the window makes its desk at start, before any is)."""

    def __init__(
        self, archive: Callable[[], DocumentArchiveService], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._archive = archive
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl
        self.ask_printer: Callable[[QWidget | None], QPrinter | None] = ask_printer

    @property
    def service(self) -> DocumentArchiveService:
        return self._archive()

    def open(self, document_id: int) -> Path:
        """Open the exact archived file in the system's PDF viewer."""
        path = self.service.viewable_file(document_id)
        if not self.open_url(QUrl.fromLocalFile(str(path))):
            raise EmDiaError(
                f"Não foi possível abrir {path}: instale um leitor de PDF ou abra o arquivo "
                "pela pasta."
            )
        return path

    def open_folder(self, document_id: int) -> Path:
        path = self.service.archived_folder(document_id)
        self.open_url(QUrl.fromLocalFile(str(path)))
        return path

    def print(self, document_id: int, parent: QWidget | None = None) -> int:
        """Ask for a printer, then print the archived file; 0 when the user cancelled."""
        document = self.service.get(document_id)
        pdf = self.service.pdf_of(document)
        printer = self.ask_printer(parent)
        if printer is None:
            return 0
        printer.setDocName(f"{document.kind_label} {document.id}")
        return print_pdf(pdf, printer)


def act_on(
    status: QLabel, action: Callable[[int], object], document_id: int | None, done: str
) -> None:
    """Run ``action`` on the selected document; say in ``status`` what happened (``done`` may
    use ``{result}``) or why not. Returns quietly when nothing is selected."""
    if document_id is None:
        status.setText(status.tr("Selecione um documento na lista."))
        return
    result = ops.call(status, lambda: action(document_id), on_error=ops.show_in(status))
    if result:
        status.setText(done.format(result=result))
