"""
The 2025 and 2026 arrangements written out by hand from the State Council notices
(docs/legal.md#holiday-notice; brief), NOT derived from chinesecalendar or from the app's code, so that
tests compare two independent sources.
"""

from datetime import date, timedelta

from kaigong.calendars.workdays import WorkCalendar

# (festival, first day, last day) of each break, weekends inside included.
BREAKS = [
    ("元旦", date(2025, 1, 1), date(2025, 1, 1)),
    ("春节", date(2025, 1, 28), date(2025, 2, 4)),
    ("清明", date(2025, 4, 4), date(2025, 4, 6)),
    ("劳动节", date(2025, 5, 1), date(2025, 5, 5)),
    ("端午", date(2025, 5, 31), date(2025, 6, 2)),
    ("国庆节", date(2025, 10, 1), date(2025, 10, 8)),  # 国庆 + 中秋
    ("元旦", date(2026, 1, 1), date(2026, 1, 3)),
    ("春节", date(2026, 2, 15), date(2026, 2, 23)),
    ("清明", date(2026, 4, 4), date(2026, 4, 6)),
    ("劳动节", date(2026, 5, 1), date(2026, 5, 5)),
    ("端午", date(2026, 6, 19), date(2026, 6, 21)),
    ("中秋", date(2026, 9, 25), date(2026, 9, 27)),
    ("国庆节", date(2026, 10, 1), date(2026, 10, 7)),
]

# 调休上班: weekend days that are working days.
ADJUSTED_WORKDAYS = [
    date(2025, 1, 26),  # Sun, 春节
    date(2025, 2, 8),  # Sat, 春节
    date(2025, 4, 27),  # Sun, 劳动节
    date(2025, 9, 28),  # Sun, 国庆
    date(2025, 10, 11),  # Sat, 国庆
    date(2026, 1, 4),  # Sun, 元旦
    date(2026, 2, 14),  # Sat, 春节
    date(2026, 2, 28),  # Sat, 春节
    date(2026, 5, 9),  # Sat, 劳动节
    date(2026, 9, 20),  # Sun, 国庆
    date(2026, 10, 10),  # Sat, 国庆
]

# (day 0, working days, due date, why): one row per break and per adjusted weekend.
DUE_DATES = [
    (date(2024, 12, 31), 1, date(2025, 1, 2), "元旦 1 Jan"),
    (date(2025, 1, 24), 1, date(2025, 1, 26), "26 Jan Sun works"),
    (date(2025, 1, 26), 1, date(2025, 1, 27), "after the worked Sunday"),
    (date(2025, 1, 27), 1, date(2025, 2, 5), "春节 28 Jan–4 Feb"),
    (date(2025, 2, 7), 1, date(2025, 2, 8), "8 Feb Sat works"),
    (date(2025, 2, 8), 1, date(2025, 2, 10), "after the worked Saturday"),
    (date(2025, 4, 3), 1, date(2025, 4, 7), "清明 4–6 Apr"),
    (date(2025, 4, 25), 1, date(2025, 4, 27), "27 Apr Sun works"),
    (date(2025, 4, 30), 1, date(2025, 5, 6), "劳动节 1–5 May"),
    (date(2025, 5, 30), 1, date(2025, 6, 3), "端午 31 May–2 Jun"),
    (date(2025, 9, 26), 1, date(2025, 9, 28), "28 Sep Sun works"),
    (date(2025, 9, 30), 1, date(2025, 10, 9), "国庆+中秋 1–8 Oct"),
    (date(2025, 10, 10), 1, date(2025, 10, 11), "11 Oct Sat works"),
    (date(2025, 10, 11), 1, date(2025, 10, 13), "after the worked Saturday"),
    (date(2025, 12, 31), 1, date(2026, 1, 4), "元旦 1–3 Jan, 4 Jan Sun works"),
    (date(2026, 1, 4), 1, date(2026, 1, 5), "after the worked Sunday"),
    (date(2026, 2, 13), 1, date(2026, 2, 14), "14 Feb Sat works"),
    (date(2026, 2, 14), 1, date(2026, 2, 24), "春节 15–23 Feb"),
    (date(2026, 2, 27), 1, date(2026, 2, 28), "28 Feb Sat works"),
    (date(2026, 2, 28), 1, date(2026, 3, 2), "after the worked Saturday"),
    (date(2026, 4, 3), 1, date(2026, 4, 7), "清明 4–6 Apr"),
    (date(2026, 4, 30), 1, date(2026, 5, 6), "劳动节 1–5 May"),
    (date(2026, 5, 8), 1, date(2026, 5, 9), "9 May Sat works"),
    (date(2026, 6, 18), 1, date(2026, 6, 22), "端午 19–21 Jun"),
    (date(2026, 9, 18), 1, date(2026, 9, 20), "20 Sep Sun works"),
    (date(2026, 9, 24), 1, date(2026, 9, 28), "中秋 25–27 Sep"),
    (date(2026, 9, 30), 1, date(2026, 10, 8), "国庆 1–7 Oct"),
    (date(2026, 10, 9), 1, date(2026, 10, 10), "10 Oct Sat works"),
    # docs/legal.md#counting worked examples
    (date(2026, 2, 12), 5, date(2026, 2, 26), "docs/legal.md#counting example 1"),
    (date(2025, 9, 26), 20, date(2025, 10, 30), "docs/legal.md#counting example 2"),
]


def break_days() -> dict[date, str]:
    days = {}
    for name, first, last in BREAKS:
        day = first
        while day <= last:
            days[day] = name
            day += timedelta(days=1)
    return days


def literal_is_workday(day: date) -> bool:
    if day in ADJUSTED_WORKDAYS:
        return True
    if day in break_days():
        return False
    return day.weekday() < 5


def literal_calendar() -> WorkCalendar:
    """A WorkCalendar for 2025–2026 built only from the literal lists above."""
    overrides: dict[date, bool] = {}
    reasons: dict[date, str] = {}
    for day, name in break_days().items():
        if day.weekday() < 5:
            overrides[day] = False
            reasons[day] = name
    for day in ADJUSTED_WORKDAYS:
        overrides[day] = True
        reasons[day] = "调休上班"
    return WorkCalendar(overrides=overrides, known_years=frozenset({2025, 2026}), reasons=reasons)


def days_of(*years: int):
    for year in years:
        day = date(year, 1, 1)
        while day.year == year:
            yield day
            day += timedelta(days=1)
