from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "kaigong.integrations"
    label = "integrations"
    verbose_name = _("Integrations")

    def ready(self):
        from kaigong.core.relay import outbox_consumer_source_register

        from .elicence import elicence_consumers
        from .webhooks import webhook_consumers

        # One relay consumer per active subscription (core/relay.py, #15 §2).
        outbox_consumer_source_register(webhook_consumers)
        # The e-licence library (电子证照库): issued, revoked and expired certificates, while
        # an endpoint is configured.
        outbox_consumer_source_register(elicence_consumers)

        from .observability import task_timer_connect

        task_timer_connect()  # job durations for /metrics
