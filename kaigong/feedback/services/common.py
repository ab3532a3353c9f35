"""Shared pieces of the feedback services: the rule in force, working-day deadlines, numbers."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from kaigong.calendars.selectors import due_date, work_calendar
from kaigong.core.exceptions import PermissionDenied
from kaigong.feedback.models import FeedbackRule, NumberCounter


def rule_for(service_center) -> FeedbackRule:
    """The centre's rule, else the platform default (created with the defaults on first use)."""
    if service_center is not None:
        rule = FeedbackRule.objects.filter(service_center=service_center).first()
        if rule is not None:
            return rule
    rule = FeedbackRule.objects.filter(service_center__isnull=True).first()
    if rule is None:
        rule = FeedbackRule.objects.create(service_center=None)
    return rule


def _region(service_center) -> str:
    code = getattr(service_center, "region_code", "") or ""
    return code[:6] if len(code) >= 6 else ""


def working_days_after(service_center, start: date, days: int) -> date:
    """``days`` working days after ``start`` on the centre's calendar (holidays, 调休)."""
    return due_date(start, days, region_code=_region(service_center)).due_on


def previous_working_day(service_center, on: date) -> date:
    """The last working day before ``on`` on the centre's calendar."""
    calendar = work_calendar(_region(service_center))
    day = on - timedelta(days=1)
    while not calendar.is_workday(day):
        day -= timedelta(days=1)
    return day


def is_working_day(service_center, on: date) -> bool:
    return work_calendar(_region(service_center)).is_workday(on)


def working_days_left(service_center, today: date, due_on: date) -> int:
    from kaigong.calendars.workdays import working_days_between

    return working_days_between(today, due_on, calendar=work_calendar(_region(service_center)))


def next_number(model, prefix: str) -> str:
    """
    ``PREFIX-YYYY-NNNNNN``: the next number of the year, race-free. The year's counter row
    (``NumberCounter``) is created if missing (``INSERT … ON CONFLICT DO NOTHING``, seeded
    with the year's highest existing number) and then locked ``FOR UPDATE`` until the
    caller's transaction ends: a concurrent creator waits and takes the following number.
    """
    year = timezone.localdate().year
    stem = f"{prefix}-{year}-"
    with transaction.atomic():
        counters = NumberCounter.objects.select_for_update().filter(prefix=prefix, year=year)
        counter = counters.first()
        if counter is None:
            last = (
                model.objects.filter(number__startswith=stem)
                .order_by("-number")
                .values_list("number", flat=True)
                .first()
            )
            seed = int(last.rsplit("-", 1)[1]) if last else 0
            NumberCounter.objects.bulk_create(
                [NumberCounter(prefix=prefix, year=year, last=seed)], ignore_conflicts=True
            )
            counter = counters.get()
        counter.last += 1
        counter.save(update_fields=["last"])
    return f"{stem}{counter.last:06d}"


def deny(message) -> PermissionDenied:
    return PermissionDenied(message)


atomic = transaction.atomic
