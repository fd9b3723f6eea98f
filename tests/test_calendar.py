"""Working days with China's statutory holidays and make-up workdays."""

from __future__ import annotations

from datetime import date

import pytest

from duban.supervise import calendar


@pytest.mark.parametrize("day, workday", [
    (date(2024, 2, 4), True),  # Sunday, a make-up workday before the Spring Festival
    (date(2024, 2, 12), False),  # Monday in the Spring Festival holiday
    (date(2024, 10, 1), False),  # National Day
    (date(2024, 10, 12), True),  # Saturday, make-up workday
    (date(2024, 11, 30), False),  # an ordinary Saturday
    (date(2025, 1, 2), True),
    (date(2025, 1, 1), False),
])
def test_is_workday_follows_the_state_council_schedule(day, workday):
    assert calendar.is_workday(day) is workday


@pytest.mark.parametrize("start, n, end", [
    (date(2024, 9, 27), 2, date(2024, 9, 30)),  # Friday + 2: Sunday 29 is a make-up workday
    (date(2024, 9, 30), 1, date(2024, 10, 8)),  # across the National Day week
    (date(2024, 12, 31), 1, date(2025, 1, 2)),  # New Year's Day is off
    (date(2024, 3, 1), 0, date(2024, 3, 1)),
])
def test_add_workdays(start, n, end):
    assert calendar.add_workdays(start, n) == end


def test_workdays_between_counts_the_days_after_start_up_to_end():
    assert calendar.workdays_between(date(2024, 12, 31), date(2025, 1, 15)) == 10
    assert calendar.workdays_between(date(2025, 1, 15), date(2024, 12, 31)) == -10
    assert calendar.workdays_between(date(2024, 5, 1), date(2024, 5, 1)) == 0


def test_next_workday_moves_a_limit_off_a_holiday():
    assert calendar.next_workday(date(2024, 5, 1)) == date(2024, 5, 6)
    assert calendar.next_workday(date(2024, 5, 6)) == date(2024, 5, 6)


def test_a_year_the_library_does_not_know_falls_back_to_weekdays():
    far = date(2099, 10, 1)  # a Thursday; no holiday schedule published for 2099
    assert not calendar.known(far) and calendar.is_workday(far)
    assert not calendar.is_workday(date(2099, 10, 3))
