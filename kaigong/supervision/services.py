"""
Writes of supervision (its own rows only; cases and archives are read, never written).

* ``metrics_refresh``: the derived ``ItemMetric`` of each item (the figures of metrics.py).
* ``signals_raise``: the ladder, once per item and level; the department's inbox is told.
* ``supervision_sweep``: the periodic job (both of the above, and Friday's compilation).
* 督办 orders: ``order_issue`` → ``order_reply`` → ``order_close`` / ``order_escalate``.
* The weekly denial audit: ``audit_compile`` (the week's last working day), ``batch_confirm``
  (the unit), ``entry_review`` and ``entry_second_review`` (two people for "improper"),
  ``circular_issue`` → ``circular_rectify`` → ``circular_close``.
* ``snapshot_freeze``: a month or quarter frozen and signed (SM2); a later freeze of the
  same period is a visible revision.
* ``export_record``: every export is audited.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple, NoReturn, cast

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import user_department_ids, user_has_role
from kaigong.calendars.selectors import due_date, work_calendar
from kaigong.calendars.workdays import working_days_between
from kaigong.cases.constants import ITEM_OPEN_STATUSES, DenialKind
from kaigong.cases.models import CaseItem, Denial
from kaigong.certificates.crypto import sm3_hex
from kaigong.certificates.signing import platform_sign, platform_verify
from kaigong.core.clock import local_date
from kaigong.core.exceptions import Conflict, InvalidInput, PermissionDenied
from kaigong.core.request_cache import request_cache_scope
from kaigong.core.services import audit_record, notification_send
from kaigong.marketplace.models import ServiceRequest

from .constants import (
    DEFAULT_ADVICE_AFTER_DAYS,
    DEFAULT_CONFIRM_DAYS,
    DEFAULT_PROMPT_PERCENT,
    DEFAULT_RECTIFY_DAYS,
    DEFAULT_REPLY_DAYS,
    DEFAULT_YELLOW_PERCENT,
    DenialReason,
    ErrorCode,
    Finding,
    OrderStatus,
    OrderStepKind,
    PeriodKind,
    SignalLevel,
)
from .metrics import item_figures, step_figures
from .models import (
    AuditBatch,
    AuditEntry,
    Circular,
    ItemMetric,
    OrderStep,
    ReportSnapshot,
    Signal,
    SignalRule,
    StepLimit,
    SupervisionOrder,
)
from .selectors import (
    ItemRow,
    calendar_of,
    facts_batch,
    ids_condition,
    item_facts,
    row_of,
    step_allowed,
    step_limits_by_matter,
)

# -- permissions ------------------------------------------------------------------------


def _ensure_supervisor(actor) -> None:
    if not (getattr(actor, "is_authenticated", False) and user_has_role(actor, Role.SUPERVISOR)):
        raise PermissionDenied(code=ErrorCode.NOT_ALLOWED)


def _ensure_of_department(actor, department_id: int) -> None:
    """The department head, or a reviewer/approver of that department."""
    roles = [Role.DEPARTMENT_HEAD, Role.REVIEWER, Role.APPROVER]
    if department_id not in user_department_ids(actor, roles):
        raise PermissionDenied(code=ErrorCode.NOT_ALLOWED)


def _text(value: str, name: str, *, max_length: int = 4000) -> str:
    value = (value or "").strip()
    if not value or len(value) > max_length:
        raise InvalidInput(
            _("Please give the %(name)s.") % {"name": name},
            code=ErrorCode.INVALID,
            invalid_params=[{"name": name, "code": ErrorCode.INVALID, "reason": _("Required.")}],
        )
    return value


def _working_days(start: date, end: date, region: str = "") -> int:
    return max(0, working_days_between(start, end, calendar=work_calendar(region)))


def _after_working_days(start: date, days: int, region: str = "") -> date:
    return due_date(start, days, region_code=region).due_on


# -- metrics ----------------------------------------------------------------------------


def _step_values(matter_id: int, facts, fig, *, on: date, calendar, step_limits) -> dict:
    """The step (环节) columns: the running step's days used and allowed, and the steps that
    had overrun (# rule: docs/legal.md#sup-steps)."""
    allowed, source = step_allowed(matter_id, fig.limit_days, step_limits)
    steps = step_figures(facts, fig, calendar=calendar, today=on, allowed=allowed, source=source)
    running = next((st for st in steps if st.running), None)
    return {
        "step": running.step if running else "",
        "step_used_days": running.used_days if running else 0,
        "step_allowed_days": running.allowed_days if running else 0,
        "overrun_steps": ",".join(st.step for st in steps if st.overrun and not st.running),
    }


MEMO_LIMIT = 20_000


def _metric_values(
    item: CaseItem,
    *,
    on: date,
    calendars=None,
    intermediary_cases=None,
    step_limits=None,
    memo: dict | None = None,
) -> dict[str, Any]:
    """The stored figures of ``item`` (one item's path: its model instance and relations)."""
    facts = item_facts(item, on=on, intermediary_cases=intermediary_cases, with_steps=True)
    return _row_values(
        row_of(item), facts, on=on, calendars=calendars, step_limits=step_limits, memo=memo
    )


def _metric_columns() -> tuple[str, ...]:
    """ItemMetric's columns but its id and item (the ``_row_values`` tuple's order)."""
    return tuple(
        f.attname for f in ItemMetric._meta.concrete_fields if f.attname not in ("id", "item_id")
    )


def _metrics_write(columns: tuple[str, ...], rows: list[tuple]) -> None:
    """
    Insert (item_id, *columns) tuples into ItemMetric.

    perf: PostgreSQL's COPY from the plain tuples (no model instance, no per-value
    preparation: ≈ half of the backfill's time went to bulk_create at 200,000 items);
    bulk_create elsewhere (SQLite in the tests).
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        ItemMetric.objects.bulk_create(
            [ItemMetric(item_id=r[0], **dict(zip(columns, r[1:], strict=True))) for r in rows]
        )
        return
    table = ItemMetric._meta.db_table
    names = ", ".join(f'"{c}"' for c in ("item_id", *columns))
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for r in rows:
                copy.write_row(r)


def _row_values(
    row: ItemRow,
    facts,
    *,
    on: date,
    calendars=None,
    step_limits=None,
    memo: dict | None = None,
    columns: tuple[str, ...] | None = None,
) -> Any:
    """
    The stored figures of the item ``row`` with ``facts``. ``memo``: a run's {(facts,
    region, matter): figures} (perf: the figures are a pure function of the state log's
    facts, the calendar and the matter's step durations, so items of the same shape —
    accepted the same day, same limit, nothing paused — are computed once per run).
    """
    key = None
    if memo is not None:
        key = (facts, row.region, row.matter_id)
        try:
            hash(key)
        except TypeError:
            key = None
    cached = memo.get(key) if memo is not None and key is not None else None
    if cached is None:
        calendar = calendar_of(row.region, calendars)
        fig = item_figures(facts, calendar=calendar, today=on)
        steps = _step_values(
            row.matter_id, facts, fig, on=on, calendar=calendar, step_limits=step_limits
        )
        cached = (fig, steps)
        if memo is not None and key is not None:
            if len(memo) >= MEMO_LIMIT:
                memo.clear()
            memo[key] = cached
    fig, steps = cached
    values = {
        "department_id": row.department_id,
        "matter_id": row.matter_id,
        "bundle_id": row.bundle_id,
        "service_center_id": row.service_center_id,
        "region_code": row.project_region_code,
        "status": row.status,
        "received_on": fig.received_on,
        "accepted_on": fig.accepted_on,
        "finished_on": fig.finished_on,
        "limit_days": fig.limit_days,
        "promised_on": fig.promised_on,
        "approval_days": fig.approval_days,
        "correction_days": fig.correction_days,
        "special_days": fig.special_days,
        "intermediary_days": fig.intermediary_days,
        "span_days": fig.span_days,
        "government_days": fig.by_party["government"],
        "applicant_days": fig.by_party["applicant"],
        "prerequisite_days": fig.by_party["prerequisite"],
        "overdue": fig.overdue,
        "open": fig.open,
        **steps,
        "computed_on": on,
        "computed_at": timezone.now(),
    }
    return values if columns is None else tuple(values[c] for c in columns)


def _figures_changed() -> None:
    """The dashboard's cached job figures are stale (selectors.figures_version)."""
    from django.core.cache import cache

    from .selectors import FIGURES_VERSION_KEY

    try:
        cache.incr(FIGURES_VERSION_KEY)
    except ValueError:
        cache.set(FIGURES_VERSION_KEY, 1, None)


