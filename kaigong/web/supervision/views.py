"""
Supervision pages (效能督查, 否定事项监审, statistics): the dashboard, the seven queues, an
item's figures explained, 督办 orders, the weekly denial registers, circulars, statistics,
reform metrics and signed snapshots. Every table exports to xlsx and CSV (audited).

Thin: parse, call one selector or service, render. Supervisors see every department, a
department head its own; reviewers and approvers reach their department's orders and
registers; everyone else gets 403, and a scoped object outside the scope 404.
"""

from __future__ import annotations

import re
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext

from kaigong.accounts.models import Department
from kaigong.core.clock import local_date
from kaigong.core.exceptions import DomainError, NotFound
from kaigong.core.exceptions import PermissionDenied as DomainPermissionDenied
from kaigong.supervision import selectors, services
from kaigong.supervision.constants import DenialReason, Finding, PeriodKind, Queue, Step
from kaigong.supervision.exports import table_export
from kaigong.supervision.stats import DIMENSIONS
from kaigong.web.auth_request import signed_in

from . import charts


def _scope(request, roles=None):
    try:
        return selectors.ensure_can_view(request.user, roles or selectors.DEPARTMENT_ROLES[:1])
    except DomainPermissionDenied:
        raise DjangoPermissionDenied from None


def _get(fn, *args):
    try:
        return fn(*args)
    except NotFound:
        raise Http404 from None


def _run(request, fn, **kwargs) -> bool:
    """Call one service; its refusal becomes a message (403 when not allowed at all)."""
    try:
        fn(**kwargs)
        return True
    except DomainPermissionDenied as error:
        if error.code == "second_reviewer_same_person":
            messages.error(request, str(error.message))
            return False
        raise DjangoPermissionDenied from None
    except DomainError as error:
        messages.error(request, str(error.message))
        return False


def _export(request, table: str, headers, rows):
    fmt = request.GET.get("format", "")
    if fmt not in ("xlsx", "csv"):
        return None
    content, content_type = table_export(
        actor=request.user, table=table, fmt=fmt, headers=headers, rows=rows
    )
    response = HttpResponse(content, content_type=content_type)
    name = re.sub(r"[^A-Za-z0-9._-]", "_", table)  # a header value: ASCII only
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


PARTIES = ("government", "applicant", "special", "intermediary", "prerequisite")


def _party_labels():
    from kaigong.supervision.constants import Party

    return dict(Party.choices)


@login_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    _scope(request)
    data = selectors.dashboard(request.user)
    labels = _party_labels()
    table = request.GET.get("table", "ranking")
    if table == "reform":
        headers = [_("Bundle"), _("Materials before"), _("Materials after"), _("Visits before"),
                   _("Visits after"), _("Steps before"), _("Steps after"), _("Promised days before"),
                   _("Promised days after"), _("Time saved %"), _("Actual median days")]  # fmt: skip
        rows = [[r["bundle"], r["materials_before"], r["materials_after"], r["visits_before"],
                 r["visits_after"], r["steps_before"], r["steps_after"], r["promised_days_before"],
                 r["promised_days_after"], r["time_saved_percent"], r["actual_median_days"]]
                for r in data["reform"]]  # fmt: skip
    elif table == "ranking":
        headers = [_("Department"), _("Accepted"), _("Overdue"), _("Overdue rate")]
        rows = [[r["name"], r["accepted"], r["overdue"], r["rate"]] for r in data["ranking"]]
    else:
        key = "party_by_matter" if table == "party_matter" else "party_by_department"
        headers = [_("Matter") if table == "party_matter" else _("Department"), pgettext("count", "Items"),
                   *(labels[k] for k in PARTIES)]  # fmt: skip
        rows = [[r["name"], r["items"], *(r[k] for k in PARTIES)] for r in data[key]]
    response = _export(request, f"dashboard-{table}", headers, rows)
    if response:
        return response
    c = data["colours"]
    party = data["party"]
    context = {
        **data,
        "queue_labels": Queue.choices,
        "party_tables": [
            (
                _("Working days by party, per department"),
                "party_department",
                data["party_by_department"],
            ),
            (_("Working days by party, per matter"), "party_matter", data["party_by_matter"]),
        ],
        "chart_colours": charts.bar_chart(
            _("Running clocks by colour"),
            [
                (_("Overdue"), c["red"], "red"),
                (_("Due soon"), c["yellow"], "yellow"),
                (_("On time"), c["green"], "green"),
            ],
        ),
        "chart_party": charts.stacked_bar(
            _("Working days by responsible party"),
            [(labels[k], party[k], k) for k in PARTIES],
            unit=_(" d"),
        ),
        "chart_ranking": charts.bar_chart(
            _("Departments ranked by overdue rate"),
            [(r["name"], r["rate"], "bad") for r in data["ranking"][:10]],
            unit="%",
            maximum=100,
        ),
        "chart_reform": charts.bar_chart(
            _("Promised working days before and after the reform"),
            [
                row
                for r in data["reform"][:6]
                for row in (
                    (f"{r['bundle'][:10]} · {_('Before')}", r["promised_days_before"], "before"),
                    (f"{r['bundle'][:10]} · {_('After')}", r["promised_days_after"], "after"),
                )
            ],
            unit=_(" d"),
        ),
        "chart_denials": charts.column_chart(
            _("Denials per week"),
            [(w["week"].strftime("%m-%d"), w["total"]) for w in data["denials"]],
        ),
    }
    return render(request, "web/supervision/dashboard.html", context)


