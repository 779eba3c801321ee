"""Due dates of computable time limits, on China's official calendar of holidays and make-up
working days (调休). The calendar comes from the `chinese-calendar` package at build time and is
written into the site for the browser's deadline calculator (docs/assets/deadline.js), which
counts the same way as `due_date` here."""

from __future__ import annotations

import calendar
import datetime as dt
import json
from dataclasses import dataclass


class OutsideCalendar(ValueError):
    """A working-day count that would leave the years the calendar covers: refused, never guessed."""


@dataclass(frozen=True)
class WorkCalendar:
    first: dt.date
    last: dt.date
    holidays: frozenset[dt.date]  # weekdays off
    workdays: frozenset[dt.date]  # weekend days worked (调休)
    origin: str

    def is_working_day(self, day: dt.date) -> bool:
        if not self.first <= day <= self.last:
            raise OutsideCalendar(f"{day.isoformat()} 不在日历覆盖的 {self.first.year}—{self.last.year} 年之内")
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def as_json(self) -> str:
        return json.dumps({
            "origin": self.origin, "first": self.first.isoformat(), "last": self.last.isoformat(),
            "holidays": sorted(d.isoformat() for d in self.holidays),
            "workdays": sorted(d.isoformat() for d in self.workdays),
        }, ensure_ascii=False, separators=(",", ":"))


def official_calendar() -> WorkCalendar:
    """China's statutory holidays and make-up working days as published by the State Council, as far
    as the installed chinese-calendar release knows them (whole years only)."""
    from importlib.metadata import version

    import chinese_calendar

    known = [*chinese_calendar.holidays, *chinese_calendar.workdays]
    first, last = dt.date(min(known).year, 1, 1), dt.date(max(known).year, 12, 31)
    holidays = frozenset(d for d in chinese_calendar.holidays if d.weekday() < 5 and first <= d <= last)
    workdays = frozenset(d for d in chinese_calendar.workdays if d.weekday() >= 5 and first <= d <= last)
    return WorkCalendar(first, last, holidays, workdays, f"chinese-calendar {version('chinese-calendar')}")


def add_months(start: dt.date, months: int) -> dt.date:
    """The same day so many calendar months later; the month's last day when it is shorter."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def due_date(start: dt.date, amount: int, unit: str, work: WorkCalendar) -> dt.date:
    """The last day of a limit that starts on `start` (the start day itself not counted)."""
    if unit == "工作日":
        day = start
        work.is_working_day(start)  # refuses a start outside the calendar's years
        while amount:
            day += dt.timedelta(days=1)
            amount -= work.is_working_day(day)
        return day
    if unit == "日":
        return start + dt.timedelta(days=amount)
    if unit == "个月":
        return add_months(start, amount)
    if unit == "年":
        return add_months(start, 12 * amount)
    raise ValueError(f"unknown unit {unit!r}")