def metrics_refresh(*, on: date | None = None, items=None, batch: int = 2000) -> int:
    """
    Recompute the figures of ``items`` (default: every open item, every item changed since
    its figures were computed, and every item without figures). Returns how many.
    """
    on = on or local_date()
    if items is None:
        # perf: open items whose figures are today's (metrics_advance) are not read again
        stale = Q(supervision_metric__isnull=True)
        stale |= Q(status__in=list(ITEM_OPEN_STATUSES)) & Q(supervision_metric__computed_on__lt=on)
        stale |= Q(updated_at__gt=F("supervision_metric__computed_at"))
        stale |= Q(case__updated_at__gt=F("supervision_metric__computed_at"))
        # an intermediary's contract or report filed since (its request changes with them)
        request_changed = Exists(
            ServiceRequest.objects.filter(
                case_id=OuterRef("case_id"),
                updated_at__gt=OuterRef("supervision_metric__computed_at"),
            )
        )
        items = CaseItem.objects.filter(stale | request_changed)
    done = 0
    columns = _metric_columns()
    calendars: dict = {}  # perf: one calendar per region for the whole run
    step_limits = step_limits_by_matter()  # perf: the matters' step durations read once
    memo: dict = {}  # perf: one computation per item shape (see _row_values)
    ids = list(items.order_by("id").values_list("id", flat=True))
    with request_cache_scope():  # perf: the calendar's version token read once
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            # perf: plain tuples (selectors.facts_batch), a few queries a batch, no model
            # instance per item; the same facts_of as one item's path
            rows = [
                (
                    row.id,
                    *_row_values(
                        row, facts, on=on, calendars=calendars, step_limits=step_limits,
                        memo=memo, columns=columns,
                    ),
                )
                for row, facts in facts_batch(chunk, on=on)
            ]  # fmt: skip
            # perf: replace the chunk's rows (one DELETE, one COPY) rather than bulk_update
            with transaction.atomic():
                ItemMetric.objects.filter(ids_condition("item_id", chunk)).delete()
                _metrics_write(columns, rows)
            done += len(rows)
    if done:
        _figures_changed()
    return done