QUEUE_HEADERS = ("case", "matter", "unit", "status", "due_on")


@login_required
def queue_page(request: HttpRequest, queue: str) -> HttpResponse:
    _scope(request)
    if queue not in Queue.values:
        raise Http404
    export = request.GET.get("format") in ("xlsx", "csv")
    rows = selectors.queue_for(request.user, queue, limit=None if export else 200)
    headers = [_("Case number"), _("Matter"), _("Unit"), _("Status"), _("Due on")]
    response = _export(
        request, f"queue-{queue}", headers, [[r[k] for k in QUEUE_HEADERS] for r in rows]
    )
    if response:
        return response
    count, capped = selectors.queue_size_for(request.user, queue)
    context = {
        "queue": queue, "label": Queue(queue).label, "rows": rows, "queues": Queue.choices,
        "count": count, "count_capped": capped,
    }  # fmt: skip
    return render(request, "web/supervision/queue.html", context)


@login_required
def item_page(request: HttpRequest, public_id) -> HttpResponse:
    item = _get(selectors.item_for_supervision, request.user, public_id)
    if request.method == "POST":
        days = request.POST.get("reply_days", "")
        ok = _run(
            request, services.order_issue, actor=request.user, department=item.department, item=item,
            signal=item.supervision_signals.order_by("-id").first(),
            subject=request.POST.get("subject", ""), instruction=request.POST.get("instruction", ""),
            reply_days=int(days) if days.isdigit() and len(days) < 4 else 0,
        )  # fmt: skip
        if ok:
            messages.success(request, _("The supervision order was issued."))
            return redirect("web:supervision-orders")
    fig, steps = selectors.item_steps(item)
    signals = item.supervision_signals.order_by("raised_on", "id")
    response = _item_export(request, item, fig, steps, signals)
    if response:
        return response
    promised_why = selectors.promised_explanation(item, fig)
    groups = selectors.case_groups_explained(item.case)
    return render(
        request,
        "web/supervision/item.html",
        {
            "item": item, "fig": fig, "groups": groups, "promised_why": promised_why,
            "party_labels": _party_labels(), "steps": steps, "step_labels": dict(Step.choices),
            "signals": signals,
            "can_issue": selectors.is_supervisor(request.user),
        },
    )  # fmt: skip


def _step_state(st) -> str:
    if st.warning:
        return _("Step overrun (item within its limit)")
    if st.overrun:
        return _("Step overrun")
    return _("Running") if st.running else _("Within its duration")


