from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchivesConfig(AppConfig):
    name = "kaigong.archives"
    label = "archives"
    verbose_name = _("Archives")

    def ready(self):
        from kaigong.core.relay import outbox_consumer_register

        from .tasks import ARCHIVE_TOPICS, archive_file_on_event

        # Filed when a case moves or certificates issue, not the next night (core/relay.py).
        outbox_consumer_register(
            name="archives.file", topics=ARCHIVE_TOPICS, deliver=archive_file_on_event
        )
