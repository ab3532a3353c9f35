"""Pure tests of the notice file parser."""

import json
from datetime import date

from kaigong.calendars.notice import notice_parse

from .factories import example_notice


def _codes(errors):
    return {(e["name"], e["code"]) for e in errors}


def test_the_example_notice_is_valid_and_keeps_only_exceptions():
    parsed, errors = notice_parse(example_notice())

    assert errors == []
    assert parsed.year == 2027
    days = {d.date: d for d in parsed.days}
    assert days[date(2027, 2, 5)].is_workday is False  # Fri in the 春节 break
    assert date(2027, 2, 6) not in days  # a Saturday inside a break is a rest day anyway
    assert days[date(2027, 2, 13)].is_workday is True
    assert days[date(2027, 2, 13)].kind == "adjusted_workday"


def test_a_broken_notice_lists_every_error():
    notice = example_notice()
    notice["format"] = "something/2"
    notice["colour"] = "red"
    del notice["title"]
    notice["holidays"][0] = {"name": "元旦", "start": "2027-02-30", "end": "2027-01-03"}
    notice["holidays"][1]["end"] = "2028-01-01"
    notice["holidays"][2]["extra"] = True
    notice["holidays"].append({"name": "重复", "start": "2027-10-07", "end": "2027-10-08"})
    notice["adjusted_workdays"][0]["date"] = "2027-02-10"  # a Wednesday
    notice["adjusted_workdays"].append({"date": "2027-05-01", "name": "冲突"})  # in 劳动节
    notice["adjusted_workdays"].append({"date": "2026-12-26", "name": "去年"})

    parsed, errors = notice_parse(notice)

    assert parsed is None
    assert _codes(errors) == {
        ("format", "unknown_format"),
        ("colour", "unknown_key"),
        ("title", "required"),
        ("holidays[0].start", "invalid_date"),
        ("holidays[1].end", "date_outside_year"),
        ("holidays[2].extra", "unknown_key"),
        ("holidays[7]", "overlapping_holidays"),
        ("adjusted_workdays[0].date", "adjusted_workday_not_weekend"),
        ("adjusted_workdays[5].date", "holiday_and_workday"),
        ("adjusted_workdays[6].date", "date_outside_year"),
    }


def test_a_notice_that_is_not_an_object_is_refused():
    parsed, errors = notice_parse(["not", "a", "notice"])

    assert parsed is None
    assert errors[0]["code"] == "not_an_object"


def test_bad_year_region_and_types_are_reported():
    notice = example_notice()
    notice["year"] = 1899
    notice["region_code"] = "12ab"
    notice["holidays"] = "春节"
    notice["adjusted_workdays"] = [42]

    parsed, errors = notice_parse(notice)

    assert parsed is None
    assert _codes(errors) == {
        ("year", "invalid_year"),
        ("region_code", "invalid_region"),
        ("holidays", "not_a_list"),
        ("adjusted_workdays[0]", "not_an_object"),
    }


def test_a_regional_notice_marks_its_days_local():
    notice = example_notice()
    notice["region_code"] = "652300"

    parsed, errors = notice_parse(notice)

    assert errors == []
    assert {d.kind for d in parsed.days if not d.is_workday} == {"local"}


def test_the_documented_2026_example_matches_the_seeded_2026_calendar():
    # given the example in docs/calendar.md (the real 2026 notice written as a file)
    from pathlib import Path

    from kaigong.calendars.seed import year_rows

    docs = Path(__file__).resolve().parents[3] / "docs" / "calendar.md"
    text = docs.read_text(encoding="utf-8")
    example = json.loads(text.split("```json", 1)[1].split("```", 1)[0])

    # when it is parsed, then it yields exactly the exceptions chinesecalendar has for 2026
    parsed, errors = notice_parse(example)
    assert errors == []
    assert {(d.date, d.is_workday) for d in parsed.days} == {
        (r["date"], r["is_workday"]) for r in year_rows(2026)
    }
