"""Deadlines a cadre acts on: a computable time limit gives the same due date in Python and in the
browser's calculator, on China's official calendar with its make-up working days (调休); a year
without a schedule is counted Monday to Friday and says so; a rest day is named; and every
computed date shows what it rests on."""

from __future__ import annotations

import datetime as dt
from types import MappingProxyType

import pytest

from macros.resolve import model as m
from macros.resolve.deadlines import add_months, deadline, due_date, schedule_reminder, work_calendar

from .conftest import open_page, poppler

D = dt.date


@pytest.fixture(scope="module")
def work(handbook):
    return work_calendar(handbook.holiday_years)


@pytest.mark.parametrize(("start", "amount", "unit", "due"), [
    # 国庆 2026: 1–7 October off; Sunday 20 September and Saturday 10 October are worked (调休)
    (D(2026, 9, 30), 10, "工作日", D(2026, 10, 20)),
    (D(2026, 9, 18), 1, "工作日", D(2026, 9, 20)),
    (D(2026, 10, 9), 1, "工作日", D(2026, 10, 10)),
    # 春节 2026: 15–23 February off; Saturdays 14 and 28 February are worked
    (D(2026, 2, 12), 3, "工作日", D(2026, 2, 24)),
    (D(2026, 2, 27), 1, "工作日", D(2026, 2, 28)),
    # 国庆 2025 (1–8 October off, Sunday 28 September and Saturday 11 October worked)
    (D(2025, 9, 26), 2, "工作日", D(2025, 9, 29)),
    (D(2025, 9, 30), 1, "工作日", D(2025, 10, 9)),
    # into 2027, which has no schedule yet: Monday to Friday
    (D(2026, 12, 20), 10, "工作日", D(2027, 1, 1)),
    (D(2026, 12, 28), 10, "工作日", D(2027, 1, 11)),
    # calendar months and days
    (D(2026, 1, 31), 1, "个月", D(2026, 2, 28)),
    (D(2024, 1, 31), 1, "个月", D(2024, 2, 29)),
    (D(2026, 11, 30), 3, "个月", D(2027, 2, 28)),
    (D(2024, 2, 29), 1, "年", D(2025, 2, 28)),
    (D(2026, 9, 30), 10, "日", D(2026, 10, 10)),
])
def test_due_dates_on_the_official_calendar(work, start, amount, unit, due):
    assert due_date(start, amount, unit, work) == due


def test_a_year_without_a_schedule_is_counted_monday_to_friday_and_says_so(work):
    assert 2027 not in work.years  # (until the State Council's notice is added to data/calendar.yaml)
    due = deadline(D(2026, 12, 28), 10, "工作日", work)
    assert due.unscheduled == (2027,) and due.rest_day is None
    assert due.notes == ("2027 年放假安排未收录，按周一至周五推算，仅供参考；请按国务院办公厅的通知核对。",)
    inside = deadline(D(2026, 12, 1), 10, "工作日", work)
    assert inside.date == D(2026, 12, 15) and inside.notes == ()


def test_a_due_date_on_a_rest_day_is_named_and_not_moved(work):
    sunday = deadline(D(2026, 12, 7), 3, "个月", work)
    assert sunday.date == D(2027, 3, 7) and sunday.rest_day == "星期日"
    assert sunday.notes[0] == "该日为休息日（星期日）；来源未规定截止日遇休息日是否顺延，本手册不作顺延。"
    assert "2027 年放假安排未收录，该日是否放假或调休上班" in sunday.notes[1]
    qingming = deadline(D(2026, 1, 5), 3, "个月", work)
    assert qingming.date == D(2026, 4, 5) and qingming.rest_day == "清明节" and len(qingming.notes) == 1
    worked_saturday = deadline(D(2026, 1, 28), 1, "个月", work)
    assert worked_saturday.date == D(2026, 2, 28) and worked_saturday.rest_day is None