def _item_export(request, item, fig, steps, signals):
    """The item page's tables (?table=figures|steps|party|signals) as xlsx or CSV."""
    if request.GET.get("format") not in ("xlsx", "csv"):
        return None
    table = request.GET.get("table", "figures")
    step_labels, parties = dict(Step.choices), _party_labels()
    if table == "steps":
        headers = [_("Step"), _("From"), _("To"), _("Used"), _("Allowed"), _("Subtracted"),
                   _("State")]  # fmt: skip
        rows = [
            [step_labels[st.step], st.start, st.end, st.used_days, st.allowed_days,
             "; ".join(f"{r.start} – {r.end}: {r.working_days} ({r.reason})" for r in st.subtracted),
             _step_state(st)]
            for st in steps
        ]  # fmt: skip
    elif table == "party":
        headers = [_("Party"), _("From"), _("To"), _("Working days"), _("Reason")]
        rows = [
            [parties.get(sg.party, sg.party), sg.start, sg.end, sg.working_days, sg.reason]
            for sg in fig.segments
        ]
    elif table == "signals":
        headers = [_("Raised on"), pgettext("grade", "Level"), _("Step"), _("Approval time"),
                   _("Limit")]  # fmt: skip
        rows = [
            [x.raised_on, x.get_level_display(), step_labels.get(x.step, ""), x.approval_days,
             x.limit_days]
            for x in signals
        ]  # fmt: skip
    else:
        table = "figures"
        headers = [_("Figure"), _("Value")]
        rows = [
            [_("Received (接件)"), fig.received_on], [_("Accepted (受理, day 0)"), fig.accepted_on],
            [_("Concluded (办结)"), fig.finished_on], [_("Limit"), fig.limit_days],
            [_("Promised conclusion (承诺办结时间)"), fig.promised_on],
            [_("Approval time (审批用时)"), fig.approval_days],
            [_("Correction time"), fig.correction_days], [_("Special procedure"), fig.special_days],
            [_("Intermediary service"), fig.intermediary_days],
            [_("Span (跨度用时)"), fig.span_days],
            [_("Overdue (是否超期)"), _("Yes") if fig.overdue else _("No")],
        ]  # fmt: skip
    return _export(request, f"item-{item.case.number}-{table}", headers, rows)


@login_required
def orders_page(request: HttpRequest) -> HttpResponse:
    scope = _scope(request, selectors.DEPARTMENT_ROLES)
    if request.method == "POST":
        raw_department = request.POST.get("department")
        department = (
            Department.objects.filter(public_id=raw_department).first()
            if raw_department and _uuid(raw_department)
            else None
        )
        if department is None:
            messages.error(request, _("Please choose a department."))
        else:
            days = request.POST.get("reply_days", "")
            if _run(
                request, services.order_issue, actor=request.user, department=department,
                subject=request.POST.get("subject", ""), instruction=request.POST.get("instruction", ""),
                reply_days=int(days) if days.isdigit() and len(days) < 4 else 0,
            ):  # fmt: skip
                messages.success(request, _("The supervision order was issued."))
                return redirect("web:supervision-orders")
    orders = list(selectors.order_list(scope).order_by("-issued_at", "-id")[:500])
    headers = [
        _("Number"),
        _("Unit"),
        _("Subject"),
        _("Status"),
        _("Issued at"),
        _("Reply due on"),
        _("Replied at"),
        _("Closed at"),
    ]
    response = _export(
        request, "orders", headers,
        [[o.number, o.department.name, o.subject, o.get_status_display(), o.issued_at.date(), o.reply_due_on,
          o.replied_at.date() if o.replied_at else "", o.closed_at.date() if o.closed_at else ""] for o in orders],
    )  # fmt: skip
    if response:
        return response
    return render(
        request,
        "web/supervision/orders.html",
        {
            "orders": orders, "today": local_date(),
            "can_issue": selectors.is_supervisor(request.user),
            "departments": selectors.departments_in_scope(scope),
        },
    )  # fmt: skip


def _uuid(value) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
        return True
    except ValueError:
        return False


@login_required
def order_page(request: HttpRequest, public_id) -> HttpResponse:
    order = _get(selectors.order_get_for, request.user, public_id)
    if request.method == "POST":
        action = request.POST.get("action", "")
        text = request.POST.get("text", "")
        fn = {
            "reply": services.order_reply,
            "close": services.order_close,
            "escalate": services.order_escalate,
        }.get(action)
        if fn is None:
            messages.error(request, _("Unknown action."))
        elif _run(request, fn, order=order, actor=request.user, text=text):
            messages.success(request, _("Saved."))
            return redirect("web:supervision-order", public_id=order.public_id)
    response = _export(
        request, f"order-{order.number}", [_("Step"), _("By"), _("At"),
        _("Working days since the previous step"), _("Text")],
        [[st.get_kind_display(), st.actor.get_full_name() or st.actor.username,
          timezone.localtime(st.at).strftime("%Y-%m-%d %H:%M"), st.working_days, st.text]
         for st in order.steps.all()],
    )  # fmt: skip
    if response:
        return response
    return render(
        request,
        "web/supervision/order.html",
        {
            "order": order, "steps": order.steps.all(),
            "is_supervisor": selectors.is_supervisor(request.user),
            "is_department": order.department_id in selectors.user_department_ids(signed_in(request), list(selectors.DEPARTMENT_ROLES)),
        },
    )  # fmt: skip


