"""Forms of the enterprise pages: they parse and check shapes; services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kaigong.accounts.regions import region_choices, validate_known_region
from kaigong.catalog.constants import InvestmentType, QuestionKind
from kaigong.catalog.models import ProcessTrack
from kaigong.projects.constants import KeyProjectLevel, ProjectCategory
from kaigong.web.widgets import RegionSelect


class EnterpriseSignUpForm(forms.Form):
    uscc = forms.CharField(
        label=_("Unified social credit code"),
        max_length=30,
        help_text=_("18 characters, as on the business licence."),
    )
    name = forms.CharField(label=_("Enterprise name"), max_length=200)
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=50)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    full_name = forms.CharField(label=_("Your name"), max_length=100, required=False)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    username = forms.CharField(label=_("User name"), max_length=150, required=False)
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("At least 10 characters, not only digits, not a common password."),
    )

    def __init__(self, *args, on_behalf: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not on_behalf:
            self.fields["username"].required = True
            self.fields["password"].required = True


class ProjectForm(forms.Form):
    enterprise = forms.ModelChoiceField(
        label=_("Enterprise"), queryset=None, to_field_name="public_id", required=False
    )
    name = forms.CharField(label=_("Project name"), max_length=200)
    investment_project_code = forms.CharField(
        label=_("Investment project code"),
        max_length=40,
        required=False,
        help_text=_("24 characters, e.g. 2017-110105-70-03-012345; leave empty if none yet."),
    )
    investment_type = forms.ChoiceField(
        label=_("Investment type"),
        choices=[c for c in InvestmentType.choices if c[0] != InvestmentType.ANY],
        initial=InvestmentType.SOCIAL,
    )
    category = forms.ChoiceField(label=_("Category"), choices=ProjectCategory.choices)
    track = forms.ModelChoiceField(
        label=_("Process track"),
        queryset=ProcessTrack.objects.all(),
        to_field_name="code",
        required=False,
    )
    region_code = forms.ChoiceField(
        label=_("Region"),
        choices=(),
        help_text=_("The county or district where the project is built (GB/T 2260)."),
        validators=[validate_known_region],
        widget=RegionSelect,
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    latitude = forms.DecimalField(
        label=_("Latitude"), max_digits=9, decimal_places=6, required=False
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), max_digits=9, decimal_places=6, required=False
    )
    land_area = forms.DecimalField(
        label=_("Land area (m²)"), max_digits=14, decimal_places=2, required=False, min_value=0
    )
    floor_area = forms.DecimalField(
        label=_("Floor area (m²)"), max_digits=14, decimal_places=2, required=False, min_value=0
    )
    total_investment = forms.DecimalField(
        label=_("Total investment (10 000 yuan)"),
        max_digits=14,
        decimal_places=2,
        required=False,
        min_value=0,
    )
    is_key_project = forms.BooleanField(label=_("Key project"), required=False)
    key_project_level = forms.ChoiceField(
        label=_("Key-project level"), choices=KeyProjectLevel.choices, required=False
    )

    def __init__(self, *args, enterprises=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.fields["region_code"].choices = region_choices(blank=_("Choose a region"))
        if enterprises is not None and enterprises.count() == 1:
            self.fields["enterprise"].initial = enterprises.first().public_id


def answers_from_post(data, questions) -> dict:
    """Question code → answer from the questionnaire form; absent answers clear."""
    answers: dict = {}
    for question in questions:
        key = f"q__{question.code}"
        if question.kind == QuestionKind.MULTIPLE:
            values = data.getlist(key)
            answers[question.code] = values or None
        else:
            value = data.get(key, "")
            if question.kind == QuestionKind.YES_NO and value in ("yes", "no"):
                answers[question.code] = value == "yes"
            else:
                answers[question.code] = value if value != "" else None
    return answers


class TimelineForm(forms.Form):
    start = forms.DateField(label=_("Start date"), required=False)


class SiteForm(forms.Form):
    """The project's site fence (工程项目红线), on the project page for authorised staff."""

    latitude = forms.DecimalField(label=_("latitude"), max_digits=9, decimal_places=6,
                                  required=False)  # fmt: skip
    longitude = forms.DecimalField(label=_("longitude"), max_digits=9, decimal_places=6,
                                   required=False)  # fmt: skip
    radius_m = forms.IntegerField(label=_("site radius (m)"), min_value=10, max_value=20_000,
                                  initial=300)  # fmt: skip
    red_line = forms.CharField(
        label=_("Red line of the site (one vertex a line: latitude,longitude)"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Empty: the fence is the point and the radius."),
    )  # fmt: skip
