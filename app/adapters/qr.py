"""The QR code of a PIX BR Code (``qrcode``; ``Pillow`` for the PNG the window shows).

The payload itself — the EMV fields and their CRC — is the domain's (``app.domain.pix``); this
module only draws it. Documents draw ``qr_matrix`` as vectors (sharp at any print size); the
window shows ``qr_png``.
"""

from __future__ import annotations

from io import BytesIO


def qr_matrix(payload: str) -> list[list[bool]]:
    """The QR modules (True = dark), quiet zone included, error correction M (what bank apps
    read reliably from paper)."""
    import qrcode  # loaded with the first QR code, not at start-up
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    code.add_data(payload.encode("utf-8"))
    code.make(fit=True)
    return [list(map(bool, row)) for row in code.get_matrix()]


def qr_png(payload: str, module_px: int = 8) -> bytes:
    """A PNG of the QR code, ``module_px`` pixels per module (screens, messages)."""
    from PIL import Image

    matrix = qr_matrix(payload)
    size = len(matrix)
    image = Image.new("1", (size, size), 1)
    image.putdata([0 if dark else 1 for row in matrix for dark in row])
    image = image.resize((size * module_px, size * module_px), Image.Resampling.NEAREST)
    out = BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
