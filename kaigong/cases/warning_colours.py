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
from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from kaigong.calendars.selectors import calendar_regions
from kaigong.cases.constants import ITEM_CLOCK_STATUSES, WarningColour
from kaigong.cases.deadlines import warning_threshold
from kaigong.cases.models import CaseItem
from kaigong.catalog.models import MatterVersion

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


def warning_condition(colour: str, *, on: date) -> Q:
    """
    The WHERE clause of one warning colour, as plain column comparisons on the item row.

    # perf: the first yellow day is stored with the due date (``yellow_from_on``, computed
    # in the region's working days from the matter's setting), so no colour joins the
    # catalogue or the project per row; PostgreSQL reads the worklist index in order.
    """
    clock = Q(status__in=list(ITEM_CLOCK_STATUSES), promised_due_on__isnull=False)
    running = clock & Q(promised_due_on__gte=on)
    return {
        WarningColour.RED: clock & Q(promised_due_on__lt=on),
        WarningColour.YELLOW: running & Q(yellow_from_on__lte=on),
        WarningColour.GREEN: running & (Q(yellow_from_on__gt=on) | Q(yellow_from_on__isnull=True)),
        WarningColour.NONE: ~clock,
    }[WarningColour(colour)]


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
