from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "kaigong.documents"
    label = "documents"
    verbose_name = _("Official documents")

    def ready(self) -> None:
        from kaigong.cases.hooks import register_document_listener
        from kaigong.documents.tasks import document_issue_enqueue

        # The written notices and decisions follow their case events (ADR 0002, ADR 0005).
        register_document_listener(document_issue_enqueue)
