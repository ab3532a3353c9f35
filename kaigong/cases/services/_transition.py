"""
The one path by which a case or an item changes (STYLE.md 3.5, DESIGN.md §4 rule 1).

``_case_transition`` and ``_item_transition``:

1. lock the case row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite serialises writers),
   always the case before its items, so two transitions never deadlock;
2. check the action against the pure table (workflow.py) → ``transition_not_allowed`` 409;
3. update ``WHERE id = … AND version = <the version the caller read>`` and raise
   ``stale_version`` 409 when no row matched, so no update is ever lost;
4. append the chained ``CaseEvent``, moving the case row's ``chain_head`` and
   ``event_count`` in the same UPDATE (the head hashes the last event; the verifier checks);
5. write an outbox row for what other systems must hear of (same transaction);
6. notify the enterprise's inbox (动态告知) in the same transaction, so a committed change
   always has its notice and a failed inbox write rolls the change back (never a 500 after
   a commit, never a lost notice; docs/architecture.md "Notices").

Permission checks happen in the public services before they call these helpers.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kaigong.cases.constants import CaseAction, EventKind, ItemAction
from kaigong.cases.exceptions import StaleVersion
from kaigong.cases.models import Case, CaseEvent, CaseItem
from kaigong.cases.services.events import (
    case_event_record,
    chain_position,
    event_build,
    plain_json,
)
from kaigong.cases.workflow import case_next_status, item_next_status
from kaigong.core.services import notification_send, outbox_emit

# Events other systems must hear of (supervision, archives, the provincial platform).
CASE_OUTBOX = {
    CaseAction.SUBMIT: "case.submitted",
    CaseAction.ACCEPT: "case.accepted",
    CaseAction.REFUSE: "case.refused",
    CaseAction.CONCLUDE: "case.concluded",
    CaseAction.ISSUE: "case.issued",
    CaseAction.HALT: "case.halted",
    CaseAction.WITHDRAW: "case.withdrawn",
}
ITEM_OUTBOX = {
    ItemAction.APPROVE: "case_item.decided",
    ItemAction.APPROVE_DEFERRED: "case_item.decided",
    ItemAction.DENY: "case_item.decided",
    ItemAction.PRE_APPROVE: "case_item.pre_approved",
}
# Status changes the applicant is told about in its inbox.
CASE_NOTICES = {
    CaseAction.ACCEPT,
    CaseAction.REFUSE,
    CaseAction.REQUEST_CORRECTION,
    CaseAction.CONCLUDE,
    CaseAction.ISSUE,
    CaseAction.HALT,
}
ITEM_NOTICES = {
    ItemAction.PAUSE,
    ItemAction.RESUME,
    ItemAction.APPROVE,
    ItemAction.APPROVE_DEFERRED,
    ItemAction.PRE_APPROVE,
    ItemAction.DENY,
    ItemAction.EXTEND,
}


def case_lock(case: Case | int) -> Case:
    """The case row, locked until the end of the transaction, with what transitions read."""
    pk = case if isinstance(case, int) else case.pk
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("project", "bundle", "enterprise")
        .get(pk=pk)
    )


def item_lock(item: CaseItem) -> CaseItem:
    # the reviewer too: the item's answer names them (perf: no query of its own after)
    return (
        CaseItem.objects.select_for_update(of=("self",))
        .select_related("matter_version__matter", "department", "reviewer")
        .get(pk=item.pk)
    )


def _read_with_relations(item: CaseItem) -> bool:
    """Whether ``item`` carries what a transition reads of it (matter, department)."""
    meta = CaseItem._meta
    return (
        meta.get_field("matter_version").is_cached(item)
        and meta.get_field("department").is_cached(item)
        and type(item.matter_version)._meta.get_field("matter").is_cached(item.matter_version)
    )


# The actions whose notice points at the documents section of the case page (the decision,
# the 不予受理决定书, the 准予/不予行政许可决定书 are filed there).
DOCUMENT_ACTIONS = {
    CaseAction.REFUSE,
    CaseAction.CONCLUDE,
    CaseAction.ISSUE,
    ItemAction.APPROVE,
    ItemAction.APPROVE_DEFERRED,
    ItemAction.PRE_APPROVE,
    ItemAction.DENY,
}


def notice_link(case: Case, action: str, data: dict[str, Any] | None = None) -> str:
    """
    Where the notice of ``action`` takes the enterprise: the page where it acts next.
    A correction notice opens the upload of its first material (or the form at its first
    field); a 容缺 acceptance opens the supplement upload of the first deferred material;
    a decision opens the case page at its documents; anything else the case page.
    """
    data = data or {}
    base = f"/cases/{case.public_id}/"
    if action == CaseAction.REQUEST_CORRECTION:
        items = data.get("items") or []
        materials = [i for i in items if i.get("kind") == "material"]
        if materials:
            return f"{base}materials/#m-{materials[0]['code']}"
        if items:
            return f"{base}form/#field-{items[0]['code']}"
    if action == CaseAction.ACCEPT and data.get("deferred"):
        return f"{base}materials/#m-{data['deferred'][0]}"
    if action in DOCUMENT_ACTIONS:
        return f"{base}#documents"
    return base


def _notify(case: Case, kind: str, title: str, link: str) -> None:
    """The enterprise's inbox notice, written in the transaction of the change (one INSERT)."""
    notification_send(kind=kind, title=title, link=link, enterprise=case.enterprise)


