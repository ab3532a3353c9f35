"""Forms of the feedback and complaint pages (labels in Chinese through the catalogue)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kaigong.feedback.constants import (
    AppealGround,
    CallbackOutcome,
    ComplaintCategory,
    Level,
)


class RateForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("Overall satisfaction"),
        choices=Level.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    indicators = forms.MultipleChoiceField(
        label=_("What was good or bad (national indicators)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    local_indicators = forms.MultipleChoiceField(
        label=_("Local extras"), required=False, widget=forms.CheckboxSelectMultiple
    )
    text = forms.CharField(
        label=_("Your words (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, national, local, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].choices = [(i["code"], i["label"]) for i in national.indicators]
        if local is not None:
            self.fields["local_indicators"].choices = [
                (i["code"], i["label"]) for i in local.indicators
            ]
        else:
            del self.fields["local_indicators"]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    department: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Unit that rectifies"), queryset=None, required=False
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class AppealForm(forms.Form):
    ground = forms.ChoiceField(label=_("Ground"), choices=AppealGround.choices)
    reason = forms.CharField(
        label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence = forms.CharField(
        label=_("Evidence"), max_length=8000, widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence_file = forms.FileField(label=_("Evidence file (optional)"), required=False)


class AppealDecisionForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("Review decision"),
        choices=[("1", _("Uphold: annul the rating")), ("0", _("Reject: the rating stands"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Reason of the decision"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class CallbackForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=CallbackOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("What the enterprise said"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ComplaintForm(forms.Form):
    service_center: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Service centre"), queryset=None
    )
    category = forms.ChoiceField(
        label=_("Kind of matter"), choices=ComplaintCategory.choices, initial="simple"
    )
    title = forms.CharField(label=_("What could not be done"), max_length=200)
    content = forms.CharField(
        label=_("Details"), max_length=8000, widget=forms.Textarea(attrs={"rows": 4})
    )
    complainant_name = forms.CharField(label=_("Your name"), max_length=100)
    complainant_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_center"].queryset = centres


class ComplaintActionForm(forms.Form):
    text = forms.CharField(
        label=_("Text"), required=False, max_length=8000, widget=forms.Textarea(attrs={"rows": 4})
    )
    department: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Handling unit"), queryset=None, required=False
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