def metrics_advance(*, on: date | None = None) -> int:
    """
    Move the figures of open items that did not change since they were computed forward to
    ``on``, in SQL: ONE set-based UPDATE (perf: the N working days per computation day and
    calendar region are a CASE over the few (day, region) pairs, longest region first; the
    clock state picks the column; no row read into Python, the table scanned once). The N
    working days since then go to the running clock (审批用时, the government's time and the
    running step), to the special procedure of a paused item, or to the prerequisite (and the
    acceptance step) of a waiting one; 跨度用时 grows by the natural days. An item or case
    that changed is recomputed in full by ``metrics_refresh``, which runs after this.
    """
    from django.db.models import BooleanField, IntegerField, Value, When
    from django.db.models import Case as When_

    from kaigong.calendars.selectors import calendar_regions
    from kaigong.cases.constants import ItemStatus

    on = on or local_date()
    untouched = ItemMetric.objects.filter(open=True, computed_on__lt=on).exclude(
        Q(item__updated_at__gt=F("computed_at")) | Q(item__case__updated_at__gt=F("computed_at"))
    )
    # an intermediary still working for the case: its days are not the government's, so the
    # item is recomputed in full (metrics_refresh) rather than moved forward
    untouched = untouched.exclude(
        Exists(
            ServiceRequest.objects.filter(
                case_id=OuterRef("item__case_id"), contract__isnull=False,
                deliverable__isnull=True,
            )
        )
    )  # fmt: skip
    days_seen = sorted(set(untouched.order_by().values_list("computed_on", flat=True).distinct()))
    if not days_seen:
        return 0
    # the most specific calendar first: a county's before its city's before the nation's
    regions = sorted(calendar_regions(), key=lambda r: (-len(r), r))
    whens = [
        When(computed_on=since, region_code__startswith=region,
             then=Value(_working_days(since, on, region)))
        for since in days_seen for region in regions
    ] + [When(computed_on=since, then=Value(_working_days(since, on))) for since in days_seen]  # fmt: skip
    n = When_(*whens, default=Value(0), output_field=IntegerField())
    natural = When_(
        *[When(computed_on=since, then=Value((on - since).days)) for since in days_seen],
        default=Value(0),
        output_field=IntegerField(),
    )
    running = Q(accepted_on__isnull=False) & ~Q(status=ItemStatus.PAUSED)
    paused = Q(accepted_on__isnull=False, status=ItemStatus.PAUSED)
    waiting = Q(accepted_on__isnull=True)

    def plus(column: str, when: Q):
        return When_(When(when, then=F(column) + n), default=F(column), output_field=IntegerField())

    moved = ItemMetric.objects.filter(id__in=untouched.values("id")).update(
        approval_days=plus("approval_days", running),
        government_days=plus("government_days", running),
        special_days=plus("special_days", paused),
        prerequisite_days=plus("prerequisite_days", waiting),
        # the running step's days go forward with the clock (none when paused or in no step)
        step_used_days=plus("step_used_days", (running | waiting) & ~Q(step="")),
        span_days=F("span_days") + natural,
        overdue=When_(
            When(running & Q(approval_days__gte=F("limit_days") - n + 1), then=Value(True)),
            When(running, then=Value(False)),
            default=F("overdue"),
            output_field=BooleanField(),
        ),
        computed_on=on,
        computed_at=timezone.now(),
    )
    if moved:
        _figures_changed()
    return moved


# -- signals ----------------------------------------------------------------------------


def _rule_for(rules_by_matter, rules_by_dept, metric: Any) -> dict[str, Any]:
    """The ladder's thresholds of ``metric`` (an ItemMetric or a row with its ``matter_id``
    and ``department_id``): the matter's rule, else the department's, else the defaults."""
    rule = rules_by_matter.get(metric.matter_id) or rules_by_dept.get(metric.department_id)
    if rule is None:
        return {
            "prompt_percent": DEFAULT_PROMPT_PERCENT,
            "prompt_days_before": None,
            "yellow_percent": DEFAULT_YELLOW_PERCENT,
            "advice_after_days": DEFAULT_ADVICE_AFTER_DAYS,
            "source": "default",
        }
    return {
        "prompt_percent": rule.prompt_percent,
        "prompt_days_before": rule.prompt_days_before,
        "yellow_percent": rule.yellow_percent,
        "advice_after_days": rule.advice_after_days,
        "source": str(rule.public_id),
    }


def levels_reached(approval_days: int, limit_days: int, rule: dict[str, Any]) -> list[str]:
    """
    The ladder's rungs an item has reached: 预警 at prompt % of the limit (or N working days
    before it), 黄牌 at yellow %, 红牌 once 审批用时 exceeds the limit, 监察建议书 after
    ``advice_after_days`` working days overdue. # rule: docs/legal.md#sup-signal-ladder
    """
    if limit_days <= 0:
        return []
    reached: list[str] = []
    used = 100 * approval_days
    before = rule.get("prompt_days_before")
    if used >= rule["prompt_percent"] * limit_days or (
        before is not None and limit_days - approval_days <= before
    ):
        reached.append(SignalLevel.PROMPT)
    if used >= rule["yellow_percent"] * limit_days:
        reached.append(SignalLevel.YELLOW)
    if approval_days > limit_days:
        reached.append(SignalLevel.RED)
    if approval_days - limit_days >= rule["advice_after_days"]:
        reached.append(SignalLevel.ADVICE)
    return reached


_LADDER_FIELDS = ("item_id", "department_id", "matter_id", "approval_days", "limit_days")
_STEP_FIELDS = (
    "item_id", "department_id", "approval_days", "limit_days", "overdue", "open",
    "overrun_steps", "step", "step_used_days", "step_allowed_days",
)  # fmt: skip


def signals_raise(*, on: date | None = None) -> int:
    """
    Raise every rung reached by an open item, once (unique per item and level: a second run
    raises nothing); tell each department's inbox how many it got. Returns the new signals.
    """
    on = on or local_date()
    rules = list(SignalRule.objects.filter(active=True))
    by_matter = {r.matter_id: r for r in rules if r.matter_id}
    by_dept = {r.department_id: r for r in rules if r.department_id}
    lowest = min([DEFAULT_PROMPT_PERCENT, *(r.prompt_percent for r in rules)])
    # perf: only items at or past the lowest threshold (or with a days-before rule) are read
    candidates = ItemMetric.objects.filter(open=True, limit_days__gt=0, accepted_on__isnull=False)
    if not any(r.prompt_days_before is not None for r in rules):
        candidates = candidates.filter(approval_days__gte=lowest * F("limit_days") / 100)
    existing = set(
        Signal.objects.filter(item_id__in=candidates.values("item_id"))
        .exclude(level=SignalLevel.STEP)
        .values_list("item_id", "level")
    )
    new: list[NewSignal] = []
    rules_memo: dict[tuple, dict[str, Any]] = {}  # perf: one rule dict per matter/department
    # perf: plain named tuples, no model instance per candidate (a province's open items)
    rows = candidates.order_by("item_id").values_list(*_LADDER_FIELDS, named=True)
    for metric in rows.iterator(chunk_size=5000):
        key = (metric.matter_id, metric.department_id)
        rule = rules_memo.get(key)
        if rule is None:
            rule = rules_memo[key] = _rule_for(by_matter, by_dept, metric)
        for level in levels_reached(metric.approval_days, metric.limit_days, rule):
            if (metric.item_id, level) in existing:
                continue
            new.append(
                NewSignal(
                    item_id=metric.item_id,
                    department_id=metric.department_id,
                    level=level,
                    raised_on=on,
                    approval_days=metric.approval_days,
                    limit_days=metric.limit_days,
                    rule=rule,
                )
            )
    new += _step_signals(on)
    with transaction.atomic():
        created = _signals_write(new)
        if new:
            # now (this transaction's readers) and after commit (a reader that cached the
            # figures before the commit sees them as stale)
            _figures_changed()
            transaction.on_commit(_figures_changed)
        per_dept: dict[int, dict[str, int]] = {}
        for s in new:
            per_dept.setdefault(s.department_id, {}).setdefault(s.level, 0)
            per_dept[s.department_id][s.level] += 1
        labels = dict(SignalLevel.choices)
        for dept_id, levels in per_dept.items():
            text = "、".join(f"{labels[k]} {n}" for k, n in sorted(levels.items()))
            notification_send(
                kind="supervision.signal",
                title=_("Supervision signals raised: %(levels)s") % {"levels": text},
                link="/supervision/",
                department=_department(dept_id),
            )
    return created


