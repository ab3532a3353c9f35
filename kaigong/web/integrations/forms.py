"""Forms of the integrations pages: shapes only, the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kaigong.integrations.services import TOPIC_CHOICES

TOPIC_LABELS = {
    "case.*": _("Case events (accepted, decided, …)"),
    "case_item.*": _("Matter events within a case"),
    "certificates.*": _("Certificate events"),
    "certificates.released": _("Certificates released"),
    "certificates.revoked": _("Certificates revoked"),
    "commitment.*": _("Commitment events"),
    "integrations.*": _("Integration events (certificate expiry)"),
}


class SubscriptionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    url = forms.CharField(
        label=_("Endpoint URL"), max_length=500, help_text=_("The receiver's https address.")
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=[(t, TOPIC_LABELS[t]) for t in TOPIC_CHOICES],
        widget=forms.CheckboxSelectMultiple,
    )
