"""Membership reads: one query per request, and a grant within the request is seen."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from kaigong.accounts.models import Membership
from kaigong.accounts.roles import Role
from kaigong.accounts.selectors import (
    user_department_ids,
    user_enterprise_ids,
    user_has_role,
    user_holds,
    user_roles,
    user_service_center_ids,
)
from kaigong.accounts.services import membership_grant
from kaigong.core.request_cache import request_cache_scope

from .factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_user_holds_matches_role_and_scope():
    user = UserFactory()
    d1, d2 = DepartmentFactory(), DepartmentFactory()
    Membership.objects.create(user=user, role=Role.REVIEWER, department=d1)
    assert user_holds(user, Role.REVIEWER)
    assert user_holds(user, Role.REVIEWER, department_id=d1.pk)
    assert not user_holds(user, Role.REVIEWER, department_id=d2.pk)
    assert not user_holds(user, Role.APPROVER, department_id=d1.pk)
    assert user_holds(user, Role.APPROVER, Role.REVIEWER, department_id=d1.pk)
    assert user_department_ids(user) == {d1.pk}
    assert user_department_ids(user, [Role.APPROVER]) == set()
    assert user_roles(user) == {Role.REVIEWER}
    assert user_enterprise_ids(user) == set()
    assert user_service_center_ids(user) == set()
    assert not user_has_role(user)  # naming no role asks nothing


def test_an_inactive_user_holds_nothing():
    user = UserFactory(is_active=False)
    Membership.objects.create(user=user, role=Role.REVIEWER, department=DepartmentFactory())
    assert not user_holds(user, Role.REVIEWER)
    assert user_roles(user) == set()


def test_within_a_request_the_memberships_are_read_once(django_assert_num_queries):
    user = UserFactory()
    department = DepartmentFactory()
    Membership.objects.create(user=user, role=Role.APPROVER, department=department)
    with request_cache_scope(), django_assert_num_queries(1):
        assert user_holds(user, Role.APPROVER, department_id=department.pk)
        assert user_has_role(user, Role.APPROVER)
        assert user_department_ids(user, [Role.APPROVER]) == {department.pk}
        assert not user_holds(user, Role.SUPERVISOR)


def test_a_grant_within_the_request_is_seen_at_once():
    user = UserFactory()
    department = DepartmentFactory()
    with request_cache_scope():
        assert not user_holds(user, Role.REVIEWER, department_id=department.pk)
        membership_grant(user=user, role=Role.REVIEWER, department=department)
        assert user_holds(user, Role.REVIEWER, department_id=department.pk)


def test_the_request_s_memberships_read_joins_no_users():
    """Sorted by role on the memberships' own columns (the model's order joins the users)."""
    user = UserFactory()
    d1 = DepartmentFactory()
    Membership.objects.create(user=user, role=Role.REVIEWER, department=d1)
    Membership.objects.create(user=user, role=Role.APPROVER, department=d1)
    with CaptureQueriesContext(connection) as queries:
        assert user_roles(user) == {Role.REVIEWER, Role.APPROVER}
    (read,) = queries.captured_queries
    assert "JOIN" not in read["sql"]
    # the role is the first column read: sorted by it, then by the row
    assert read["sql"].endswith('ORDER BY 1 ASC, "accounts_membership"."id" ASC')