@login_required
def registers_page(request: HttpRequest) -> HttpResponse:
    _scope(request, selectors.DEPARTMENT_ROLES)
    if request.method == "POST":
        try:
            n = services.audit_compile_by(actor=request.user, on=local_date())
        except DomainPermissionDenied:
            raise DjangoPermissionDenied from None
        messages.success(
            request, _("%(n)s denials were added to this week's registers.") % {"n": n}
        )
        return redirect("web:supervision-registers")
    batches = selectors.batch_list_for(request.user)
    headers = [
        _("Unit"),
        _("Week from"),
        _("Compiled on"),
        _("Confirm by"),
        _("Confirmed at"),
        _("Late"),
        _("Entries"),
    ]
    response = _export(
        request, "registers", headers,
        [[b.department.name, b.week_start, b.compiled_on, b.confirm_due_on,
          b.confirmed_at.date() if b.confirmed_at else "", _("Yes") if b.late else _("No"), b.entry_count] for b in batches],
    )  # fmt: skip
    if response:
        return response
    return render(
        request, "web/supervision/registers.html",
        {"batches": batches, "is_supervisor": selectors.is_supervisor(request.user)},
    )  # fmt: skip


REGISTER_KEYS = (
    "date",
    "kind",
    "case",
    "matter",
    "applicant",
    "facts",
    "reason",
    "note",
    "legal_basis",
    "officer",
    "finding",
)


@login_required
def register_page(request: HttpRequest, public_id) -> HttpResponse:
    batch = _get(selectors.batch_get_for, request.user, public_id)
    if request.method == "POST":
        action = request.POST.get("action", "")
        entry = None
        if request.POST.get("entry") and _uuid(request.POST.get("entry")):
            entry = batch.entries.filter(public_id=request.POST["entry"]).first()
        ok = False
        if action == "confirm":
            ok = _run(
                request,
                services.batch_confirm,
                batch=batch,
                actor=request.user,
                annotation=request.POST.get("annotation", ""),
            )
        elif action == "classify" and entry:
            ok = _run(
                request,
                services.entry_classify,
                entry=entry,
                actor=request.user,
                reason_code=request.POST.get("reason_code", ""),
                note=request.POST.get("note", ""),
            )
        elif action == "review" and entry:
            ok = _run(
                request,
                services.entry_review,
                entry=entry,
                actor=request.user,
                finding=request.POST.get("finding", ""),
                note=request.POST.get("note", ""),
            )
        elif action == "second" and entry:
            ok = _run(
                request,
                services.entry_second_review,
                entry=entry,
                actor=request.user,
                agree=request.POST.get("agree") == "1",
                note=request.POST.get("note", ""),
            )
        elif action == "circular":
            improper = [
                e for e in batch.entries.all() if e.finding == Finding.IMPROPER and e.finding_final
            ]
            ok = _run(
                request,
                services.circular_issue,
                department=batch.department,
                entries=improper,
                actor=request.user,
                text=request.POST.get("text", ""),
            )
        else:
            messages.error(request, _("Unknown action."))
        if ok:
            messages.success(request, _("Saved."))
            return redirect("web:supervision-register", public_id=batch.public_id)
    batch = next(b for b in selectors.batch_list_for(request.user) if b.pk == batch.pk)
    entries = list(selectors.batch_entries(batch))
    rows = selectors.register_rows(entries)
    headers = [_("Date"), _("Kind"), _("Case number"), _("Matter"), _("Applicant"), _("Facts"), _("Reason"),
               _("Unit's note"), _("Legal basis"), _("Officer"), _("Finding")]  # fmt: skip
    response = _export(
        request,
        f"denial-register-{batch.week_start}",
        headers,
        [[r[k] for k in REGISTER_KEYS] for r in rows],
    )
    if response:
        return response
    is_sup = selectors.is_supervisor(request.user)
    return render(
        request, "web/supervision/register.html",
        {
            "batch": batch, "pairs": list(zip(entries, rows, strict=True)), "is_supervisor": is_sup,
            "is_unit": batch.department_id in selectors.user_department_ids(signed_in(request), list(selectors.DEPARTMENT_ROLES)),
            "reasons": DenialReason.choices, "findings": Finding.choices,
            "circulars": selectors.circular_list(None).filter(entries__batch=batch).distinct(),
            "can_circular": is_sup and any(e.finding == Finding.IMPROPER and e.finding_final for e in entries),
        },
    )  # fmt: skip


