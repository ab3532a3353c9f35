"""我的空间: an enterprise's valid certificates satisfy later material requirements."""

from datetime import date

import pytest
import time_machine

from kaigong.accounts.roles import Role
from kaigong.accounts.tests.factories import user_with_role
from kaigong.certificates.selectors import (
    certificate_find_valid_for,
    certificate_list_valid_for_enterprise,
    certificate_list_visible_to,
    joint_conditions_for_project,
)
from kaigong.certificates.services import certificate_revoke, joint_issuance_condition_record
from kaigong.certificates.tests.factories import issue, issuing_catalogue
from kaigong.projects.hooks import held_certificate_type_codes

pytestmark = pytest.mark.django_db


def test_valid_certificates_fill_the_library_and_the_projects_hook():
    catalogue = issuing_catalogue()
    certificates = issue(catalogue, decided_on=date(2026, 3, 2))
    holder = certificates[0].holder
    permit = catalogue.types["permit"]

    with time_machine.travel(date(2026, 6, 1)):
        assert certificate_list_valid_for_enterprise(holder).count() == 5
        assert permit.code in held_certificate_type_codes(holder)
        found = certificate_find_valid_for(holder, permit.code)
        assert found is not None
        assert found.certificate_type == permit
        assert certificate_find_valid_for(holder, permit.type_code) == found


def test_revoked_expired_and_held_certificates_satisfy_nothing():
    catalogue = issuing_catalogue()
    certificates = issue(catalogue, decided_on=date(2026, 3, 2))
    holder = certificates[0].holder
    permit = [c for c in certificates if c.certificate_type == catalogue.types["permit"]][0]
    certificate_revoke(
        certificate=permit,
        reason="撤销",
        actor=user_with_role(Role.APPROVER, department=catalogue.department),
    )

    with time_machine.travel(date(2026, 6, 1)):
        assert certificate_find_valid_for(holder, permit.certificate_type.code) is None
        assert certificate_list_valid_for_enterprise(holder).count() == 4
    with time_machine.travel(date(2027, 3, 2)):
        assert certificate_list_valid_for_enterprise(holder).count() == 0
        assert held_certificate_type_codes(holder) == set()

    held_catalogue = issuing_catalogue(joint_rule_types=[])
    held = issue(held_catalogue)
    assert certificate_list_valid_for_enterprise(held[0].holder).count() == 0


def test_visible_list_per_role():
    catalogue = issuing_catalogue()
    certificates = issue(catalogue)
    holder = certificates[0].holder

    assert certificate_list_visible_to(user_with_role(Role.SUPERVISOR)).count() == 5
    assert (
        certificate_list_visible_to(user_with_role(Role.APPLICANT, enterprise=holder)).count() == 5
    )
    staff = user_with_role(Role.REVIEWER, department=catalogue.department)
    assert certificate_list_visible_to(staff).count() == 5
    for outsider in (
        user_with_role(Role.APPLICANT),
        user_with_role(Role.APPROVER),
        user_with_role(Role.WINDOW_CLERK),
        user_with_role(Role.CATALOG_ADMIN),
    ):
        assert certificate_list_visible_to(outsider).count() == 0


def test_joint_conditions_show_what_each_rule_holds_then_who_recorded_it(
    django_assert_num_queries,
):
    # given a bundle whose 联发 rule holds the permit, concluded for a project
    catalogue = issuing_catalogue(joint_rule_types=["permit"])
    certificates = issue(catalogue)
    project = certificates[0].project

    # when nothing is recorded yet: the rule, its types and the held permit (four queries)
    with django_assert_num_queries(4):
        (state,) = joint_conditions_for_project(project, catalogue.bundle)
    assert state.met is False
    assert state.rule.condition_name == "取得土地使用权"
    assert state.type_names == [catalogue.types["permit"].name]
    assert [c.certificate_type for c in state.held] == [catalogue.types["permit"]]

    # then, once the lead department records it, when and by whom, and nothing held
    approver = user_with_role(Role.APPROVER, department=catalogue.department)
    joint_issuance_condition_record(
        rule=state.rule, project_id=project.id, evidence="不动产权证书", actor=approver
    )
    (state,) = joint_conditions_for_project(project, catalogue.bundle)
    assert state.met is True
    assert state.fulfilment.recorded_by == approver
    assert state.held == []


def test_a_bundle_without_rules_has_no_joint_conditions(django_assert_num_queries):
    catalogue = issuing_catalogue()
    project = issue(catalogue)[0].project

    with django_assert_num_queries(1):
        assert joint_conditions_for_project(project, catalogue.bundle) == []