def test_a_year_added_as_data_is_used_without_a_code_change(work):
    """2027 as an editor would add it (the dates here are made up for the test): the calculator
    then names its holidays and drops the 'not yet published' note."""
    year = m.HolidayYear(2027, "测试用通知", None, "2026-11-01",
                         MappingProxyType({D(2027, 4, 3): "清明节", D(2027, 4, 4): "清明节", D(2027, 4, 5): "清明节"}),
                         MappingProxyType({D(2027, 4, 10): "清明节"}))
    with_2027 = work_calendar([year])
    due = deadline(D(2027, 1, 5), 3, "个月", with_2027)
    assert due.date == D(2027, 4, 5) and due.rest_day == "清明节" and due.unscheduled == ()
    assert deadline(D(2027, 4, 9), 1, "工作日", with_2027).date == D(2027, 4, 10)  # a worked Saturday
    assert with_2027.years[2027] == "测试用通知，2026-11-01 发布"


def test_the_data_and_the_package_agree_on_every_year_both_hold(handbook):
    """One source of truth per year: where data/calendar.yaml repeats a year chinese-calendar has,
    the two must be the same schedule (day by day, make-up Saturdays and Sundays included)."""
    import chinese_calendar

    assert handbook.holiday_years, "data/calendar.yaml holds at least the latest published year"
    for year in handbook.holiday_years:
        package_off = {day for day in chinese_calendar.holidays if day.year == year.year}
        package_worked = {day for day in chinese_calendar.workdays if day.year == year.year and day.weekday() >= 5}
        if package_off:
            assert set(year.days_off) == package_off, year.year
            assert set(year.workdays) == package_worked, year.year


def test_the_reminder_comes_from_the_first_of_october_while_next_year_is_missing(work):
    assert schedule_reminder(work, D(2026, 9, 30)) is None
    line = schedule_reminder(work, D(2026, 10, 1))
    assert line.startswith("2027 年的放假安排尚未收录") and "data/calendar.yaml" in line
    assert schedule_reminder(work, D(2025, 12, 1)) is None  # 2026 is there


def test_check_prints_the_reminder_as_a_notice_not_an_error(capsys):
    from macros.cli import PROJECT, check

    assert check(PROJECT / "data", today=D(2026, 12, 28)) == 0
    assert "- 2027 年的放假安排尚未收录" in capsys.readouterr().out
    assert check(PROJECT / "data", today=D(2026, 6, 1)) == 0
    assert "放假安排尚未收录" not in capsys.readouterr().out


def test_months_follow_the_calendar():
    assert add_months(D(2026, 12, 31), 2) == D(2027, 2, 28)


def _dates() -> list[D]:
    """Over 200 start dates: year ends, 春节 and 国庆 of two years, and a year without a schedule."""
    spans = [(D(2024, 12, 20), 17), (D(2025, 1, 20), 22), (D(2025, 9, 25), 18), (D(2026, 2, 5), 24),
             (D(2026, 9, 15), 31), (D(2026, 12, 15), 32), (D(2027, 3, 25), 17), (D(2027, 6, 1), 45)]
    return [first + dt.timedelta(days=n) for first, days in spans for n in range(days)]


# Every limit the calculator offers, once per kind: (amount, unit, kind).
BOXES = [("10", "工作日", "within"), ("3", "个月", "within"), ("1", "年", "every")]


def test_python_and_the_browser_give_the_same_answer_on_every_date(browser, served_site, work):
    dates = _dates()
    assert len(dates) >= 200
    page = open_page(browser.new_context())
    page.goto(f"{served_site}time-limits.html")
    page.wait_for_selector(".hb-deadline:not([hidden])")
    answers = page.evaluate("""([boxes, dates]) => boxes.map(([amount, unit, kind]) => {
        const box = document.querySelector(
            `.hb-deadline[data-amount="${amount}"][data-unit="${unit}"][data-kind="${kind}"]`);
        const input = box.querySelector("input"), output = box.querySelector("output");
        return dates.map(date => {
            input.value = date;
            input.dispatchEvent(new Event("input"));
            return [output.dataset.due, output.dataset.rest, output.dataset.unscheduled, output.textContent];
        });
    })""", [BOXES, [d.isoformat() for d in dates]])
    wrong = []
    for (amount, unit, _kind), per_date in zip(BOXES, answers, strict=True):
        for start, (due, rest, unscheduled, text) in zip(dates, per_date, strict=True):
            expected = deadline(start, int(amount), unit, work)
            if (due, rest, unscheduled) != (expected.date.isoformat(), expected.rest_day or "",
                                            ",".join(map(str, expected.unscheduled))):
                wrong.append(f"{start} +{amount}{unit}: {due} {rest} {unscheduled}")
            elif not text.endswith("".join(expected.notes)):
                wrong.append(f"{start} +{amount}{unit}: {text}")
    assert wrong == []
    assert page.errors == []


