"""One person, two roles granted by the centre administrator: separation of duties per item."""

import pytest

from kaigong.accounts.roles import Role
from kaigong.accounts.services import staff_role_grant
from kaigong.accounts.tests.factories import user_with_role
from kaigong.cases.constants import Decision, ErrorCode
from kaigong.cases.services.decision import item_decide
from kaigong.cases.services.review import item_opinion_submit
from kaigong.cases.tests.factories import CaseFactory, item_of, lifecycle_world
from kaigong.core.exceptions import PermissionDenied

pytestmark = pytest.mark.django_db


def test_the_acceptor_with_reviewer_and_approver_roles_cannot_review_or_decide(monday):
    # given a clerk who accepted the case and was then given reviewer and approver roles
    world = lifecycle_world()
    admin = user_with_role(Role.CENTRE_ADMIN, service_center=world.centre)
    case = CaseFactory(world=world, accepted=True)
    item = item_of(case, "M1")
    acceptor = case.accepted_by
    for role in (Role.REVIEWER, Role.APPROVER):
        staff_role_grant(
            actor=admin,
            center=world.centre,
            user=acceptor,
            role=role,
            department=item.department,
        )
    # when the acceptor reviews the item, then: separation_of_duties
    with pytest.raises(PermissionDenied) as excinfo:
        item_opinion_submit(item=item, actor=acceptor, text="同意", recommendation="approve")
    assert excinfo.value.code == ErrorCode.SEPARATION_OF_DUTIES
    # and when another reviewer has reviewed, the acceptor may not decide either
    item_opinion_submit(item=item, actor=world.reviewer1, text="同意", recommendation="approve")
    item.refresh_from_db()
    with pytest.raises(PermissionDenied) as excinfo:
        item_decide(item=item, actor=acceptor, decision=Decision.APPROVE)
    assert excinfo.value.code == ErrorCode.SEPARATION_OF_DUTIES


def test_supervisor_reads_the_item_and_window_pages_without_action_forms(monday):
    # given an accepted case and a supervisor
    from django.test import Client

    world = lifecycle_world()
    case = CaseFactory(world=world, accepted=True)
    item = item_of(case, "M1")
    client = Client()
    client.force_login(world.supervisor)
    # when the supervisor opens the item page and the window page
    item_html = client.get(f"/workbench/items/{item.public_id}/").content.decode()
    window_html = client.get(f"/window/{case.public_id}/").content.decode()
    # then both are marked read-only and carry no action form
    for html in (item_html, window_html):
        assert 'id="read-only"' in html
        assert 'name="action"' not in html
    # and a reviewer of the department gets the opinion form (the flag is the supervisor's)
    reviewer = Client()
    reviewer.force_login(world.reviewer1)
    reviewer_html = reviewer.get(f"/workbench/items/{item.public_id}/").content.decode()
    assert 'id="opinion-form"' in reviewer_html
    assert 'id="read-only"' not in reviewer_html
