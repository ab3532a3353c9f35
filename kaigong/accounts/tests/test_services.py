from django.db import IntegrityError, transaction

import pytest

from kaigong.accounts.models import Enterprise, Membership
from kaigong.accounts.roles import ROLE_SCOPE, Role, Scope
from kaigong.accounts.services import enterprise_register, membership_grant, user_create
from kaigong.accounts.tests.factories import (
    DepartmentFactory,
    EnterpriseFactory,
    ServiceCenterFactory,
    UserFactory,
    make_uscc,
)
from kaigong.core.exceptions import Conflict, InvalidInput
from kaigong.core.models import AuditRecord


@pytest.mark.django_db
def test_enterprise_register_normalises_the_code_and_audits():
    clerk = UserFactory()

    enterprise = enterprise_register(
        actor=clerk,
        uscc=make_uscc(7).lower(),
        name=" 沂南县城建开发有限公司 ",
        legal_representative="王建国",
    )

    assert enterprise.uscc == make_uscc(7)
    assert enterprise.name == "沂南县城建开发有限公司"
    assert enterprise.registered_by == clerk
    assert AuditRecord.objects.filter(action="enterprise_registered").count() == 1


@pytest.mark.django_db
def test_enterprise_register_rejects_a_bad_code_and_writes_nothing():
    with pytest.raises(InvalidInput) as excinfo:
        enterprise_register(
            actor=None, uscc="91110000600037341M", name="x", legal_representative="y"
        )

    assert excinfo.value.code == "uscc_checksum"
    assert excinfo.value.invalid_params[0]["name"] == "uscc"
    assert Enterprise.objects.count() == 0


@pytest.mark.django_db
def test_duplicate_code_names_the_existing_enterprise_administrator():
    # given an enterprise whose administrator is 李娜
    existing = EnterpriseFactory(uscc=make_uscc(8))
    admin = UserFactory(full_name="李娜")
    membership_grant(user=admin, role=Role.APPLICANT, enterprise=existing, is_enterprise_admin=True)

    # when somebody registers the same code
    with pytest.raises(Conflict) as excinfo:
        enterprise_register(
            actor=None, uscc=make_uscc(8), name="另一家", legal_representative="赵六"
        )

    # then the error points to the administrator and the enterprise, and nothing is added
    assert excinfo.value.code == "enterprise_exists"
    assert "李娜" in str(excinfo.value.message)
    assert excinfo.value.extra["enterprise"] == str(existing.public_id)
    assert Enterprise.objects.count() == 1


@pytest.mark.django_db
def test_user_create_refuses_weak_passwords_and_taken_names():
    user_create(username="zhangsan", password="Strong-Passw0rd-2026")

    with pytest.raises(Conflict) as taken:
        user_create(username="ZhangSan", password="Strong-Passw0rd-2026")
    with pytest.raises(InvalidInput) as weak:
        user_create(username="lisi", password="12345678")

    assert taken.value.code == "username_taken"
    assert weak.value.code == "weak_password"


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_membership_grant_takes_the_scope_of_each_role(role):
    scope_objects = {
        Scope.ENTERPRISE: {"enterprise": EnterpriseFactory()},
        Scope.DEPARTMENT: {"department": DepartmentFactory()},
        Scope.SERVICE_CENTER: {"service_center": ServiceCenterFactory()},
        Scope.PLATFORM: {},
    }
    user = UserFactory()

    membership = membership_grant(user=user, role=role, **scope_objects[ROLE_SCOPE[role]])

    assert membership.role == role
    # a wrong scope is refused for every role
    wrong = (
        {"department": DepartmentFactory()}
        if ROLE_SCOPE[role] != Scope.DEPARTMENT
        else {"enterprise": EnterpriseFactory()}
    )
    with pytest.raises(InvalidInput) as excinfo:
        membership_grant(user=user, role=role, **wrong)
    assert excinfo.value.code == "membership_scope"


@pytest.mark.django_db
def test_database_refuses_a_membership_whose_scope_does_not_fit():
    user = UserFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role=Role.REVIEWER, enterprise=EnterpriseFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role=Role.SUPERVISOR, department=DepartmentFactory())


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.REVIEWER, Role.APPLICANT])
def test_database_refuses_the_same_membership_twice(role):
    scope = {
        Scope.ENTERPRISE: {"enterprise": EnterpriseFactory()},
        Scope.DEPARTMENT: {"department": DepartmentFactory()},
        Scope.PLATFORM: {},
    }[ROLE_SCOPE[role]]
    user = UserFactory()
    Membership.objects.create(user=user, role=role, **scope)

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role=role, **scope)