_SIGNAL_COLUMNS = (
    "public_id", "created_at", "updated_at", "item_id", "department_id", "level", "raised_on",
    "approval_days", "limit_days", "rule", "step",
)  # fmt: skip


class NewSignal(NamedTuple):
    """A signal to raise, as plain values (perf: no model instance per new signal)."""

    item_id: int
    department_id: int
    level: str
    raised_on: date
    approval_days: int
    limit_days: int
    rule: dict
    step: str = ""


def _signals_write(signals: list[NewSignal]) -> int:
    """
    Insert ``signals``, skipping any already raised (the unique item, level and step);
    returns how many were given (as bulk_create with ignore_conflicts counted them).

    perf: on PostgreSQL, COPY into a temporary table and one ``INSERT … SELECT … ON
    CONFLICT DO NOTHING`` (≈ 7 s of Django's bulk_create for 36,000 new signals of a
    200,000-item day: the model instances and each value's preparation); elsewhere
    bulk_create.
    """
    from django.db import connection

    if not signals:
        return 0
    if connection.vendor != "postgresql":
        Signal.objects.bulk_create(
            [Signal(**s._asdict()) for s in signals], ignore_conflicts=True, batch_size=1000
        )
        return len(signals)
    from psycopg.types.json import Jsonb

    now = timezone.now()
    table = Signal._meta.db_table
    names = ", ".join(f'"{c}"' for c in _SIGNAL_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f'CREATE TEMPORARY TABLE "sup_signal_new" ON COMMIT DROP AS '
            f'SELECT {names} FROM "{table}" WITH NO DATA'
        )
        with cursor.cursor.copy(f'COPY "sup_signal_new" ({names}) FROM STDIN') as copy:
            for s in signals:
                copy.write_row(
                    (
                        uuid.uuid4(), now, now, s.item_id, s.department_id, s.level,
                        s.raised_on, s.approval_days, s.limit_days, Jsonb(s.rule), s.step,
                    )
                )  # fmt: skip
        cursor.execute(
            f'INSERT INTO "{table}" ({names}) SELECT {names} FROM "sup_signal_new" '
            "ON CONFLICT DO NOTHING"
        )
        cursor.execute('DROP TABLE "sup_signal_new"')
    return len(signals)


def steps_overrun(metric: Any) -> list[str]:
    """The steps (环节) of an open item within its limit that overran their own duration:
    those that had when computed, and the running one now (``metric``: an ItemMetric or a
    row with its step columns).
    # rule: a step over its own duration is flagged even when the item is within its limit
    # (docs/legal.md#sup-steps)"""
    if metric.overdue or not metric.open:
        return []
    out = [s for s in metric.overrun_steps.split(",") if s]
    if metric.step and metric.step_used_days > metric.step_allowed_days and metric.step not in out:
        out.append(metric.step)
    return out


def _step_signals(on: date) -> list[NewSignal]:
    """One 环节超时 signal per item and overrun step, never twice (unique per item, level and
    step)."""
    candidates = ItemMetric.objects.filter(open=True, overdue=False).filter(
        ~Q(overrun_steps="") | (~Q(step="") & Q(step_used_days__gt=F("step_allowed_days")))
    )
    existing = set(
        Signal.objects.filter(
            level=SignalLevel.STEP, item_id__in=candidates.values("item_id")
        ).values_list("item_id", "step")
    )
    new = []
    rows = candidates.order_by("item_id").values_list(*_STEP_FIELDS, named=True)
    for metric in rows.iterator(chunk_size=5000):  # perf: named tuples, as signals_raise
        for step in steps_overrun(metric):
            if (metric.item_id, step) in existing:
                continue
            running = step == metric.step
            new.append(
                NewSignal(
                    item_id=metric.item_id, department_id=metric.department_id,
                    level=SignalLevel.STEP, step=step, raised_on=on,
                    approval_days=metric.approval_days, limit_days=metric.limit_days,
                    rule={
                        "step": step,
                        "used_days": metric.step_used_days if running else None,
                        "allowed_days": metric.step_allowed_days if running else None,
                    },
                )
            )  # fmt: skip
    return new


def _department(dept_id: int):
    from kaigong.accounts.models import Department

    return Department.objects.get(pk=dept_id)


# -- the weekly audit -------------------------------------------------------------------


def week_compile_day(week_start: date, region: str = "") -> date:
    """
    The week's compilation day: its Friday when a working day, else the last working day
    before it in that week (Monday at the earliest).
    # rule: every Friday units report their 否定事项; a holiday Friday moves to the week's
    # last working day (seeds/004 高明; docs/legal.md#sup-denial-audit)
    """
    calendar = work_calendar(region)
    friday = week_start + timedelta(days=4 - week_start.weekday())
    day = friday
    while day >= week_start - timedelta(days=week_start.weekday()):
        if calendar.is_workday(day):
            return day
        day -= timedelta(days=1)
    return friday