@pytest.mark.parametrize(("start", "box", "shown", "notes"), [
    ("2026-12-20", BOXES[0], "2027 年 1 月 1 日（星期五）", ["2027 年放假安排未收录，按周一至周五推算，仅供参考"]),
    ("2026-12-07", BOXES[1], "2027 年 3 月 7 日（星期日）", ["该日为休息日（星期日）", "本手册不作顺延"]),
    ("2027-01-05", BOXES[1], "2027 年 4 月 5 日（星期一）", ["2027 年放假安排未收录，该日是否放假或调休上班"]),
])
@pytest.mark.parametrize("where", ["served", "folder"])
def test_the_calculator_in_chromium_around_the_year_end(browser, served_site, built_site, where, start, box, shown,
                                                         notes):
    """On the intranet and from the offline folder (file://) alike."""
    page = open_page(browser.new_context())
    base = served_site if where == "served" else built_site.as_uri() + "/"
    page.goto(f"{base}time-limits.html")
    amount, unit, kind = box
    calculator = page.locator(f'.hb-deadline[data-amount="{amount}"][data-unit="{unit}"][data-kind="{kind}"]').first
    calculator.wait_for(state="visible")
    calculator.locator("input").fill(start)
    output = calculator.locator("output")
    page.wait_for_function("el => el.getAttribute('data-due')", arg=output.element_handle())
    text = output.inner_text()
    assert shown in text and all(note in text for note in notes), text
    assert page.errors == []


STANDING = "依据：s000，云南省约 2015 年的调研报告：调研报告提出的建议，不是已施行的规定"


def test_every_computed_date_shows_what_it_rests_on(built_site, handbook):
    """On 时限一览 and on each step: every calculator stands beside the standing of its source."""
    page = (built_site / "time-limits.html").read_text(encoding="utf-8")
    calculators = page.count('class="hb-deadline"')
    computable = [limit for p in handbook.procedures
                  for limit in (p.frequency, *(s.time_limit for s in p.time_limited_steps)) if limit and limit.computable]
    assert calculators == len(computable) > 0 and page.count(STANDING) >= calculators
    step = next(s for p in handbook.procedures for s in p.time_limited_steps if s.time_limit.computable)
    assert STANDING in (built_site / "procedures" / f"{step.procedure.id}.html").read_text(encoding="utf-8")


def test_the_pdf_steps_and_record_forms_show_what_limits_rest_on(built_site, handbook):
    text = poppler("pdftotext", built_site / "pdf" / "handbook.pdf").replace("\n", "")
    assert STANDING in text
    procedure = next(p for p in handbook.procedures if any(s.time_limit and s.time_limit.computable for s in p.steps))
    form = poppler("pdftotext", built_site / "pdf" / "checklists" / f"{procedure.id}-record.pdf").replace("\n", "")
    assert STANDING in form


def test_the_time_limit_page_offers_the_calculator_for_every_computable_limit(built_site, handbook):
    page = (built_site / "time-limits.html").read_text(encoding="utf-8")
    computable = [s for p in handbook.procedures for s in p.time_limited_steps if s.time_limit.computable]
    assert len(computable) >= 2
    assert page.count('class="hb-deadline"') == len(computable) + sum(
        1 for e in (*handbook.procedures, *handbook.duties) if e.frequency and e.frequency.computable)
    assert "来源没有给出可推算日期的期限" in page and "国务院办公厅关于2026年部分节假日安排的通知" in page


def test_a_frequency_of_a_duty_shows_on_its_role_page_and_the_time_limit_page(built_site, handbook):
    duties = [d for d in handbook.duties if d.frequency]
    assert duties, "the data states at least one duty's frequency (巡视 once per term)"
    limits = (built_site / "time-limits.html").read_text(encoding="utf-8")
    for duty in duties:
        role_page = (built_site / "roles" / f"{duty.role.id}.html").read_text(encoding="utf-8")
        assert duty.frequency.limit in role_page
        assert f"{duty.title}</a>（{duty.role.name}）" in limits and duty.frequency.limit in limits
