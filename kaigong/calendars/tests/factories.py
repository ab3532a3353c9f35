"""Factories and notice builders for the calendar tests."""

import copy
import json
from pathlib import Path

import factory

from kaigong.calendars.constants import DayKind, YearOrigin
from kaigong.calendars.models import CalendarDay, CalendarYear

EXAMPLE_2027 = Path(__file__).resolve().parent.parent / "fixtures" / "notice-2027-example.json"


def example_notice() -> dict:
    """The shipped 2027 EXAMPLE notice, as a fresh dict that a test may change."""
    return copy.deepcopy(json.loads(EXAMPLE_2027.read_text(encoding="utf-8")))


def regional_notice(region_code: str = "652300", year: int = 2026) -> dict:
    """A regional notice: a minority festival on a weekday (docs/legal.md#holiday-notice)."""
    return {
        "format": "kaigong-calendar-notice/1",
        "year": year,
        "region_code": region_code,
        "notice_number": "测试州政办发〔2025〕1号",
        "title": "关于古尔邦节放假的通知（测试）",
        "holidays": [{"name": "古尔邦节", "start": f"{year}-05-27", "end": f"{year}-05-28"}],
        "adjusted_workdays": [],
    }


class CalendarYearFactory(factory.django.DjangoModelFactory):
    """Rows for read-only tests (admin listing); writes in tests go through the services."""

    class Meta:
        model = CalendarYear

    region_code = "110000"
    year = 2030
    title = factory.LazyAttribute(lambda o: f"关于{o.year}年部分节假日安排的通知（测试）")
    origin = YearOrigin.NOTICE_FILE


class CalendarDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarDay

    calendar_year = factory.SubFactory(CalendarYearFactory)
    region_code = factory.SelfAttribute("calendar_year.region_code")
    is_workday = False
    kind = DayKind.HOLIDAY
    name = "测试节"
