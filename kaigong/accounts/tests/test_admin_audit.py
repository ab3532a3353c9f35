"""Every Django-admin change of any model leaves a before/after audit record."""

from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

import pytest

from kaigong.accounts.models import Department, User
from kaigong.accounts.roles import Role
from kaigong.accounts.tests.factories import DepartmentFactory, user_with_role
from kaigong.core.audit import AuditedAdminMixin
from kaigong.core.models import AuditRecord

pytestmark = pytest.mark.django_db


def _superuser(client):
    user = user_with_role(Role.SUPERVISOR)
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(user)
    return user


def test_every_registered_admin_is_audited():
    # the catalogue's admins audit through the catalogue's services; every other one mixes in
    for model, model_admin in admin.site._registry.items():
        audited = isinstance(model_admin, AuditedAdminMixin)
        assert audited or getattr(model_admin, "audited_by_services", False), model


def test_a_department_changed_in_the_admin_keeps_before_and_after(client):
    # given a department and a superuser on its change page
    user = _superuser(client)
    department = DepartmentFactory(name="住建局")
    # when its name is changed in the admin
    response = client.post(
        reverse("admin:accounts_department_change", args=[department.pk]),
        {
            "code": department.code,
            "name": "住房和城乡建设局",
            "short_name": "",
            "level": department.level,
            "region_code": department.region_code,
            "parent": "",
        },
    )
    # then one audit record names the old and new name, and nothing unchanged
    assert response.status_code == 302, response.context["adminform"].form.errors
    record = AuditRecord.objects.get(action="admin_changed", actor=user)
    assert record.object_type == "accounts.department"
    assert record.data["before"] == {"name": "住建局"}
    assert record.data["after"] == {"name": "住房和城乡建设局"}


def test_a_deletion_in_the_admin_keeps_what_was_deleted():
    superuser = User.objects.create_superuser("root", "root@example.com", "x")
    department = DepartmentFactory(name="城管局")
    request = RequestFactory().post("/")
    request.user = superuser
    admin.site._registry[Department].delete_model(request, department)
    record = AuditRecord.objects.get(action="admin_deleted")
    assert record.data["before"]["name"] == "城管局" and record.data["after"] == {}


def test_a_password_change_is_recorded_without_the_hash():
    # given a user whose password an administrator changes through the user admin
    superuser = User.objects.create_superuser("root", "root@example.com", "x")
    target = User.objects.create_user("clerk", password="old-Pass-1")
    old_hash = target.password
    target.set_password("new-Pass-2")
    request = RequestFactory().post("/")
    request.user = superuser
    admin.site._registry[User].save_model(request, target, form=None, change=True)
    # then the record says the password changed and holds neither hash
    record = AuditRecord.objects.get(action="admin_changed")
    assert "password" in record.data["after"]
    text = str(record.data)
    assert old_hash not in text and target.password not in text
