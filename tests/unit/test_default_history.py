"""Inadimplência ao longo do tempo: the portfolio as of each month's end, from the ledgers as of
that day — a small clinic worked out by hand."""

from __future__ import annotations

from datetime import date

from app.domain.aging import Bucket
from app.domain.reports.default_history import (
    InstallmentHistory,
    PaidLine,
    PrincipalFlow,
    history,
)

D = date
TODAY = D(2026, 3, 16)
DAYS = [D(2026, 1, 31), D(2026, 2, 28), TODAY]
REGISTERED = D(2025, 12, 1)

# A: patient 1, due 10/01, R$ 100,00, paid late on 05/02 (R$ 102,50 with multa and juros).
A = InstallmentHistory(
    1, D(2026, 1, 10), 10_000, REGISTERED, paid=(PaidLine(D(2026, 2, 5), 10_000, 10_250),)
)
# B: patient 1, due 10/02, R$ 100,00, never paid.
B = InstallmentHistory(1, D(2026, 2, 10), 10_000, REGISTERED)
# C: patient 2, due 20/01, R$ 200,00 paid on time on 15/01 — a cheque returned on 05/03.
C = InstallmentHistory(
    2,
    D(2026, 1, 20),
    20_000,
    REGISTERED,
    paid=(
        PaidLine(D(2026, 1, 15), 20_000, 20_000),
        PaidLine(D(2026, 3, 5), -20_000, -20_000, payment_day=D(2026, 1, 15)),
    ),
)
# E: patient 3, due 05/01, R$ 50,00 unpaid, renegotiated into an acordo accepted on 15/02.
E = InstallmentHistory(3, D(2026, 1, 5), 5_000, REGISTERED, replaced_on=D(2026, 2, 15))
# F: patient 4, a contract registered on 20/02, due 25/02, R$ 80,00 unpaid.
F = InstallmentHistory(4, D(2026, 2, 25), 8_000, D(2026, 2, 20))
# G: patient 5, due 08/01, R$ 60,00 paid late on 25/01 (R$ 61,00), that payment reversed 10/03.
G = InstallmentHistory(
    5,
    D(2026, 1, 8),
    6_000,
    REGISTERED,
    paid=(
        PaidLine(D(2026, 1, 25), 6_000, 6_100),
        PaidLine(D(2026, 3, 10), -6_000, -6_100, payment_day=D(2026, 1, 25)),
    ),
)
# Not yet due on any of the days: B (until 10/02), D (patient 3, due 20/03, R$ 300,00 with
# R$ 50,00 paid ahead on 10/02) and F (from its registration on 20/02 until 25/02).
FLOWS = [
    PrincipalFlow(10_000, REGISTERED, D(2026, 2, 10)),
    PrincipalFlow(30_000, REGISTERED, D(2026, 3, 20)),
    PrincipalFlow(-5_000, D(2026, 2, 10), D(2026, 3, 20)),
    PrincipalFlow(8_000, D(2026, 2, 20), D(2026, 2, 25)),
    # C's payment was made before its due date, but every day here is after it: no effect.
    PrincipalFlow(-20_000, D(2026, 1, 15), D(2026, 1, 20)),
]


