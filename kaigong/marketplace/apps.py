from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "kaigong.marketplace"
    label = "marketplace"
    verbose_name = _("Intermediary marketplace")

    def ready(self) -> None:
        from kaigong.cases.hooks import register_event_listener

        from .services import on_case_event

        # ADR 0002: the spine tells us of its events; cases never imports the marketplace.
        # The relying department's rating is derived when the approval happens.
        register_event_listener(on_case_event)
