from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "kaigong.feedback"
    label = "feedback"
    verbose_name = _("Feedback: evaluations, callbacks and complaints")

    def ready(self) -> None:
        from kaigong.core.relay import outbox_consumer_register

        from .services.evaluations import INVITATION_TOPICS, invitation_on_event

        # An evaluation invitation follows each service occasion (ADR 0002: cases never
        # imports feedback; the relay hands us its events).
        outbox_consumer_register(
            name="feedback.invitations", topics=INVITATION_TOPICS, deliver=invitation_on_event
        )
