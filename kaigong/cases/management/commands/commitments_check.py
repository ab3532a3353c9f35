"""Breach every 容缺 commitment whose materials are overdue (run daily)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kaigong.cases.services.commitments import commitment_breach_check


class Command(BaseCommand):
    help = "Halt cases whose deferred materials were not supplied in time."

    def add_arguments(self, parser):
        parser.add_argument("--on", help="Check as of this date (YYYY-MM-DD); default today.")

    def handle(self, *args, **options):
        on = None
        if options.get("on"):
            try:
                on = date.fromisoformat(options["on"])
            except ValueError:
                raise CommandError(_("--on must be a date as YYYY-MM-DD.")) from None
        breached = commitment_breach_check(on=on)
        self.stdout.write(_("%(count)s commitment(s) breached.") % {"count": len(breached)})