def _default_reason(denial: Denial) -> str:
    if denial.kind == DenialKind.CORRECTION:
        return DenialReason.MATERIALS_INCOMPLETE
    if denial.kind == DenialKind.DENIAL:
        return DenialReason.CONDITIONS_NOT_MET
    if denial.kind == DenialKind.RETURN:
        return (
            DenialReason.COMMITMENT_LAPSED
            if denial.by_id is None
            else DenialReason.APPLICANT_WITHDREW
        )
    return DenialReason.OTHER


def audit_compile(*, on: date, force: bool = False) -> int:
    """
    On the week's compilation day (or with ``force``), put every denial of the week (Monday
    to Sunday) not yet in a register into its unit's register. Idempotent. Returns new entries.
    """
    week_start = on - timedelta(days=on.weekday())
    compile_day = week_compile_day(week_start)
    if not force and on != compile_day:
        return 0
    denials = (
        Denial.objects.filter(
            at__date__gte=week_start,
            at__date__lt=week_start + timedelta(days=7),
            supervision_entry__isnull=True,
        )
        .select_related("item", "case__bundle")
        .order_by("at", "id")
    )
    confirm_by = _after_working_days(compile_day, DEFAULT_CONFIRM_DAYS)
    created = 0
    with transaction.atomic():
        for denial in denials:
            unit = (
                denial.item.department_id
                if denial.item is not None  # loaded by select_related("item")
                else denial.case.bundle.lead_department_id
            )
            batch, _new = AuditBatch.objects.get_or_create(
                department_id=unit,
                week_start=week_start,
                defaults={"compiled_on": compile_day, "confirm_due_on": confirm_by},
            )
            AuditEntry.objects.create(
                batch=batch, denial=denial, reason_code=_default_reason(denial)
            )
            created += 1
        for batch in AuditBatch.objects.filter(week_start=week_start, confirmed_at__isnull=True):
            if _new_batch_notice(batch):
                notification_send(
                    kind="supervision.register",
                    title=_("Your week's denial register is ready: confirm it by %(day)s")
                    % {"day": batch.confirm_due_on.isoformat()},
                    link=f"/supervision/registers/{batch.public_id}/",
                    department=batch.department,
                )
    return created


def audit_compile_by(*, actor, on: date) -> int:
    """A supervisor compiles this week's registers now (the job does it on the day)."""
    _ensure_supervisor(actor)
    return audit_compile(on=on, force=True)


def _new_batch_notice(batch: AuditBatch) -> bool:
    from kaigong.core.models import Notification

    return not Notification.objects.filter(
        kind="supervision.register", link=f"/supervision/registers/{batch.public_id}/"
    ).exists()


def entry_classify(*, entry: AuditEntry, actor, reason_code: str, note: str = "") -> AuditEntry:
    """The unit sets the taxonomy reason and its note before confirming."""
    _ensure_of_department(actor, entry.batch.department_id)
    if entry.batch.confirmed_at is not None:
        raise Conflict(code=ErrorCode.ALREADY_CONFIRMED)
    if reason_code not in DenialReason.values:
        raise InvalidInput(code=ErrorCode.INVALID)
    entry.reason_code = reason_code
    entry.unit_note = (note or "").strip()[:2000]
    entry.save(update_fields=["reason_code", "unit_note", "updated_at"])
    audit_record(
        actor=actor, action="supervision.entry_classify", obj=entry, data={"reason": reason_code}
    )
    return entry


def batch_confirm(*, batch: AuditBatch, actor, annotation: str = "") -> AuditBatch:
    _ensure_of_department(actor, batch.department_id)
    if batch.confirmed_at is not None:
        raise Conflict(code=ErrorCode.ALREADY_CONFIRMED)
    batch.confirmed_at = timezone.now()
    batch.confirmed_by = actor
    batch.annotation = (annotation or "").strip()[:4000]
    batch.save(update_fields=["confirmed_at", "confirmed_by", "annotation", "updated_at"])
    audit_record(
        actor=actor, action="supervision.batch_confirm", obj=batch,
        data={"late": batch_is_late(batch, on=local_date())},
    )  # fmt: skip
    return batch


def batch_is_late(batch: AuditBatch, *, on: date) -> bool:
    """Late: confirmed after its deadline, or not confirmed and the deadline passed."""
    if batch.confirmed_at is not None:
        return local_date(batch.confirmed_at) > batch.confirm_due_on
    return on > batch.confirm_due_on


def entry_review(*, entry: AuditEntry, actor, finding: str, note: str = "") -> AuditEntry:
    """The 监审办's finding; an "improper" one waits for a second reviewer."""
    _ensure_supervisor(actor)
    if finding not in Finding.values:
        raise InvalidInput(code=ErrorCode.INVALID)
    if finding != Finding.PROPER:
        note = _text(note, _("finding note"))
    entry.finding = finding
    entry.finding_note = (note or "").strip()
    entry.reviewer = actor
    entry.reviewed_at = timezone.now()
    entry.second_reviewer = None
    entry.second_reviewed_at = None
    entry.save()
    audit_record(
        actor=actor, action="supervision.entry_review", obj=entry, data={"finding": finding}
    )
    return entry


def entry_second_review(*, entry: AuditEntry, actor, agree: bool, note: str = "") -> AuditEntry:
    """
    # rule: an "improper" finding stands only with a second reviewer, another person
    # (docs/legal.md#sup-denial-audit)
    """
    _ensure_supervisor(actor)
    if entry.finding != Finding.IMPROPER:
        raise Conflict(code=ErrorCode.SECOND_REVIEWER_REQUIRED)
    if entry.reviewer_id == actor.pk:
        raise PermissionDenied(
            _("The second review must be made by another person."), code=ErrorCode.SAME_REVIEWER
        )
    if agree:
        entry.second_reviewer = actor
        entry.second_reviewed_at = timezone.now()
    else:
        entry.finding = Finding.NEEDS_EXPLANATION
        entry.finding_note = f"{entry.finding_note}\n{_text(note, _('note'))}".strip()
    entry.save()
    audit_record(
        actor=actor, action="supervision.entry_second_review", obj=entry, data={"agree": agree}
    )
    return entry


