from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostApprovalConfig(AppConfig):
    name = "kaigong.postapproval"
    label = "postapproval"
    verbose_name = _("Post-approval supervision")

    def ready(self) -> None:
        from kaigong.cases.hooks import register_event_listener

        from .services import on_case_event

        # ADR 0002: the spine tells us of its events; cases never imports postapproval
        register_event_listener(on_case_event)
