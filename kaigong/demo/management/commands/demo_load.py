"""``manage.py demo_load [--if-empty]``: load the demo data through the services."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kaigong.core.exceptions import DomainError
from kaigong.demo.loader import demo_load
from kaigong.demo.selectors import demo_figures


class Command(BaseCommand):
    help = _("Load the demo data (DESIGN.md §8) through the services; safe to run twice.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=_("Do nothing unless the database has no users and no catalogue yet."),
        )

    def handle(self, *args, **options):
        try:
            result = demo_load(if_empty=options["if_empty"])
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc}") from None
        if result.skipped:
            self.stdout.write(_("The database is not empty: demo data not loaded."))
            return
        labels = {
            "bundles": _("bundles"),
            "cases": _("applications"),
            "enterprises": _("enterprises"),
            "matters": _("matters"),
            "projects": _("projects"),
            "revisions": _("catalogue revisions"),
            "service_centers": _("service centres"),
            "users": _("users"),
            "windows": _("windows"),
        }
        created = ", ".join(f"{labels.get(k, k)} {v}" for k, v in sorted(result.created.items()))
        self.stdout.write(self.style.SUCCESS(_("Demo data loaded (%(created)s).")
                                             % {"created": created or _("nothing new")}))  # fmt: skip
        figures = demo_figures()
        lines = [
            _("Yinan one-thing bundle: %(before)d materials before merging, %(after)d after.")
            % {"before": figures.yinan_materials_before, "after": figures.yinan_materials_after},
            _("Weifang merged construction-permit matter: %(n)d certificates at once.")
            % {"n": figures.weifang_merged_certificates},
            _("Weifang tracks: %(tracks)s working days.")
            % {"tracks": ", ".join(f"{k} {v}" for k, v in figures.weifang_tracks.items())},
            _("Binzhou joint issuance: %(days)s working days, %(n)d certificates held together.")
            % {"days": figures.binzhou_promised_limit, "n": figures.binzhou_held_certificates},
            _("Gaoming green channel: %(limit)s working days, %(key)s for key projects.")
            % {"limit": figures.gaoming_promised_limit, "key": figures.gaoming_key_project_limit},
        ]
        for line in lines:
            self.stdout.write("  " + line)
