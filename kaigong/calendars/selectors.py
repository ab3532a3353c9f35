"""
Reads of the working-day calendar: the cached ``WorkCalendar`` and due dates.

``work_calendar(region_code)`` loads the national exceptions plus the region's own (a region's
row wins over the national row for the same date, 全国年节及纪念日放假办法 art. 4) once, and
caches the result under the current ``CalendarVersion`` token, in this process and in the
Django cache. Every write bumps the token, so a cached calendar is never stale: not after an
import, not after a rolled-back one, and not in another process sharing the cache.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from django.core.cache import cache
from django.utils.translation import gettext as _

from kaigong.core.exceptions import InvalidInput
from kaigong.core.request_cache import request_cached

from .constants import MAX_DAYS, MAX_YEAR, MIN_YEAR, NATIONAL, ErrorCode
from .models import CalendarDay, CalendarVersion, CalendarYear
from .workdays import DueDate, Pause, WorkCalendar, explain_due_date

_REGION = re.compile(r"^(\d{6})?$")
_CACHE_SECONDS = 24 * 3600
_MEMO_SIZE = 64
_memo: dict[tuple[str, str], WorkCalendar] = {}


CALENDAR_TOKEN_KEY = "calendars:version_token"


def _read_version_token() -> str:
    token = CalendarVersion.objects.order_by("id").values_list("token", flat=True).first()
    return str(token) if token else "none"


def calendar_version_token() -> str:
    """
    The token of the calendar's current contents ("none" before any write); read once per
    request (a request that writes the calendar forgets it, ``calendar_version_bump``).
    """
    # perf: a transition consults the calendar four to six times
    return request_cached(CALENDAR_TOKEN_KEY, _read_version_token)


def _load(region_code: str) -> WorkCalendar:
    regions = [NATIONAL] if region_code == NATIONAL else [NATIONAL, region_code]
    rows = (
        CalendarDay.objects.filter(region_code__in=regions)
        .order_by("date")
        .values_list("region_code", "date", "is_workday", "kind", "name")
    )
    overrides: dict[date, bool] = {}
    reasons: dict[date, str] = {}
    kinds: dict[date, str] = {}
    regional: set[date] = set()
    for region, day, is_workday, kind, name in rows:
        if region == NATIONAL and day in regional:
            continue  # the region's own row for this date wins
        if region != NATIONAL:
            regional.add(day)
        overrides[day] = is_workday
        reasons[day] = name
        kinds[day] = kind
    known = frozenset(
        CalendarYear.objects.filter(region_code=NATIONAL).values_list("year", flat=True)
    )
    return WorkCalendar(overrides=overrides, known_years=known, reasons=reasons, kinds=kinds)


def _check_region(region_code: str) -> None:
    if not isinstance(region_code, str) or not _REGION.match(region_code):
        raise InvalidInput(
            _("A region code is six digits (GB/T 2260), or empty for national."),
            code=ErrorCode.INVALID_REGION,
            invalid_params=[
                {"name": "region", "code": ErrorCode.INVALID_REGION, "reason": _("Six digits.")}
            ],
        )


_regions_memo: dict[str, frozenset[str]] = {}


def calendar_regions() -> frozenset[str]:
    """
    The regions with days of their own (a regional notice); every other region follows
    the national calendar. One token query when cached.
    """
    token = calendar_version_token()
    regions = _regions_memo.get(token)
    if regions is None:
        rows = CalendarDay.objects.exclude(region_code=NATIONAL).order_by()
        regions = frozenset(rows.values_list("region_code", flat=True).distinct())
        _regions_memo.clear()  # only the current token's answer is ever read again
        _regions_memo[token] = regions
    return regions


def work_calendar(region_code: str = NATIONAL) -> WorkCalendar:
    """Return the calendar for ``region_code`` ("" = national): one token query when cached."""
    _check_region(region_code)
    token = calendar_version_token()
    key = (token, region_code)
    calendar = _memo.get(key)
    if calendar is not None:
        return calendar
    cache_key = f"kaigong:calendar:{token}:{region_code or 'national'}"
    calendar = cache.get(cache_key)
    if calendar is None:
        calendar = _load(region_code)
        cache.set(cache_key, calendar, _CACHE_SECONDS)
    if len(_memo) >= _MEMO_SIZE:
        _memo.clear()
    _memo[key] = calendar
    return calendar


def due_date_check(start: date, days: int) -> None:
    """Raise ``InvalidInput`` (``invalid_date`` / ``invalid_days``) for absurd inputs."""
    if not isinstance(start, date) or not MIN_YEAR <= start.year <= MAX_YEAR:
        raise InvalidInput(
            _("The start date must be in the years %(min)s to %(max)s.")
            % {"min": MIN_YEAR, "max": MAX_YEAR},
            code=ErrorCode.INVALID_DATE,
            invalid_params=[
                {"name": "start", "code": ErrorCode.INVALID_DATE, "reason": _("Out of range.")}
            ],
        )
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_DAYS:
        raise InvalidInput(
            _("The number of working days must be a whole number from 0 to %(max)s.")
            % {"max": MAX_DAYS},
            code=ErrorCode.INVALID_DAYS,
            invalid_params=[
                {"name": "days", "code": ErrorCode.INVALID_DAYS, "reason": _("Out of range.")}
            ],
        )


def due_date(
    start: date,
    days: int,
    *,
    region_code: str = NATIONAL,
    count_start: bool = False,
    pauses: Sequence[Pause] = (),
) -> DueDate:
    """Return the explained due date ``days`` working days after ``start`` (day 0)."""
    due_date_check(start, days)
    calendar = work_calendar(region_code)
    return explain_due_date(
        start, days, calendar=calendar, count_start=count_start, pauses=tuple(pauses)
    )


def due_date_summary(result: DueDate) -> str:
    """One sentence in the request's language that explains ``result``."""
    weekend = sum(1 for s in result.skipped if s.kind == "weekend")
    paused = sum(1 for s in result.skipped if s.kind == "paused")
    holiday = len(result.skipped) - weekend - paused
    text = _(
        "Starting from %(start)s (%(first)s), %(days)s working days end on %(due)s; "
        "%(weekend)s weekend days, %(holiday)s holidays and %(paused)s paused days were "
        "skipped, and %(adjusted)s adjusted weekend working days counted."
    ) % {
        "start": result.start.isoformat(),
        "first": _("the start day counts")
        if result.count_start
        else _("counting from the next working day"),
        "days": result.days,
        "due": result.due_on.isoformat(),
        "weekend": weekend,
        "holiday": holiday,
        "paused": paused,
        "adjusted": len(result.adjusted),
    }
    if result.provisional:
        text += " " + _(
            "Provisional: no published arrangement yet for %(years)s, computed Monday to Friday."
        ) % {"years": ", ".join(str(y) for y in result.provisional_years)}
    return text
