"""
Forms of the application pages: the wizard (bundle and matters, the merged form built from
its JSON Schema, materials), the window's decisions and the departments' actions. Forms
only parse; the services decide.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaigong.cases.constants import Decision, PauseKind, Recommendation

DATE = forms.DateInput(attrs={"type": "date"})


class CaseStartForm(forms.Form):
    project = forms.ChoiceField(label=_("Project"))
    bundle = forms.ChoiceField(label=_("Bundled service (一件事)"))
    matters = forms.MultipleChoiceField(
        label=_("Matters to apply for"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Mandatory matters of the bundle are always included."),
    )

    def __init__(self, *args, projects=(), bundles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = [(str(p.public_id), p.name) for p in projects]
        self.fields["bundle"].choices = [(b.code, b.name) for b in bundles]
        self.fields["matters"].choices = [
            (item.matter.code, f"{item.matter.code} {item.matter.name}")
            for b in bundles
            for item in b.items.all()
        ]


def _schema_field(prop: dict[str, Any], required: bool) -> forms.Field:
    kind = prop.get("x-field-type", "string")
    common = {
        "label": prop.get("title", ""),
        "required": False,  # a draft may be incomplete; submission checks required fields
        "help_text": prop.get("description", "")
        + (f" ({prop['x-unit']})" if "x-unit" in prop else ""),
    }
    if kind == "integer":
        return forms.IntegerField(
            min_value=prop.get("minimum"), max_value=prop.get("maximum"), **common
        )
    if kind == "decimal":
        return forms.DecimalField(
            min_value=prop.get("minimum"), max_value=prop.get("maximum"), **common
        )
    if kind == "date":
        return forms.DateField(widget=DATE, **common)
    if kind == "boolean":
        return forms.BooleanField(**common)
    if kind == "choice":
        return forms.ChoiceField(choices=[("", "—"), *[(v, v) for v in prop["enum"]]], **common)
    if kind == "multi_choice":
        choices = [(v, v) for v in prop["items"]["enum"]]
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    widget = forms.Textarea(attrs={"rows": 3}) if kind == "text" else None
    return forms.CharField(max_length=prop.get("maxLength"), widget=widget, **common)


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


class MergedForm(forms.Form):
    """One field per property of the merged JSON Schema (``case_form_schema``)."""

    def __init__(self, *args, schema: dict[str, Any], **kwargs):
        super().__init__(*args, **kwargs)
        required = set(schema.get("required", []))
        for key, prop in schema["properties"].items():
            field = _schema_field(prop, key in required)
            field.required_for_submission = key in required
            field.matters = prop.get("x-matters", [])
            self.fields[key] = field

    def form_data(self) -> dict[str, Any]:
        """The cleaned values as JSON, empty ones left out."""
        return {
            key: _json_value(value)
            for key, value in self.cleaned_data.items()
            if value not in (None, "", [], False)
            or isinstance(self.fields[key], forms.BooleanField)
        }


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=2000)
    applicant_rights = forms.CharField(
        label=_("Applicant's rights"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Left empty: the standard text on review and litigation is used."),
    )


class CorrectionForm(forms.Form):
    """One checkbox per material and field; every ticked entry goes into one notice."""

    note = forms.CharField(
        label=_("Note to the applicant"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, materials=(), fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        problems = [("missing", _("missing")), ("defective", _("defective"))]
        self.entries = []
        for kind, code, label in [
            *[("material", m.code, m.name) for m in materials],
            *[("field", key, title) for key, title in fields],
        ]:
            name = f"{kind}__{code}"
            self.fields[name] = forms.ChoiceField(
                label=label, required=False, choices=[("", "—"), *problems]
            )
            self.entries.append((kind, code, name))

    def items(self) -> list[dict[str, str]]:
        return [
            {"kind": kind, "code": code, "problem": self.cleaned_data[name]}
            for kind, code, name in self.entries
            if self.cleaned_data.get(name)
        ]


class CommitmentForm(forms.Form):
    """容缺受理 (materials follow by a date) or 告知承诺 (a commitment replaces proofs)."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            ("deferral", _("Deferred materials (容缺受理)")),
            ("undertaking", _("Notification and commitment (告知承诺)")),
        ],
    )
    materials = forms.MultipleChoiceField(
        label=_("Materials covered"), widget=forms.CheckboxSelectMultiple
    )
    text = forms.CharField(
        label=_("Commitment as signed"), widget=forms.Textarea(attrs={"rows": 3})
    )
    signer_name = forms.CharField(label=_("Signed by"), max_length=100)
    due_on = forms.DateField(label=_("Materials due on"), required=False, widget=DATE)
    verification_due_on = forms.DateField(
        label=_("Verification due on"), required=False, widget=DATE
    )

    def __init__(self, *args, materials=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["materials"].choices = [(m.code, m.name) for m in materials]

    def commitment(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "text": data["text"],
            "signer_name": data["signer_name"],
            "materials": data["materials"],
            "due_on": data.get("due_on"),
            "verification_due_on": data.get("verification_due_on"),
        }


class OpinionForm(forms.Form):
    recommendation = forms.ChoiceField(label=_("Recommendation"), choices=Recommendation.choices)
    text = forms.CharField(label=_("Opinion"), widget=forms.Textarea(attrs={"rows": 4}))


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    legal_basis = forms.CharField(label=_("Legal basis"), required=False, max_length=2000)
    applicant_rights = forms.CharField(
        label=_("Applicant's rights"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for a denial: where and within how long to seek review."),
    )


class PauseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PauseKind.choices)
    reason = forms.CharField(label=_("Reason"), max_length=2000)
    evidence = forms.CharField(label=_("Evidence"), max_length=2000)
    planned_working_days = forms.IntegerField(
        label=_("Planned working days"),
        min_value=1,
        max_value=365,
        help_text=_("The applicant is told in writing how long the procedure will take."),
    )


class ExtendForm(forms.Form):
    working_days = forms.IntegerField(label=_("Working days"), min_value=1, max_value=15)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class PreApproveForm(forms.Form):
    conditions = forms.CharField(
        label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class WorklistFilterForm(forms.Form):
    warning = forms.ChoiceField(
        label=_("Warning"),
        required=False,
        choices=[
            ("", _("All")),
            ("red", _("Overdue")),
            ("yellow", _("Due soon")),
            ("green", _("On time")),
        ],
    )
    status = forms.CharField(required=False, widget=forms.HiddenInput)


class JointConditionForm(forms.Form):
    """十证联发: the evidence that a joint-issuance condition is met. The service checks it."""

    evidence = forms.CharField(
        label=_("Evidence"),
        required=False,  # the service answers evidence_required, in its own words
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "required": True}),
        help_text=_("What proves the condition, e.g. the land-use right deed."),
    )
    evidence_reference = forms.CharField(
        label=_("Evidence reference"),
        required=False,
        max_length=200,
        help_text=_("Number of the deed or identifier of the certificate that proves it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].required_for_submission = True
