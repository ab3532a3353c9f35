from django import forms
from django.utils.translation import gettext_lazy as _


class VerifyForm(forms.Form):
    identifier = forms.CharField(
        label=_("Certificate identifier"),
        max_length=120,
        required=False,
        help_text=_("The identifier printed under the QR code, 1.2.156.3005.2…"),
    )
    file = forms.FileField(label=_("Or upload the certificate's PDF"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("identifier") and not data.get("file"):
            raise forms.ValidationError(_("Give the identifier or upload the PDF."))
        return data


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