def test_a_month_end_default_rate_worked_out_by_hand() -> None:
    jan, feb, mar = history(DAYS, FLOWS, [A, B, C, E, F, G], TODAY)

    # 31/01 — a vencer: B 100 + D 300 (F not registered yet) = 400,00.
    # Vencido: A 100 (21 days) + E 50 (26 days); C and G were paid by then = 150,00.
    assert (jan.not_due_cents, jan.overdue_cents) == (40_000, 15_000)
    assert jan.receivable_cents == 55_000
    # 150 ÷ 550 = 27,27 % → 2.727 bp.
    assert jan.default_rate_bp == 2_727
    assert jan.aging == {Bucket.D1_30: 15_000, Bucket.D31_60: 0, Bucket.D61_90: 0,
                         Bucket.D90_PLUS: 0}  # fmt: skip
    assert jan.overdue_patients == 2

    # 28/02 — a vencer: D 300 − 50 paid ahead = 250,00. Vencido: B 100 (18 days) + F 80
    # (3 days); A paid on 05/02, E replaced by the acordo on 15/02 = 180,00.
    assert (feb.not_due_cents, feb.overdue_cents) == (25_000, 18_000)
    # 180 ÷ 430 = 41,86 % → 4.186 bp.
    assert feb.default_rate_bp == 4_186
    assert feb.aging[Bucket.D1_30] == 18_000

    # 16/03 (today) — a vencer: D 250,00. Vencido: B 100 (patient 1, oldest 10/02: 34 days),
    # C 200 again after the returned cheque (patient 2, 55 days), F 80 (19 days), G 60 again
    # after its estorno (patient 5, 67 days) = 440,00.
    assert (mar.not_due_cents, mar.overdue_cents) == (25_000, 44_000)
    # 440 ÷ 690 = 63,77 % → 6.377 bp.
    assert mar.default_rate_bp == 6_377
    assert mar.aging == {Bucket.D1_30: 8_000, Bucket.D31_60: 30_000, Bucket.D61_90: 6_000,
                         Bucket.D90_PLUS: 0}  # fmt: skip
    assert mar.overdue_patients == 4


def test_new_overdue_and_recovered_by_month() -> None:
    jan, feb, mar = history(DAYS, FLOWS, [A, B, C, E, F, G], TODAY)
    # January: A 100 (first late day 11/01), E 50 (06/01), G 60 (09/01); C was paid before
    # its due date. February: B 100 (11/02) and F 80 (26/02). March: nothing fell due yet.
    assert [m.new_overdue_cents for m in (jan, feb, mar)] == [21_000, 18_000, 0]
    # Late money: G 61,00 in January, A 102,50 in February; G's estorno takes 61,00 back in
    # March. C's estorno cancels an on-time payment: not recovered money either way.
    assert [m.recovered_cents for m in (jan, feb, mar)] == [6_100, 10_250, -6_100]


def test_an_estorno_counts_on_its_own_date_not_backwards() -> None:
    jan, feb, mar = history(DAYS, [], [C], TODAY)
    assert (jan.overdue_cents, feb.overdue_cents, mar.overdue_cents) == (0, 0, 20_000)


def test_a_renegotiated_installment_leaves_the_portfolio_the_day_its_acordo_is_accepted() -> None:
    installment = InstallmentHistory(
        9, D(2026, 1, 5), 5_000, REGISTERED, replaced_on=D(2026, 2, 28)
    )
    jan, feb, _mar = history(DAYS, [], [installment], TODAY)
    assert (jan.overdue_cents, feb.overdue_cents) == (5_000, 0)


def test_a_contract_counts_from_its_registration_and_never_after_today() -> None:
    before = InstallmentHistory(9, D(2026, 1, 5), 5_000, D(2026, 2, 1))
    # Stored "after" today (a clock set back with --today): it is there today.
    later = InstallmentHistory(8, D(2026, 1, 5), 7_000, D(2026, 4, 1))
    jan, feb, mar = history(DAYS, [], [before, later], TODAY)
    assert (jan.overdue_cents, feb.overdue_cents, mar.overdue_cents) == (0, 5_000, 12_000)


def test_a_cancelled_contract_owes_nothing_but_its_late_money_came_in() -> None:
    cancelled = A._replace(cancelled=True)
    jan, feb, _mar = history(DAYS, [], [cancelled], TODAY)
    assert jan.overdue_cents == 0 and jan.new_overdue_cents == 0
    assert feb.recovered_cents == 10_250


def test_no_days_no_months() -> None:
    assert history([], FLOWS, [A], TODAY) == ()
