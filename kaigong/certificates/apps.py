from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "kaigong.certificates"
    label = "certificates"
    verbose_name = _("Certificates")

    def ready(self) -> None:
        from kaigong.core.relay import outbox_consumer_register
        from kaigong.projects.hooks import (
            set_certificate_holds_provider,
            set_held_certificate_types_provider,
        )

        from .constants import TOPIC_RENDER
        from .selectors import certificate_holds_for_project, held_certificate_type_codes
        from .services.render import certificate_render_on_message

        # a decision commits before its certificates render: the relay renders and signs
        # them, retrying until it succeeds (services/render.py)
        outbox_consumer_register(
            name="certificates.render", topics=[TOPIC_RENDER], deliver=certificate_render_on_message
        )

        # 免提交: the guide marks materials a held certificate replaces (projects/hooks.py)
        set_held_certificate_types_provider(held_certificate_type_codes)
        # 已出证 only when all are released: the track page names the held ones and why
        set_certificate_holds_provider(
            lambda project: [
                {"name": h.certificate_type, "reasons": h.reasons()}
                for h in certificate_holds_for_project(project)
            ]
        )
