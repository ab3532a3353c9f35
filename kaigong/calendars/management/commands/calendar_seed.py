"""``manage.py calendar_seed``: load the years chinesecalendar knows and the table lacks."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kaigong.calendars.services import calendar_seed


class Command(BaseCommand):
    help = "Load the national working-day calendar from the chinesecalendar package (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", dest="years", default=None)

    def handle(self, *args, years=None, **options):
        created = calendar_seed(actor=None, years=years)
        self.stdout.write(
            _("Seeded %(n)s year(s): %(years)s")
            % {"n": len(created), "years": ", ".join(str(c.year) for c in created) or "-"}
        )