@login_required
def circular_page(request: HttpRequest, public_id) -> HttpResponse:
    circular = _get(selectors.circular_get_for, request.user, public_id)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "rectify":
            ok = _run(
                request,
                services.circular_rectify,
                circular=circular,
                actor=request.user,
                report=request.POST.get("text", ""),
            )
        elif action == "close":
            ok = _run(request, services.circular_close, circular=circular, actor=request.user)
        else:
            ok = False
            messages.error(request, _("Unknown action."))
        if ok:
            messages.success(request, _("Saved."))
            return redirect("web:supervision-circular", public_id=circular.public_id)
    entries = circular.entries.select_related("denial__case", "batch")
    response = _export(
        request, f"circular-{circular.number}", [_("Case number"), _("Kind"), _("Finding note")],
        [[e.denial.case.number, e.denial.get_kind_display(), e.finding_note] for e in entries],
    )  # fmt: skip
    if response:
        return response
    return render(
        request, "web/supervision/circular.html",
        {"circular": circular, "entries": entries,
         "is_supervisor": selectors.is_supervisor(request.user)},
    )  # fmt: skip


STAT_KEYS = ("received", "accepted", "refused", "corrections", "denied", "concluded", "special", "warnings", "overdue",
             "acceptance_rate", "refusal_rate", "overdue_rate", "conclusion_rate")  # fmt: skip


DIMENSION_LABELS = {
    "department": _lazy("Department"),
    "window": _lazy("Service centre window"),
    "bundle": _lazy("Bundle"),
    "matter": _lazy("Matter"),
    "region": _lazy("Region"),
}


@login_required
def statistics_page(request: HttpRequest) -> HttpResponse:
    _scope(request)
    kind = request.GET.get("period", "month")
    dimension = request.GET.get("dimension", "")
    try:
        data = selectors.statistics_for(
            request.user, kind=kind, day=request.GET.get("day", ""), dimension=dimension
        )
    except DomainError:
        raise Http404 from None
    headers = [_("Group"), _("Received"), _("Accepted"), _("Refused"), _("Corrections"), _("Denied"), _("Concluded"),
               _("Special procedure"), _("Warnings"), _("Overdue"), _("Acceptance rate %"), _("Refusal rate %"),
               _("Overdue rate %"), _("Conclusion rate %")]  # fmt: skip
    response = _export(request, f"statistics-{kind}-{data['start']}", headers,
                       [[r["name"], *(r[k] for k in STAT_KEYS)] for r in data["rows"]])  # fmt: skip
    if response:
        return response
    return render(
        request, "web/supervision/statistics.html",
        {**data, "period": kind, "dimension": dimension, "periods": PeriodKind.choices,
         "dimensions": [(k, DIMENSION_LABELS[k]) for k in DIMENSIONS], "keys": STAT_KEYS},
    )  # fmt: skip


