from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "kaigong.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from kaigong.calendars.services import register_calendar_change_listener
        from kaigong.cases.selectors import case_progress_for_project
        from kaigong.cases.services.clock import deadlines_recompute_open
        from kaigong.cases.services.conclusion import case_issue_after_release
        from kaigong.certificates.hooks import register_release_listener
        from kaigong.projects.hooks import set_case_progress_provider

        # A new year's calendar recomputes every open due date (DESIGN.md §5).
        register_calendar_change_listener(deadlines_recompute_open)
        # The service-code tracking page and plan-against-actual read case progress.
        set_case_progress_provider(case_progress_for_project)
        # A case is 已出证 once its last held certificate is released (DESIGN.md §4 rule 4).
        register_release_listener(case_issue_after_release)
