"""Due dates of computable time limits, on China's official calendar of holidays and make-up
working days (调休).

A year's schedule comes from data/calendar.yaml when the data holds it, else from the
`chinese-calendar` package (the State Council's schedules it has transcribed). A year that neither
knows is counted Monday to Friday, and every result that rests on such a year says so: a date is
never refused. The calendar is written into the site for the browser's deadline calculator
(docs/assets/deadline.js), which counts exactly as `deadline` here does.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from . import model as m

WEEKDAY_NAMES = "一二三四五六日"
UNITS = ("工作日", "日", "个月", "年")
# chinese-calendar names its holidays in English.
_LIBRARY_NAMES = MappingProxyType({
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "Mid-autumn Festival": "中秋节", "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利 70 周年纪念日",
})
# From this day of a year on, the next year's schedule is due (notices come out from late October).
REMINDER_FROM = (10, 1)
NOT_MOVED = "来源未规定截止日遇休息日是否顺延，本手册不作顺延。"


@dataclass(frozen=True)
class WorkCalendar:
    days_off: Mapping[dt.date, str]  # every day off a schedule names, weekends inside a holiday included
    workdays: Mapping[dt.date, str]  # weekend days worked instead (调休), by the holiday they serve
    years: Mapping[int, str]  # year -> where its schedule comes from

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.days_off

    def rest_day(self, day: dt.date) -> str | None:
        """What makes a day a rest day (清明节, 星期日), or None for a working day."""
        if self.is_working_day(day):
            return None
        return self.days_off.get(day) or f"星期{WEEKDAY_NAMES[day.weekday()]}"

    @property
    def recent_years(self) -> tuple[tuple[int, str], ...]:
        """The last two years with a schedule, and where each comes from (for the note on 时限一览)."""
        return tuple(sorted(self.years.items())[-2:])

    def as_json(self) -> str:
        return json.dumps({
            "years": {str(year): origin for year, origin in sorted(self.years.items())},
            "days_off": {day.isoformat(): name for day, name in sorted(self.days_off.items())},
            "workdays": {day.isoformat(): name for day, name in sorted(self.workdays.items())},
        }, ensure_ascii=False, separators=(",", ":"))


def work_calendar(holiday_years: Iterable[m.HolidayYear]) -> WorkCalendar:
    """The package's schedules, with each year that the data holds taken from the data instead."""
    import chinese_calendar

    # the package's own version string: importlib.metadata would cost a tenth of a 1x check to import
    origin = f"chinese-calendar {chinese_calendar.__version__}（国务院办公厅历年通知）"
    from_data = {year.year: year for year in holiday_years}
    days_off = {day: _LIBRARY_NAMES.get(name, name) for day, name in chinese_calendar.holidays.items()
                if day.year not in from_data}
    workdays = {day: _LIBRARY_NAMES.get(name, name) for day, name in chinese_calendar.workdays.items()
                if day.year not in from_data and day.weekday() >= 5}
    years = {year: origin for year in range(min(days_off).year, max(days_off).year + 1)}
    for year in from_data.values():
        days_off.update(year.days_off)
        workdays.update(year.workdays)
        years[year.year] = year.origin
    return WorkCalendar(MappingProxyType(days_off), MappingProxyType(workdays), MappingProxyType(years))


@dataclass(frozen=True)
class Due:
    """A due date, and what a reader must know of it."""

    date: dt.date
    rest_day: str | None  # the due date is not a working day: why
    unscheduled: tuple[int, ...]  # years the result rests on that no schedule covers
    working_days: bool  # counted in working days

    @property
    def notes(self) -> tuple[str, ...]:
        notes = []
        if self.rest_day:
            notes.append(f"该日为休息日（{self.rest_day}）；{NOT_MOVED}")
        if self.unscheduled:
            years = "、".join(str(year) for year in self.unscheduled)
            notes.append(f"{years} 年放假安排未收录，按周一至周五推算，仅供参考；请按国务院办公厅的通知核对。"
                         if self.working_days else
                         f"{years} 年放假安排未收录，该日是否放假或调休上班，请按国务院办公厅的通知核对。")
        return tuple(notes)


def add_months(start: dt.date, months: int) -> dt.date:
    """The same day so many calendar months later; the month's last day when it is shorter."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def deadline(start: dt.date, amount: int, unit: str, work: WorkCalendar) -> Due:
    """The last day of a limit that starts on `start` (the start day itself not counted)."""
    if unit == "工作日":
        day, counted = start, set()
        while amount:
            day += dt.timedelta(days=1)
            counted.add(day.year)
            amount -= work.is_working_day(day)
        return Due(day, work.rest_day(day), _unscheduled(counted, work), working_days=True)
    if unit == "日":
        day = start + dt.timedelta(days=amount)
    elif unit == "个月":
        day = add_months(start, amount)
    elif unit == "年":
        day = add_months(start, 12 * amount)
    else:
        raise ValueError(f"unknown unit {unit!r}")
    return Due(day, work.rest_day(day), _unscheduled({day.year}, work), working_days=False)


def due_date(start: dt.date, amount: int, unit: str, work: WorkCalendar) -> dt.date:
    return deadline(start, amount, unit, work).date


def _unscheduled(years: Iterable[int], work: WorkCalendar) -> tuple[int, ...]:
    return tuple(sorted(year for year in set(years) if year not in work.years))


def schedule_reminder(work: WorkCalendar, today: dt.date) -> str | None:
    """From 1 October, a reminder that next year's schedule is missing (a notice, not an error)."""
    if (today.month, today.day) < REMINDER_FROM or today.year + 1 in work.years:
        return None
    return (f"{today.year + 1} 年的放假安排尚未收录：国务院办公厅的通知一般在 10 月至 12 月发布，"
            f"发布后照 README“增加一年的放假安排”写入 data/calendar.yaml；在此之前，推算器对 {today.year + 1} 年"
            f"按周一至周五计算工作日，并在结果上注明。")
