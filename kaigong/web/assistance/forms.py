"""Forms of the assistance pages (labels in English msgids, Chinese in kaigong/web/locale)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kaigong.accounts.regions import region_choices, validate_known_region
from kaigong.assistance.constants import (
    AssignmentRole,
    HelperLevel,
    MandateAction,
    PolicyKind,
    SuggestionSource,
    SuggestionStatus,
)
from kaigong.catalog.constants import NationalStage
from kaigong.projects.constants import ProjectCategory
from kaigong.web.widgets import RegionSelect


class AssignForm(forms.Form):
    helper = forms.ChoiceField(label=_("Helper"))
    level = forms.ChoiceField(label=_("Level"), choices=HelperLevel.choices)
    role = forms.ChoiceField(label=_("Role"), choices=AssignmentRole.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, helpers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["helper"].choices = [(str(h.public_id), str(h)) for h in helpers]


class HandOverForm(forms.Form):
    assignment = forms.UUIDField(widget=forms.HiddenInput)
    to_helper = forms.ChoiceField(label=_("Hand over to"))
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, helpers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_helper"].choices = [(str(h.public_id), str(h)) for h in helpers]


class EarlyInterventionForm(forms.Form):
    department = forms.ChoiceField(label=_("Department"))
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [(d.code, d.name) for d in departments]


class MandateForm(forms.Form):
    project = forms.ChoiceField(label=_("Project"))
    agent = forms.ChoiceField(label=_("Authorised helper"))
    actions = forms.MultipleChoiceField(
        label=_("Powers"), choices=MandateAction.choices, widget=forms.CheckboxSelectMultiple
    )
    valid_until = forms.DateField(label=_("Valid until"), widget=forms.DateInput({"type": "date"}))

    def __init__(self, *args, projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = [(str(p.public_id), p.name) for p in projects]
        helpers = {}
        for project in projects:
            for helper in project.helpers.all():
                helpers[str(helper.public_id)] = str(helper)
        self.fields["agent"].choices = sorted(helpers.items(), key=lambda kv: kv[1])


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)


class QuestionForm(forms.Form):
    project = forms.ChoiceField(label=_("Project"))
    department = forms.ChoiceField(label=_("Department"))
    matter = forms.CharField(label=_("Matter code (optional)"), required=False, max_length=64)
    text = forms.CharField(label=_("Your question"), widget=forms.Textarea({"rows": 4}))

    def __init__(self, *args, projects=(), departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = [(str(p.public_id), p.name) for p in projects]
        self.fields["department"].choices = [(d.code, d.name) for d in departments]


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea({"rows": 5}))


class PublishForm(forms.Form):
    faq_question = forms.CharField(
        label=_("FAQ question (anonymised)"), required=False, widget=forms.Textarea({"rows": 2})
    )
    faq_answer = forms.CharField(
        label=_("FAQ answer"), required=False, widget=forms.Textarea({"rows": 3})
    )


class PolicyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PolicyKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea({"rows": 5}))
    # a GB/T 2260 division picked by name (web/widgets.py), any level: the policy reaches
    # the projects under it
    region_code = forms.ChoiceField(
        label=_("Target region"),
        choices=(),
        required=False,
        validators=[validate_known_region],
        widget=RegionSelect,
    )
    categories = forms.MultipleChoiceField(
        label=_("Project categories"),
        choices=ProjectCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    stages = forms.TypedMultipleChoiceField(
        label=_("Stages"),
        choices=NationalStage.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    key_projects_only = forms.BooleanField(label=_("Key projects only"), required=False)
    session_at = forms.DateTimeField(
        label=_("Session time"),
        required=False,
        widget=forms.DateTimeInput({"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M"],
    )
    venue = forms.CharField(label=_("Venue"), required=False, max_length=200)
    capacity = forms.IntegerField(label=_("Capacity"), required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        region = self.fields["region_code"]
        assert isinstance(region, forms.ChoiceField)
        region.choices = region_choices(blank=_("Every region"))


class SignUpForm(forms.Form):
    attendee = forms.CharField(label=_("Attendee"), max_length=50)


class AttendanceForm(forms.Form):
    signup = forms.UUIDField(widget=forms.HiddenInput)
    attended = forms.TypedChoiceField(
        label=_("Attended"),
        choices=[("1", _("Attended")), ("0", _("Absent"))],
        coerce=lambda v: v == "1",
    )


class SuggestionForm(forms.Form):
    source = forms.ChoiceField(label=_("Source"), choices=SuggestionSource.choices)
    text = forms.CharField(label=_("Suggestion"), widget=forms.Textarea({"rows": 3}))
    owner = forms.ChoiceField(label=_("Owner department"))
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput({"type": "date"}))

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [(d.code, d.name) for d in departments]


class SuggestionCloseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Result"),
        choices=[(SuggestionStatus.DONE, _("Done")), (SuggestionStatus.DECLINED, _("Declined"))],
    )
    result = forms.CharField(label=_("What was done"), widget=forms.Textarea({"rows": 3}))


class PreReviewRequestForm(forms.Form):
    case = forms.UUIDField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("What should be looked at"), required=False, widget=forms.Textarea({"rows": 3})
    )


class AnnotateForm(forms.Form):
    target = forms.ChoiceField(
        label=_("About"),
        choices=[
            ("field", _("Form field")),
            ("material", _("Material")),
            ("general", _("General")),
        ],
    )
    code = forms.CharField(label=_("Field or material code"), required=False, max_length=64)
    text = forms.CharField(label=_("Suggestion"), widget=forms.Textarea({"rows": 3}))


class ReadForm(forms.Form):
    """The "I have read it" button (no field: the read receipt is the act)."""
