"""Forms of the centre administrator's staff page: shapes only, the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kaigong.accounts.models import Department, Role
from kaigong.accounts.roles import CENTRE_GRANTABLE_ROLES


def _role_choices():
    return [(str(r), Role(r).label) for r in CENTRE_GRANTABLE_ROLES]


class _RoleFields(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=())
    department = forms.ModelChoiceField(
        label=_("Department (for reviewers, approvers and inspectors)"),
        queryset=Department.objects.none(),
        to_field_name="code",
        required=False,
    )

    def __init__(self, *args, center=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices()
        if center is not None:
            self.fields["department"].queryset = center.departments.order_by("name")


class StaffCreateForm(_RoleFields):
    username = forms.CharField(label=_("User name"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=100)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)

    field_order = ["username", "full_name", "phone", "role", "department"]


class RoleGrantForm(_RoleFields):
    pass
