"""
Concurrency on PostgreSQL (skipped on SQLite): threads with their own connections.

* 8 departments deciding at the same instant → concluded once, results handed over once
  (50 rounds);
* two clerks accepting at once → one succeeds, the other gets a 409;
* the same submission replayed 100 times in parallel → one case, one submission;
* eight cases submitted at once → eight consecutive numbers.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

from django.db import connection

import pytest

from kaigong.accounts.roles import Role
from kaigong.accounts.services import membership_grant
from kaigong.accounts.tests.factories import DepartmentFactory, UserFactory
from kaigong.cases.constants import CaseStatus, ItemStatus
from kaigong.cases.hashing import request_fingerprint
from kaigong.cases.models import Case, CaseEvent, CaseItem
from kaigong.cases.services.acceptance import case_accept
from kaigong.cases.services.decision import item_decide
from kaigong.cases.services.drafting import case_create_draft
from kaigong.cases.services.events import case_event_chain_verify
from kaigong.cases.services.intake import case_submit
from kaigong.cases.tests.factories import CaseFactory, lifecycle_world
from kaigong.catalog.constants import BundleKind, RevisionKind
from kaigong.catalog.services import (
    bundle_upsert,
    matter_version_draft,
    revision_create,
    revision_publish,
)
from kaigong.core.exceptions import Conflict
from kaigong.core.models import OutboxMessage

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ISSUE = "kaigong.certificates.services.certificates_issue_for_case"


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers")


def _in_thread(fn):
    def run(*args):
        try:
            return fn(*args)
        finally:
            connection.close()

    return run


def _run_together(calls):
    """Run every call at the same instant; return (results, errors) in order."""
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - collected and asserted by the test
            errors[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def _eight_department_world():
    departments = [DepartmentFactory(name=f"部门{i}", region_code="371321") for i in range(8)]
    world = lifecycle_world(departments=departments[:3])
    revision = revision_create(
        title="八部门", kind=RevisionKind.NEW, effective_on=world.versions["M1"].effective_from
    )
    codes = []
    for i, department in enumerate(departments):
        code = f"P{i}"
        matter_version_draft(
            revision=revision,
            matter_code=code,
            department=department,
            name=f"并联事项{i}",
            statutory_limit=20,
            promised_limit=10,
        )
        codes.append(code)
    revision_publish(revision=revision, actor=None)
    bundle_upsert(
        code="eight",
        name="八部门并联",
        kind=BundleKind.JOINT_REVIEW,
        lead_department=departments[0],
        items=[{"matter": c, "mandatory": True, "order": i} for i, c in enumerate(codes)],
    )
    approvers, reviewers = [], []
    for i, department in enumerate(departments):
        approver = UserFactory(username=f"eight-app{i}")
        membership_grant(user=approver, role=Role.APPROVER, department=department)
        reviewer = UserFactory(username=f"eight-rev{i}")
        membership_grant(user=reviewer, role=Role.REVIEWER, department=department)
        approvers.append(approver)
        reviewers.append(reviewer)
    world.centre.departments.add(*departments)
    return world, departments, approvers, reviewers


def _proposed_eight(world, departments, reviewers):
    case = case_create_draft(actor=world.applicant, project=world.project, bundle_code="eight")
    case = case_submit(case=case, actor=world.applicant)
    case = case_accept(case=case, actor=world.clerk)
    # fixture shortcut: every opinion in (the opinion service is tested elsewhere)
    for department, reviewer in zip(departments, reviewers, strict=True):
        CaseItem.objects.filter(case=case, department=department).update(
            status=ItemStatus.PROPOSED, reviewer=reviewer
        )
    return case


def test_eight_departments_deciding_at_once_conclude_once():
    world, departments, approvers, reviewers = _eight_department_world()
    with mock.patch(ISSUE, return_value=[]) as issue:
        for _round in range(50):
            case = _proposed_eight(world, departments, reviewers)
            items = {i.department_id: i for i in case.items.all()}
            calls = [
                (
                    lambda item=items[d.pk], actor=a: item_decide(
                        item=item, actor=actor, decision="approve"
                    )
                )
                for d, a in zip(departments, approvers, strict=True)
            ]
            before = issue.call_count
            _results, errors = _run_together(calls)
            assert errors == [None] * 8
            case.refresh_from_db()
            assert case.status == CaseStatus.ISSUED
            assert issue.call_count == before + 1
            assert (
                OutboxMessage.objects.filter(
                    topic="case.concluded", key=str(case.public_id)
                ).count()
                == 1
            )
            assert CaseEvent.objects.filter(case=case, data__action="conclude").count() == 1
            assert case_event_chain_verify(case) is None


def test_two_clerks_accepting_at_once_one_wins_one_gets_409():
    world = lifecycle_world()
    second_clerk = UserFactory(username="second-clerk")
    membership_grant(user=second_clerk, role=Role.WINDOW_CLERK, service_center=world.centre)
    for _round in range(5):
        case = CaseFactory(world=world, submitted=True)
        copies = [Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)]
        results, errors = _run_together(
            [
                lambda c=copies[0]: case_accept(case=c, actor=world.clerk),
                lambda c=copies[1]: case_accept(case=c, actor=second_clerk),
            ]
        )
        assert sum(r is not None for r in results) == 1
        conflicts = [e for e in errors if e is not None]
        assert len(conflicts) == 1
        assert isinstance(conflicts[0], Conflict)
        assert conflicts[0].status == 409
        assert conflicts[0].code in {"transition_not_allowed", "stale_version"}
        case.refresh_from_db()
        assert case.status == CaseStatus.ACCEPTED
        assert case.items.count() == 2


def test_the_same_submission_replayed_100_times_makes_one_case():
    world = lifecycle_world()
    body = {"bundle": "kg-bundle", "matters": []}

    @_in_thread
    def create(_):
        return case_create_draft(
            actor=world.applicant,
            project=world.project,
            bundle_code="kg-bundle",
            idempotency_key="create-once",
            fingerprint=request_fingerprint(body),
        ).pk

    with ThreadPoolExecutor(max_workers=10) as pool:
        created = list(pool.map(create, range(100)))
    assert len(set(created)) == 1
    assert Case.objects.filter(project=world.project).count() == 1

    draft = CaseFactory(world=world)  # a ready draft of its own
    from kaigong.cases.tests.factories import upload_all

    upload_all(draft, world.applicant)

    @_in_thread
    def submit(_):
        return case_submit(
            case=Case.objects.get(pk=draft.pk),
            actor=world.applicant,
            idempotency_key="submit-once",
            fingerprint=request_fingerprint({"case": str(draft.public_id)}),
        ).number

    with ThreadPoolExecutor(max_workers=10) as pool:
        numbers = list(pool.map(submit, range(100)))
    assert len(set(numbers)) == 1
    assert CaseEvent.objects.filter(case_id=draft.pk, data__action="submit").count() == 1
    assert (
        OutboxMessage.objects.filter(topic="case.submitted", key=str(draft.public_id)).count() == 1
    )


def test_eight_cases_submitted_at_once_take_eight_consecutive_numbers():
    # given eight ready drafts (the year's counter does not exist yet: the first submits
    # race to create it)
    world = lifecycle_world()
    from kaigong.cases.tests.factories import upload_all

    drafts = [CaseFactory(world=world) for _ in range(8)]
    for draft in drafts:
        upload_all(draft, world.applicant)
    start = threading.Barrier(len(drafts))

    @_in_thread
    def submit(pk):
        start.wait()
        return case_submit(case=Case.objects.get(pk=pk), actor=world.applicant).number

    # when all are submitted at the same instant
    with ThreadPoolExecutor(max_workers=len(drafts)) as pool:
        numbers = list(pool.map(submit, [d.pk for d in drafts]))

    # then each has its own number and together they are 1..8 of the year: no gap, no twin
    serials = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert serials == list(range(1, len(drafts) + 1))
    assert len({n.rsplit("-", 1)[0] for n in numbers}) == 1
