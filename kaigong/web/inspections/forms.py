"""Forms of the inspection and joint-review pages (parsing only; the services decide)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kaigong.inspections.constants import Conclusion, ItemResult, Position, Severity, Topic


class StandardForm(forms.Form):
    matter_version = forms.ChoiceField(label=_("Matter version"))
    title = forms.CharField(label=_("Title"), max_length=200)
    preparation = forms.CharField(label=_("How to prepare (勘前准备)"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


class ChecklistItemForm(forms.Form):
    title = forms.CharField(label=_("What is inspected"), max_length=200)
    method = forms.CharField(label=_("Method"), widget=forms.Textarea(attrs={"rows": 2}))
    pass_criteria = forms.CharField(
        label=_("Pass criteria"), widget=forms.Textarea(attrs={"rows": 2})
    )


class SampleForm(forms.Form):
    item = forms.ChoiceField(label=_("Checklist item"))
    caption = forms.CharField(label=_("Caption"), max_length=200)
    file = forms.FileField(label=_("Picture (PNG, JPEG or WebP)"))


class RequestForm(forms.Form):
    inspectors = forms.MultipleChoiceField(
        label=_("Two inspectors"), widget=forms.CheckboxSelectMultiple
    )
    slot1 = forms.DateTimeField(
        label=_("Slot 1 starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    slot2 = forms.DateTimeField(label=_("Slot 2 starts"), required=False,
                                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))  # fmt: skip
    slot_hours = forms.IntegerField(
        label=_("Length of a slot (hours)"), min_value=1, max_value=8, initial=1
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    planned_working_days = forms.IntegerField(
        label=_("Planned working days"), min_value=1, max_value=60, initial=5,
        help_text=_("The item's clock stops for the inspection; the applicant is told how long."),
    )  # fmt: skip
    site_polygon = forms.CharField(
        label=_("Red line of the site (one vertex a line: latitude,longitude)"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The fence is the project's: filled in, this becomes the project's red line; "
                    "empty, the project's red line or its point and radius stay."),
    )  # fmt: skip


class SlotForm(forms.Form):
    slot = forms.ChoiceField(label=_("Slot"), widget=forms.RadioSelect)


class ResultForm(forms.Form):
    checklist_item = forms.UUIDField(widget=forms.HiddenInput)
    result = forms.ChoiceField(label=_("Result"), choices=ItemResult.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class RecordForm(forms.Form):
    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=Conclusion.choices)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}))
    rectifications = forms.CharField(
        label=_("To rectify (one a line)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SignForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class ConveneForm(forms.Form):
    items = forms.MultipleChoiceField(
        label=_("Items reviewed jointly"), widget=forms.CheckboxSelectMultiple
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    meeting = forms.CharField(
        label=_("Meeting (time, place or video room)"), max_length=200, required=False
    )
    panel_size = forms.IntegerField(label=_("Panel size"), min_value=1, max_value=15, initial=3)
    quorum = forms.IntegerField(
        label=_("Quorum (signed expert opinions needed; empty: more than half)"),
        min_value=1, max_value=15, required=False,
    )  # fmt: skip
    specialties = forms.MultipleChoiceField(label=_("Specialties wanted"), choices=Topic.choices,
                                            required=False, widget=forms.CheckboxSelectMultiple)  # fmt: skip


class RevealForm(forms.Form):
    witnesses = forms.CharField(
        label=_("Witnesses (one a line)"), widget=forms.Textarea(attrs={"rows": 2})
    )


class OpinionForm(forms.Form):
    expert = forms.ChoiceField(label=_("Expert"), required=False)
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    material = forms.CharField(label=_("Material or drawing"), max_length=100)
    clause = forms.CharField(label=_("Standard and clause"), max_length=100)
    position = forms.ChoiceField(label=_("Position"), choices=Position.choices,
                                 initial=Position.MODIFY)  # fmt: skip
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    text = forms.CharField(label=_("Opinion"), widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, max_length=320)
    text = forms.CharField(
        label=_("How the meeting resolved it"), max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


class ExpertForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=100)
    specialties = forms.MultipleChoiceField(label=_("Specialties"), choices=Topic.choices,
                                            widget=forms.CheckboxSelectMultiple)  # fmt: skip
    title = forms.CharField(label=_("Professional title"), max_length=100, required=False)
    employer = forms.CharField(label=_("Employer"), max_length=200, required=False)