def _next_number(model, prefix: str) -> str:
    year = local_date().year
    n = model.objects.filter(number__startswith=f"{prefix}-{year}-").count() + 1
    while model.objects.filter(number=f"{prefix}-{year}-{n:04d}").exists():
        n += 1
    return f"{prefix}-{year}-{n:04d}"


def circular_issue(
    *, department, entries, actor, text: str, rectify_days: int = DEFAULT_RECTIFY_DAYS
) -> Circular:
    """抽查通报: final improper findings of one unit, with a rectification deadline."""
    _ensure_supervisor(actor)
    entries = [e for e in entries if e.batch.department_id == department.pk]
    if not entries or not all(e.finding == Finding.IMPROPER and e.finding_final for e in entries):
        raise InvalidInput(
            _("A circular lists improper findings confirmed by a second reviewer."),
            code=ErrorCode.SECOND_REVIEWER_REQUIRED,
        )
    if not 1 <= int(rectify_days) <= 60:
        raise InvalidInput(code=ErrorCode.INVALID)
    today = local_date()
    with transaction.atomic():
        circular = Circular.objects.create(
            number=_next_number(Circular, "CCTB"),
            department=department,
            text=_text(text, _("text")),
            issued_by=actor,
            rectify_due_on=_after_working_days(today, int(rectify_days)),
        )
        circular.entries.set(entries)
        notification_send(
            kind="supervision.circular",
            title=_("Spot-check circular %(number)s: rectify by %(day)s")
            % {"number": circular.number, "day": circular.rectify_due_on.isoformat()},
            link=f"/supervision/circulars/{circular.public_id}/",
            department=department,
        )
        audit_record(actor=actor, action="supervision.circular_issue", obj=circular)
    return circular


def circular_rectify(*, circular: Circular, actor, report: str) -> Circular:
    _ensure_of_department(actor, circular.department_id)
    if circular.closed_at is not None:
        raise Conflict(code=ErrorCode.ORDER_NOT_OPEN)
    circular.rectification = _text(report, _("rectification report"))
    circular.rectified_at = timezone.now()
    circular.save(update_fields=["rectification", "rectified_at", "updated_at"])
    audit_record(actor=actor, action="supervision.circular_rectify", obj=circular)
    return circular


def circular_close(*, circular: Circular, actor) -> Circular:
    _ensure_supervisor(actor)
    if circular.closed_at is not None or circular.rectified_at is None:
        raise Conflict(code=ErrorCode.ORDER_NOT_OPEN)
    circular.closed_at = timezone.now()
    circular.closed_by = actor
    circular.save(update_fields=["closed_at", "closed_by", "updated_at"])
    audit_record(actor=actor, action="supervision.circular_close", obj=circular)
    return circular


# -- 督办 orders ---------------------------------------------------------------------------


def order_issue(
    *, actor, department, subject: str, instruction: str, item=None, signal=None,
    reply_days: int = DEFAULT_REPLY_DAYS,
) -> SupervisionOrder:  # fmt: skip
    """A 督办 order to ``department``, answered (回告) within ``reply_days`` working days."""
    _ensure_supervisor(actor)
    if isinstance(reply_days, bool) or not isinstance(reply_days, int) or not 1 <= reply_days <= 30:
        raise InvalidInput(
            _("The reply deadline is 1 to 30 working days."),
            code=ErrorCode.INVALID,
            invalid_params=[{"name": "reply_days", "code": ErrorCode.INVALID, "reason": "1–30"}],
        )
    if item is not None and item.department_id != department.pk:
        raise InvalidInput(code=ErrorCode.INVALID)
    now = timezone.now()
    with transaction.atomic():
        order = SupervisionOrder.objects.create(
            number=_next_number(SupervisionOrder, "DB"),
            department=department,
            item=item,
            signal=signal,
            subject=_text(subject, _("subject"), max_length=200),
            instruction=_text(instruction, _("instruction")),
            issued_by=actor,
            issued_at=now,
            reply_days=reply_days,
            reply_due_on=_after_working_days(local_date(now), reply_days),
        )
        OrderStep.objects.create(
            order=order, kind=OrderStepKind.ISSUED, actor=actor, at=now, text=order.instruction
        )
        notification_send(
            kind="supervision.order",
            title=_("Supervision order %(number)s: reply by %(day)s")
            % {"number": order.number, "day": order.reply_due_on.isoformat()},
            link=f"/supervision/orders/{order.public_id}/",
            department=department,
        )
        audit_record(actor=actor, action="supervision.order_issue", obj=order)
    return order


def _step(order: SupervisionOrder, kind: str, actor, text: str) -> OrderStep:
    now = timezone.now()
    last = order.steps.order_by("-at", "-id").first()
    days = _working_days(local_date(last.at), local_date(now)) if last else 0
    return OrderStep.objects.create(
        order=order, kind=kind, actor=actor, at=now, text=text, working_days=days
    )


def order_reply(*, order: SupervisionOrder, actor, text: str) -> SupervisionOrder:
    """回告: the department head, or a reviewer/approver of the department."""
    _ensure_of_department(actor, order.department_id)
    if order.status not in (OrderStatus.OPEN, OrderStatus.ESCALATED):
        raise Conflict(_("This order is not awaiting a reply."), code=ErrorCode.ORDER_NOT_OPEN)
    text = _text(text, _("reply"))
    with transaction.atomic():
        _step(order, OrderStepKind.REPLIED, actor, text)
        order.status = OrderStatus.REPLIED
        order.replied_at = timezone.now()
        order.save(update_fields=["status", "replied_at", "updated_at"])
        notification_send(
            kind="supervision.order_reply", title=_("Order %(number)s replied") % {"number": order.number},
            link=f"/supervision/orders/{order.public_id}/", user=order.issued_by,
        )  # fmt: skip
        audit_record(actor=actor, action="supervision.order_reply", obj=order)
    return order


def order_close(*, order: SupervisionOrder, actor, text: str = "") -> SupervisionOrder:
    _ensure_supervisor(actor)
    if order.status == OrderStatus.CLOSED:
        raise Conflict(_("This order is closed."), code=ErrorCode.ORDER_NOT_OPEN)
    with transaction.atomic():
        _step(order, OrderStepKind.CLOSED, actor, (text or "").strip())
        order.status = OrderStatus.CLOSED
        order.closed_at = timezone.now()
        order.save(update_fields=["status", "closed_at", "updated_at"])
        audit_record(actor=actor, action="supervision.order_close", obj=order)
    return order


