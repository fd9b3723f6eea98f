"""The ledger's day: today, a demo's day (DUBAN_TODAY) or a replayed one, the time of day kept."""

from __future__ import annotations

from datetime import date

import pytest

from duban import clock
from duban.errors import DubanError


def test_today_is_today_unless_a_demo_or_a_replay_names_another_day(monkeypatch):
    monkeypatch.delenv("DUBAN_TODAY", raising=False)
    assert clock.today() == date.today() and clock.demo_day() is None
    monkeypatch.setenv("DUBAN_TODAY", "2024-12-18")
    assert clock.today() == date(2024, 12, 18) == clock.demo_day()
    assert clock.now().date() == date(2024, 12, 18)
    with clock.set_to(date(2024, 3, 1)):
        assert clock.today() == date(2024, 3, 1)
    assert clock.today() == date(2024, 12, 18)


@pytest.mark.parametrize("named", ["2024-13-01", "明天", "18/12/2024"])
def test_a_demo_day_that_is_not_a_date_is_refused_by_name(monkeypatch, named):
    monkeypatch.setenv("DUBAN_TODAY", named)
    with pytest.raises(DubanError, match="DUBAN_TODAY"):
        clock.today()
