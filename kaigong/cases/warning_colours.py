"""
Warning colours as query expressions (DESIGN.md §5): red once the promised date has passed,
yellow with at most N working days left (the matter's ``warning_days``, else
``KAIGONG_WARNING_DAYS_DEFAULT``), green otherwise, none when no clock runs. The working
days are those of the project's region when it has holidays of its own, as its due dates
are (``deadlines.region_of``). An item's first yellow day is stored with its due date
(``CaseItem.yellow_from_on``), so its colour is a comparison of its own columns; the window
queue's correction-notice colour computes its threshold dates once in Python.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db.models import Case as When_
from django.db.models import CharField, Count, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from kaigong.calendars.selectors import calendar_regions
from kaigong.cases.constants import ITEM_CLOCK_STATUSES, ItemStatus, WarningColour
from kaigong.cases.deadlines import warning_threshold
from kaigong.cases.models import CaseItem
from kaigong.catalog.models import MatterVersion
from kaigong.core.request_cache import request_cached

# Warning thresholds: (region, warning days) → the last due date that is yellow on a day.
# Region "" stands for every region that follows the national calendar.
Thresholds = dict[tuple[str, int], date]


def _thresholds(on: date, settings_in_use: set[int]) -> Thresholds:
    """
    Per calendar region and warning setting, the last due date that is yellow on ``on``: a
    region with holidays of its own counts its own working days, as its due dates do
    (deadlines.region_of).
    """
    return {
        (region, n): warning_threshold(on, n, region_code=region)
        for region in ["", *sorted(calendar_regions())]
        for n in sorted(settings_in_use)
    }


def in_region(region: str, thresholds: Thresholds, *, path: str) -> Q:
    """
    Rows whose project region (at ``path``) counts in the calendar of ``region``; "" = every
    region without holidays of its own (the others of ``thresholds``).
    """
    if region:
        return Q(**{f"{path}__startswith": region})
    condition = Q()
    for other in sorted({r for r, _n in thresholds if r}):
        # perf: no join to the project when no region has holidays of its own
        condition &= ~Q(**{f"{path}__startswith": other})
    return condition


def yellow_due_span(on: date) -> tuple[date, date]:
    """
    The lowest and highest "last due date that is yellow on ``on``" over every warning
    setting in use (the matters' own and the default) and every calendar: an item due
    after the first may be green, one due after the second is. One small query per request.
    """

    def compute() -> tuple[date, date]:
        own = MatterVersion.objects.order_by()
        in_use = {n for n in own.values_list("warning_days", flat=True).distinct() if n is not None}
        in_use.add(settings.KAIGONG_WARNING_DAYS_DEFAULT)
        thresholds = _thresholds(on, in_use).values()
        return min(thresholds), max(thresholds)

    return request_cached(("yellow_due_span", on), compute)


def warning_condition(colour: str, *, on: date) -> Q:
    """
    The WHERE clause of one warning colour, as plain column comparisons on the item row.

    # perf: the first yellow day is stored with the due date (``yellow_from_on``, computed
    # in the region's working days from the matter's setting), so no colour joins the
    # catalogue or the project per row; PostgreSQL reads the worklist index in order.
    # perf: green and yellow also bound the due date by the span of the yellow thresholds
    # in use (``yellow_due_span``), a condition every row of the colour meets anyway: the
    # index range of a green list then starts after the yellow rows instead of reading
    # past each of them (issue #16: 62 ms → see docs/benchmarks.md at 1,000,000 items).
    """
    clock = Q(status__in=list(ITEM_CLOCK_STATUSES), promised_due_on__isnull=False)
    colour = WarningColour(colour)
    if colour == WarningColour.RED:
        return clock & Q(promised_due_on__lt=on)
    if colour == WarningColour.NONE:
        return ~clock
    running = clock & Q(promised_due_on__gte=on)
    lowest, highest = yellow_due_span(on)
    if colour == WarningColour.YELLOW:
        return running & Q(promised_due_on__lte=highest, yellow_from_on__lte=on)
    return (
        running
        & Q(promised_due_on__gt=lowest)
        & (Q(yellow_from_on__gt=on) | Q(yellow_from_on__isnull=True))
    )


def warning_counts(qs: QuerySet[CaseItem], *, on: date) -> dict[str, int]:
    """
    How many items of ``qs`` are red, yellow and green on ``on`` (the partition of
    ``warning_condition``: a running clock with a due date is red before it, yellow from its
    first yellow day, green otherwise), and how many are paused; one query.

    perf: each count's condition is only what tells it from the others (the running clocks
    are the WHERE, so no count repeats the status test), and green is the rest: the four
    full conditions cost more than reading the rows (issue #11: 36 → 26 ms at 200,000).
    """
    clock = qs.filter(status__in=list(ITEM_CLOCK_STATUSES)).order_by()
    # perf: every count reads a column of item_clock_colour_idx, not the id, so that
    # PostgreSQL counts from that index alone (an index-only scan)
    counts = clock.aggregate(
        red=Count("promised_due_on", filter=Q(promised_due_on__lt=on)),
        yellow=Count("promised_due_on", filter=Q(promised_due_on__gte=on, yellow_from_on__lte=on)),
        dated=Count("promised_due_on"),
        paused=Count("status", filter=Q(status=ItemStatus.PAUSED)),
    )
    red, yellow = counts["red"] or 0, counts["yellow"] or 0
    return {
        WarningColour.RED: red,
        WarningColour.YELLOW: yellow,
        WarningColour.GREEN: (counts["dated"] or 0) - red - yellow,
        "paused": counts["paused"] or 0,
    }


def annotate_warning(qs: QuerySet[CaseItem], *, on: date) -> QuerySet[CaseItem]:
    """
    Add ``warning`` (green / yellow / red / none) and ``warning_days`` to each item, from the
    stored due date and first yellow day.
    """
    default = settings.KAIGONG_WARNING_DAYS_DEFAULT
    # perf: a correlated subquery, not a join, so that count() (which drops unused
    # annotations) counts the items table alone
    # perf: order_by() drops the catalogue's default ordering, a sort per row otherwise
    per_matter = MatterVersion.objects.filter(pk=OuterRef("matter_version_id")).order_by()
    qs = qs.annotate(
        warning_days=Coalesce(Subquery(per_matter.values("warning_days")[:1]), Value(default))
    )
    return qs.annotate(
        warning=When_(
            When(~Q(status__in=list(ITEM_CLOCK_STATUSES)), then=Value(WarningColour.NONE)),
            When(promised_due_on__isnull=True, then=Value(WarningColour.NONE)),
            When(promised_due_on__lt=on, then=Value(WarningColour.RED)),
            When(yellow_from_on__lte=on, then=Value(WarningColour.YELLOW)),
            default=Value(WarningColour.GREEN),
            output_field=CharField(),
        )
    )


def correction_notice_warning(on: date) -> When_:
    """
    The window queue's colour of a submitted case for the correction-notice rule (行政许可法
    art. 32): red once the notice date passed, yellow on its last working day or the one
    before — in the calendar the notice date was counted in.
    """
    soon = _thresholds(on, {1})
    return When_(
        When(correction_notice_due_on__lt=on, then=Value(WarningColour.RED)),
        *(
            When(
                in_region(region, soon, path="project__region_code"),
                correction_notice_due_on__lte=last_yellow_day,
                then=Value(WarningColour.YELLOW),
            )
            for (region, _n), last_yellow_day in soon.items()
        ),
        default=Value(WarningColour.GREEN),
        output_field=CharField(),
    )
