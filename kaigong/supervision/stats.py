"""
Statistics (counts and rates by dimension and period, with period-over-period change) and
reform metrics "before → after" from the catalogue and real cases. Every number is a COUNT
or SUM in the database (perf: no row is read into Python for a figure).

Counts (aplanmis ``AeaAnaOrgDayStatistics``; next-capabilities §1):

* 接件 (received), 受理 (accepted), 不予受理 (refused): cases, by submission / acceptance /
  refusal day; the unit of a case is its bundle's lead department.
* 补正 (correction), 不予许可 (denied): denials by day.
* 办结 (concluded), 逾期 (overdue), 特别程序 (special procedure): items (``ItemMetric``), by
  conclusion / acceptance day. 预警: signals raised (预警 and 黄牌) by day.
* 受理率 = 受理 / 接件; 不予受理率 = 不予受理 / 接件; 逾期率 = 逾期 / item 受理; 办结率 = 办结 /
  item 受理 (percent, one decimal).
"""

from __future__ import annotations

import statistics
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Max, Q

from kaigong.cases.constants import CaseStatus, DenialKind
from kaigong.cases.models import Case, Denial
from kaigong.catalog.models import Bundle
from kaigong.catalog.selectors import bundle_material_count, matter_versions_in_force
from kaigong.core.clock import local_date

from .constants import PeriodKind, SignalLevel
from .models import ItemMetric, Signal

COUNT_KEYS = (
    "received", "accepted", "refused", "corrections", "concluded", "special", "warnings",
    "overdue", "items_accepted",
)  # fmt: skip

DIMENSIONS = {
    # dimension: (ItemMetric path, Case path, Denial path, Signal path)
    "department": ("department__name", "bundle__lead_department__name",
                   "case__bundle__lead_department__name", "department__name"),
    "window": ("service_center__name", "service_center__name", "case__service_center__name",
               "item__case__service_center__name"),
    "bundle": ("bundle__name", "bundle__name", "case__bundle__name", "item__case__bundle__name"),
    "matter": ("matter__name", None, "item__matter_version__matter__name",
               "item__matter_version__matter__name"),
    "region": ("region_code", "project__region_code", "case__project__region_code",
               "item__case__project__region_code"),
}  # fmt: skip


