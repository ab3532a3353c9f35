"""Factories for accounts, one per model, with a trait per role where it helps."""

import factory

from kaigong.accounts.models import (
    AdminLevel,
    Department,
    Enterprise,
    Membership,
    ServiceCenter,
    User,
)
from kaigong.accounts.roles import Role
from kaigong.accounts.validators import uscc_check_char

PASSWORD = "Pa55word-for-tests"


def make_uscc(n: int, authority: str = "9", category: str = "1", region: str = "371321") -> str:
    """A valid USCC built from a sequence number (check character computed per GB 32100)."""
    body = f"{authority}{category}{region}{n:09d}"[:17]
    body = body.replace("I", "1").replace("O", "0")
    return body + uscc_check_char(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    code = factory.Sequence(lambda n: f"dept-{n}")
    name = factory.Sequence(lambda n: f"测试局{n}")
    level = AdminLevel.COUNTY
    region_code = "371321"


class ServiceCenterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCenter

    code = factory.Sequence(lambda n: f"center-{n}")
    name = factory.Sequence(lambda n: f"政务服务中心{n}")
    region_code = "371321"


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    uscc = factory.Sequence(lambda n: make_uscc(100000 + n))
    name = factory.Sequence(lambda n: f"测试建设有限公司{n}")
    legal_representative = "张三"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.SUPERVISOR


def user_with_role(role: str, **scope) -> User:
    """A user holding ``role``; the scope object is made when the role needs one."""
    from kaigong.accounts.roles import ROLE_SCOPE, Scope

    scope_kind = ROLE_SCOPE[role]
    if scope_kind == Scope.ENTERPRISE:
        scope.setdefault("enterprise", EnterpriseFactory())
    elif scope_kind == Scope.DEPARTMENT:
        scope.setdefault("department", DepartmentFactory())
    elif scope_kind == Scope.SERVICE_CENTER:
        scope.setdefault("service_center", ServiceCenterFactory())
    membership = MembershipFactory(role=role, **scope)
    return membership.user
