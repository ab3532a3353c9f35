"""Serializers of the calendar API: the due-date query and its explained answer."""

from django.utils.translation import gettext_lazy as _

from rest_framework import serializers

from kaigong.calendars.constants import MAX_DAYS


class DueDateInputSerializer(serializers.Serializer):
    """The query string; for the schema only (parsing is ``api.parsing.due_date_query``)."""

    start = serializers.DateField(help_text=_("Acceptance day (day 0), YYYY-MM-DD."))
    days = serializers.IntegerField(
        min_value=0, max_value=MAX_DAYS, help_text=_("Time limit in working days.")
    )
    region = serializers.RegexField(
        r"^\d{6}$",
        required=False,
        help_text=_("GB/T 2260 region code whose own days override the national calendar."),
    )
    count_start = serializers.BooleanField(
        required=False, default=False, help_text=_("Whether the acceptance day itself counts.")
    )


class SkippedDayOutputSerializer(serializers.Serializer):
    date = serializers.DateField(source="day")
    kind = serializers.CharField(help_text=_("weekend, holiday, in_lieu, local or paused"))
    reason = serializers.CharField(help_text=_("周末, the festival's name, or the pause's reason"))


class AdjustedDayOutputSerializer(serializers.Serializer):
    date = serializers.DateField(source="day")
    reason = serializers.CharField(help_text=_("e.g. 春节调休上班"))


class DueDateOutputSerializer(serializers.Serializer):
    start = serializers.DateField()
    days = serializers.IntegerField()
    count_start = serializers.BooleanField()
    region = serializers.CharField(allow_blank=True)
    due_on = serializers.DateField()
    provisional = serializers.BooleanField(
        help_text=_("True when a day on the way is in a year with no published arrangement.")
    )
    provisional_years = serializers.ListField(child=serializers.IntegerField())
    counted_days = serializers.IntegerField()
    counted_dates = serializers.ListField(child=serializers.DateField())
    skipped = SkippedDayOutputSerializer(many=True)
    adjusted_workdays = AdjustedDayOutputSerializer(many=True)
    explanation = serializers.CharField()


class DueDateInvalidParamSerializer(serializers.Serializer):
    name = serializers.CharField()
    code = serializers.CharField()
    reason = serializers.CharField()


class DueDateProblemSerializer(serializers.Serializer):
    """RFC 7807 problem document (kaigong.api.exception_handler)."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField()
    invalid_params = DueDateInvalidParamSerializer(many=True)