@login_required
def reform_page(request: HttpRequest) -> HttpResponse:
    rows = _get_reform(request)
    headers = [_("Bundle"), _("Materials before"), _("Materials after"), _("Visits before"), _("Visits after"),
               _("Steps before"), _("Steps after"), _("Promised days before"), _("Promised days after"),
               _("Time saved %"), _("Actual median days"), _("Base date"), _("Before from")]  # fmt: skip
    response = _export(request, "reform", headers, [[
        r["bundle"].name, r["materials_before"], r["materials_after"], r["visits_before"], r["visits_after"],
        r["steps_before"], r["steps_after"], r["promised_days_before"], r["promised_days_after"],
        r["time_saved_percent"], r["actual_median_days"], r["base_on"],
        _before_source_labels()[r["before_source"]]] for r in rows])  # fmt: skip
    if response:
        return response
    for r in rows:
        r["chart"] = charts.bar_chart(
            r["bundle"].name,
            [(_("Materials before"), r["materials_before"], "before"), (_("Materials after"), r["materials_after"], "after"),
             (_("Visits before"), r["visits_before"], "before"), (_("Visits after"), r["visits_after"], "after"),
             (_("Steps before"), r["steps_before"], "before"), (_("Steps after"), r["steps_after"], "after"),
             (_("Days before"), r["promised_days_before"], "before"), (_("Days after"), r["promised_days_after"], "after")],
        )  # fmt: skip
    return render(request, "web/supervision/reform.html", {"rows": rows})


def _before_source_labels() -> dict[str, str]:
    return {
        "catalogue": _("Catalogue versions of the base date"),
        "mixed": _("Catalogue versions where present, else the rule"),
        "rule": _("The rule (no version on the base date)"),
    }


def _get_reform(request):
    _scope(request)
    return selectors.reform_for(request.user)


@login_required
def snapshots_page(request: HttpRequest) -> HttpResponse:
    _scope(request)
    if request.method == "POST":
        try:
            day = date.fromisoformat(request.POST.get("day", ""))
        except ValueError:
            day = None
        if day is None:
            messages.error(request, _("Please give a day of the period."))
        elif _run(request, services.snapshot_freeze, kind=request.POST.get("kind", ""), day=day,
                  actor=request.user, reason=request.POST.get("reason", "")):  # fmt: skip
            messages.success(request, _("The report was frozen and signed."))
            return redirect("web:supervision-snapshots")
    snapshots = selectors.snapshots_for(request.user)
    response = _export(
        request, "snapshots",
        [_("Period"), _("Period from"), _("Period to"), _("Revision"), _("Reason for a revision"),
         _("Signature"), _("Digest (SM3)"), _("Group"), _("Received"), _("Accepted"),
         _("Concluded"), _("Overdue")],
        [[s.get_kind_display(), s.period_start, s.period_end, s.revision, s.reason,
          _("SM2 signature verifies") if s.verified else _("Signature does not verify"), s.digest,
          name or _("Total"), f.get("received"), f.get("accepted"), f.get("concluded"),
          f.get("overdue")]
         for s in snapshots for name, f in s.figures.items()],
    )  # fmt: skip
    if response:
        return response
    return render(
        request, "web/supervision/snapshots.html",
        {"snapshots": snapshots, "is_supervisor": selectors.is_supervisor(request.user),
         "kinds": [(PeriodKind.MONTH, PeriodKind.MONTH.label), (PeriodKind.QUARTER, PeriodKind.QUARTER.label)]},
    )  # fmt: skip


# -- thresholds: the signal ladder per matter or department, the steps' durations ---------


def _rule_row(r) -> list:
    return [
        r.matter.name if r.matter_id else r.department.name,
        _("Matter") if r.matter_id else _("Department"),
        r.prompt_percent,
        "" if r.prompt_days_before is None else r.prompt_days_before,
        r.yellow_percent,
        r.advice_after_days,
        _("Yes") if r.active else _("No"),
    ]


def _rule_headers() -> list:
    return [
        _("Applies to"), _("Kind"), _("Early warning threshold (percent of the limit)"), _("Working days before the limit"),
        _("Yellow card threshold (percent of the limit)"), _("Advice after N days overdue"), _("Active"),
    ]  # fmt: skip


def _limit_row(x) -> list:
    return [
        x.matter.name,
        x.matter.code,
        dict(Step.choices)[x.step],
        x.working_days,
        _("Yes") if x.active else _("No"),
    ]


def _limit_headers() -> list:
    return [_("Matter"), _("Matter code"), _("Step"), _("Duration (working days)"),
            _("Active")]  # fmt: skip


