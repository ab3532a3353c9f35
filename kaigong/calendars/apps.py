from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarsConfig(AppConfig):
    name = "kaigong.calendars"
    label = "calendars"
    verbose_name = _("Calendars")

    def ready(self) -> None:
        from kaigong.calendars.services import CALENDAR_CHANGED, calendar_change_deliver
        from kaigong.core.relay import outbox_consumer_register

        # The listeners of a calendar change, retried until they succeed (services.py).
        outbox_consumer_register(
            name="calendars.listeners", topics=[CALENDAR_CHANGED], deliver=calendar_change_deliver
        )
