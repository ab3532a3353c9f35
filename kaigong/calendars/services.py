"""
Writes of the working-day calendar: the chinesecalendar seed and the yearly notice import.

After a write commits, every registered change listener is called with the years that
changed and, where the write can tell, the days whose working status changed (``None``: not
known, every day of the years may have): right after the commit (robust: a failure is logged, never raised into the
request), and durably through the outbox relay (topic ``calendar.changed``, consumer
``calendars.listeners``), which retries until every listener has succeeded. The cases app registers one in its ``AppConfig.ready()`` to recompute the open due
dates of those years (provisional ones in particular, DESIGN.md §5)::

    from kaigong.calendars.services import register_calendar_change_listener
    register_calendar_change_listener(case_due_dates_recompute)  # fn(years, days)

Each write bumps ``CalendarVersion`` (cached calendars are keyed by it) and leaves an audit
record.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaigong.core.exceptions import Conflict, InvalidInput, PermissionDenied
from kaigong.core.request_cache import request_cache_forget
from kaigong.core.services import audit_record, outbox_emit

from . import seed
from .constants import NATIONAL, ErrorCode, YearOrigin
from .models import CalendarDay, CalendarVersion, CalendarYear
from .notice import Notice, NoticeDay, notice_parse
from .permissions import can_import_calendar
from .selectors import CALENDAR_TOKEN_KEY, work_calendar

logger = logging.getLogger(__name__)

CALENDAR_CHANGED = "calendar.changed"
# fn(years, days): the years changed; the days whose working status changed, or None
CalendarChangeListener = Callable[[frozenset[int], frozenset[date] | None], None]
_listeners: list[CalendarChangeListener] = []


def register_calendar_change_listener(fn: CalendarChangeListener) -> None:
    """
    Call ``fn(years, days)`` after every committed calendar change (idempotent per function):
    ``days`` are the days whose working status changed, ``None`` when the write cannot tell.
    """
    if fn not in _listeners:
        _listeners.append(fn)


def unregister_calendar_change_listener(fn: CalendarChangeListener) -> None:
    """Remove ``fn``; for tests and for apps that are unloaded."""
    if fn in _listeners:
        _listeners.remove(fn)


def _notify_listeners(years: frozenset[int], days: frozenset[date] | None = None) -> list[str]:
    """Call every listener; return the names of those that failed (each is logged)."""
    failed = []
    for listener in list(_listeners):
        try:
            listener(years, days)
        except Exception:  # one broken listener must not keep the others from running
            logger.exception("calendar_change_listener_failed")
            failed.append(getattr(listener, "__qualname__", repr(listener)))
    return failed


def calendar_change_deliver(message) -> None:
    """
    The relay consumer ``calendars.listeners`` (registered in apps.py) of ``calendar.changed``:
    the durable path of the listeners, retried with backoff until every one succeeds.
    Listeners must be idempotent (they recompute; running twice changes nothing more).
    """
    raw_days = message.payload.get("days")
    days = None if raw_days is None else frozenset(date.fromisoformat(d) for d in raw_days)
    failed = _notify_listeners(frozenset(message.payload.get("years", [])), days)
    if failed:
        raise RuntimeError("calendar change listeners failed: " + ", ".join(failed))


def calendar_version_bump() -> CalendarVersion:
    """Give the calendar a new version token: every cached calendar becomes unused."""
    version, _created = CalendarVersion.objects.get_or_create(pk=1)
    version.token = uuid.uuid4()
    version.changed_at = timezone.now()
    version.full_clean()
    version.save(update_fields=["token", "changed_at"])
    request_cache_forget(CALENDAR_TOKEN_KEY)
    return version


def _workdays(region_code: str, years: Iterable[int]) -> dict[date, bool]:
    """Every day of ``years`` → is it a working day, by the calendar as it is now."""
    calendar = work_calendar(region_code)
    out = {}
    for year in years:
        day = date(year, 1, 1)
        while day.year == year:
            out[day] = calendar.is_workday(day)
            day += timedelta(days=1)
    return out


def _after_change(
    years: Iterable[int], *, region_code: str = NATIONAL, before: dict[date, bool] | None = None
) -> None:
    """
    Bump the version and tell the listeners. With ``before`` (the region's working days of
    those years before the write, ``_workdays``) the days whose status changed are worked
    out and sent too, so that a listener can leave alone what they cannot touch.
    """
    calendar_version_bump()
    changed = frozenset(years)
    if changed:
        days = None
        payload: dict[str, Any] = {"years": sorted(changed)}
        if before is not None:
            after = _workdays(region_code, changed)
            days = frozenset(d for d, works in after.items() if before.get(d) != works)
            payload["days"] = sorted(d.isoformat() for d in days)
        # Durable: the relay delivers this to the listeners and retries until they succeed.
        outbox_emit(topic=CALENDAR_CHANGED, key="calendar", payload=payload)
        # Prompt: also right after the commit; robust, so a failure is logged, never a 500.
        transaction.on_commit(lambda: _notify_listeners(changed, days), robust=True)


def _write_year(
    *, region_code: str, year: int, fields: dict[str, Any], days: Iterable[NoticeDay], actor
) -> CalendarYear:
    calendar_year = CalendarYear(
        region_code=region_code,
        year=year,
        imported_at=timezone.now(),
        imported_by=actor if getattr(actor, "pk", None) else None,
        **fields,
    )
    calendar_year.full_clean()
    calendar_year.save()
    rows = [
        CalendarDay(
            calendar_year=calendar_year,
            region_code=region_code,
            date=day.date,
            is_workday=day.is_workday,
            kind=day.kind,
            name=day.name,
            note=day.note,
        )
        for day in days
    ]
    for row in rows:
        row.full_clean(exclude=["calendar_year"], validate_unique=False)
    CalendarDay.objects.bulk_create(rows)
    return calendar_year


def ensure_can_import_calendar(actor) -> None:
    if not can_import_calendar(actor):
        raise PermissionDenied(_("Only a catalogue keeper or an administrator may do this."))


@transaction.atomic
def calendar_notice_import(*, notice: dict[str, Any], actor, replace: bool = False) -> CalendarYear:
    """
    Import one year's notice (format ``kaigong-calendar-notice/1``, docs/calendar.md).

    Validates everything first and writes nothing when anything is wrong
    (``invalid_notice``, every error in ``invalid_params``). A year already imported is
    replaced only with ``replace=True`` (else ``calendar_year_exists``, 409). ``actor`` is the
    importing user, or None for a management command.
    """
    ensure_can_import_calendar(actor)
    parsed, errors = notice_parse(notice)
    if parsed is None:
        raise InvalidInput(
            _("The notice file has %(n)s error(s); nothing was imported.") % {"n": len(errors)},
            code=ErrorCode.INVALID_NOTICE,
            invalid_params=errors,
        )
    existing = (
        CalendarYear.objects.select_for_update()
        .filter(region_code=parsed.region_code, year=parsed.year)
        .first()
    )
    if existing is not None and not replace:
        raise Conflict(
            _("%(year)s is already imported; import again with replace to overwrite it.")
            % {"year": parsed.year},
            code=ErrorCode.CALENDAR_YEAR_EXISTS,
        )
    # the working days before the write, to tell the listeners which days changed
    before = _workdays(parsed.region_code, [parsed.year])
    previous = None
    if existing is not None:
        previous = {"notice_number": existing.notice_number, "days": existing.days.count()}
        existing.delete()
    calendar_year = _write_year(
        region_code=parsed.region_code,
        year=parsed.year,
        fields=_notice_fields(parsed),
        days=parsed.days,
        actor=actor,
    )
    audit_record(
        actor=actor,
        action="calendar.notice_imported",
        obj=calendar_year,
        summary=f"{parsed.year} {parsed.region_code or '全国'} {parsed.notice_number}",
        data={
            "year": parsed.year,
            "region_code": parsed.region_code,
            "notice_number": parsed.notice_number,
            "days": len(parsed.days),
            "replaced": previous,
        },
    )
    _after_change([parsed.year], region_code=parsed.region_code, before=before)
    return calendar_year


def _notice_fields(parsed: Notice) -> dict[str, Any]:
    return {
        "notice_number": parsed.notice_number,
        "title": parsed.title,
        "source_url": parsed.source_url,
        "published_on": parsed.published_on,
        "note": parsed.note,
        "origin": YearOrigin.NOTICE_FILE,
    }


@transaction.atomic
def calendar_seed(*, actor=None, years: Iterable[int] | None = None) -> list[CalendarYear]:
    """
    Load the national years chinesecalendar knows and the table lacks; return those created.

    Idempotent: a year already present (seeded or imported) is left alone.
    """
    ensure_can_import_calendar(actor)
    wanted = list(years) if years is not None else seed.seed_years()
    present = set(
        CalendarYear.objects.filter(region_code=NATIONAL, year__in=wanted).values_list(
            "year", flat=True
        )
    )
    created = []
    for year in wanted:
        if year in present:
            continue
        days = [NoticeDay(**row) for row in seed.year_rows(year)]
        fields = {**seed.year_source(year), "origin": YearOrigin.CHINESECALENDAR}
        created.append(
            _write_year(region_code=NATIONAL, year=year, fields=fields, days=days, actor=actor)
        )
    if created:
        audit_record(
            actor=actor,
            action="calendar.seeded",
            object_type="calendars.calendaryear",
            summary=f"chinesecalendar: {len(created)}",
            data={"years": [c.year for c in created]},
        )
        _after_change(c.year for c in created)
    return created
