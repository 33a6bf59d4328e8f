"""Which dates a payment may carry: never before its contract, and further back than the
clinic's window only by a gestor with a reason."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.catalog import PaymentMethod
from app.domain.contracts import BackdateWindow, PaymentData, check_payment_date
from app.errors import ValidationError

TODAY = date(2026, 3, 16)
WINDOW = BackdateWindow(today=TODAY, contract_start=date(2026, 1, 2), days=30)


def paid(on: date, reason: str = "") -> PaymentData:
    return PaymentData(1, 10_000, on, PaymentMethod.PIX, "", False, False, reason)


def test_a_date_within_the_window_is_anyones() -> None:
    assert check_payment_date(paid(TODAY), WINDOW, need_reason=True) == 0
    assert check_payment_date(paid(date(2026, 2, 14)), WINDOW, need_reason=True) == 0  # 30 days


def test_a_date_before_the_contract_is_refused_even_to_a_gestor() -> None:
    gestor = BackdateWindow(TODAY, date(2026, 1, 2), 30, gestor=True)
    with pytest.raises(ValidationError) as refused:
        check_payment_date(paid(date(1, 1, 1), "motivo"), gestor, need_reason=True)
    assert refused.value.errors[0].field == "paid_on"
    assert refused.value.message == (
        "Data do pagamento: 01/01/0001 é anterior ao contrato (02/01/2026); confira a data."
    )


def test_beyond_the_window_the_desk_is_refused_and_the_gestor_gives_a_reason() -> None:
    old = paid(date(2026, 2, 13))  # 31 days
    with pytest.raises(ValidationError, match="foi há 31 dias; com mais de 30 dias, só um gestor"):
        check_payment_date(old, WINDOW, need_reason=True)
    gestor = BackdateWindow(TODAY, date(2026, 1, 2), 30, gestor=True)
    assert check_payment_date(old, gestor, need_reason=False) == 31  # the preview does not ask
    with pytest.raises(ValidationError) as missing:
        check_payment_date(old, gestor, need_reason=True)
    assert missing.value.errors[0].field == "reason"
    assert check_payment_date(paid(date(2026, 2, 13), "recibo achado"), gestor,
                              need_reason=True) == 31  # fmt: skip
    with pytest.raises(ValidationError, match="até 200 caracteres"):
        check_payment_date(paid(date(2026, 2, 13), "x" * 201), gestor, need_reason=True)


def test_a_window_of_zero_days_leaves_every_past_date_to_the_gestor() -> None:
    strict = BackdateWindow(TODAY, date(2026, 1, 2), 0)
    assert check_payment_date(paid(TODAY), strict, need_reason=True) == 0
    with pytest.raises(ValidationError, match="foi há 1 dias"):
        check_payment_date(paid(date(2026, 3, 15)), strict, need_reason=True)
