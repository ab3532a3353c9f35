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
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from kaigong.accounts.regions import region_choices, validate_known_region
from kaigong.cases.constants import Decision, PauseKind, Recommendation
from kaigong.cases.exceptions import field_problem_text
from kaigong.cases.requirements import PATTERNS
from kaigong.cases.services.intake import form_range_problems
from kaigong.catalog.constants import FieldType
from kaigong.web.widgets import RegionSelect

DATE = forms.DateInput(attrs={"type": "date"})


class CaseStartForm(forms.Form):
    """The project (fixed: the application starts from it), one of its bundles, the matters."""

    project = forms.CharField(widget=forms.HiddenInput)
    bundle = forms.ChoiceField(label=_("Bundled service (一件事)"), widget=forms.RadioSelect)
    matters = forms.MultipleChoiceField(
        label=_("Matters to apply for"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Ticked: what the guide's answers select. Mandatory matters of the bundle are "
            "always included."
        ),
    )

    def __init__(self, *args, project=None, bundles=(), matters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["bundle"].choices = list(bundles)
        self.fields["matters"].choices = list(matters)


YES_NO = [("", "—"), ("yes", _("Yes")), ("no", _("No"))]


def _phone_validator(prop: dict[str, Any]) -> RegexValidator:
    return RegexValidator(PATTERNS[FieldType.PHONE], field_problem_text(prop, "pattern"))


def _schema_field(prop: dict[str, Any], labels: dict[str, str]) -> forms.Field:
    """
    The form field of one schema property: typed (numbers, dates, yes/no), choices shown by
    their labels (``labels``: value → label from the field dictionary), and each problem
    told in a plain sentence for its type.
    """
    kind = prop.get("x-field-type", "string")
    invalid = field_problem_text(prop, "type")
    common: dict[str, Any] = {
        "label": prop.get("title", ""),
        "required": False,  # a draft may be incomplete; submission checks required fields
        "help_text": prop.get("description", ""),
        "error_messages": {"invalid": invalid, "invalid_choice": invalid},
    }
    if kind in ("integer", "decimal"):
        if "x-unit" in prop:
            common["help_text"] = f"{common['help_text']} （{prop['x-unit']}）".strip()
        common["error_messages"] |= {
            "min_value": field_problem_text(prop, "minimum"),
            "max_value": field_problem_text(prop, "maximum"),
        }
        bounds = {"min_value": prop.get("minimum"), "max_value": prop.get("maximum")}
        if kind == "integer":
            return forms.IntegerField(**bounds, **common)
        return forms.DecimalField(
            **bounds, widget=forms.NumberInput(attrs={"step": "any"}), **common
        )
    if kind == "date":
        return forms.DateField(widget=DATE, **common)
    if kind == "boolean":
        return forms.TypedChoiceField(
            choices=YES_NO,
            coerce=lambda value: value == "yes",
            empty_value=None,
            widget=forms.RadioSelect,
            **common,
        )
    if kind == "choice":
        choices = [(v, labels.get(str(v), str(v))) for v in prop.get("enum", [])]
        return forms.ChoiceField(choices=[("", "—"), *choices], **common)
    if kind == "multi_choice":
        values = prop.get("items", {}).get("enum", [])
        return forms.MultipleChoiceField(
            choices=[(v, labels.get(str(v), str(v))) for v in values],
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    if kind == "region":
        return forms.ChoiceField(
            choices=region_choices(blank="—"),
            widget=RegionSelect,
            validators=[validate_known_region],
            **common,
        )
    common["error_messages"]["max_length"] = field_problem_text(prop, "maxLength")
    validators = []
    attrs: dict[str, str] = {}
    if kind == "phone":
        validators.append(_phone_validator(prop))
        attrs = {"type": "tel", "autocomplete": "tel", "placeholder": "13800138000 / 0539-1234567"}
    widget = forms.Textarea(attrs={"rows": 3}) if kind == "text" else forms.TextInput(attrs=attrs)
    return forms.CharField(
        max_length=prop.get("maxLength"), widget=widget, validators=validators, **common
    )


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _initial_value(prop: dict[str, Any], value: Any) -> Any:
    """A stored JSON value as the field's initial value (yes/no for booleans)."""
    if prop.get("x-field-type") == "boolean" and isinstance(value, bool):
        return "yes" if value else "no"
    return value


class MergedForm(forms.Form):
    """
    One field per property of the merged JSON Schema (``case_form_schema``); ``choice_labels``
    maps each choice field's key to its value → label map (from the field dictionary).
    """

    def __init__(
        self,
        *args,
        schema: dict[str, Any],
        choice_labels: dict[str, dict[str, str]] | None = None,
        initial: dict[str, Any] | None = None,
        **kwargs,
    ):
        properties = schema["properties"]
        initial = {
            key: _initial_value(properties.get(key, {}), value)
            for key, value in (initial or {}).items()
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.schema = schema
        required = set(schema.get("required", []))
        for key, prop in properties.items():
            field = _schema_field(prop, (choice_labels or {}).get(key, {}))
            field.required_for_submission = key in required
            field.matters = prop.get("x-matters", [])
            self.fields[key] = field

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # a range ends on or after its start (e.g. 占用结束日期 ≥ 开始日期)
        for problem in form_range_problems(self.schema, self.form_data()):
            if problem["name"] in self.fields and problem["name"] not in self.errors:
                self.add_error(problem["name"], problem["reason"])
        return data

    def form_data(self) -> dict[str, Any]:
        """The cleaned values as JSON, empty ones left out."""
        return {
            key: _json_value(value)
            for key, value in self.cleaned_data.items()
            if value not in (None, "", [])
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

    def __init__(self, *args, materials=(), fields=(), known=None, **kwargs):
        """``known``: {(kind, code): problem} the system found (pre-marked, the clerk
        may untick or add)."""
        super().__init__(*args, **kwargs)
        known = known or {}
        problems = [("missing", _("missing")), ("defective", _("defective"))]
        self.entries = []
        for kind, code, label in [
            *[("material", m.code, m.name) for m in materials],
            *[("field", key, title) for key, title in fields],
        ]:
            name = f"{kind}__{code}"
            problem = known.get((kind, code), "")
            self.fields[name] = forms.ChoiceField(
                label=label,
                required=False,
                choices=[("", "—"), *problems],
                initial=problem,
                help_text=_("Found by the system") if problem else "",
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

    def __init__(self, *args, materials=(), latest_due_on=None, **kwargs):
        """``latest_due_on``: {material code: latest date} of the 容缺 limit, or None."""
        super().__init__(*args, **kwargs)
        latest_due_on = latest_due_on or {}
        self.fields["materials"].choices = [
            (
                m.code,
                _("%(name)s (due by %(date)s at the latest)")
                % {"name": m.name, "date": latest_due_on[m.code].isoformat()}
                if m.code in latest_due_on
                else m.name,
            )
            for m in materials
        ]
        if latest_due_on:
            latest = max(latest_due_on.values())
            field = self.fields["due_on"]
            field.widget = forms.DateInput(attrs={"type": "date", "max": latest.isoformat()})
            self.earliest_due_on = min(latest_due_on.values())
            field.help_text = _(
                "No later than the promised limit of the items that need the materials "
                "(counted in working days from today): each material shows its latest "
                "date; with several, the earliest of them counts."
            )

    def commitment(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "text": data["text"],
            "signer_name": data["signer_name"],
            "materials": data["materials"],
            "due_on": data.get("due_on"),
            "verification_due_on": data.get("verification_due_on"),
        }


CHOOSE = ("", _("— choose —"))


class OpinionForm(forms.Form):
    """The reviewer's opinion: the recommendation is an explicit choice, never a default;
    pre-approval is offered only where the matter version allows it."""

    recommendation = forms.ChoiceField(
        label=_("Recommendation"), choices=[CHOOSE, *Recommendation.choices]
    )
    text = forms.CharField(label=_("Opinion"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, pre_approval_allowed: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not pre_approval_allowed:
            self.fields["recommendation"].choices = [
                c for c in self.fields["recommendation"].choices if c[0] != "pre_approve"
            ]


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[CHOOSE, *Decision.choices])
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


class ExtensionDecisionForm(forms.Form):
    """The approver grants or refuses a pending extension, with a reason."""

    extension = forms.UUIDField(widget=forms.HiddenInput)
    verdict = forms.ChoiceField(
        label=_("Decision on the extension"),
        choices=[CHOOSE, ("approve", _("Grant the extension")), ("reject", _("Refuse it"))],
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,  # the service answers reason_required for a refusal
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to refuse; told to the reviewer who asked."),
    )


class ConsentLetterForm(forms.Form):
    """同意函: lets the matters that accept it start before this one is decided."""

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
