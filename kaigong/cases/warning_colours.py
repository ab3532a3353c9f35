"""
Warning colours as query expressions (DESIGN.md §5): red once the promised date has passed,
yellow with at most N working days left (the matter's ``warning_days``, else
``KAIGONG_WARNING_DAYS_DEFAULT``), green otherwise, none when no clock runs. The working
days are those of the project's region when it has holidays of its own, as its due dates
are (``deadlines.region_of``). The threshold dates are computed once in Python; the
comparisons run in the database.
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


def warning_thresholds(on: date) -> Thresholds:
    """
    Per calendar region and warning setting in use, the last due date that is yellow on
    ``on``: a region with holidays of its own counts its own working days, as its due
    dates do (deadlines.region_of).
    """
    default = settings.KAIGONG_WARNING_DAYS_DEFAULT
    # perf: the distinct settings come from the (small) catalogue, not from the items
    in_use = {
        n if n is not None else default
        for n in MatterVersion.objects.order_by().values_list("warning_days", flat=True).distinct()
    } or {default}
    regions = ["", *sorted(calendar_regions())]
    return {
        (region, n): warning_threshold(on, n, region_code=region)
        for region in regions
        for n in sorted(in_use)
    }


def in_region(
    region: str, thresholds: Thresholds, *, path: str = "case__project__region_code"
) -> Q:
    """
    Rows (items; cases with ``path="project__region_code"``) whose project's calendar
    region is ``region`` ("" = every region that follows the national calendar).
    """
    if region:
        return Q(**{f"{path}__startswith": region})
    own = {r for r, _n in thresholds if r}
    condition = Q()
    for other in sorted(own):  # perf: no join to the project when no region has its own days
        condition &= ~Q(**{f"{path}__startswith": other})
    return condition


def _warning_days_is(n: int) -> Q:
    if n == settings.KAIGONG_WARNING_DAYS_DEFAULT:
        return Q(matter_version__warning_days=n) | Q(matter_version__warning_days__isnull=True)
    return Q(matter_version__warning_days=n)


def warning_condition(colour: str, *, on: date, thresholds: Thresholds) -> Q:
    """
    The WHERE clause of one warning colour, as plain column comparisons.

    # perf: filtering on these predicates (not on the CASE annotation) lets PostgreSQL
    # estimate the rows and read the worklist index in order.
    """
    clock = Q(status__in=list(ITEM_CLOCK_STATUSES), promised_due_on__isnull=False)
    red = clock & Q(promised_due_on__lt=on)
    yellow_any = Q(pk__in=[])
    for (region, n), last_yellow_day in thresholds.items():
        yellow_any |= (
            in_region(region, thresholds)
            & _warning_days_is(n)
            & Q(promised_due_on__lte=last_yellow_day)
        )
    yellow = clock & Q(promised_due_on__gte=on) & yellow_any
    return {
        WarningColour.RED: red,
        WarningColour.YELLOW: yellow,
        WarningColour.GREEN: clock & Q(promised_due_on__gte=on) & ~yellow_any,
        WarningColour.NONE: ~clock,
    }[WarningColour(colour)]


def annotate_warning(
    qs: QuerySet[CaseItem], *, on: date, thresholds: Thresholds | None = None
) -> QuerySet[CaseItem]:
    """
    Add ``warning`` (green / yellow / red / none) and ``warning_days`` to each item.

    # perf: one threshold date per calendar region and distinct warning setting, computed
    # once in Python; the comparison runs in the database.
    """
    default = settings.KAIGONG_WARNING_DAYS_DEFAULT
    thresholds = thresholds if thresholds is not None else warning_thresholds(on)
    # perf: a correlated subquery, not a join, so that count() (which drops unused
    # annotations) counts the items table alone
    # perf: order_by() drops the catalogue's default ordering, a sort per row otherwise
    per_matter = MatterVersion.objects.filter(pk=OuterRef("matter_version_id")).order_by()
    qs = qs.annotate(
        warning_days=Coalesce(Subquery(per_matter.values("warning_days")[:1]), Value(default))
    )
    yellow = [
        When(
            in_region(region, thresholds),
            warning_days=n,
            promised_due_on__lte=last_yellow_day,
            then=Value(WarningColour.YELLOW),
        )
        for (region, n), last_yellow_day in thresholds.items()
    ]
    return qs.annotate(
        warning=When_(
            When(~Q(status__in=list(ITEM_CLOCK_STATUSES)), then=Value(WarningColour.NONE)),
            When(promised_due_on__isnull=True, then=Value(WarningColour.NONE)),
            When(promised_due_on__lt=on, then=Value(WarningColour.RED)),
            *yellow,
            default=Value(WarningColour.GREEN),
            output_field=CharField(),
        )
    )
