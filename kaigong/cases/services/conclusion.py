"""
Concluding a bundle: exactly once, whichever department finishes last (DESIGN.md §4 rule 7).

``case_conclude_if_done`` runs after every item reaches a concluded status, under the case
row lock. The first caller that finds every item concluded moves the case to
``concluded`` (the version check makes a second attempt fail) and hands every result to
certificates in ONE call. When no result waits for deferred 容缺 materials the case is
``issued`` at once; otherwise when the last certificate is released: the last deferred
material arrives (services/commitments.py) or the joint-issuance condition holding some is
recorded (certificates tell ``case_issue_after_release``). A case is 已出证 only when
every certificate of it is released.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from kaigong.cases.constants import (
    ITEM_APPROVED_STATUSES,
    ITEM_CONCLUDED_STATUSES,
    CaseAction,
    CaseStatus,
    ItemStatus,
)
from kaigong.cases.models import Case, CaseItem
from kaigong.cases.services import handover
from kaigong.cases.services._transition import _case_transition, case_lock
from kaigong.catalog.selectors import departments_by_id, versions_by_id
from kaigong.certificates.constants import CertificateStatus
from kaigong.certificates.selectors import certificate_held_exists


def _results(case: Case, items: list[CaseItem]) -> list:
    """
    The approved items' results, in the bundle's order. ``items``: every item of the case
    as read under its lock after the transaction's last item change (perf: not read again;
    their matters and departments come from the catalogue memo, keyed by the catalogue's
    fingerprint, departments included).
    """
    approved = sorted(
        (i for i in items if i.status in ITEM_APPROVED_STATUSES), key=lambda i: (i.order, i.id)
    )
    versions = versions_by_id(i.matter_version_id for i in approved)
    departments = departments_by_id(i.department_id for i in approved)
    results = []
    for item in approved:
        version = versions[item.matter_version_id]
        results.append(
            handover.ItemResult(
                case_item_id=item.pk,
                matter_version_id=item.matter_version_id,
                decided_on=item.decided_on,
                deferred_materials_outstanding=item.status == ItemStatus.APPROVED_DEFERRED,
                data={
                    **(case.form_data or {}),
                    "case_number": case.number,
                    "project_name": case.project.name,
                    "matter_code": version.matter.code,
                    "matter_name": version.name,
                    "department": departments[item.department_id].name,
                    "decided_on": item.decided_on.isoformat() if item.decided_on else "",
                },
            )
        )
    return results


# perf: part of the caller's transaction, no savepoint of its own (errors abort it all)
@transaction.atomic(savepoint=False)
def _item_statuses(case: Case) -> list[str]:
    return list(case.items.order_by().values_list("status", flat=True))


def case_conclude_if_done(
    *, case: Case, actor: Any, case_locked: bool = False, items: list[CaseItem] | None = None
) -> Case:
    """
    Conclude the case if every item is concluded; hand results over once; issue when
    nothing is deferred. Return the (locked) case. Safe to call any number of times.
    ``case_locked``: ``case`` is the row this transaction locked (perf: not read again).
    ``items``: every item of the case, read under that lock after the transaction's last
    item change (perf: not read again).
    """
    locked = case if case_locked else case_lock(case)
    if locked.status != CaseStatus.ACCEPTED:
        return locked
    if items is None:
        items = list(locked.items.all())
    statuses = [i.status for i in items]
    if not statuses or any(s not in ITEM_CONCLUDED_STATUSES for s in statuses):
        return locked
    now = timezone.now()
    results = _results(locked, items)
    locked = _case_transition(
        case=locked,
        action=CaseAction.CONCLUDE,
        actor=actor,
        changes={"concluded_at": now},
        data={"results": len(results)},
        case_locked=True,
    )
    issued = handover.issue_for_case(
        case_public_id=locked.public_id,
        project_id=locked.project_id,
        enterprise_id=locked.enterprise_id,
        bundle_id=locked.bundle_id,
        results=results,
        actor=actor,
        # perf: the rows the case's lock read with it (cases.services._transition.case_lock)
        project=locked.project,
        holder=locked.enterprise,
    )
    # certificates never write to the case row, nor does concluding to an item: the locked
    # row and the statuses are still current. The certificates just issued are all the
    # case has (a second issuance is refused), so whether one is held (生成中 until the
    # relay renders it, or held by a rule or a deferred material) is known without a query
    return case_issue_if_released(
        case=locked,
        actor=actor,
        case_locked=True,
        statuses=statuses,
        held=any(c.status == CertificateStatus.HELD for c in issued),
    )


# perf: part of the caller's transaction, no savepoint of its own (errors abort it all)
@transaction.atomic(savepoint=False)
def case_issue_if_released(
    *,
    case: Case,
    actor: Any,
    case_locked: bool = False,
    statuses: list[str] | None = None,
    held: bool | None = None,
) -> Case:
    """
    Move a concluded case to ``issued`` once it has results and none is deferred.
    ``case_locked`` and ``statuses`` as for ``case_conclude_if_done`` (``statuses``: of
    every item). ``held``: whether a certificate of the case is held, when the caller knows
    it in this transaction (perf: not asked again); None asks the certificates.
    """
    locked = case if case_locked else case_lock(case)
    if locked.status != CaseStatus.CONCLUDED:
        return locked
    present = set(_item_statuses(locked) if statuses is None else statuses)
    if ItemStatus.APPROVED_DEFERRED in present or ItemStatus.APPROVED not in present:
        return locked
    # rule: 已出证 only when every certificate of the case is released (一次出证, 多证联发
    # held until its condition; DESIGN.md §4 rule 4): a held one keeps the case concluded
    if held or (held is None and certificate_held_exists(locked.public_id)):
        return locked
    return _case_transition(
        case=locked,
        action=CaseAction.ISSUE,
        actor=actor,
        changes={"closed_at": timezone.now()},
        case_locked=True,
    )


def case_issue_after_release(case_public_ids: list, actor: Any) -> None:
    """
    Certificates were released later (多证联发 condition recorded, 容缺 materials in):
    issue each of those cases whose certificates are now all released. Registered with
    ``certificates.hooks`` in ``CasesConfig.ready``; runs in the release's transaction.
    """
    for case in Case.objects.filter(public_id__in=case_public_ids, status=CaseStatus.CONCLUDED):
        case_issue_if_released(case=case, actor=actor)
