"""PIX static BR Code: the Banco Central's example, the CRC, amounts, txids; and the QR image
(``app.adapters.qr``) a bank app reads back."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from io import BytesIO

import pytest
import zxingcpp
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from app.adapters.qr import qr_png
from app.domain import pix
from app.domain.clinic import ClinicInfo

# "Manual de Padrões para Iniciação do Pix" (Banco Central do Brasil), static QR example.
BCB_EXAMPLE = (
    "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR"
    "5913Fulano de Tal6008BRASILIA62070503***63041D3D"
)


def test_the_central_bank_example_payload_is_reproduced_exactly() -> None:
    payload = pix.brcode(
        pix.StaticPix(
            key="123e4567-e12b-12d1-a456-426655440000",
            merchant_name="Fulano de Tal",
            merchant_city="BRASILIA",
        )
    )
    assert payload == BCB_EXAMPLE
    assert pix.crc_is_valid(BCB_EXAMPLE)


def bitwise_crc16_ccitt_false(data: bytes) -> int:
    """The algorithm as catalogued, bit by bit: polynomial 0x1021, initial 0xFFFF."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


@given(st.binary(max_size=300))
def test_crc16_is_the_catalogued_algorithm(data: bytes) -> None:
    assert pix.crc16_ccitt_false(data) == bitwise_crc16_ccitt_false(data)


def test_crc16_ccitt_false_check_value() -> None:
    assert pix.crc16_ccitt_false(b"123456789") == 0x29B1  # the algorithm's catalogue check


def test_a_changed_character_breaks_the_crc() -> None:
    tampered = BCB_EXAMPLE.replace("Fulano", "Fulana")
    assert not pix.crc_is_valid(tampered)
    with pytest.raises(ValueError):
        pix.decode(tampered)


def test_installment_payload_carries_amount_txid_and_receiver() -> None:
    receiver = pix.receiver_from(
        "+5519987654321", "Clínica Sorriso", "", "x", "São José dos Campos"
    )
    payload = pix.brcode(pix.pix_for(receiver, 15_234, 123, 7))
    decoded = pix.decode(payload)
    assert decoded.amount_cents == 15_234
    assert "5406152.34" in payload
    assert decoded.txid == "EMDIAC000123P07"
    assert decoded.key == "+5519987654321"
    assert decoded.merchant_name == "CLINICA SORRISO"
    assert decoded.merchant_city == "SAO JOSE DOS CA"  # 15 characters, no accents


def test_txid_is_deterministic_alphanumeric_and_short() -> None:
    txid = pix.txid_for(999_999, 60)
    assert txid == pix.txid_for(999_999, 60)
    assert txid.isalnum() and len(txid) <= 25
    assert pix.txid_for(1, 0) != pix.txid_for(1, 1)


def test_a_payers_combined_pix_names_the_payer_and_the_day_not_an_installment() -> None:
    receiver = pix.receiver_from("+5519987654321", "Clínica Sorriso", "", "x", "Campinas")
    txid = pix.payer_txid(45, date(2026, 11, 25))
    assert txid == "EMDIAR000045D20261125"
    assert txid.isalnum() and len(txid) <= pix.MAX_TXID_STATIC
    payload = pix.brcode(pix.pix_for(receiver, 85_000, 123, 7, txid=txid))
    assert pix.decode(payload).txid == "EMDIAR000045D20261125"
    assert pix.decode(payload).amount_cents == 85_000
    assert pix.read_txid(txid) == pix.PayerTxid(45, date(2026, 11, 25))
    assert pix.read_txid(pix.txid_for(123, 7)) == pix.TxidRef(123, 7)


@pytest.mark.parametrize(
    "txid", ["***", "EMDIAR000045D20261345", "EMDIAC12P07", "PAGAMENTO123", "EMDIAR000045"]
)
def test_a_txid_emdia_did_not_make_points_nowhere(txid: str) -> None:
    assert pix.read_txid(txid) is None


def test_merchant_text_is_uppercase_ascii_within_limits() -> None:
    assert pix.merchant_text("  Clínica Odontológica Sorriso & Cia  ", 25) == (
        "CLINICA ODONTOLOGICA SORR"
    )
    assert pix.merchant_text("Ribeirão Preto", 15) == "RIBEIRAO PRETO"


def test_the_clinic_receives_under_its_pix_name_else_its_legal_or_trade_name() -> None:
    typed = ClinicInfo(
        legal_name="Sorriso Odontologia Ltda",
        trade_name="Clínica Sorriso",
        city="São Paulo",
        pix_key=" 11222333000181 ",
        pix_merchant_name="Sorriso",
        pix_merchant_city="Campinas",
    )
    assert pix.clinic_receiver(typed) == pix.PixReceiver("11222333000181", "SORRISO", "CAMPINAS")
    bare = ClinicInfo(trade_name="Clínica Sorriso", city="São Paulo", pix_key="k")
    assert pix.clinic_receiver(bare) == pix.PixReceiver("k", "CLINICA SORRISO", "SAO PAULO")
    legal = replace(bare, legal_name="Sorriso Odontologia Ltda")
    assert pix.clinic_receiver(legal).name == "SORRISO ODONTOLOGIA LTDA"


def test_missing_pix_data_is_refused_in_portuguese() -> None:
    receiver = pix.receiver_from("", "", "", "", "")
    with pytest.raises(pix.PixError) as refused:
        pix.pix_for(receiver, 100, 1, 1)
    assert "Chave PIX" in refused.value.message and "Configurações" in refused.value.message


def test_non_positive_amounts_are_refused() -> None:
    with pytest.raises(ValueError):
        pix.brcode(pix.StaticPix("k", "N", "C", amount_cents=0))


def test_qr_image_decodes_back_to_the_payload() -> None:
    receiver = pix.receiver_from("11222333000181", "Clínica", "Campinas", "", "")
    payload = pix.brcode(pix.pix_for(receiver, 30_720, 5, 3))
    image = Image.open(BytesIO(qr_png(payload)))
    [found] = zxingcpp.read_barcodes(image)
    assert found.text == payload
    assert pix.decode(found.text).amount_cents == 30_720


def test_keys_are_shown_as_people_read_them() -> None:
    assert pix.display_key("11222333000181") == "11.222.333/0001-81"
    assert pix.display_key("52998224725") == "529.982.247-25"
    assert pix.display_key("+5519987654321") == "(19) 98765-4321"
    assert pix.display_key("a@b.com") == "a@b.com"