def _apply(model, pk: int, expected: int, changes: dict[str, Any], **where: Any) -> None:
    now = timezone.now()
    updated = model.objects.filter(pk=pk, version=expected, **where).update(
        version=F("version") + 1, updated_at=now, **changes
    )
    if updated != 1:
        raise StaleVersion()


def _case_apply_with_event(
    locked: Case, expected: int, changes: dict[str, Any], event_kwargs: dict[str, Any]
) -> CaseEvent:
    """
    Update the case row and move its chain head in the same UPDATE (perf: no round trip
    of its own): the event is hashed first from the head and count the locked row carries,
    and the UPDATE matches ``event_count`` too. If the row had moved on (an event appended
    after it was read), the current head is read and the UPDATE redone; a changed version
    is still ``stale_version``.
    """
    count, head = locked.event_count, locked.chain_head
    for attempt in range(2):
        event = event_build(case=locked, seq=count + 1, prev_hash=head, **event_kwargs)
        chained = {**changes, "event_count": count + 1, "chain_head": event.hash}
        try:
            _apply(Case, locked.pk, expected, chained, event_count=count)
        except StaleVersion:
            current = (
                Case.objects.filter(pk=locked.pk).values_list("version", "event_count").first()
            )
            if attempt or current is None or current[0] != expected:
                raise
            count, head = chain_position(locked.pk)
            continue
        event.save(force_insert=True)
        return event
    raise StaleVersion()  # pragma: no cover - the loop returns or raises


# perf: part of the caller's transaction, no savepoint of its own (errors abort it all)
@transaction.atomic(savepoint=False)
def _case_transition(
    *,
    case: Case,
    action: str,
    actor: Any,
    changes: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
    expected_version: int | None = None,
    case_locked: bool = False,
    event_kind: str = EventKind.CASE_TRANSITION,
) -> Case:
    """
    Move ``case`` along ``action``; return the locked, updated row (see module doc).
    ``event_kind``: what the history calls it when more than a status change (an upload,
    the form saved); the event's data names the action either way.
    ``case_locked``: ``case`` is the row this transaction locked and last changed, or the
    row the caller read for this request with nothing written before (accept): it is used
    as it is, the UPDATE takes the row lock, and a stale one still fails the version check.
    """
    locked = case if case_locked else case_lock(case)
    old = locked.status
    new = case_next_status(old, action)
    expected = case.version if expected_version is None else expected_version
    changes = {"status": new, **(changes or {})}
    event_data = plain_json({"action": action, "from": old, "to": new, **(data or {})})
    event = _case_apply_with_event(
        locked,
        expected,
        changes,
        {"kind": event_kind, "actor": actor, "data": event_data},
    )
    for field, value in changes.items():
        setattr(locked, field, value)
    locked.version = expected + 1
    locked.event_count, locked.chain_head = event.seq, event.hash
    case.version, case.status = locked.version, locked.status
    case.event_count, case.chain_head = locked.event_count, locked.chain_head
    topic = CASE_OUTBOX.get(CaseAction(action))
    if topic:
        outbox_emit(
            topic=topic,
            key=str(locked.public_id),
            payload={"case": str(locked.public_id), "number": locked.number, **event_data},
        )
    if CaseAction(action) in CASE_NOTICES:
        _notify(
            locked,
            f"case_{action}",
            _("Application %(number)s: %(status)s")
            % {"number": locked.number, "status": locked.get_status_display()},
            notice_link(locked, action, event_data),
        )
    return locked


# perf: part of the caller's transaction, no savepoint of its own (errors abort it all)
@transaction.atomic(savepoint=False)
def _item_transition(
    *,
    item: CaseItem,
    action: str,
    actor: Any,
    changes: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> CaseItem:
    """
    Move ``item`` along ``action`` under its case's lock; return the updated row.

    perf: an item read with its matter and department (the selectors' reads, the sibling
    reads of the services) is not read again under a lock of its own. Its version is what
    the UPDATE matches, and the UPDATE takes the row lock: an item that moved on since it
    was read fails as ``stale_version``, exactly as it did when the locked row's status
    was read first (the expected version was always the caller's).
    """
    case = case_lock(item.case_id)
    locked = item if _read_with_relations(item) else item_lock(item)
    locked.case = case
    old = locked.status
    new = item_next_status(old, action)
    expected = item.version if expected_version is None else expected_version
    changes = {"status": new, **(changes or {})}
    _apply(CaseItem, locked.pk, expected, changes)
    for field, value in changes.items():
        setattr(locked, field, value)
    locked.version = expected + 1
    item.version, item.status = locked.version, locked.status
    event_data = {
        "action": str(action),
        "from": str(old),
        "to": str(new),
        "item": str(locked.public_id),
        "matter": locked.matter_version.matter.code,
        **(data or {}),
    }
    event_data = plain_json(event_data)
    case_event_record(
        case=case,
        kind=EventKind.ITEM_TRANSITION,
        actor=actor,
        data=event_data,
        item=locked,
        case_locked=True,  # perf: case_lock() above, same transaction
    )
    topic = ITEM_OUTBOX.get(ItemAction(action))
    if topic:
        outbox_emit(
            topic=topic,
            key=str(locked.public_id),
            payload={"case": str(case.public_id), "number": case.number, **event_data},
        )
    if ItemAction(action) in ITEM_NOTICES:
        _notify(
            case,
            f"item_{action}",
            _("%(matter)s: %(status)s")
            % {"matter": locked.matter_version.name, "status": locked.get_status_display()},
            notice_link(case, action, event_data),
        )
    return locked
