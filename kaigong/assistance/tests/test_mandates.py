"""
Mandate scope (授权委托书): every action allowed or refused by scope and validity, for the
helper it names, the enterprise itself, and another helper of the same project; revocation
works from the next request; the event records "X 代 Y（委托书 M）".
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

import pytest

from kaigong.accounts.roles import Role
from kaigong.accounts.services import membership_grant
from kaigong.accounts.tests.factories import UserFactory
from kaigong.assistance.constants import MandateAction
from kaigong.assistance.selectors import mandate_status
from kaigong.assistance.services import mandate_grant, mandate_revoke, mandate_verify
from kaigong.cases.applicable import case_material_needs
from kaigong.cases.models import Case
from kaigong.cases.services.drafting import case_form_data_set
from kaigong.cases.services.intake import case_resubmit, case_submit, case_withdraw
from kaigong.cases.services.materials import case_material_upload
from kaigong.cases.tests.factories import (
    CaseFactory,
    lifecycle_world,
    pdf_file,
    upload_all,
    valid_form,
)
from kaigong.core.exceptions import InvalidInput, PermissionDenied
from kaigong.projects.tests.factories import ProjectFactory

from .conftest import at

pytestmark = pytest.mark.django_db

ALL = list(MandateAction.values)
WRITES = ("draft", "upload", "submit", "answer_corrections")


def _first_material(case):
    return next(n.code for n in case_material_needs(case) if n.required)


CALLS = {
    "draft": lambda u, c: case_form_data_set(case=c, actor=u, data=valid_form()),
    "upload": lambda u, c: case_material_upload(
        case=c, actor=u, material_code=_first_material(c), file=pdf_file()
    ),
    "submit": lambda u, c: case_submit(case=c, actor=u),
    "answer_corrections": lambda u, c: case_resubmit(case=c, actor=u),
}


class _Undo(Exception):
    pass


def _outcome(action, user, case_pk):
    case = Case.objects.get(pk=case_pk)
    try:
        with transaction.atomic():
            CALLS[action](user, case)
            raise _Undo
    except _Undo:
        return "ok"
    except PermissionDenied as denied:
        return denied.code


def _row(user, cases):
    return {a: _outcome(a, user, cases[a]) for a in WRITES}


def _grant(world, actions, *, until=dt.date(2026, 3, 31), start=None, projects=None):
    return mandate_grant(
        actor=world.applicant,
        enterprise=world.enterprise,
        agent=world.helper,
        projects=projects or [world.project],
        actions=actions,
        valid_from=start,
        valid_until=until,
    )


def _scenario(make, check):
    """Grant what ``make`` grants, check, then undo it all (each scenario on its own)."""
    try:
        with transaction.atomic():
            check(make())
            raise _Undo
    except _Undo:
        pass


def test_every_action_is_allowed_or_refused_by_scope_and_validity(monday):
    world = lifecycle_world()
    other_helper = UserFactory(username="helper-b")
    membership_grant(user=other_helper, role=Role.HELPER, service_center=world.centre)
    world.project.helpers.add(other_helper)  # assigned too, but named in no mandate
    ready = CaseFactory(world=world)
    upload_all(ready, world.applicant)
    cases = {
        "draft": CaseFactory(world=world).pk,
        "upload": CaseFactory(world=world).pk,
        "submit": ready.pk,
        "answer_corrections": CaseFactory(world=world, correction_requested=True).pk,
    }
    refused = dict.fromkeys(WRITES, "mandate_required")
    allowed = dict.fromkeys(WRITES, "ok")

    # no mandate: the assigned helper writes nothing; the enterprise does everything
    assert _row(world.helper, cases) == refused
    assert _row(world.applicant, cases) == allowed

    # a mandate for everything: the helper it names, not the other helper
    def full(m):
        assert _row(world.helper, cases) == allowed
        assert _row(other_helper, cases) == refused
        assert _row(world.applicant, cases) == allowed

    _scenario(lambda: _grant(world, ALL), full)

    # one action each: exactly that action
    for action in WRITES:

        def one(m, action=action):
            assert _row(world.helper, cases) == refused | {action: "ok"}

        _scenario(lambda action=action: _grant(world, [action]), one)

    # receiving documents alone lets the helper write nothing
    _scenario(
        lambda: _grant(world, ["receive_documents"]),
        lambda m: _row(world.helper, cases) == refused or pytest.fail("receive covers writes"),
    )

    # a mandate for another project of the enterprise covers nothing here
    elsewhere = ProjectFactory(enterprise=world.enterprise, region_code="371321")
    elsewhere.helpers.add(world.helper)
    _scenario(
        lambda: _grant(world, ALL, projects=[elsewhere]),
        lambda m: _row(world.helper, cases) == refused or pytest.fail("other project"),
    )

    # not yet in force (from tomorrow), then in force when tomorrow comes
    def later(m):
        assert mandate_status(m) == "not_yet"
        assert _row(world.helper, cases) == refused
        monday.move_to(at(2026, 3, 3))
        assert mandate_status(m) == "in_force"
        assert _row(world.helper, cases) == allowed
        monday.move_to(at(2026, 3, 2))

    _scenario(lambda: _grant(world, ALL, start=dt.date(2026, 3, 3)), later)

    # valid until today: in force all day, expired the next day
    def expiring(m):
        monday.move_to(at(2026, 3, 2, 23))
        assert _row(world.helper, cases) == allowed
        monday.move_to(at(2026, 3, 3, 0))
        assert mandate_status(m) == "expired"
        assert _row(world.helper, cases) == refused
        monday.move_to(at(2026, 3, 2))

    _scenario(lambda: _grant(world, ALL, until=dt.date(2026, 3, 2)), expiring)

    # revoked: nothing from then on
    def revoked(m):
        assert _row(world.helper, cases) == allowed
        mandate_revoke(actor=world.applicant, mandate=m, reason="更换帮办员")
        assert mandate_status(m) == "revoked"
        assert _row(world.helper, cases) == refused

    _scenario(lambda: _grant(world, ALL), revoked)

    # withdrawal is never the helper's, whatever the mandate
    def no_withdraw(m):
        with pytest.raises(PermissionDenied):
            case_withdraw(case=Case.objects.get(pk=cases["submit"]), actor=world.helper)

    _scenario(lambda: _grant(world, ALL), no_withdraw)


def test_who_may_grant_and_what_a_mandate_must_name(monday):
    world = lifecycle_world()
    unassigned = UserFactory(username="helper-c")
    membership_grant(user=unassigned, role=Role.HELPER, service_center=world.centre)
    base = {
        "enterprise": world.enterprise,
        "projects": [world.project],
        "actions": ["submit"],
        "valid_until": dt.date(2026, 3, 31),
    }
    # only the enterprise's own account signs, not its helper nor a stranger
    for actor in (world.helper, world.users["stranger"], world.users["clerk"]):
        with pytest.raises(PermissionDenied):
            mandate_grant(actor=actor, agent=world.helper, **base)
    # the helper must be assigned to the project; the scope and the dates must make sense
    with pytest.raises(InvalidInput):
        mandate_grant(actor=world.applicant, agent=unassigned, **base)
    with pytest.raises(InvalidInput):
        mandate_grant(actor=world.applicant, agent=world.helper, **(base | {"actions": ["sign"]}))
    with pytest.raises(InvalidInput):
        mandate_grant(
            actor=world.applicant,
            agent=world.helper,
            **(base | {"valid_until": dt.date(2026, 3, 1)}),
        )
    with pytest.raises(InvalidInput):
        mandate_grant(actor=world.applicant, agent=world.applicant, **base)

    mandate = mandate_grant(actor=world.applicant, agent=world.helper, **base)

    assert mandate.number == "WT202600001"
    assert mandate.signed_by == world.applicant
    assert world.enterprise.name in mandate.text and world.project.name in mandate.text
    assert len(mandate.text_sm3) == 64
    assert mandate_verify(mandate)
    mandate.text = mandate.text.replace("2026-03-31", "2027-03-31")
    assert not mandate_verify(mandate)  # an altered text no longer matches its signature
    # a revoked mandate cannot be revoked again, and only by the enterprise
    with pytest.raises(PermissionDenied):
        mandate_revoke(actor=world.helper, mandate=mandate)


def test_a_submission_under_a_mandate_says_so_in_history_and_acceptance_notice(monday):
    from kaigong.cases.constants import OfficialDocumentKind
    from kaigong.cases.services.acceptance import case_accept
    from kaigong.documents.services import document_issue

    world = lifecycle_world()
    ready = CaseFactory(world=world)
    upload_all(ready, world.applicant)
    mandate = _grant(world, ["submit"])

    submitted = case_submit(case=ready, actor=world.helper)
    accepted = case_accept(case=submitted, actor=world.users["clerk"])

    event = submitted.events.get(data__action="submit")
    assert event.actor == world.helper
    assert event.data["on_behalf"]["number"] == mandate.number == "WT202600001"
    assert event.data["on_behalf"]["enterprise"] == world.enterprise.name
    notice = document_issue(kind=OfficialDocumentKind.ACCEPTANCE_NOTICE, source=accepted)
    sections = notice.data["sections"]
    acted = [s for s in sections if "WT202600001" in " ".join(s.get("paragraphs", []))]
    assert len(acted) == 1
    assert str(world.helper) in acted[0]["paragraphs"][0]
