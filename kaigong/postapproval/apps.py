from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostApprovalConfig(AppConfig):
    name = "kaigong.postapproval"
    label = "postapproval"
    verbose_name = _("Post-approval supervision")
