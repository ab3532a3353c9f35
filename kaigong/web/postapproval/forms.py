"""Forms of the post-approval manage pages (parsing only; the services decide)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kaigong.postapproval.constants import ObjectType, SampleKind


class CheckItemForm(forms.Form):
    department = forms.ChoiceField(label=_("Department"))
    code = forms.SlugField(
        label=_("Code of the check item"),
        max_length=64,
        help_text=_("Letters, digits and hyphens; it cannot be changed later."),
    )
    name = forms.CharField(label=_("Name of the check item"), max_length=200)
    basis = forms.CharField(
        label=_("Basis"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    object_type = forms.ChoiceField(label=_("Object checked"), choices=ObjectType.choices)
    matter_code = forms.CharField(
        label=_("Matter whose permits are checked"),
        max_length=64,
        required=False,
        help_text=_("The matter's code; empty: every permit of the department's region."),
    )
    ratio_percent = forms.IntegerField(label=_("Ratio (%)"), min_value=1, max_value=100)
    frequency = forms.CharField(label=_("Frequency"), max_length=60)
    method = forms.CharField(label=_("Method"), max_length=100)
    inspector_requirements = forms.CharField(
        label=_("Inspector requirements"), max_length=200, required=False
    )

    def __init__(self, *args, departments=(), editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["department"]).choices = [
            (str(d.public_id), d.name) for d in departments
        ]
        if editing:  # the department and the code of an item stay
            del self.fields["department"]
            del self.fields["code"]


class PlanForm(forms.Form):
    department = forms.ChoiceField(label=_("Department"))
    year = forms.IntegerField(label=_("Year of the plan"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200)
    items = forms.MultipleChoiceField(label=_("Check items"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, departments=(), items=(), editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["department"]).choices = [
            (str(d.public_id), d.name) for d in departments
        ]
        cast(forms.ChoiceField, self.fields["items"]).choices = [
            (str(i.public_id), f"{i.code} · {i.name}（{i.department.name}）") for i in items
        ]
        if editing:
            del self.fields["department"]


class GenerateTasksForm(forms.Form):
    sample_kind = forms.ChoiceField(label=_("Sampling"), choices=SampleKind.choices)
    period_start = forms.DateField(
        label=_("Period from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("Period to"), widget=forms.DateInput(attrs={"type": "date"})
    )
    inspectors_per_target = forms.IntegerField(
        label=_("Inspectors per target"), min_value=1, max_value=5, initial=2
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        return data
