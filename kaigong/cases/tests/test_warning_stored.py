"""
The stored first yellow day (``CaseItem.yellow_from_on``) gives the same colour, on every day,
as the threshold rule it replaces (``deadlines.warning_colour``): across the 2026 National Day
week with its 调休 Saturdays and the Spring Festival, for 0 to 5 warning days.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kaigong.cases.constants import WarningColour
from kaigong.cases.deadlines import warning_colour, yellow_from

pytestmark = pytest.mark.django_db


def _days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


@pytest.mark.parametrize(
    ("first_due", "last_due"),
    [(date(2026, 9, 24), date(2026, 10, 16)), (date(2026, 2, 10), date(2026, 3, 3))],
)
@pytest.mark.parametrize("warning_days", [0, 1, 2, 3, 5])
def test_the_stored_first_yellow_day_agrees_with_the_threshold_rule(
    first_due, last_due, warning_days
):
    for due in _days(first_due, last_due):
        first_yellow = yellow_from(due, warning_days)
        for on in _days(due - timedelta(days=30), due):
            by_rule = warning_colour(due, on=on, warning_days=warning_days)
            by_column = WarningColour.YELLOW if first_yellow <= on else WarningColour.GREEN
            assert by_rule == by_column, (due, on, warning_days)


def test_a_hand_counted_first_yellow_day_over_national_day():
    # 2026: 1–7 October off, Saturday 10 October a working day (调休).
    # Due Friday 9 October, 2 warning days: from Wednesday 30 September the next two
    # working days are 8 and 9 October, so it is yellow; from Tuesday 29 September they are
    # 30 September and 8 October, so it was still green.
    assert yellow_from(date(2026, 10, 9), 2) == date(2026, 9, 30)
    # Due Monday 12 October, 1 warning day: from Saturday 10 (a working day) the next one is
    # 12 October: yellow; from Friday 9 the next one is Saturday 10: green.
    assert yellow_from(date(2026, 10, 12), 1) == date(2026, 10, 10)
