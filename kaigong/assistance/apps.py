from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "kaigong.assistance"
    label = "assistance"
    verbose_name = _("Serving the enterprise")

    def ready(self):
        from kaigong.cases.hooks import register_acting_for_checker

        from .selectors import mandate_acting_for

        # ADR 0002: cases asks, assistance answers (a helper writes only under a mandate)
        register_acting_for_checker(mandate_acting_for)
