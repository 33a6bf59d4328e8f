"""Which automatic backups to keep: the newest of each of the last 7 days, 4 weeks and 12 months
(a "grandfather-father-son" rotation, as borg and restic prune). Pure: the service lists the
folder and deletes what this does not keep."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 7, 4, 12


def backups_to_keep(
    stamps: Iterable[datetime],
    daily: int = KEEP_DAILY,
    weekly: int = KEEP_WEEKLY,
    monthly: int = KEEP_MONTHLY,
) -> set[datetime]:
    keep: set[datetime] = set()
    days: list[date] = []
    weeks: list[tuple[int, int]] = []
    months: list[tuple[int, int]] = []
    for stamp in sorted(set(stamps), reverse=True):
        day = stamp.date()
        iso = day.isocalendar()
        week, month = (iso.year, iso.week), (day.year, day.month)
        if day not in days and len(days) < daily:
            days.append(day)
            keep.add(stamp)
        if week not in weeks and len(weeks) < weekly:
            weeks.append(week)
            keep.add(stamp)
        if month not in months and len(months) < monthly:
            months.append(month)
            keep.add(stamp)
    return keep