def order_escalate(
    *, order: SupervisionOrder, actor, text: str, reply_days: int = DEFAULT_REPLY_DAYS
) -> SupervisionOrder:
    """Up one rung (黄牌 → 红牌 → 监察建议书 → 约谈), with a new reply deadline."""
    _ensure_supervisor(actor)
    if order.status == OrderStatus.CLOSED:
        raise Conflict(_("This order is closed."), code=ErrorCode.ORDER_NOT_OPEN)
    if isinstance(reply_days, bool) or not isinstance(reply_days, int) or not 1 <= reply_days <= 30:
        raise InvalidInput(code=ErrorCode.INVALID)
    text = _text(text, _("instruction"))
    with transaction.atomic():
        _step(order, OrderStepKind.ESCALATED, actor, text)
        order.status = OrderStatus.ESCALATED
        order.level += 1
        order.reply_days = reply_days
        order.reply_due_on = _after_working_days(local_date(), reply_days)
        order.save(update_fields=["status", "level", "reply_days", "reply_due_on", "updated_at"])
        notification_send(
            kind="supervision.order",
            title=_("Supervision order %(number)s escalated: reply by %(day)s")
            % {"number": order.number, "day": order.reply_due_on.isoformat()},
            link=f"/supervision/orders/{order.public_id}/",
            department=order.department,
        )
        audit_record(actor=actor, action="supervision.order_escalate", obj=order)
    return order


# -- snapshots --------------------------------------------------------------------------


def _canonical(figures: dict[str, Any], kind: str, start: date, end: date, revision: int) -> bytes:
    body = {
        "kind": kind,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "revision": revision,
        "figures": figures,
    }
    return json.dumps(
        body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    ).encode()


def period_bounds(kind: str, day: date) -> tuple[date, date]:
    if kind == PeriodKind.MONTH:
        start = day.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    elif kind == PeriodKind.QUARTER:
        start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        end = (start + timedelta(days=95)).replace(day=1) - timedelta(days=1)
    else:
        raise InvalidInput(code=ErrorCode.INVALID)
    return start, end


def snapshot_freeze(*, kind: str, day: date, actor=None, reason: str = "") -> ReportSnapshot:
    """
    Freeze the statistics of the month or quarter holding ``day``, signed with the platform
    key (SM2 over SM3). A period already frozen gets a new revision (``reason`` required)
    that supersedes the previous one; the previous stays as it was.
    """
    from .stats import period_figures

    if actor is not None:
        _ensure_supervisor(actor)
    start, end = period_bounds(kind, day)
    previous = (
        ReportSnapshot.objects.filter(kind=kind, period_start=start).order_by("-revision").first()
    )
    if previous is not None:
        reason = _text(reason, _("reason for the revision"))
    revision = previous.revision + 1 if previous else 1
    figures = period_figures(None, start, end)
    data = _canonical(figures, kind, start, end, revision)
    signature = platform_sign(data)
    try:
        with transaction.atomic():
            snap = ReportSnapshot.objects.create(
                kind=kind, period_start=start, period_end=end, revision=revision,
                supersedes=previous, reason=reason, figures=figures, digest=sm3_hex(data),
                key_id=signature.key_id, public_key_hex=signature.public_key_hex,
                signature=signature.signature_hex, signed_by=actor if getattr(actor, "pk", None) else None,
            )  # fmt: skip
    except IntegrityError:
        raise Conflict(code=ErrorCode.SNAPSHOT_EXISTS) from None
    audit_record(
        actor=actor, action="supervision.snapshot_freeze", obj=snap, data={"revision": revision}
    )
    return snap


def snapshot_verify(snapshot: ReportSnapshot) -> bool:
    """The stored figures still hash to the digest and the digest carries the signature."""
    data = _canonical(
        snapshot.figures,
        snapshot.kind,
        snapshot.period_start,
        snapshot.period_end,
        snapshot.revision,
    )
    return sm3_hex(data) == snapshot.digest and platform_verify(
        data, snapshot.signature, snapshot.public_key_hex
    )


# -- the job, exports ---------------------------------------------------------------------


def supervision_sweep(*, on: date | None = None) -> dict[str, int]:
    """The periodic job: refresh the figures, raise signals, compile Friday's registers."""
    on = on or local_date()
    with request_cache_scope():
        return {
            "advanced": metrics_advance(on=on),
            "metrics": metrics_refresh(on=on),
            "signals": signals_raise(on=on),
            "register_entries": audit_compile(on=on),
        }


def export_record(*, actor, table: str, fmt: str, rows: int) -> None:
    audit_record(
        actor=actor, action="supervision.export", object_type="supervision.table", object_id=table,
        summary=f"{table}.{fmt} ({rows})", data={"table": table, "format": fmt, "rows": rows},
    )  # fmt: skip


# -- thresholds: the ladder per matter or department, the steps' durations -----------------


def _int_param(
    data: dict, name: str, label: str, low: int, high: int, *, required: bool = True
) -> tuple[int | None, dict | None]:
    """``data[name]`` as an integer in [low, high]; else the invalid param (Chinese reason)."""
    raw = data.get(name)
    raw = "" if raw is None else str(raw).strip()
    if raw == "" and not required:
        return None, None
    if not raw.isdigit() or not low <= int(raw) <= high:
        reason = _("%(label)s: a whole number from %(low)s to %(high)s.") % {
            "label": label, "low": low, "high": high,
        }  # fmt: skip
        return None, {"name": name, "code": ErrorCode.INVALID, "reason": reason}
    return int(raw), None


def _refuse(actor, table: str, errors: list[dict], obj=None) -> NoReturn:
    """Audit the refused threshold write, then refuse it (400, each field's reason)."""
    audit_record(
        actor=actor, action="supervision.threshold_refused", obj=obj,
        object_type="" if obj is not None else f"supervision.{table}",
        data={"table": table, "errors": [e["name"] for e in errors]},
    )  # fmt: skip
    raise InvalidInput(
        "；".join(e["reason"] for e in errors), code=ErrorCode.INVALID, invalid_params=errors
    )


