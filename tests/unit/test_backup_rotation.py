from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.backups import backups_to_keep
from app.services.backup import list_backups

START = datetime(2026, 3, 16, 8, 0)


def test_a_year_of_daily_backups_keeps_7_daily_4_weekly_12_monthly() -> None:
    stamps = [START - timedelta(days=d) for d in range(400)]
    keep = backups_to_keep(stamps)
    days = sorted(keep, reverse=True)
    assert days[:7] == stamps[:7]  # the last seven days
    assert len(keep) <= 7 + 4 + 12
    months = {(k.year, k.month) for k in keep}
    assert len(months) == 12  # one per month, for a year


def test_several_backups_in_one_day_keep_the_newest() -> None:
    morning, noon, evening = (START.replace(hour=h) for h in (8, 12, 19))
    assert backups_to_keep([morning, noon, evening]) == {evening}


@given(st.lists(st.datetimes(datetime(2020, 1, 1), datetime(2030, 1, 1)), max_size=60))
def test_the_newest_backup_is_always_kept_and_never_more_than_23(
    stamps: list[datetime],
) -> None:
    keep = backups_to_keep(stamps)
    assert keep <= set(stamps)
    assert len(keep) <= 23
    if stamps:
        assert max(stamps) in keep


def test_a_backup_removed_while_listing_is_skipped_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Closing the window right after opening it runs the closing backup while the start
    backup still rotates (or another PC rotates the shared folder): a file listed a moment
    ago may be gone when its size is read."""
    kept = tmp_path / "clinica-20260316-080000-inicio.emdiabak"
    kept.write_bytes(b"x" * 10)
    gone = tmp_path / "clinica-20260315-080000-diario.emdiabak"  # removed under us
    listed = [kept, gone]
    monkeypatch.setattr(Path, "iterdir", lambda self: iter(listed))
    [found] = list_backups(tmp_path, "clinica")
    assert found.path == kept and found.size == 10
