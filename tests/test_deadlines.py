"""Deadlines a cadre acts on: a computable time limit gives the same due date in Python and in the
browser's calculator, on China's official calendar with its make-up working days (调休)."""

from __future__ import annotations

import datetime as dt

import pytest

from macros.deadlines import OutsideCalendar, add_months, due_date, official_calendar

from .conftest import open_page

D = dt.date


@pytest.fixture(scope="module")
def work():
    return official_calendar()


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
    # calendar months and days
    (D(2026, 1, 31), 1, "个月", D(2026, 2, 28)),
    (D(2024, 1, 31), 1, "个月", D(2024, 2, 29)),
    (D(2026, 11, 30), 3, "个月", D(2027, 2, 28)),
    (D(2024, 2, 29), 1, "年", D(2025, 2, 28)),
    (D(2026, 9, 30), 10, "日", D(2026, 10, 10)),
])
def test_due_dates_on_the_official_calendar(work, start, amount, unit, due):
    assert due_date(start, amount, unit, work) == due


def test_the_calendar_says_what_it_covers_and_refuses_the_rest(work):
    assert work.first == D(work.first.year, 1, 1) and work.last == D(work.last.year, 12, 31)
    assert work.first.year <= 2015 and work.last.year >= 2026
    with pytest.raises(OutsideCalendar, match="不在日历覆盖的"):
        due_date(D(work.last.year, 12, 28), 10, "工作日", work)
    assert add_months(D(2026, 12, 31), 2) == D(2027, 2, 28)


def test_the_calculator_on_a_step_page_gives_the_same_date(browser, served_site, handbook, work):
    step = next(s for s in handbook.procedure("clue-handling").steps if s.time_limit and s.time_limit.unit == "工作日")
    context = browser.new_context()
    page = open_page(context)
    page.goto(f"{served_site}procedures/clue-handling.html#step-{step.id}")
    box = page.locator(f'[data-step="{step.id}"] .hb-deadline')
    box.wait_for(state="visible")
    box.locator("input").fill("2026-09-30")
    due = box.locator("output")
    expected = due_date(D(2026, 9, 30), step.time_limit.amount, "工作日", work)
    assert expected == D(2026, 10, 20)
    page.wait_for_function("el => el.getAttribute('data-due')", arg=due.element_handle())
    assert due.get_attribute("data-due") == expected.isoformat()
    assert "2026 年 10 月 20 日（星期二）" in due.inner_text()
    box.locator("input").fill(f"{work.last.year}-12-28")
    assert "无法推算" in due.inner_text()
    assert page.errors == []
    context.close()


def test_the_time_limit_page_offers_the_calculator_for_every_computable_limit(built_site, handbook):
    page = (built_site / "time-limits.html").read_text(encoding="utf-8")
    computable = [s for p in handbook.procedures for s in p.time_limited_steps if s.time_limit.computable]
    assert len(computable) >= 2
    assert page.count('class="hb-deadline"') == len(computable) + sum(
        1 for e in (*handbook.procedures, *handbook.duties) if e.frequency and e.frequency.computable)
    assert "来源没有给出可推算日期的期限" in page and "覆盖 " in page


def test_a_frequency_of_a_duty_shows_on_its_role_page_and_the_time_limit_page(built_site, handbook):
    duties = [d for d in handbook.duties if d.frequency]
    assert duties, "the data states at least one duty's frequency (巡视 once per term)"
    limits = (built_site / "time-limits.html").read_text(encoding="utf-8")
    for duty in duties:
        role_page = (built_site / "roles" / f"{duty.role.id}.html").read_text(encoding="utf-8")
        assert duty.frequency.limit in role_page
        assert f"{duty.title}</a>（{duty.role.name}）" in limits and duty.frequency.limit in limits
