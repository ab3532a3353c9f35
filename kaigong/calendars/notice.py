"""
The notice file format ``kaigong-calendar-notice/1`` (docs/calendar.md): parse and validate.

PURE: no database. ``notice_parse`` returns the parsed notice and *every* error found, so an
administrator fixes a file in one go; the import service writes nothing when there is any.

A notice lists holiday breaks as date ranges and the adjusted working days (调休上班) one by
one. Only the exceptions to Monday–Friday become calendar rows: the weekdays inside a break
(the weekends inside it are rest days anyway) and the adjusted weekend days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext as _

from .constants import MAX_YEAR, MIN_YEAR, NOTICE_FORMAT, DayKind

TOP_KEYS_REQUIRED = {"format", "year", "notice_number", "title", "holidays", "adjusted_workdays"}
TOP_KEYS_OPTIONAL = {"region_code", "published_on", "source_url", "note"}
HOLIDAY_KEYS_REQUIRED = {"name", "start", "end"}
HOLIDAY_KEYS_OPTIONAL = {"note"}
ADJUSTED_KEYS_REQUIRED = {"date", "name"}
ADJUSTED_KEYS_OPTIONAL = {"note"}
MAX_BREAK_DAYS = 31  # no break in any notice since 2004 is longer than 10 days

_REGION = re.compile(r"^(\d{6})?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class NoticeDay:
    date: date
    is_workday: bool
    kind: str
    name: str
    note: str = ""


@dataclass(frozen=True)
class Notice:
    year: int
    region_code: str
    notice_number: str
    title: str
    published_on: date | None
    source_url: str
    note: str
    days: tuple[NoticeDay, ...]


class _Errors:
    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []

    def add(self, name: str, code: str, reason: str) -> None:
        self.items.append({"name": name, "code": code, "reason": reason})


def _keys(obj: dict, required: set[str], optional: set[str], where: str, errors: _Errors) -> None:
    for key in sorted(required - obj.keys()):
        errors.add(f"{where}{key}", "required", _("This key is required."))
    for key in sorted(obj.keys() - required - optional, key=str):
        errors.add(f"{where}{key}", "unknown_key", _("Unknown key; check the spelling."))


def _text(obj: dict, key: str, where: str, errors: _Errors, *, required: bool) -> str:
    value = obj.get(key, "")
    if not isinstance(value, str):
        errors.add(f"{where}{key}", "not_a_string", _("Must be a string."))
        return ""
    if required and key in obj and not value.strip():
        errors.add(f"{where}{key}", "blank", _("Must not be blank."))
    return value.strip()


def _date(value: Any, name: str, errors: _Errors) -> date | None:
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        errors.add(name, "invalid_date", _("Must be a date written YYYY-MM-DD."))
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.add(name, "invalid_date", _("This date does not exist."))
        return None


def _in_year(day: date | None, year: int | None, name: str, errors: _Errors) -> bool:
    if day is None:
        return False
    if year is not None and day.year != year:
        errors.add(
            name,
            "date_outside_year",
            _("%(date)s is not in %(year)s.") % {"date": day.isoformat(), "year": year},
        )
        return False
    return True


def _year(notice: dict, errors: _Errors) -> int | None:
    value = notice.get("year")
    if "year" not in notice:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        errors.add("year", "invalid_year", _("Must be a whole number such as 2027."))
        return None
    if not MIN_YEAR <= value <= MAX_YEAR:
        errors.add(
            "year",
            "invalid_year",
            _("Must be between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
        )
        return None
    return value


def _list(notice: dict, key: str, errors: _Errors) -> list:
    value = notice.get(key, [])
    if not isinstance(value, list):
        errors.add(key, "not_a_list", _("Must be a list."))
        return []
    return value


def notice_parse(notice: Any) -> tuple[Notice | None, list[dict[str, str]]]:
    """Return ``(notice, [])`` for a valid file, or ``(None, errors)`` listing every error."""
    errors = _Errors()
    if not isinstance(notice, dict):
        errors.add("__all__", "not_an_object", _("The file must contain one JSON object."))
        return None, errors.items
    _keys(notice, TOP_KEYS_REQUIRED, TOP_KEYS_OPTIONAL, "", errors)
    if "format" in notice and notice.get("format") != NOTICE_FORMAT:
        errors.add(
            "format",
            "unknown_format",
            _("The format must be %(format)s.") % {"format": NOTICE_FORMAT},
        )
    year = _year(notice, errors)
    region_code = _text(notice, "region_code", "", errors, required=False)
    if not _REGION.match(region_code):
        errors.add("region_code", "invalid_region", _("Six digits (GB/T 2260), or empty."))
    notice_number = _text(notice, "notice_number", "", errors, required=True)
    title = _text(notice, "title", "", errors, required=True)
    source_url = _text(notice, "source_url", "", errors, required=False)
    note = _text(notice, "note", "", errors, required=False)
    published_on = None
    if notice.get("published_on") not in (None, ""):
        published_on = _date(notice["published_on"], "published_on", errors)

    rest: dict[date, tuple[str, str, str]] = {}  # date -> (name, note, where)
    for index, item in enumerate(_list(notice, "holidays", errors)):
        where = f"holidays[{index}]."
        if not isinstance(item, dict):
            errors.add(where[:-1], "not_an_object", _("Each holiday must be an object."))
            continue
        _keys(item, HOLIDAY_KEYS_REQUIRED, HOLIDAY_KEYS_OPTIONAL, where, errors)
        name = _text(item, "name", where, errors, required=True)
        item_note = _text(item, "note", where, errors, required=False)
        start = _date(item.get("start"), f"{where}start", errors) if "start" in item else None
        end = _date(item.get("end"), f"{where}end", errors) if "end" in item else None
        start_ok = _in_year(start, year, f"{where}start", errors)
        end_ok = _in_year(end, year, f"{where}end", errors)
        if not (start_ok and end_ok):
            continue
        if end < start:
            errors.add(f"{where}end", "end_before_start", _("The break ends before it starts."))
            continue
        if (end - start).days + 1 > MAX_BREAK_DAYS:
            errors.add(
                f"{where}end",
                "break_too_long",
                _("A break may last at most %(n)s days.") % {"n": MAX_BREAK_DAYS},
            )
            continue
        day = start
        while day <= end:
            if day in rest:
                errors.add(
                    where[:-1],
                    "overlapping_holidays",
                    _("%(date)s is already in %(other)s.")
                    % {"date": day.isoformat(), "other": rest[day][2]},
                )
                break
            rest[day] = (name, item_note, where[:-1])
            day += timedelta(days=1)

    work: dict[date, tuple[str, str]] = {}
    for index, item in enumerate(_list(notice, "adjusted_workdays", errors)):
        where = f"adjusted_workdays[{index}]."
        if not isinstance(item, dict):
            errors.add(
                where[:-1], "not_an_object", _("Each adjusted working day must be an object.")
            )
            continue
        _keys(item, ADJUSTED_KEYS_REQUIRED, ADJUSTED_KEYS_OPTIONAL, where, errors)
        name = _text(item, "name", where, errors, required=True)
        item_note = _text(item, "note", where, errors, required=False)
        day = _date(item.get("date"), f"{where}date", errors) if "date" in item else None
        if not _in_year(day, year, f"{where}date", errors):
            continue
        if day.weekday() < 5:
            errors.add(
                f"{where}date",
                "adjusted_workday_not_weekend",
                _(
                    "%(date)s is a weekday; only a Saturday or Sunday can be an adjusted working day."
                )
                % {"date": day.isoformat()},
            )
        elif day in rest:
            errors.add(
                f"{where}date",
                "holiday_and_workday",
                _("%(date)s is listed both as a holiday (%(other)s) and as a working day.")
                % {"date": day.isoformat(), "other": rest[day][2]},
            )
        elif day in work:
            errors.add(f"{where}date", "duplicate_date", _("This date is listed twice."))
        else:
            work[day] = (name, item_note)

    if errors.items:
        return None, errors.items
    off_kind = DayKind.LOCAL if region_code else DayKind.HOLIDAY
    days = [
        NoticeDay(day, False, off_kind.value, name, item_note)
        for day, (name, item_note, _where) in rest.items()
        if day.weekday() < 5
    ]
    days += [
        NoticeDay(day, True, DayKind.ADJUSTED_WORKDAY.value, name, item_note)
        for day, (name, item_note) in work.items()
    ]
    return (
        Notice(
            year=year,
            region_code=region_code,
            notice_number=notice_number,
            title=title,
            published_on=published_on,
            source_url=source_url,
            note=note,
            days=tuple(sorted(days, key=lambda d: d.date)),
        ),
        [],
    )