@login_required
def thresholds_page(request: HttpRequest) -> HttpResponse:
    """The ladder's rows and the steps' durations in scope (department heads read theirs)."""
    _scope(request)
    rules = list(selectors.signal_rules_for(request.user))
    limits = list(selectors.step_limits_for(request.user))
    table = request.GET.get("table", "rules")
    if table == "steps":
        response = _export(
            request, "step-limits", _limit_headers(), [_limit_row(x) for x in limits]
        )
    else:
        response = _export(request, "signal-rules", _rule_headers(), [_rule_row(r) for r in rules])
    if response:
        return response
    from kaigong.supervision.constants import (
        DEFAULT_ADVICE_AFTER_DAYS,
        DEFAULT_PROMPT_PERCENT,
        DEFAULT_YELLOW_PERCENT,
    )

    return render(
        request, "web/supervision/thresholds.html",
        {"rules": rules, "limits": limits, "step_labels": dict(Step.choices),
         "can_edit": selectors.is_supervisor(request.user),
         "defaults": {"prompt": DEFAULT_PROMPT_PERCENT, "yellow": DEFAULT_YELLOW_PERCENT,
                      "advice": DEFAULT_ADVICE_AFTER_DAYS}},
    )  # fmt: skip


def _pick(qs, raw):
    """The row of ``qs`` whose public id is ``raw`` (None when blank, malformed or absent)."""
    return qs.filter(public_id=raw).first() if raw and _uuid(raw) else None


def _save_threshold(request, fn, **kwargs):
    """Call the threshold service: (saved row, {}) or (None, {field: reason})."""
    try:
        return fn(actor=request.user, **kwargs), {}
    except DomainPermissionDenied:
        raise DjangoPermissionDenied from None
    except DomainError as error:
        errors = {p["name"]: p["reason"] for p in error.invalid_params}
        return None, errors or {"target": str(error.message)}


@login_required
def signal_rule_page(request: HttpRequest, public_id=None) -> HttpResponse:
    """One ladder row: a form for supervisors, read-only for the department head in scope."""
    scope = _scope(request)
    rule = _get(selectors.signal_rule_get_for, request.user, public_id) if public_id else None
    can_edit = selectors.is_supervisor(request.user)
    if (request.method == "POST" or public_id is None) and not can_edit:
        raise DjangoPermissionDenied  # department heads read their rows, never write
    matters = selectors.matters_in_scope(scope)
    departments = selectors.departments_in_scope(scope)
    errors: dict = {}
    values = request.POST if request.method == "POST" else None
    if request.method == "POST":
        target = request.POST.get("target", "")
        data = {
            "matter": _pick(matters, request.POST.get("matter")) if target == "matter" else None,
            "department": _pick(departments, request.POST.get("department"))
            if target == "department"
            else None,
            **{k: request.POST.get(k, "") for k in ("prompt_percent", "prompt_days_before",
                                                    "yellow_percent", "advice_after_days")},
            "active": request.POST.get("active", ""),
        }  # fmt: skip
        saved, errors = _save_threshold(request, services.signal_rule_save, data=data, rule=rule)
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("web:supervision-thresholds")
    return render(
        request, "web/supervision/signal_rule.html",
        {"rule": rule, "values": values, "errors": errors, "can_edit": can_edit,
         "matters": matters, "departments": departments},
    )  # fmt: skip


@login_required
def step_limit_page(request: HttpRequest, public_id=None) -> HttpResponse:
    """One matter's duration of one step: a form for supervisors, read-only otherwise."""
    scope = _scope(request)
    limit = _get(selectors.step_limit_get_for, request.user, public_id) if public_id else None
    can_edit = selectors.is_supervisor(request.user)
    if (request.method == "POST" or public_id is None) and not can_edit:
        raise DjangoPermissionDenied  # department heads read their rows, never write
    matters = selectors.matters_in_scope(scope)
    errors: dict = {}
    values = request.POST if request.method == "POST" else None
    if request.method == "POST":
        data = {
            "matter": _pick(matters, request.POST.get("matter")),
            "step": request.POST.get("step", ""),
            "working_days": request.POST.get("working_days", ""),
            "active": request.POST.get("active", ""),
        }
        saved, errors = _save_threshold(request, services.step_limit_save, data=data, limit=limit)
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("web:supervision-thresholds")
    return render(
        request, "web/supervision/step_limit.html",
        {"limit": limit, "values": values, "errors": errors, "can_edit": can_edit,
         "matters": matters, "steps": Step.choices},
    )  # fmt: skip
