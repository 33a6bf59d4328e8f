"""The worklist's pure parts: aging bands, per-patient sums, priority, filters and sorting, and
the dashboard's arithmetic."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.aging import Bucket, bucket_for
from app.domain.dashboard import build_dashboard, cash_windows, rate_bp, week_of
from app.domain.law import ChargePolicy, DebtLine, InstallmentTerms, updated_debt
from app.domain.prescription import is_prescrita
from app.domain.risk import Flag, RiskInput, Segment, assess
from app.domain.worklist import (
    OverdueRow,
    PatientDebt,
    SortKey,
    Worklist,
    WorklistQuery,
    aging,
    by_priority,
    patient_debts,
    priority_points,
    select,
    totals,
)

TODAY = date(2026, 3, 16)


def line(days_late: int, amount: int = 10_000, number: int = 1):  # type: ignore[no-untyped-def]
    due = TODAY - timedelta(days=days_late)
    terms = InstallmentTerms(number, due, due, amount, key=number)
    return updated_debt(terms, [], TODAY, ChargePolicy())


@pytest.mark.parametrize(
    ("days", "bucket"),
    [(1, Bucket.D1_30), (30, Bucket.D1_30), (31, Bucket.D31_60), (60, Bucket.D31_60),
     (61, Bucket.D61_90), (90, Bucket.D61_90), (91, Bucket.D90_PLUS), (2000, Bucket.D90_PLUS)],
)  # fmt: skip
def test_aging_bands_include_their_upper_limit(days: int, bucket: Bucket) -> None:
    assert bucket_for(days) is bucket


def test_an_installment_not_yet_late_has_no_band() -> None:
    with pytest.raises(ValueError):
        bucket_for(0)


def test_a_patient_is_in_the_band_of_their_oldest_installment() -> None:
    [debt] = patient_debts([(7, 70, line(10, number=3)), (7, 71, line(65, 5_000, number=1))])
    assert debt.bucket is Bucket.D61_90 and debt.days_late == 65 and debt.contract_id == 71
    assert debt.contract_ids == (70, 71) and debt.installments == 2
    assert debt.overdue_cents == 15_000
    assert debt.updated_cents == sum(ln.total_cents for ln in debt.lines)


def test_priority_is_updated_amount_times_the_weight_of_the_band() -> None:
    assert priority_points(100_000, Bucket.D1_30) == 1_000
    assert priority_points(100_000, Bucket.D90_PLUS) == 4_000
    small_old = patient_debts([(1, 1, line(120, 20_000))])[0]
    big_new = patient_debts([(2, 2, line(10, 100_000))])[0]  # 1.023 points against 848
    assert [d.patient_id for d in by_priority([big_new, small_old])] == [2, 1]


def row(patient_id: int, days: int, amount: int, name: str, **risk: object) -> OverdueRow:
    debt = patient_debts([(patient_id, patient_id, line(days, amount, number=3))])[0]
    assessment = assess(RiskInput(as_of=TODAY, overdue=debt.lines, **risk))  # type: ignore[arg-type]
    return OverdueRow(
        debt=debt,
        patient_name=name,
        payer_id=patient_id,
        payer_name=name,
        assessment=assessment,
        search_key=f"{name.lower()} 5299822472{patient_id} 1998765432{patient_id}",
        patient_sort=name.lower(),
        payer_sort=name.lower(),
        priority=priority_points(debt.updated_cents, debt.bucket),
    )


@pytest.fixture
def rows() -> list[OverdueRow]:
    made = [
        row(1, 10, 50_000, "ana souza"),
        row(2, 45, 20_000, "bruno lima", reachable=False),
        row(3, 95, 8_000, "carla souza", bounced_cheques=[date(2026, 1, 5)]),
        row(4, 70, 30_000, "davi rocha"),
    ]
    return [r._replace(rank=i) for i, r in enumerate(made, start=1)]


def test_filters_combine_and_search_matches_names_cpf_and_phone(rows: list[OverdueRow]) -> None:
    ids = lambda q: [r.patient_id for r in select(rows, q)]  # noqa: E731
    assert ids(WorklistQuery(bucket=Bucket.D31_60)) == [2]
    assert ids(WorklistQuery(flag=Flag.SEM_CONTATO)) == [2]
    assert ids(WorklistQuery(segment=Segment.ALTO_RISCO)) == [2, 3]
    assert ids(WorklistQuery(min_cents=25_000)) == [4, 1]  # priority: 61–90 days weighs ×3
    assert ids(WorklistQuery(text="Souza")) == [1, 3]
    assert ids(WorklistQuery(text="529.982.247-23")) == [3]
    assert ids(WorklistQuery(text="(19) 98765-4324")) == [4]
    assert ids(WorklistQuery(text="souza", bucket=Bucket.D90_PLUS)) == [3]


def test_any_column_sorts_and_ties_keep_the_priority_order(rows: list[OverdueRow]) -> None:
    ids = lambda q: [r.patient_id for r in select(rows, q)]  # noqa: E731
    assert ids(WorklistQuery(sort=SortKey.DAYS_LATE)) == [3, 4, 2, 1]
    assert ids(WorklistQuery(sort=SortKey.PATIENT, descending=False)) == [1, 2, 3, 4]
    assert ids(WorklistQuery(sort=SortKey.UPDATED)) == [1, 4, 2, 3]
    assert ids(WorklistQuery(sort=SortKey.OLDEST_DUE, descending=False)) == [3, 4, 2, 1]
    same = [r._replace(debt=rows[0].debt) for r in rows]  # equal amounts: rank decides
    assert [r.rank for r in select(same, WorklistQuery(sort=SortKey.OVERDUE))] == [1, 2, 3, 4]


def test_aging_and_totals_are_sums_of_the_rows(rows: list[OverdueRow]) -> None:
    bands = {b.bucket: b for b in aging(rows)}
    assert [bands[b].patients for b in Bucket] == [1, 1, 1, 1]
    assert sum(b.updated_cents for b in bands.values()) == totals(rows).updated_cents


def test_dashboard_adds_the_worklist_to_what_is_not_yet_due(rows: list[OverdueRow]) -> None:
    worklist = Worklist(TODAY, tuple(rows))
    not_due = {TODAY: 1_000, date(2026, 4, 2): 2_000, date(2026, 7, 1): 4_000}
    d = build_dashboard(TODAY, worklist.rows, not_due, (12_345, 3), [])
    t = worklist.totals()
    assert d.overdue_updated_cents == t.updated_cents and d.overdue_cents == t.overdue_cents
    assert d.receivable_cents == 7_000 + t.overdue_cents
    assert d.default_rate_bp == rate_bp(t.overdue_cents, d.receivable_cents)
    assert d.aging == worklist.aging()
    assert d.expected_90_days_cents == 3_000  # July is beyond the 90 days
    assert (d.week_start, d.week_end) == (date(2026, 3, 16), date(2026, 3, 22))


def test_prescribed_money_stays_on_the_row_apart_from_what_may_be_collected() -> None:
    """CC art. 206 §5 I: a parcela due 05/03/2021 is prescribed on 16/03/2026."""
    old = line((TODAY - date(2021, 3, 5)).days, 30_000, number=1)
    recent = line(10, 10_000, number=8)
    [debt] = patient_debts([(7, 70, old), (7, 70, recent)])
    assert (debt.installments, debt.overdue_cents) == (1, 10_000)
    assert debt.updated_cents == recent.total_cents
    assert (debt.prescribed_installments, debt.prescribed_cents) == (1, 30_000)
    assert (debt.days_late, debt.bucket) == (10, Bucket.D1_30)  # the collectable one
    assert not debt.prescrita and len(debt.lines) == 2
    [only_old] = patient_debts([(8, 80, old)])
    assert only_old.prescrita and only_old.updated_cents == 0


def plainly_grouped(lines: list[tuple[int, int, DebtLine]]) -> list[PatientDebt]:
    """What ``patient_debts`` answers, written the plain way: per patient, lines in (contract,
    number) order, the oldest collectable line (the oldest line if none is), and the sums."""
    found = []
    for pid in dict.fromkeys(p for p, _, _ in lines):
        items = sorted(
            ((c, ln) for p, c, ln in lines if p == pid), key=lambda i: (i[0], i[1].number)
        )
        pursued = [(c, ln) for c, ln in items if not is_prescrita(ln)]
        gone = [ln for _, ln in items if is_prescrita(ln)]
        contract, oldest = min(
            pursued or items, key=lambda i: (i[1].effective_due_date, i[0], i[1].number)
        )
        found.append(
            PatientDebt(
                pid,
                contract,
                tuple(sorted({c for c, _ in items})),
                oldest.effective_due_date,
                oldest.days_late,
                bucket_for(oldest.days_late),
                len(pursued),
                sum(ln.open_principal_cents for _, ln in pursued),
                sum(ln.total_cents for _, ln in pursued),
                tuple(ln for _, ln in items),
                len(gone),
                sum(ln.open_principal_cents for ln in gone),
            )
        )
    return found


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 4),  # patient
            st.integers(1, 3),  # contract
            st.integers(0, 12),  # number
            st.sampled_from([1, 2, 10, 31, 400, 1824, 1825, 1826, 1900, 3000]),  # days late
            st.integers(1, 500_000),
        ),
        min_size=1,
        max_size=30,
        unique_by=lambda t: (t[1], t[2]),  # one line per (contract, number)
    )
)
def test_each_patients_money_is_grouped_as_the_plain_reading_says(
    drawn: list[tuple[int, int, int, int, int]],
) -> None:
    """Any mix of contracts, numbers, days late (around five years: prescritas) and amounts,
    in any order: the same debts as the plain computation, the oldest line included."""
    lines = [
        (pid, contract, line(days, amount, number)) for pid, contract, number, days, amount in drawn
    ]
    assert patient_debts(lines) == plainly_grouped(lines)


def test_the_dashboard_separates_prescribed_money() -> None:
    old = line((TODAY - date(2021, 3, 5)).days, 30_000, number=1)
    debts = patient_debts([(7, 70, old), (7, 70, line(10, 10_000, number=8)), (8, 80, old)])
    d = build_dashboard(TODAY, debts, {}, (0, 0), [])
    assert (d.overdue_cents, d.overdue_patients, d.overdue_installments) == (10_000, 1, 1)
    assert (d.prescribed_cents, d.prescribed_patients) == (60_000, 2)
    assert d.receivable_cents == 10_000  # prescribed money is not receivable
    assert sum(b.patients for b in d.aging) == 1


def test_cash_windows_are_calendar_months_clipped_to_90_days() -> None:
    due = {date(2026, 3, 31): 1, date(2026, 6, 13): 2, date(2026, 6, 14): 4}
    windows = cash_windows(TODAY, due)
    assert [(w.start, w.end, w.cents) for w in windows] == [
        (date(2026, 3, 16), date(2026, 3, 31), 1),
        (date(2026, 4, 1), date(2026, 4, 30), 0),
        (date(2026, 5, 1), date(2026, 5, 31), 0),
        (date(2026, 6, 1), date(2026, 6, 13), 2),
    ]
    assert week_of(date(2026, 3, 22)) == (date(2026, 3, 16), date(2026, 3, 22))
    assert rate_bp(1, 3) == 3333 and rate_bp(5, 0) == 0
