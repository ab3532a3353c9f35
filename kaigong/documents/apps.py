from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "kaigong.documents"
    label = "documents"
    verbose_name = _("Official documents")

    def ready(self) -> None:
        from kaigong.cases.hooks import register_document_listener
        from kaigong.core.relay import outbox_consumer_register
        from kaigong.documents.services import (
            TOPIC_RENDER,
            document_record,
            document_render_on_message,
        )

        # The written notices and decisions follow their case events (ADR 0002, ADR 0005):
        # recorded in the event's transaction, rendered and signed after commit by the
        # relay, retried until it succeeds (services.py)
        register_document_listener(document_record)
        outbox_consumer_register(
            name="documents.render", topics=[TOPIC_RENDER], deliver=document_render_on_message
        )
