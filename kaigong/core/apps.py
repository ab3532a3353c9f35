from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kaigong.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Every Django-admin change leaves a before/after audit record (core/audit.py); the
        # admin modules are imported by django.contrib.admin, listed before this app.
        from .audit import audit_admin_site

        audit_admin_site()