def _active(data: dict) -> bool:
    value = data.get("active", True)
    if isinstance(value, str):
        return value.lower() in ("1", "on", "true", "yes")
    return bool(value)


def signal_rule_save(*, actor, data: dict, rule: SignalRule | None = None) -> SignalRule:
    """
    Create (``rule`` None) or change one rung set of the ladder, for one matter or one
    department (``data``: ``matter`` or ``department``, a model instance; ``prompt_percent``,
    ``prompt_days_before`` (optional), ``yellow_percent``, ``advice_after_days``, ``active``).
    Supervisors only; one active rule per matter and per department; 预警 ≤ 黄牌.
    # rule: the thresholds are data with defaults (docs/legal.md#sup-signal-ladder)
    """
    _ensure_supervisor(actor)
    errors: list[dict] = []
    matter, department = data.get("matter"), data.get("department")
    if (matter is None) == (department is None):
        errors.append({
            "name": "target", "code": ErrorCode.INVALID,
            "reason": _("Choose either a matter or a department."),
        })  # fmt: skip
    prompt, e1 = _int_param(
        data, "prompt_percent", _("Early warning threshold (percent of the limit)"), 1, 100
    )
    before, e2 = _int_param(
        data, "prompt_days_before", _("Working days before the limit"), 0, 60, required=False
    )
    yellow, e3 = _int_param(
        data, "yellow_percent", _("Yellow card threshold (percent of the limit)"), 1, 100
    )
    advice, e4 = _int_param(data, "advice_after_days", _("Advice after N days overdue"), 1, 60)
    errors += [e for e in (e1, e2, e3, e4) if e]
    if prompt is not None and yellow is not None and prompt > yellow:
        errors.append({
            "name": "yellow_percent", "code": ErrorCode.INVALID,
            "reason": _("The yellow card comes at or after the early warning."),
        })  # fmt: skip
    active = _active(data)
    if not errors and active:
        errors += _twin(
            SignalRule.objects.filter(active=True, matter=matter, department=department),
            rule,
            "target",
            _("This matter or department already has an active rule: change that one."),
        )
    if errors:
        _refuse(actor, "signal_rule", errors, rule)
    before_values = _rule_values(rule) if rule is not None else None
    rule = rule or SignalRule()
    rule.matter, rule.department = matter, department
    # no error: every required number was read
    rule.prompt_percent, rule.prompt_days_before = cast(int, prompt), before
    rule.yellow_percent, rule.advice_after_days = cast(int, yellow), cast(int, advice)
    rule.active = active
    with transaction.atomic():
        rule.save()
        audit_record(
            actor=actor, action="supervision.signal_rule_save", obj=rule,
            summary=str(rule), data={"before": before_values, "after": _rule_values(rule)},
        )  # fmt: skip
    return rule


def _twin(rows, row, name: str, reason) -> list[dict]:
    """The field error when another row than ``row`` already holds the place (one per place)."""
    if row is not None:
        rows = rows.exclude(pk=row.pk)
    return [{"name": name, "code": ErrorCode.INVALID, "reason": reason}] if rows.exists() else []


def _rule_values(rule: SignalRule) -> dict[str, Any]:
    return {
        "matter": rule.matter.code if rule.matter is not None else None,
        "department": rule.department.code if rule.department is not None else None,
        "prompt_percent": rule.prompt_percent, "prompt_days_before": rule.prompt_days_before,
        "yellow_percent": rule.yellow_percent, "advice_after_days": rule.advice_after_days,
        "active": rule.active,
    }  # fmt: skip


def step_limit_save(*, actor, data: dict, limit: StepLimit | None = None) -> StepLimit:
    """
    Create or change a matter's own duration of one step (环节): ``data``: ``matter`` (a
    model instance), ``step``, ``working_days``, ``active``. Supervisors only; one row per
    matter and step. The matter's open items are recomputed by the next job (their stored
    step figures are marked stale).
    # rule: each step has its own promised duration (docs/legal.md#sup-steps)
    """
    from .constants import Step

    _ensure_supervisor(actor)
    errors: list[dict] = []
    matter, step = data.get("matter"), str(data.get("step") or "")
    if matter is None:
        errors.append(
            {"name": "matter", "code": ErrorCode.INVALID, "reason": _("Choose a matter.")}
        )
    if step not in Step.values:
        errors.append({"name": "step", "code": ErrorCode.INVALID, "reason": _("Choose a step.")})
    days, e1 = _int_param(data, "working_days", _("Duration (working days)"), 0, 250)
    if e1:
        errors.append(e1)
    if not errors:
        errors += _twin(
            StepLimit.objects.filter(matter=matter, step=step),
            limit,
            "step",
            _("This matter already has a duration for this step: change that one."),
        )
    if errors:
        _refuse(actor, "step_limit", errors, limit)
    before_values = _limit_values(limit) if limit is not None else None
    old_matter_id = limit.matter_id if limit is not None else None
    limit = limit or StepLimit()
    limit.matter, limit.step, limit.working_days = cast(Any, matter), step, cast(int, days)
    limit.active = _active(data)
    with transaction.atomic():
        limit.save()
        # the stored step figures of the matter's open items are stale: the next job's
        # metrics_refresh recomputes them (computed before any change of the item)
        stale_since = datetime(2000, 1, 1, tzinfo=UTC)
        ItemMetric.objects.filter(
            matter_id__in={limit.matter_id, old_matter_id} - {None}, open=True
        ).update(computed_at=stale_since)
        audit_record(
            actor=actor, action="supervision.step_limit_save", obj=limit,
            summary=str(limit), data={"before": before_values, "after": _limit_values(limit)},
        )  # fmt: skip
    return limit


def _limit_values(limit: StepLimit) -> dict[str, Any]:
    return {
        "matter": limit.matter.code, "step": limit.step, "working_days": limit.working_days,
        "active": limit.active,
    }  # fmt: skip