def period_of(kind: str, day: date) -> tuple[date, date]:
    if kind == PeriodKind.DAY:
        return day, day
    if kind == PeriodKind.WEEK:
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if kind == PeriodKind.MONTH:
        start = day.replace(day=1)
        return start, (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    if kind == PeriodKind.QUARTER:
        start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        return start, (start + timedelta(days=95)).replace(day=1) - timedelta(days=1)
    return date(day.year, 1, 1), date(day.year, 12, 31)


def previous_period(kind: str, start: date) -> tuple[date, date]:
    return period_of(kind, start - timedelta(days=1))


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _grouped(qs, path: str | None, **aggregates) -> dict[str, dict[str, int]]:
    if path is None:
        return {}
    rows = qs.order_by().values(path).annotate(**aggregates)
    return {str(r[path] or "—"): {k: r[k] for k in aggregates} for r in rows}


def _total(qs, **aggregates) -> dict[str, dict[str, int]]:
    return {"": qs.order_by().aggregate(**aggregates)}


def period_figures(
    scope: set[int] | None, start: date, end: date, *, dimension: str = ""
) -> dict[str, dict[str, Any]]:
    """{group name (or "" for the total): counts and rates} for the days start … end."""
    paths = DIMENSIONS.get(dimension)
    cases = Case.objects.all()
    denials = Denial.objects.all()
    metrics = ItemMetric.objects.all()
    signals = Signal.objects.all()
    if scope is not None:
        cases = cases.filter(bundle__lead_department_id__in=scope)
        denials = denials.filter(
            Q(item__department_id__in=scope)
            | Q(item__isnull=True, case__bundle__lead_department_id__in=scope)
        )
        metrics = metrics.filter(department_id__in=scope)
        signals = signals.filter(department_id__in=scope)

    def group(qs, index, **agg):
        return _grouped(qs, paths[index], **agg) if paths else _total(qs, **agg)

    parts = [
        group(cases, 1,
              received=Count("id", filter=Q(submitted_at__date__range=(start, end))),
              accepted=Count("id", filter=Q(accepted_on__range=(start, end))),
              refused=Count("id", filter=Q(status=CaseStatus.REFUSED, closed_at__date__range=(start, end)))),
        group(denials.filter(at__date__range=(start, end)), 2,
              corrections=Count("id", filter=Q(kind=DenialKind.CORRECTION)),
              denied=Count("id", filter=Q(kind=DenialKind.DENIAL))),
        group(metrics, 0,
              concluded=Count("id", filter=Q(finished_on__range=(start, end))),
              items_accepted=Count("id", filter=Q(accepted_on__range=(start, end))),
              overdue=Count("id", filter=Q(accepted_on__range=(start, end), overdue=True)),
              special=Count("id", filter=Q(accepted_on__range=(start, end), special_days__gt=0))),
        group(signals.filter(raised_on__range=(start, end)), 3,
              warnings=Count("id", filter=Q(level__in=[SignalLevel.PROMPT, SignalLevel.YELLOW]))),
    ]  # fmt: skip
    out: dict[str, dict[str, Any]] = {}
    for part in parts:
        for name, values in part.items():
            out.setdefault(name, {}).update({k: v or 0 for k, v in values.items()})
    keys = (*COUNT_KEYS, "denied")
    for values in out.values():
        for k in keys:
            values.setdefault(k, 0)
        values["acceptance_rate"] = _rate(values["accepted"], values["received"])
        values["refusal_rate"] = _rate(values["refused"], values["received"])
        values["overdue_rate"] = _rate(values["overdue"], values["items_accepted"])
        values["conclusion_rate"] = _rate(values["concluded"], values["items_accepted"])
    if not paths:
        out.setdefault("", {k: 0 for k in keys})
    return dict(sorted(out.items()))


def statistics_table(
    scope: set[int] | None, *, kind: str, day: date, dimension: str = ""
) -> dict[str, Any]:
    """This period's figures per group, the previous period's, and the change (环比)."""
    start, end = period_of(kind, day)
    p_start, p_end = previous_period(kind, start)
    now = period_figures(scope, start, end, dimension=dimension)
    before = period_figures(scope, p_start, p_end, dimension=dimension)
    rows = []
    for name, values in now.items():
        prev = before.get(name, {})
        change = {
            k: (values[k] - prev.get(k, 0)) for k in COUNT_KEYS if isinstance(values.get(k), int)
        }
        rows.append({"name": name or "合计", **values, "change": change})
    return {"start": start, "end": end, "previous": (p_start, p_end), "rows": rows}


# -- reform metrics ----------------------------------------------------------------------

# rule: before the bundle, each matter was applied for on its own: one application and one
# visit per matter, each with its own three steps (受理, 审查, 决定) and its own promised
# limit, one after another; the bundle has one visit, three steps (一窗受理, 并联审查, 统一
# 出证) and its promised limit (docs/legal.md#sup-reform-metrics)
STEPS_PER_MATTER = 3
STEPS_PER_BUNDLE = 3


class BeforeSource:
    """Where the "before" materials and promised days came from."""

    CATALOGUE = "catalogue"  # the matters' versions in force on the reform's base date
    MIXED = "mixed"  # some matters had a version then, the others by the rule
    RULE = "rule"  # no version then: the versions in force now, unmerged (the rule)


def reform_base_date(bundle: Bundle) -> date:
    """
    The reform's base date: the day before the bundle was set up (the catalogue as it stood
    when each matter was still applied for on its own). # rule: docs/legal.md#sup-reform-metrics
    """
    return local_date(bundle.created_at) - timedelta(days=1)


def reform_metrics(bundle: Bundle, *, on: date | None = None) -> dict[str, Any]:
    """
    Before → after for one bundle. After: the catalogue in force on ``on`` (materials merged
    by the shared list, the bundle's promised limit) and its concluded cases. Before: each
    matter's version in force on the reform's base date (its requirement rows, its promised
    limit) where the catalogue has one; else, by the documented rule, its version in force
    now, unmerged. ``before_source`` says which was used, per bundle and per matter.
    """
    on = on or local_date()
    base_on = reform_base_date(bundle)
    matter_ids = [i.matter_id for i in bundle.items.all()]
    materials = bundle_material_count(bundle, on=on)
    versions = matter_versions_in_force(on=on, matter_ids=matter_ids)
    base_versions = matter_versions_in_force(on=base_on, matter_ids=matter_ids)
    before_versions = {m: base_versions.get(m) or v for m, v in versions.items()}
    from_catalogue = [m for m in versions if m in base_versions]
    source = (
        BeforeSource.CATALOGUE
        if versions and len(from_catalogue) == len(versions)
        else BeforeSource.MIXED
        if from_catalogue
        else BeforeSource.RULE
    )
    matters = len(versions)
    materials_before = sum(len(v.requirements.all()) for v in before_versions.values())
    promised_before = sum(v.promised_limit for v in before_versions.values())
    promised_after = bundle.promised_limit or max(
        (v.promised_limit for v in versions.values()), default=0
    )
    # perf: one row per concluded case (its longest item, the items running in parallel)
    per_case = (
        ItemMetric.objects.filter(bundle=bundle, open=False, accepted_on__isnull=False)
        .order_by().values("item__case_id").annotate(days=Max("approval_days"))
        .values_list("days", flat=True)
    )  # fmt: skip
    actual = sorted(per_case)
    median = statistics.median(actual) if actual else None
    saved = (
        round(100 * (promised_before - promised_after) / promised_before, 1)
        if promised_before
        else None
    )
    return {
        "bundle": bundle,
        "on": on,
        "base_on": base_on,
        "before_source": source,
        "before_versions": [
            {
                "matter": v.name,
                "version": v.version,
                "effective_from": v.effective_from,
                "from_catalogue": m in base_versions,
            }
            for m, v in sorted(before_versions.items(), key=lambda mv: mv[1].name)
        ],
        "matters": matters,
        "materials_before": materials_before,
        "materials_after": materials["after"],
        "visits_before": matters,
        "visits_after": 1 if matters else 0,
        "steps_before": STEPS_PER_MATTER * matters,
        "steps_after": STEPS_PER_BUNDLE if matters else 0,
        "promised_days_before": promised_before,
        "promised_days_after": promised_after,
        "time_saved_percent": saved,
        "actual_median_days": median,
        "concluded_cases": len(actual),
    }


def reform_list(*, on: date | None = None) -> list[dict[str, Any]]:
    bundles = (
        Bundle.objects.filter(is_active=True).prefetch_related("items").order_by("order", "code")
    )
    return [reform_metrics(b, on=on) for b in bundles]
