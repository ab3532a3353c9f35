"""Serializer fields the API shares: text that is text (a JSON number is not an identifier)."""

from django.utils.translation import gettext_lazy as _

from rest_framework import serializers


class StrictCharField(serializers.CharField):
    """A CharField that refuses a JSON number or boolean instead of turning it into text."""

    default_error_messages = {"invalid": _("Not a valid string.")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)
