"""
Routing inside an accepted case: which items wait for which, and starting them.

A dependency names a prerequisite matter (catalog.MatterDependency). Only prerequisites
that are items of the same case make an item wait; a prerequisite outside the case is
the window's business (its result is a material, often replaced by a held certificate).

* requires_result: the prerequisite item is approved (with or without deferred materials);
* accepts_pre_approval: … or pre-approved;
* accepts_consent_letter: … or it issued a consent letter (or a pre-approval).

When a prerequisite can no longer be met (denied, withdrawn, terminated) the waiting item
is terminated, with a record of why.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from kaigong.cases.constants import (
    ITEM_APPROVED_STATUSES,
    ConditionalKind,
    DenialKind,
    ItemAction,
    ItemStatus,
)
from kaigong.cases.models import Case, CaseItem, ConditionalResult, Denial
from kaigong.catalog.constants import DependencyKind

DEAD = frozenset({ItemStatus.DENIED, ItemStatus.WITHDRAWN, ItemStatus.TERMINATED})


def _satisfied(kind: str, prerequisite: CaseItem, letters: set[tuple[int, str]]) -> bool:
    if prerequisite.status in ITEM_APPROVED_STATUSES:
        return True
    if kind == DependencyKind.ACCEPTS_PRE_APPROVAL:
        return prerequisite.status == ItemStatus.PRE_APPROVED
    if kind == DependencyKind.ACCEPTS_CONSENT_LETTER:
        return prerequisite.status == ItemStatus.PRE_APPROVED or (
            (prerequisite.pk, ConditionalKind.CONSENT_LETTER) in letters
        )
    return False


def item_blockers(item: CaseItem, siblings: dict[int, CaseItem], letters) -> tuple[list, list]:
    """(unmet, impossible) prerequisite items of ``item`` among ``siblings`` (by matter id)."""
    unmet, impossible = [], []
    for dependency in item.matter_version.dependencies.all():
        prerequisite = siblings.get(dependency.prerequisite_id)
        if prerequisite is None or prerequisite is item:
            continue
        if _satisfied(dependency.kind, prerequisite, letters):
            continue
        (impossible if prerequisite.status in DEAD else unmet).append(prerequisite)
    return unmet, impossible


def _siblings(case: Case) -> tuple[list[CaseItem], dict[int, CaseItem], set]:
    items = list(
        CaseItem.objects.filter(case=case)
        .select_related("matter_version__matter", "case__project", "case__bundle")
        .prefetch_related("matter_version__dependencies", "pauses")
        .order_by("order", "id")
    )
    by_matter = {i.matter_version.matter_id: i for i in items}
    letters = set(ConditionalResult.objects.filter(item__case=case).values_list("item_id", "kind"))
    return items, by_matter, letters


def items_unblock(*, case: Case, actor: Any, on: date) -> list[CaseItem]:
    """
    Start every waiting item whose prerequisites are now met (clock from the next working
    day) and terminate those whose prerequisites failed. Return the items changed.
    """
    changed: list[CaseItem] = []
    # perf: most decisions leave no item waiting; one query instead of four
    if not CaseItem.objects.filter(case=case, status=ItemStatus.WAITING).exists():
        return changed
    while True:
        round_changed = _unblock_pass(case=case, actor=actor, on=on)
        changed += round_changed
        if not any(i.status == ItemStatus.TERMINATED for i in round_changed):
            return changed


def _unblock_pass(*, case: Case, actor: Any, on: date) -> list[CaseItem]:
    from kaigong.cases.services._transition import _item_transition
    from kaigong.cases.services.clock import item_due_changes

    items, by_matter, letters = _siblings(case)
    changed = []
    for item in items:
        if item.status != ItemStatus.WAITING:
            continue
        unmet, impossible = item_blockers(item, by_matter, letters)
        if impossible:
            names = ", ".join(p.matter_version.name for p in impossible)
            updated = _item_transition(
                item=item,
                action=ItemAction.TERMINATE,
                actor=actor,
                data={"prerequisites_failed": [p.matter_version.matter.code for p in impossible]},
            )
            Denial.objects.create(
                case_id=item.case_id,
                item=updated,
                kind=DenialKind.RETURN,
                reason=_("The prerequisite matter was not granted: %(names)s") % {"names": names},
                by=actor if getattr(actor, "pk", None) else None,
            )
            changed.append(updated)
            continue
        if unmet:
            continue
        item.clock_started_on, item.count_start_day = on, False
        changes = {
            "clock_started_on": on,
            "count_start_day": False,
            **item_due_changes(item, on=on, pauses=[]),
        }
        changed.append(
            _item_transition(
                item=item, action=ItemAction.START_REVIEW, actor=actor, changes=changes
            )
        )
    return changed
